// Reading scenario files (YAML or JSON) from disk, following `extends`
// relative to the file that names it; and changing scenario text in place for
// the web workspace (form edits, copies, a baseline from the staff directory)
// so that a YAML file keeps its comments (the sources of its figures) and its
// layout as far as the change allows.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, isSeq, parse as parseYaml, parseDocument, type Document, type Node } from 'yaml';
import { mergeScenario, resolveScenario, withoutStaleWelsh, scenarioError, type Scenario, type ScenarioSource } from '../../domain/workforce/scenario.js';

/** Parse scenario text; YAML is a superset of JSON, but .json files are parsed strictly. */
export function parseScenarioText(text: string, file: string): ScenarioSource {
  try {
    const data: unknown = file.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    return { file, data };
  } catch (error) {
    throw scenarioError([{ file, path: '', message: `not readable as ${file.toLowerCase().endsWith('.json') ? 'JSON' : 'YAML'}: ${error instanceof Error ? error.message : String(error)}` }]);
  }
}

export function readScenarioSource(path: string): ScenarioSource {
  return parseScenarioText(readFileSync(path, 'utf8'), path);
}

/** Load, resolve `extends` and validate a scenario file. */
export function loadScenarioFile(path: string): Scenario {
  return resolveScenario(readScenarioSource(resolve(path)), (name, from) => readScenarioSource(resolve(dirname(from), name)));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Resolve and validate a scenario, and also give its data with every `extends`
 * merged in and `extends` itself removed: a file that reproduces the scenario
 * on its own (`genomeg plan` runs it), whatever later happens to its bases.
 */
export function resolveWithData(source: ScenarioSource, load: (name: string, from: string) => ScenarioSource): { scenario: Scenario; data: Record<string, unknown> } {
  const scenario = resolveScenario(source, load);
  // resolveScenario has followed the chain without a cycle or an unreadable base.
  const chain: ScenarioSource[] = [source];
  for (let current = source; isRecord(current.data) && typeof current.data['extends'] === 'string';) {
    current = load(current.data['extends'], current.file);
    chain.push(current);
  }
  let merged: unknown = {};
  for (const layer of chain.reverse()) {
    const rest = { ...(layer.data as Record<string, unknown>) };
    delete rest['extends'];
    merged = mergeScenario(withoutStaleWelsh(merged, rest), rest);
  }
  return { scenario, data: merged as Record<string, unknown> };
}

export type ScenarioTextFormat = 'yaml' | 'json';

/** One step of a path into scenario data: a key, or the list item whose fields match (made if missing). */
export type PathStep = string | { readonly match: Readonly<Record<string, string>> };

export interface ScenarioEdit {
  readonly path: readonly PathStep[];
  /** undefined: remove the key the path ends at. */
  readonly value: unknown;
  /** A YAML comment for the list item the path's last match step finds or makes. */
  readonly comment?: string;
}

function matches(item: unknown, match: Readonly<Record<string, string>>): boolean {
  return isRecord(item) && Object.entries(match).every(([k, v]) => item[k] === v);
}

/** The value a path makes from its first missing step on. */
function build(match: Readonly<Record<string, string>>, rest: readonly PathStep[], value: unknown): Record<string, unknown> {
  const item: Record<string, unknown> = { ...match };
  let at = item;
  rest.forEach((step, i) => {
    if (typeof step !== 'string') throw new Error('a path may match a list item only once after a missing step');
    if (i === rest.length - 1) at[step] = value;
    else at = (at[step] = {});
  });
  return item;
}

function editJson(data: Record<string, unknown>, edit: ScenarioEdit): void {
  let parent: Record<string, unknown> = data;
  const steps = edit.path;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    const last = i === steps.length - 1;
    if (typeof step === 'string') {
      if (last) {
        if (edit.value === undefined) Reflect.deleteProperty(parent, step);
        else parent[step] = edit.value;
        return;
      }
      const next = steps[i + 1];
      if (typeof next !== 'string' && next !== undefined) {
        const list = Array.isArray(parent[step]) ? parent[step] as unknown[] : (parent[step] = []) as unknown[];
        const found = list.find((item) => matches(item, next.match));
        if (found === undefined) {
          list.push(build(next.match, steps.slice(i + 2), edit.value));
          return;
        }
        parent = found as Record<string, unknown>;
        i++;
        if (i === steps.length - 1) throw new Error('a path must not end with a match step');
        continue;
      }
      parent = isRecord(parent[step]) ? parent[step] : (parent[step] = {});
    } else {
      throw new Error('a match step must follow a key');
    }
  }
}

function keyOf(node: unknown): string {
  return isScalar(node) ? String(node.value) : String(node);
}

/** Set a value, changing scalars in place where the shapes agree so their comments stay. */
function patchYaml(doc: Document, keys: readonly (string | number)[], value: unknown): void {
  const node = doc.getIn(keys, true);
  if (isRecord(value) && isMap(node)) {
    const have = node.items.map((p) => keyOf(p.key)).sort();
    const want = Object.keys(value).sort();
    if (have.length === want.length && have.every((k, i) => k === want[i])) {
      for (const k of want) patchYaml(doc, [...keys, k], value[k]);
      return;
    }
  } else if (Array.isArray(value) && isSeq(node) && node.items.length === value.length) {
    value.forEach((v, i) => { patchYaml(doc, [...keys, i], v); });
    return;
  } else if (!isRecord(value) && !Array.isArray(value) && isScalar(node)) {
    if (node.value !== value) node.value = value;
    return;
  }
  doc.setIn(keys, doc.createNode(value, { flow: true }));
}

function editYaml(doc: Document, edit: ScenarioEdit): void {
  const keys: (string | number)[] = [];
  const steps = edit.path;
  let item: Node | undefined;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (typeof step !== 'string') throw new Error('a match step must follow a key');
    keys.push(step);
    const next = steps[i + 1];
    if (next === undefined || typeof next === 'string') continue;
    const list = doc.getIn(keys, true);
    const index = isSeq(list) ? list.items.findIndex((n) => matches(isMap(n) ? n.toJSON() : undefined, next.match)) : -1;
    if (index < 0) {
      const made = doc.createNode(build(next.match, steps.slice(i + 2), edit.value), { flow: true });
      if (edit.comment !== undefined) made.comment = ` ${edit.comment}`;
      if (isSeq(list)) list.add(made);
      else doc.setIn(keys, doc.createNode([made]));
      return;
    }
    item = (list as { items: Node[] }).items[index];
    keys.push(index);
    i++;
  }
  if (edit.value === undefined) {
    doc.deleteIn(keys);
    return;
  }
  patchYaml(doc, keys, edit.value);
  if (item !== undefined && edit.comment !== undefined) item.comment = ` ${edit.comment}`;
}

/**
 * Apply edits to scenario text. YAML keeps its comments (a changed figure keeps
 * the comment that cites its source); JSON is written with two-space indents.
 * The caller validates the result.
 */
export function editScenarioText(text: string, format: ScenarioTextFormat, edits: readonly ScenarioEdit[]): string {
  if (format === 'json') {
    const data = JSON.parse(text) as unknown;
    if (!isRecord(data)) throw new Error('a scenario must be a JSON object');
    for (const edit of edits) editJson(data, edit);
    return `${JSON.stringify(data, null, 2)}\n`;
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw doc.errors[0] ?? new Error('unreadable YAML');
  if (!isMap(doc.contents)) throw new Error('a scenario must be a YAML mapping');
  for (const edit of edits) editYaml(doc, edit);
  return doc.toString({ lineWidth: 0 });
}
