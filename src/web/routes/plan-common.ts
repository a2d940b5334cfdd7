// What the planner's workspace routes share: reading a stored scenario (with
// `extends` naming another saved scenario by its id) and the run it made, and
// the field of a form body whether it came url-encoded or as multipart.

import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { MultipartValue } from '@fastify/multipart';
import { DomainError, isDomainError } from '../../domain/errors.js';
import { validateScenario, type Scenario, type ScenarioIssue } from '../../domain/workforce/scenario.js';
import { mayChangeScenario, type ScenarioActor, type ScenarioFormat, type ScenarioStore, type StoredRun, type StoredScenario } from '../../db/stores/scenario-store.js';
import type { User } from '../../db/stores/user-store.js';
import { parseScenarioText, resolveWithData } from '../../services/workforce/scenario-files.js';
import type { RunResult } from '../../services/workforce/run-jobs.js';

export const Id = z.uuid();

export function text(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (typeof value === 'string') return value;
  const part = value as MultipartValue | undefined;
  return part !== undefined && typeof part.value === 'string' ? part.value : undefined;
}

export type Checked = { scenario: Scenario; data: Record<string, unknown>; format: ScenarioFormat } | { issues: readonly ScenarioIssue[] };

/**
 * Checked scenarios by their text and every saved scenario's text: reading the
 * Welsh baseline's YAML takes 10–50 ms (more on a busy machine), and the edit
 * page read it up to four times a request (issue 14 item 17: about 2 s). The
 * same text with the same bases always checks the same, so the answer is kept
 * (callers only read it).
 */
const CHECKED_LIMIT = 100;
const checkedCache = new Map<string, Checked>();

/**
 * Resolve and validate scenario text; `extends` names another stored scenario
 * by its id (slug). Also gives the scenario's data with every base merged in.
 */
export async function check(store: ScenarioStore, source: string, fileName: string): Promise<Checked> {
  const stored = await store.currentSources();
  const hash = createHash('sha256').update(fileName).update('\0').update(source);
  for (const [slug, base] of stored) hash.update(`\0${slug}\0${base.format}\0`).update(base.source);
  const key = hash.digest('base64');
  const kept = checkedCache.get(key);
  if (kept !== undefined) return kept;
  const checked = checkUncached(stored, source, fileName);
  checkedCache.set(key, checked);
  if (checkedCache.size > CHECKED_LIMIT) checkedCache.delete(checkedCache.keys().next().value ?? key);
  return checked;
}

function checkUncached(stored: Map<string, { source: string; format: ScenarioFormat }>, source: string, fileName: string): Checked {
  const format: ScenarioFormat = fileName.toLowerCase().endsWith('.json') || source.trimStart().startsWith('{') ? 'json' : 'yaml';
  const named = format === 'json' && !fileName.endsWith('.json') ? `${fileName}.json` : fileName;
  try {
    const { scenario, data } = resolveWithData(parseScenarioText(source, named), (name) => {
      const slug = name.replace(/\.(ya?ml|json)$/i, '');
      const base = stored.get(slug);
      if (base === undefined) throw new Error('no saved scenario has that id');
      return parseScenarioText(base.source, `${slug}.${base.format}`);
    });
    return { scenario, data, format };
  } catch (error) {
    if (isDomainError(error) && error.code === 'GNM_SCENARIO_INVALID') return { issues: error.details as ScenarioIssue[] };
    throw error;
  }
}

export function checkStored(store: ScenarioStore, stored: StoredScenario): Promise<Checked> {
  return check(store, stored.source, `${stored.slug}.${stored.format}`);
}

/** The current version of a saved scenario, or GNM_NOT_FOUND. */
export async function scenarioOr404(store: ScenarioStore, id: string): Promise<StoredScenario> {
  const parsed = Id.safeParse(id);
  const scenario = parsed.success ? await store.getScenario(parsed.data) : null;
  if (scenario === null) throw new DomainError('GNM_NOT_FOUND');
  return scenario;
}

/** The person asking, as the scenario store judges who may change or delete a scenario. */
export function actorOf(user: User): ScenarioActor {
  return { userId: user.id, platformAdmin: user.grants.some((g) => g.role === 'platform-admin') };
}

/** Scenarios have an owner: others may read, run and copy one; only the owner or a platform administrator changes or deletes it. */
export function mayChange(stored: { readonly ownerUserId: string | null }, user: User): boolean {
  return mayChangeScenario(stored, actorOf(user));
}

/** GNM_FORBIDDEN unless this person may change the scenario. */
export function changeableOr403(stored: StoredScenario, user: User): void {
  if (!mayChange(stored, user)) throw new DomainError('GNM_FORBIDDEN');
}

export async function runOr404(store: ScenarioStore, id: string): Promise<StoredRun> {
  const parsed = Id.safeParse(id);
  const run = parsed.success ? await store.getRun(parsed.data) : null;
  if (run === null) throw new DomainError('GNM_NOT_FOUND');
  return run;
}

/** A finished run and its result, or GNM_NOT_FOUND. */
export async function doneRunOr404(store: ScenarioStore, id: string): Promise<StoredRun & { result: RunResult }> {
  const run = await runOr404(store, id);
  if (run.status !== 'done') throw new DomainError('GNM_NOT_FOUND');
  return run as StoredRun & { result: RunResult };
}

/**
 * The scenario a run ran: as stored with the run, or (runs stored before the
 * scenario was kept with them) its version resolved against today's bases.
 */
export async function scenarioOfRun(store: ScenarioStore, run: StoredRun): Promise<{ scenario: Scenario; data: Record<string, unknown> } | undefined> {
  if (run.scenarioJson !== null) {
    const data = JSON.parse(run.scenarioJson) as Record<string, unknown>;
    return { scenario: validateScenario({ file: 'scenario.json', data }), data };
  }
  const stored = await store.getScenario(run.scenarioId, run.scenarioVersion);
  if (stored === null) return undefined;
  const checked = await checkStored(store, stored);
  return 'issues' in checked ? undefined : checked;
}

/**
 * A scenario's name and description in the page's language, from its data
 * (as saved, or as run): `nameCy` / `descriptionCy` on Welsh pages where they
 * are given, else the English.
 */
export function localScenarioText(data: Readonly<Record<string, unknown>> | undefined, lang: 'en' | 'cy'): { name?: string; description?: string } {
  if (data === undefined) return {};
  const text = (key: string): string | undefined => (typeof data[key] === 'string' && data[key] !== '' ? data[key] : undefined);
  const name = (lang === 'cy' ? text('nameCy') : undefined) ?? text('name');
  const description = (lang === 'cy' ? text('descriptionCy') : undefined) ?? text('description');
  return { ...(name === undefined ? {} : { name }), ...(description === undefined ? {} : { description }) };
}

/** The Welsh name a run's scenario had when it was run, if it had one. */
export function welshNameOfRun(run: StoredRun): string | undefined {
  if (run.scenarioJson === null) return undefined;
  try {
    const data = JSON.parse(run.scenarioJson) as unknown;
    const nameCy = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)['nameCy'] : undefined;
    return typeof nameCy === 'string' && nameCy !== '' ? nameCy : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Welsh name of every saved scenario by its id (slug), from its current
 * version with its bases merged in, where it has one (for the Welsh list of
 * scenarios; the English is shown where it has none).
 */
export async function welshScenarioNames(store: ScenarioStore): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const [slug, { source, format }] of await store.currentSources()) {
    const checked = await check(store, source, `${slug}.${format}`);
    const name = 'issues' in checked ? undefined : localScenarioText(checked.data, 'cy').name;
    if (name !== undefined) names.set(slug, name);
  }
  return names;
}

/** The name to link a run's page back to its scenario by: the name as run, in Welsh on Welsh pages where it had one. */
export async function scenarioLinkName(store: ScenarioStore, run: StoredRun, stored: StoredScenario, lang: 'en' | 'cy'): Promise<string> {
  if (lang === 'en') return stored.name;
  const asRun = welshNameOfRun(run);
  if (asRun !== undefined) return asRun;
  const checked = await checkStored(store, stored);
  return ('issues' in checked ? undefined : localScenarioText(checked.data, 'cy').name) ?? stored.name;
}
