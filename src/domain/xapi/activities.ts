// Canonical activity definitions, which the activities resource returns. The
// LRS assembles one per activity from the definitions that clients allowed to
// define (scope define or all) send in statements: every language of a name or
// description is kept (the spec asks for all the information any statement
// gave), and a later definition replaces the other properties it carries.
// Statements from other clients are stored as sent but change no definition.
// Pure.

import type { Json } from './statement.js';

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface DefinedActivity {
  readonly id: string;
  readonly definition: Json;
}

function activitiesOf(value: unknown, out: DefinedActivity[]): void {
  for (const a of Array.isArray(value) ? value : [value]) {
    if (isObject(a) && typeof a['id'] === 'string' && isObject(a['definition'])) out.push({ id: a['id'], definition: a['definition'] });
  }
}

/** Every activity with a definition in a statement: the object, context activities, and a sub-statement's. */
export function definedActivities(statement: Json): DefinedActivity[] {
  const out: DefinedActivity[] = [];
  const visit = (s: Json): void => {
    const obj = s['object'];
    if (isObject(obj)) {
      if (obj['objectType'] === undefined || obj['objectType'] === 'Activity') activitiesOf(obj, out);
      else if (obj['objectType'] === 'SubStatement') visit(obj);
    }
    const context = s['context'];
    if (isObject(context) && isObject(context['contextActivities'])) for (const v of Object.values(context['contextActivities'])) activitiesOf(v, out);
  };
  visit(statement);
  return out;
}

const LANGUAGE_MAPS = new Set(['name', 'description']);
const COMPONENT_LISTS = new Set(['choices', 'scale', 'source', 'target', 'steps']);

function mergeComponents(before: unknown, after: unknown[]): unknown[] {
  if (!Array.isArray(before)) return after;
  return after.map((c) => {
    if (!isObject(c)) return c;
    const old: unknown = before.find((b: unknown) => isObject(b) && b['id'] === c['id']);
    if (!isObject(old) || !isObject(old['description']) || !isObject(c['description'])) return c;
    return { ...c, description: { ...old['description'], ...c['description'] } };
  });
}

/** The canonical definition after a define-capable client sends `incoming`. */
export function mergeDefinition(canonical: Json | null, incoming: Json): Json {
  if (canonical === null) return { ...incoming };
  const out: Json = { ...canonical };
  for (const [key, value] of Object.entries(incoming)) {
    const before = canonical[key];
    if ((LANGUAGE_MAPS.has(key) || key === 'extensions') && isObject(value) && isObject(before)) out[key] = { ...before, ...value };
    else if (COMPONENT_LISTS.has(key) && Array.isArray(value)) out[key] = mergeComponents(before, value);
    else out[key] = value;
  }
  return out;
}
