// The workforce scenario file (YAML or JSON): its schema, `extends` (a scenario
// overriding only what changes in a base scenario) and the checks that need the
// whole scenario (references between roles, organisations and pipelines).
// Every problem names the file, the path of the field and what was expected.
// Pure: the caller reads files and passes a loader.

import { z } from 'zod';
import { DomainError } from '../errors.js';
import type { Distribution } from './random.js';

const Id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'an id of lower-case letters, digits and hyphens');

/** A numeric parameter that may be uncertain, with the range a value must stay in. */
function dist(lo: number, hi = Number.POSITIVE_INFINITY): z.ZodType<Distribution> {
  const inRange = (v: number): boolean => Number.isFinite(v) && v >= lo && v <= hi;
  const range = hi === Number.POSITIVE_INFINITY ? `at least ${lo}` : `between ${lo} and ${hi}`;
  const triple = z.tuple([z.number(), z.number(), z.number()]);
  return z.union([
    z.number().refine(inRange, `a number ${range}`).transform((value): Distribution => ({ kind: 'fixed', value })),
    z.object({ fixed: z.number().refine(inRange, `a number ${range}`) }).strict().transform((d): Distribution => ({ kind: 'fixed', value: d.fixed })),
    z.object({ uniform: z.tuple([z.number(), z.number()]) }).strict()
      .refine((d) => d.uniform[0] <= d.uniform[1] && d.uniform.every(inRange), `uniform: [min, max] with min ≤ max, both ${range}`)
      .transform((d): Distribution => ({ kind: 'uniform', min: d.uniform[0], max: d.uniform[1] })),
    z.object({ triangular: triple }).strict()
      .refine((d) => d.triangular[0] <= d.triangular[1] && d.triangular[1] <= d.triangular[2] && d.triangular.every(inRange), `triangular: [min, mode, max] with min ≤ mode ≤ max, all ${range}`)
      .transform((d): Distribution => ({ kind: 'triangular', min: d.triangular[0], mode: d.triangular[1], max: d.triangular[2] })),
    z.object({ pert: triple }).strict()
      .refine((d) => d.pert[0] <= d.pert[1] && d.pert[1] <= d.pert[2] && d.pert.every(inRange), `pert: [min, mode, max] with min ≤ mode ≤ max, all ${range}`)
      .transform((d): Distribution => ({ kind: 'pert', min: d.pert[0], mode: d.pert[1], max: d.pert[2] })),
    z.object({ normal: z.object({ mean: z.number(), sd: z.number().min(0), min: z.number(), max: z.number() }).strict() }).strict()
      .refine((d) => d.normal.min <= d.normal.mean && d.normal.mean <= d.normal.max && inRange(d.normal.min) && inRange(d.normal.max), `normal: {mean, sd, min, max} truncated at min ≤ mean ≤ max, bounds ${range}`)
      .transform((d): Distribution => ({ kind: 'normal', ...d.normal })),
  ], { error: `a number ${range}, or a distribution {fixed | uniform | triangular | pert | normal}` });
}

const Rate = dist(0, 1);
const NonNegative = dist(0);
const Year = z.number().int().min(1990).max(2200);

const RoleSchema = z.object({
  id: Id,
  name: z.string().min(1),
  nameCy: z.string().min(1).optional(),
  payPerWte: NonNegative.default({ kind: 'fixed', value: 0 }),
  wtePerHead: dist(0, 1.5).default({ kind: 'fixed', value: 1 }),
  wteChange: dist(-0.5, 0.5).default({ kind: 'fixed', value: 0 }),
  attrition: Rate,
  retirement: z.array(Rate).optional(),
  recruitment: z.union([
    z.object({ perYear: NonNegative }).strict(),
    z.object({ rate: Rate }).strict(),
  ]).default({ perYear: { kind: 'fixed', value: 0 } }),
  labourMarketCap: NonNegative.optional(),
  international: NonNegative.default({ kind: 'fixed', value: 0 }),
  entryBand: Id.optional(),
  productivity: dist(-0.5, 0.5).default({ kind: 'fixed', value: 0 }),
}).strict();

const OrganisationSchema = z.object({
  id: Id,
  name: z.string().min(1),
  population: z.number().min(0).default(0),
  populationGrowth: dist(-0.2, 0.2).default({ kind: 'fixed', value: 0 }),
}).strict();

const AgeBandSchema = z.object({
  id: Id,
  /** Years a person spends in the band; 1/width of the band ages into the next each year. Omit for the last band. */
  width: z.number().int().min(1).max(50).optional(),
}).strict();

const BaselineSchema = z.object({
  role: Id,
  organisation: Id,
  headcount: z.array(z.number().min(0)),
}).strict();

const PipelineSchema = z.object({
  id: Id,
  /** What people call it, in English and Welsh (the id is shown when there is none). */
  name: z.string().min(1).optional(),
  nameCy: z.string().min(1).optional(),
  role: Id,
  intake: NonNegative,
  duration: z.number().int().min(1).max(15),
  completion: Rate,
  retention: Rate,
  startYear: Year.optional(),
  costPerTraineeYear: NonNegative.default({ kind: 'fixed', value: 0 }),
  entryBand: Id.optional(),
  maxIntake: z.number().min(0).optional(),
  /**
   * The pool of possible trainees: people who could start this training (for example staff at
   * practitioner level and above in the roles that feed it, from insights). Each year's intake
   * is at most what is left of the pool; people who start training leave it. Omit for no limit.
   */
  traineePool: z.number().int('a whole number of people').min(0).optional(),
  shares: z.record(z.string(), z.number().min(0)).optional(),
}).strict();

const ProgressionSchema = z.object({ from: Id, to: Id, rate: Rate }).strict();

const DemandSchema = z.object({
  availableHoursPerWte: dist(1, 3000).default({ kind: 'fixed', value: 1650 }),
  activity: z.array(z.object({
    category: Id,
    /** What people call the category, in English and Welsh (the id is shown when there is none). */
    name: z.string().min(1).optional(),
    nameCy: z.string().min(1).optional(),
    tests: NonNegative,
    growth: dist(-0.5, 2).default({ kind: 'fixed', value: 0 }),
    hours: z.record(z.string(), NonNegative),
  }).strict()).default([]),
  ratios: z.array(z.object({ role: Id, per100k: NonNegative }).strict()).default([]),
  steps: z.array(z.object({ role: Id, organisation: Id.optional(), fromYear: Year, wte: NonNegative }).strict()).default([]),
  skillMix: z.array(z.object({ from: Id, to: Id, share: Rate, fromYear: Year, efficiency: dist(0, 5).default({ kind: 'fixed', value: 1 }) }).strict()).default([]),
}).strict();

/**
 * A service that one organisation hosts for all of Wales (the All Wales Medical
 * Genomics Service, hosted by Cardiff and Vale): its roles' staff all sit with
 * the host while the demand they meet is spread by population, so their supply
 * and demand are compared for the service as a whole, never board by board.
 */
const ServiceSchema = z.object({
  id: Id,
  name: z.string().min(1),
  nameCy: z.string().min(1).optional(),
  host: Id,
  roles: z.array(Id).min(1),
}).strict();

export const ScenarioSchema = z.object({
  id: Id,
  name: z.string().min(1),
  /** The name and description in Welsh, for Welsh pages (the English is shown when there is none). */
  nameCy: z.string().min(1).optional(),
  description: z.string().optional(),
  descriptionCy: z.string().optional(),
  extends: z.string().optional(),
  startYear: Year,
  horizon: z.number().int().min(1, 'a horizon of at least 1 year').max(50),
  ageBands: z.array(AgeBandSchema).min(1),
  roles: z.array(RoleSchema).min(1),
  organisations: z.array(OrganisationSchema).min(1),
  baseline: z.array(BaselineSchema).default([]),
  pipelines: z.array(PipelineSchema).default([]),
  progression: z.array(ProgressionSchema).default([]),
  demand: DemandSchema.default({ availableHoursPerWte: { kind: 'fixed', value: 1650 }, activity: [], ratios: [], steps: [], skillMix: [] }),
  services: z.array(ServiceSchema).default([]),
}).strict();

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioRole = Scenario['roles'][number];
export type ScenarioPipeline = Scenario['pipelines'][number];
export type ScenarioService = Scenario['services'][number];

/** A pipeline's name in the language asked for: its Welsh name, its name, else its id. */
/** A scenario's name in the page's language: its Welsh name on Welsh pages where it has one. */
export function scenarioNameIn(s: Pick<Scenario, 'name' | 'nameCy'>, lang: 'en' | 'cy'): string {
  return lang === 'cy' ? s.nameCy ?? s.name : s.name;
}

export function pipelineName(p: Pick<ScenarioPipeline, 'id' | 'name' | 'nameCy'>, lang: 'en' | 'cy'): string {
  return (lang === 'cy' ? p.nameCy ?? p.name : p.name) ?? p.id;
}

/** A demand category's name in the language asked for: its Welsh name, its name, else its id. */
export function categoryName(a: { readonly category: string; readonly name?: string | undefined; readonly nameCy?: string | undefined }, lang: 'en' | 'cy'): string {
  return (lang === 'cy' ? a.nameCy ?? a.name : a.name) ?? a.category;
}

/** The names of a scenario's pipelines and demand categories, by id, in both languages (for labels drawn after a run). */
export interface ScenarioNames {
  readonly pipelines: Readonly<Record<string, { readonly en: string; readonly cy: string }>>;
  readonly categories: Readonly<Record<string, { readonly en: string; readonly cy: string }>>;
}

export function scenarioNames(s: Pick<Scenario, 'pipelines' | 'demand'>): ScenarioNames {
  return {
    pipelines: Object.fromEntries(s.pipelines.map((p) => [p.id, { en: pipelineName(p, 'en'), cy: pipelineName(p, 'cy') }])),
    categories: Object.fromEntries(s.demand.activity.map((a) => [a.category, { en: categoryName(a, 'en'), cy: categoryName(a, 'cy') }])),
  };
}

export interface ScenarioIssue {
  readonly file: string;
  readonly path: string;
  readonly message: string;
  /** For the commonest schema problems, what kind it is and its figures, so a Welsh page can say it in Welsh. */
  readonly kind?: { readonly code: 'tooSmall' | 'tooBig' | 'type' | 'unknownKeys'; readonly values: Readonly<Record<string, string | number>> };
}

/** Thrown (as GNM_SCENARIO_INVALID) with every problem found. */
export function scenarioError(issues: readonly ScenarioIssue[]): DomainError {
  const first = issues[0];
  return new DomainError('GNM_SCENARIO_INVALID', {
    file: first?.file ?? '',
    path: first?.path ?? '',
    message: first?.message ?? '',
    count: issues.length,
  }, issues);
}

export function formatIssue(issue: ScenarioIssue): string {
  return `${issue.file}: ${issue.path === '' ? '(top level)' : issue.path}: ${issue.message}`;
}

type Json = unknown;

function isPlainObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasId(v: Json): v is Record<string, Json> & { id: string } {
  return isPlainObject(v) && typeof v['id'] === 'string';
}

function baselineKey(v: Json): string | undefined {
  return isPlainObject(v) && typeof v['role'] === 'string' && typeof v['organisation'] === 'string' ? `${v['role']}@${v['organisation']}` : undefined;
}

/**
 * Overlay `override` on `base`: objects merge field by field; lists whose items
 * have an `id` (or role + organisation, for the baseline) merge item by item, new
 * items appended; other lists and plain values are replaced.
 */
/**
 * A layer that renames (or redescribes) the scenario without giving the Welsh
 * drops its base's Welsh: "More training places" must not show the baseline's
 * Welsh name on a Welsh page. The English is shown instead.
 */
export function withoutStaleWelsh(merged: Json, layer: Record<string, Json>): Json {
  if (!isPlainObject(merged)) return merged;
  const out = { ...merged };
  if ('name' in layer && !('nameCy' in layer)) delete out['nameCy'];
  if ('description' in layer && !('descriptionCy' in layer)) delete out['descriptionCy'];
  return out;
}

export function mergeScenario(base: Json, override: Json): Json {
  if (isPlainObject(base) && isPlainObject(override)) {
    const out: Record<string, Json> = { ...base };
    for (const [k, v] of Object.entries(override)) out[k] = k in base ? mergeScenario(base[k], v) : v;
    return out;
  }
  if (Array.isArray(base) && Array.isArray(override)) {
    const keyOf = (v: Json): string | undefined => (hasId(v) ? `id:${v.id}` : baselineKey(v));
    if (override.length > 0 && override.every((v) => keyOf(v) !== undefined) && base.every((v) => keyOf(v) !== undefined)) {
      const out: Json[] = [...(base as Json[])];
      for (const item of override) {
        const at = out.findIndex((b) => keyOf(b) === keyOf(item));
        if (at >= 0) out[at] = mergeScenario(out[at], item);
        else out.push(item);
      }
      return out;
    }
  }
  return override;
}

export interface ScenarioSource {
  /** The name used in messages (a file path, an upload's name). */
  readonly file: string;
  /** The parsed YAML or JSON. */
  readonly data: Json;
}

/**
 * Resolve `extends` (following a chain, refusing cycles) then validate.
 * `load(name, from)` returns the base scenario named in a file.
 */
export function resolveScenario(source: ScenarioSource, load: (name: string, from: string) => ScenarioSource): Scenario {
  const chain: ScenarioSource[] = [source];
  const seen = new Set([source.file]);
  let current = source;
  while (isPlainObject(current.data) && typeof current.data['extends'] === 'string') {
    const name = current.data['extends'];
    let next: ScenarioSource;
    try {
      next = load(name, current.file);
    } catch (error) {
      throw scenarioError([{ file: current.file, path: 'extends', message: `the base scenario "${name}" could not be read (${error instanceof Error ? error.message : String(error)})` }]);
    }
    if (seen.has(next.file)) {
      throw scenarioError([{ file: current.file, path: 'extends', message: `a cycle in extends: ${[...chain.map((c) => c.file), next.file].join(' → ')}` }]);
    }
    seen.add(next.file);
    chain.push(next);
    current = next;
  }
  let merged: Json = {};
  for (let i = chain.length - 1; i >= 0; i--) {
    const layer = chain[i];
    if (layer === undefined) continue;
    if (!isPlainObject(layer.data)) throw scenarioError([{ file: layer.file, path: '', message: 'a scenario must be a mapping (YAML) or an object (JSON)' }]);
    const rest = { ...layer.data };
    delete rest['extends'];
    merged = mergeScenario(withoutStaleWelsh(merged, rest), rest);
  }
  return validateScenario({ file: source.file, data: merged });
}

function issueKind(issue: z.core.$ZodIssue): ScenarioIssue['kind'] {
  if (issue.code === 'too_small') return typeof issue.minimum === 'number' ? { code: 'tooSmall', values: { min: issue.minimum } } : undefined;
  if (issue.code === 'too_big') return typeof issue.maximum === 'number' ? { code: 'tooBig', values: { max: issue.maximum } } : undefined;
  if (issue.code === 'invalid_type') return ['number', 'string', 'array', 'object', 'boolean', 'int'].includes(issue.expected) ? { code: 'type', values: { expected: issue.expected } } : undefined;
  if (issue.code === 'unrecognized_keys') return { code: 'unknownKeys', values: { keys: issue.keys.join(', ') } };
  // Other problems keep the schema's own words.
  return undefined;
}

/** Check one scenario (already merged) against the schema and its own references. */
export function validateScenario(source: ScenarioSource): Scenario {
  const parsed = ScenarioSchema.safeParse(source.data);
  if (!parsed.success) {
    throw scenarioError(parsed.error.issues.map((issue) => {
      const kind = issueKind(issue);
      return { file: source.file, path: issue.path.map(String).join('.'), message: issue.message, ...(kind === undefined ? {} : { kind }) };
    }));
  }
  const s = parsed.data;
  const issues: ScenarioIssue[] = [];
  const add = (path: string, message: string): void => {
    issues.push({ file: source.file, path, message });
  };
  const roles = new Set<string>();
  s.roles.forEach((r, i) => {
    if (roles.has(r.id)) add(`roles.${i}.id`, `the role "${r.id}" is defined twice`);
    roles.add(r.id);
  });
  const orgs = new Set<string>();
  s.organisations.forEach((o, i) => {
    if (orgs.has(o.id)) add(`organisations.${i}.id`, `the organisation "${o.id}" is defined twice`);
    orgs.add(o.id);
  });
  const bands = new Set(s.ageBands.map((b) => b.id));
  const nBands = s.ageBands.length;
  const role = (path: string, id: string): void => {
    if (!roles.has(id)) add(path, `an unknown role "${id}"; known roles: ${[...roles].join(', ')}`);
  };
  const org = (path: string, id: string): void => {
    if (!orgs.has(id)) add(path, `an unknown organisation "${id}"; known organisations: ${[...orgs].join(', ')}`);
  };
  const band = (path: string, id: string | undefined): void => {
    if (id !== undefined && !bands.has(id)) add(path, `an unknown age band "${id}"; known bands: ${[...bands].join(', ')}`);
  };
  s.ageBands.forEach((b, i) => {
    if (i < nBands - 1 && b.width === undefined) add(`ageBands.${i}.width`, 'a width in years (every band but the last needs one)');
  });
  s.roles.forEach((r, i) => {
    if (r.retirement !== undefined && r.retirement.length !== nBands) add(`roles.${i}.retirement`, `one retirement rate per age band (${nBands}), got ${r.retirement.length}`);
    band(`roles.${i}.entryBand`, r.entryBand);
  });
  const seenBaseline = new Set<string>();
  s.baseline.forEach((b, i) => {
    role(`baseline.${i}.role`, b.role);
    org(`baseline.${i}.organisation`, b.organisation);
    if (b.headcount.length !== nBands) add(`baseline.${i}.headcount`, `one headcount per age band (${nBands}), got ${b.headcount.length}`);
    const key = `${b.role}@${b.organisation}`;
    if (seenBaseline.has(key)) add(`baseline.${i}`, `a second baseline for ${b.role} in ${b.organisation}`);
    seenBaseline.add(key);
  });
  const inService = new Map<string, string>();
  s.services.forEach((v, i) => {
    org(`services.${i}.host`, v.host);
    v.roles.forEach((r, k) => {
      role(`services.${i}.roles.${k}`, r);
      const other = inService.get(r);
      if (other !== undefined) add(`services.${i}.roles.${k}`, `the role "${r}" is already provided by the service "${other}"`);
      inService.set(r, v.id);
    });
  });
  const pipelineIds = new Set<string>();
  s.pipelines.forEach((p, i) => {
    if (pipelineIds.has(p.id)) add(`pipelines.${i}.id`, `the pipeline "${p.id}" is defined twice`);
    pipelineIds.add(p.id);
    role(`pipelines.${i}.role`, p.role);
    band(`pipelines.${i}.entryBand`, p.entryBand);
    for (const o of Object.keys(p.shares ?? {})) org(`pipelines.${i}.shares.${o}`, o);
  });
  s.progression.forEach((p, i) => {
    role(`progression.${i}.from`, p.from);
    role(`progression.${i}.to`, p.to);
    if (p.from === p.to) add(`progression.${i}.to`, 'a different role from "from"');
  });
  s.demand.activity.forEach((a, i) => {
    for (const r of Object.keys(a.hours)) role(`demand.activity.${i}.hours.${r}`, r);
  });
  s.demand.ratios.forEach((r, i) => {
    role(`demand.ratios.${i}.role`, r.role);
  });
  s.demand.steps.forEach((st, i) => {
    role(`demand.steps.${i}.role`, st.role);
    if (st.organisation !== undefined) org(`demand.steps.${i}.organisation`, st.organisation);
  });
  s.demand.skillMix.forEach((m, i) => {
    role(`demand.skillMix.${i}.from`, m.from);
    role(`demand.skillMix.${i}.to`, m.to);
  });
  if (issues.length > 0) throw scenarioError(issues);
  return s;
}
