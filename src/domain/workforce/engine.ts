// The stock-and-flow projection. A scenario is compiled once into flat arrays
// (indexed [role][organisation][age band]) and a list of its uncertain
// parameters; one projection then takes a vector of parameter values and fills
// a preallocated output array, so Monte Carlo runs allocate nothing.
//
// One year t (calendar year startYear + t, t = 1..horizon), for each role and
// organisation, in this order:
//   1. leavers from the stock at the start of the year, band by band:
//      attrition = h × a; retirement = (h − attrition) × r[band];
//   2. progression to other roles (same organisation and band), in the order
//      listed, each a share of those still there;
//   3. ageing: 1/width of each band's stayers moves to the next band;
//   4. joiners at the entry band: recruitment (a number shared across
//      organisations, or a rate of the starting headcount), capped nationally by
//      the labour-market limit; international recruitment; trainees completing a
//      pipeline (intake × completion × share taking a post in Wales); and people
//      progressing in from other roles.
// Headcount is an expected value (fractions allowed); stocks are conserved:
// start + joiners − leavers = end, for every role, organisation and year.
//
// Speed (see the Benchmark section of docs/workforce-planning.md): steps 1–4
// are one pass over the age bands of each role and organisation. Roles are
// visited so that a progression's source comes before its target (see
// planFlow), so the people progressing into a band are known when the band is
// aged; in a cycle of progressions the roles whose sources come later get
// their progression joiners in a short pass at the end of the year. Every sum
// keeps the order of the plain description above (people moved by several
// progressions are added source role by source role), so the numbers do not
// depend on the visiting order. Monte Carlo runs keep only the national
// totals per role and year (projectTotals), summed over organisations as the
// year is projected, never the per-organisation array.

import { central, type Distribution } from './random.js';
import type { Scenario } from './scenario.js';

/** Fields of one role–organisation–year in an output array. */
export const OUTPUT_FIELDS = [
  'headcountStart', 'headcountEnd', 'supplyWte', 'demandWte', 'gapWte',
  'joinersRecruitment', 'joinersInternational', 'joinersTraining', 'joinersProgression',
  'leaversAttrition', 'leaversRetirement', 'leaversProgression',
  'trainees', 'payCost', 'trainingCost',
] as const;
export type OutputField = (typeof OUTPUT_FIELDS)[number];
export const F = OUTPUT_FIELDS.length;

/**
 * The outputs Monte Carlo keeps per organisation when a model asks for them
 * (withOrganisations): supply, demand and gap in WTE. Every output is kept
 * summed over organisations; keeping all 15 per organisation would take
 * 10,000 runs × 12 roles × 12 organisations × 20 years × 15 × 4 bytes = 1.7 GB.
 */
export const ORG_FIELDS = ['supplyWte', 'demandWte', 'gapWte'] as const satisfies readonly OutputField[];
export type OrgField = (typeof ORG_FIELDS)[number];
export const K = ORG_FIELDS.length;
export const FIELD: Readonly<Record<OutputField, number>> = Object.fromEntries(OUTPUT_FIELDS.map((f, i) => [f, i])) as Record<OutputField, number>;
const ORG_AT = [FIELD.supplyWte, FIELD.demandWte, FIELD.gapWte] as const;

interface CompiledPipeline {
  readonly id: string;
  readonly role: number;
  readonly intake: number;
  readonly duration: number;
  readonly completion: number;
  readonly retention: number;
  /** First year index t (may be ≤ 0: trainees already in training at the start). */
  readonly startT: number;
  readonly cost: number;
  readonly entryBand: number;
  readonly shares: Float64Array;
  readonly maxIntake: number | undefined;
  /** People who could start this training; each year's intake is at most what is left (undefined: no limit). */
  readonly traineePool: number | undefined;
}

export interface CompiledModel {
  readonly scenario: Scenario;
  readonly R: number;
  readonly O: number;
  readonly B: number;
  readonly H: number;
  readonly startYear: number;
  /** Monte Carlo runs also keep ORG_FIELDS per organisation (see withOrganisations). */
  readonly byOrganisation?: boolean;
  readonly roleIds: readonly string[];
  readonly orgIds: readonly string[];
  /** Every numeric parameter, in a fixed order; a run is a vector of their values. */
  readonly params: readonly Distribution[];
  readonly paramNames: readonly string[];
  readonly role: {
    readonly pay: Int32Array; readonly wph: Int32Array; readonly wteChange: Int32Array; readonly attrition: Int32Array;
    /** [role][band] parameter index, or −1 for none. */
    readonly retirement: Int32Array;
    readonly recruitIsRate: Uint8Array; readonly recruit: Int32Array; readonly cap: Int32Array;
    readonly international: Int32Array; readonly entryBand: Int32Array; readonly productivity: Int32Array;
  };
  readonly ageing: Float64Array;
  readonly baseline: Float64Array;
  /** [role][org]: share of a role's national joiners going to each organisation. */
  readonly orgShare: Float64Array;
  readonly population: Float64Array;
  readonly popGrowth: Int32Array;
  readonly pipelines: readonly CompiledPipeline[];
  readonly progression: readonly { readonly from: number; readonly to: number; readonly rate: number }[];
  readonly demand: {
    readonly hours: number;
    readonly activity: readonly { readonly tests: number; readonly growth: number; readonly hours: readonly (readonly [number, number])[] }[];
    readonly ratios: readonly (readonly [number, number])[];
    readonly steps: readonly { readonly role: number; readonly org: number; readonly fromT: number; readonly wte: number }[];
    readonly skillMix: readonly { readonly from: number; readonly to: number; readonly share: number; readonly fromT: number; readonly efficiency: number }[];
  };
  /** The order roles are projected in and the progression routes, as index lists. */
  readonly flow: FlowPlan;
}

/**
 * Progression routes as flat index lists, and the order the projection visits
 * roles in: every progression's source before its target, unless they form a
 * cycle.
 */
export interface FlowPlan {
  /** Roles in visiting order. */
  readonly order: Int32Array;
  /** Progressions out of role r: outbound[outStart[r] … outStart[r + 1] − 1], in scenario order. */
  readonly outStart: Int32Array;
  readonly outbound: Int32Array;
  /** Progressions into role r: inbound[inStart[r] … inStart[r + 1] − 1], by source role, then scenario order. */
  readonly inStart: Int32Array;
  readonly inbound: Int32Array;
  /** 1 for a role with a progression into it from a role visited after it (only in a cycle). */
  readonly deferred: Uint8Array;
  readonly anyDeferred: boolean;
}

/** Visit roles sources-first: the lowest-numbered role whose sources are all visited, else (a cycle) the lowest unvisited. */
export function planFlow(R: number, progression: readonly { readonly from: number; readonly to: number }[]): FlowPlan {
  const outOf: number[][] = Array.from({ length: R }, () => []);
  const into: number[][] = Array.from({ length: R }, () => []);
  progression.forEach((pr, k) => {
    outOf[pr.from]?.push(k);
    into[pr.to]?.push(k);
  });
  const fromOf = (k: number): number => progression[k]?.from ?? 0;
  for (const list of into) list.sort((x, y) => fromOf(x) - fromOf(y) || x - y);
  const visited = new Uint8Array(R);
  const pos = new Int32Array(R);
  const order = new Int32Array(R);
  for (let q = 0; q < R; q++) {
    let pick = -1;
    for (let r = 0; r < R && pick < 0; r++) if (visited[r] === 0 && (into[r] ?? []).every((k) => visited[fromOf(k)] === 1)) pick = r;
    if (pick < 0) pick = visited.indexOf(0);
    visited[pick] = 1;
    pos[pick] = q;
    order[q] = pick;
  }
  const flat = (lists: number[][]): [Int32Array, Int32Array] => {
    const start = new Int32Array(R + 1);
    lists.forEach((l, r) => { start[r + 1] = (start[r] ?? 0) + l.length; });
    return [start, new Int32Array(lists.flat())];
  };
  const [outStart, outbound] = flat(outOf);
  const [inStart, inbound] = flat(into);
  const deferred = new Uint8Array(into.map((list, r) => (list.some((k) => (pos[fromOf(k)] ?? 0) > (pos[r] ?? 0)) ? 1 : 0)));
  return { order, outStart, outbound, inStart, inbound, deferred, anyDeferred: deferred.includes(1) };
}

function normalise(values: Float64Array): Float64Array {
  let total = 0;
  for (const v of values) total += v;
  if (total > 0) for (let i = 0; i < values.length; i++) values[i] = (values[i] ?? 0) / total;
  return values;
}

/** Turn a validated scenario into flat arrays and a parameter list. */
export function compile(scenario: Scenario): CompiledModel {
  const R = scenario.roles.length, O = scenario.organisations.length, B = scenario.ageBands.length, H = scenario.horizon;
  const roleIndex = new Map(scenario.roles.map((r, i) => [r.id, i]));
  const orgIndex = new Map(scenario.organisations.map((o, i) => [o.id, i]));
  const bandIndex = new Map(scenario.ageBands.map((b, i) => [b.id, i]));
  const params: Distribution[] = [];
  const paramNames: string[] = [];
  const p = (d: Distribution, name: string): number => {
    params.push(d);
    paramNames.push(name);
    return params.length - 1;
  };
  const ri = (id: string): number => roleIndex.get(id) ?? 0;
  const oi = (id: string): number => orgIndex.get(id) ?? 0;

  const role = {
    pay: new Int32Array(R), wph: new Int32Array(R), wteChange: new Int32Array(R), attrition: new Int32Array(R),
    retirement: new Int32Array(R * B).fill(-1), recruitIsRate: new Uint8Array(R), recruit: new Int32Array(R),
    cap: new Int32Array(R).fill(-1), international: new Int32Array(R), entryBand: new Int32Array(R), productivity: new Int32Array(R),
  };
  scenario.roles.forEach((r, i) => {
    const n = `roles.${r.id}`;
    role.pay[i] = p(r.payPerWte, `${n}.payPerWte`);
    role.wph[i] = p(r.wtePerHead, `${n}.wtePerHead`);
    role.wteChange[i] = p(r.wteChange, `${n}.wteChange`);
    role.attrition[i] = p(r.attrition, `${n}.attrition`);
    r.retirement?.forEach((d, b) => { role.retirement[i * B + b] = p(d, `${n}.retirement.${scenario.ageBands[b]?.id ?? b}`); });
    if ('rate' in r.recruitment) {
      role.recruitIsRate[i] = 1;
      role.recruit[i] = p(r.recruitment.rate, `${n}.recruitment.rate`);
    } else {
      role.recruit[i] = p(r.recruitment.perYear, `${n}.recruitment.perYear`);
    }
    if (r.labourMarketCap !== undefined) role.cap[i] = p(r.labourMarketCap, `${n}.labourMarketCap`);
    role.international[i] = p(r.international, `${n}.international`);
    role.entryBand[i] = r.entryBand === undefined ? 0 : bandIndex.get(r.entryBand) ?? 0;
    role.productivity[i] = p(r.productivity, `${n}.productivity`);
  });

  const ageing = new Float64Array(B);
  scenario.ageBands.forEach((b, i) => { ageing[i] = i < B - 1 && b.width !== undefined ? 1 / b.width : 0; });

  const baseline = new Float64Array(R * O * B);
  for (const b of scenario.baseline) {
    const base = (ri(b.role) * O + oi(b.organisation)) * B;
    b.headcount.forEach((h, k) => { baseline[base + k] = h; });
  }
  const population = new Float64Array(scenario.organisations.map((o) => o.population));
  const popGrowth = new Int32Array(scenario.organisations.map((o) => p(o.populationGrowth, `organisations.${o.id}.populationGrowth`)));
  const popShare = normalise(population.slice());
  const orgShare = new Float64Array(R * O);
  for (let r = 0; r < R; r++) {
    const row = new Float64Array(O);
    for (let o = 0; o < O; o++) for (let b = 0; b < B; b++) row[o] = (row[o] ?? 0) + (baseline[(r * O + o) * B + b] ?? 0);
    let share = normalise(row);
    if (share.every((v) => v === 0)) share = popShare.some((v) => v > 0) ? popShare : new Float64Array(O).fill(1 / O);
    orgShare.set(share, r * O);
  }

  const pipelines = scenario.pipelines.map((pl): CompiledPipeline => {
    const r = ri(pl.role);
    let shares: Float64Array;
    if (pl.shares !== undefined) {
      shares = new Float64Array(O);
      for (const [o, v] of Object.entries(pl.shares)) shares[oi(o)] = v;
      normalise(shares);
    } else {
      shares = orgShare.slice(r * O, r * O + O);
    }
    const n = `pipelines.${pl.id}`;
    return {
      id: pl.id, role: r,
      intake: p(pl.intake, `${n}.intake`),
      duration: pl.duration,
      completion: p(pl.completion, `${n}.completion`),
      retention: p(pl.retention, `${n}.retention`),
      startT: (pl.startYear ?? scenario.startYear + 1) - scenario.startYear,
      cost: p(pl.costPerTraineeYear, `${n}.costPerTraineeYear`),
      entryBand: pl.entryBand === undefined ? role.entryBand[r] ?? 0 : bandIndex.get(pl.entryBand) ?? 0,
      shares,
      maxIntake: pl.maxIntake,
      traineePool: pl.traineePool,
    };
  });
  const progression = scenario.progression.map((pr) => ({ from: ri(pr.from), to: ri(pr.to), rate: p(pr.rate, `progression.${pr.from}>${pr.to}.rate`) }));
  const d = scenario.demand;
  const demand = {
    hours: p(d.availableHoursPerWte, 'demand.availableHoursPerWte'),
    activity: d.activity.map((a) => ({
      tests: p(a.tests, `demand.activity.${a.category}.tests`),
      growth: p(a.growth, `demand.activity.${a.category}.growth`),
      hours: Object.entries(a.hours).map(([r, h]) => [ri(r), p(h, `demand.activity.${a.category}.hours.${r}`)] as const),
    })),
    ratios: d.ratios.map((x) => [ri(x.role), p(x.per100k, `demand.ratios.${x.role}.per100k`)] as const),
    steps: d.steps.map((s, k) => ({ role: ri(s.role), org: s.organisation === undefined ? -1 : oi(s.organisation), fromT: s.fromYear - scenario.startYear, wte: p(s.wte, `demand.steps.${k}.${s.role}.wte`) })),
    skillMix: d.skillMix.map((m) => ({ from: ri(m.from), to: ri(m.to), share: p(m.share, `demand.skillMix.${m.from}>${m.to}.share`), fromT: m.fromYear - scenario.startYear, efficiency: p(m.efficiency, `demand.skillMix.${m.from}>${m.to}.efficiency`) })),
  };
  return {
    scenario, R, O, B, H, startYear: scenario.startYear,
    roleIds: scenario.roles.map((r) => r.id), orgIds: scenario.organisations.map((o) => o.id),
    params, paramNames, role, ageing, baseline, orgShare, population, popGrowth, pipelines, progression, demand,
    flow: planFlow(R, progression),
  };
}

/** The most likely value of every parameter (a deterministic projection). */
export function centralValues(model: CompiledModel): Float64Array {
  return new Float64Array(model.params.map(central));
}

/** Buffers reused between runs. */
export interface Workspace {
  readonly stock: Float64Array;
  /** Not used since the passes were fused; kept so the type stays compatible. */
  readonly next: Float64Array;
  /** Not used since the passes were fused; kept so the type stays compatible. */
  readonly progIn: Float64Array;
  readonly trainIn: Float64Array;
  readonly demand: Float64Array;
  readonly pop: Float64Array;
  readonly recruit: Float64Array;
  readonly intakes: Float64Array[];
  /** Per-run parameter values laid out for the inner loops. */
  readonly attrition: Float64Array;
  readonly retire: Float64Array;
  readonly progRate: Float64Array;
  /** One year's outputs, [role][organisation][field]. */
  readonly year: Float64Array;
  /** People moved by each progression this year, [progression][organisation][band]. */
  readonly moved: Float64Array;
  /** WTE per head of each role this year. */
  readonly wph: Float64Array;
  /** National totals of one run, [role][year][field] (as seriesIndex in monte-carlo.ts). */
  readonly totals: Float64Array;
}

export function workspace(model: CompiledModel): Workspace {
  const n = model.R * model.O * model.B;
  return {
    stock: new Float64Array(n), next: new Float64Array(n), progIn: new Float64Array(n), trainIn: new Float64Array(n),
    demand: new Float64Array(model.R * model.O), pop: new Float64Array(model.O), recruit: new Float64Array(model.R * model.O),
    intakes: model.pipelines.map(() => new Float64Array(model.H + 1)),
    attrition: new Float64Array(model.R), retire: new Float64Array(model.R * model.B), progRate: new Float64Array(model.progression.length),
    year: new Float64Array(model.R * model.O * F), moved: new Float64Array(model.progression.length * model.O * model.B),
    wph: new Float64Array(model.R), totals: new Float64Array(totalsLength(model)),
  };
}

/** The same model, its Monte Carlo runs also keeping ORG_FIELDS per organisation. */
export function withOrganisations(model: CompiledModel): CompiledModel {
  return { ...model, byOrganisation: true };
}

/**
 * Length of one run's totals: every field per role and year summed over
 * organisations, then (byOrganisation) ORG_FIELDS per role, organisation and year.
 */
export function totalsLength(model: CompiledModel): number {
  return model.R * model.H * F + (model.byOrganisation === true ? model.R * model.O * model.H * K : 0);
}

/** Where ORG_FIELDS[k] of role r, organisation o, year t sits in a run's totals. */
export function organisationTotalsIndex(model: CompiledModel, r: number, o: number, t: number, k: number): number {
  return model.R * model.H * F + ((r * model.O + o) * model.H + (t - 1)) * K + k;
}

export function outputSize(model: CompiledModel): number {
  return model.R * model.O * model.H * F;
}

/** Index of a field in an output array. t is 1..horizon. */
export function at(model: CompiledModel, r: number, o: number, t: number, f: number): number {
  return ((r * model.O + o) * model.H + (t - 1)) * F + f;
}

function add(a: Float64Array, i: number, x: number): void {
  a[i] = (a[i] ?? 0) + x;
}

/** (1 + rate)^t, skipping the power when the rate is zero (the result is the same). */
function growth(rate: number, t: number): number {
  const g = 1 + rate;
  return g === 1 ? 1 : Math.pow(g, t);
}

type IntakeOverride = { readonly pipeline: number; readonly intake: number } | undefined;

/** Demand (WTE) per role and organisation in year t, into ws.demand; ws.pop gets each organisation's share of population. */
function yearDemand(model: CompiledModel, v: Float64Array, ws: Workspace, t: number): void {
  const { R, O, role } = model;
  const { demand, pop } = ws;
  const hoursPerWte = v[model.demand.hours] ?? 0;
  demand.fill(0);
  let popTotal = 0;
  for (let o = 0; o < O; o++) {
    const p = (model.population[o] ?? 0) * growth(v[model.popGrowth[o] ?? 0] ?? 0, t);
    pop[o] = p;
    popTotal += p;
  }
  for (let o = 0; o < O; o++) pop[o] = popTotal > 0 ? (pop[o] ?? 0) / popTotal : 1 / O; // now each organisation's share
  for (const a of model.demand.activity) {
    const tests = (v[a.tests] ?? 0) * growth(v[a.growth] ?? 0, t);
    for (const [r, hi] of a.hours) {
      const wte = (tests * (v[hi] ?? 0)) / hoursPerWte;
      for (let o = 0; o < O; o++) add(demand, r * O + o, wte * (pop[o] ?? 0));
    }
  }
  for (const [r, pi] of model.demand.ratios) {
    const per = ((v[pi] ?? 0) / 100_000) * popTotal;
    for (let o = 0; o < O; o++) add(demand, r * O + o, per * (pop[o] ?? 0));
  }
  for (const st of model.demand.steps) {
    if (t < st.fromT) continue;
    const wte = v[st.wte] ?? 0;
    if (st.org >= 0) add(demand, st.role * O + st.org, wte);
    else for (let o = 0; o < O; o++) add(demand, st.role * O + o, wte * (pop[o] ?? 0));
  }
  for (let r = 0; r < R; r++) {
    const f = 1 / growth(v[role.productivity[r] ?? 0] ?? 0, t);
    if (f !== 1) for (let o = 0; o < O; o++) demand[r * O + o] = (demand[r * O + o] ?? 0) * f;
  }
  for (const m of model.demand.skillMix) {
    if (t < m.fromT) continue;
    const share = v[m.share] ?? 0, eff = v[m.efficiency] ?? 0;
    for (let o = 0; o < O; o++) {
      const moved = (demand[m.from * O + o] ?? 0) * share;
      demand[m.from * O + o] = (demand[m.from * O + o] ?? 0) - moved;
      add(demand, m.to * O + o, moved * eff);
    }
  }
}

/** Pipelines in year t: this year's intake, completers into ws.trainIn, and the training fields of ws.year. */
function yearPipelines(model: CompiledModel, v: Float64Array, ws: Workspace, t: number, intakeOverride: IntakeOverride): void {
  const { O, B } = model;
  const { year, trainIn } = ws;
  for (let k = 0; k < model.pipelines.length; k++) {
    const pl = model.pipelines[k];
    const intakes = ws.intakes[k];
    if (pl === undefined || intakes === undefined) continue;
    const planned = v[pl.intake] ?? 0;
    let intake = intakeOverride?.pipeline === k ? intakeOverride.intake : planned;
    if (pl.traineePool !== undefined && t >= pl.startT) {
      // The pool of possible trainees: people who started in earlier years of the projection have left it.
      let left = pl.traineePool;
      for (let y = 1; y < t; y++) left -= intakes[y] ?? 0;
      intake = Math.min(intake, Math.max(0, left));
    }
    intakes[t] = t >= pl.startT ? intake : 0;
    const from = t - pl.duration;
    // Intakes before the projection starts (a pipeline whose startYear is earlier than the
    // scenario's) are people already in training, at the scenario's planned intake.
    const completing = from >= 1 ? intakes[from] ?? 0 : from >= pl.startT ? planned : 0;
    const completers = completing * (v[pl.completion] ?? 0) * (v[pl.retention] ?? 0);
    let inTraining = 0;
    for (let y = t - pl.duration + 1; y <= t; y++) inTraining += y >= 1 ? intakes[y] ?? 0 : y >= pl.startT ? planned : 0;
    const cost = v[pl.cost] ?? 0;
    const { shares } = pl;
    for (let o = 0; o < O; o++) {
      const sh = shares[o] ?? 0;
      if (sh === 0) continue;
      const cell = (pl.role * O + o) * F;
      add(year, cell + 7, completers * sh);
      add(year, cell + 12, inTraining * sh);
      add(year, cell + 14, inTraining * sh * cost);
      add(trainIn, (pl.role * O + o) * B + pl.entryBand, completers * sh);
    }
  }
}

/** Domestic recruitment of role r this year into ws.recruit, capped nationally. */
function yearRecruitment(model: CompiledModel, v: Float64Array, ws: Workspace, r: number): void {
  const { O, B, role, orgShare } = model;
  const { stock, recruit } = ws;
  const x = v[role.recruit[r] ?? 0] ?? 0;
  let total = 0;
  const isRate = role.recruitIsRate[r] === 1;
  for (let o = 0; o < O; o++) {
    let n: number;
    if (isRate) {
      let h = 0;
      const base = (r * O + o) * B;
      for (let b = 0; b < B; b++) h += stock[base + b] ?? 0;
      n = h * x;
    } else {
      n = x * (orgShare[r * O + o] ?? 0);
    }
    recruit[r * O + o] = n;
    total += n;
  }
  const capIdx = role.cap[r] ?? -1;
  if (capIdx >= 0) {
    const cap = v[capIdx] ?? 0;
    if (total > cap) {
      const k = total > 0 ? cap / total : 0;
      for (let o = 0; o < O; o++) recruit[r * O + o] = (recruit[r * O + o] ?? 0) * k;
    }
  }
}

/**
 * The projection: each year into ws.year ([role][organisation][field]), then
 * copied to `out` (per organisation, laid out as `at`) if given. If `totals` is
 * given, each field is also summed over organisations, in organisation order,
 * into totals[(r × H + t − 1) × F + f] as the year is projected.
 */
function projectYears(model: CompiledModel, v: Float64Array, ws: Workspace, out: Float64Array | undefined, totals: Float64Array | undefined, intakeOverride: IntakeOverride): void {
  const { R, O, B, H, role, ageing, orgShare, flow } = model;
  const nf = F;
  const { stock, demand, recruit, trainIn, attrition, retire, progRate, year, moved, wph } = ws;
  const { order, outStart, outbound, inStart, inbound, deferred } = flow;
  const OB = O * B;
  stock.set(model.baseline);
  for (let r = 0; r < R; r++) {
    attrition[r] = v[role.attrition[r] ?? 0] ?? 0;
    for (let b = 0; b < B; b++) {
      const ri = role.retirement[r * B + b] ?? -1;
      retire[r * B + b] = ri >= 0 ? v[ri] ?? 0 : 0;
    }
  }
  for (let k = 0; k < progRate.length; k++) progRate[k] = v[model.progression[k]?.rate ?? 0] ?? 0;

  for (let t = 1; t <= H; t++) {
    yearDemand(model, v, ws, t);
    year.fill(0);
    trainIn.fill(0);
    yearPipelines(model, v, ws, t, intakeOverride);

    for (let q = 0; q < R; q++) {
      const r = order[q] ?? 0;
      yearRecruitment(model, v, ws, r);
      const a = attrition[r] ?? 0;
      const rb = r * B;
      const entry = role.entryBand[r] ?? 0;
      const w = (v[role.wph[r] ?? 0] ?? 0) * growth(v[role.wteChange[r] ?? 0] ?? 0, t);
      wph[r] = w;
      const pay = v[role.pay[r] ?? 0] ?? 0;
      const intl = v[role.international[r] ?? 0] ?? 0;
      const out0 = outStart[r] ?? 0, out1 = outStart[r + 1] ?? 0;
      const in0 = inStart[r] ?? 0, in1 = inStart[r + 1] ?? 0;
      const late = deferred[r] === 1;
      // The usual case, one route out and one in, without the loops over routes.
      const oneOut = out1 - out0 === 1, manyOut = out1 - out0 > 1;
      const oneIn = !late && in1 - in0 === 1, manyIn = !late && in1 - in0 > 1;
      const outK = oneOut ? outbound[out0] ?? 0 : 0, outRate = progRate[outK] ?? 0;
      const inK = oneIn ? inbound[in0] ?? 0 : 0;
      // This role's totals over organisations, by field.
      let sStart = 0, sEnd = 0, sSupply = 0, sDemand = 0, sGap = 0, sRec = 0, sInt = 0, sTrain = 0, sPin = 0;
      let sAtt = 0, sRet = 0, sPout = 0, sTrainees = 0, sPay = 0, sCost = 0;
      let o = 0;
      // Two organisations at a time in the usual case: the same steps, in the
      // same order, for each; interleaved only so the processor can overlap them.
      if (!manyOut && !manyIn && !late) {
        for (; o + 1 < O; o += 2) {
          const ro = r * O + o, ro2 = ro + 1;
          const base = ro * B, base2 = base + B;
          const outAt = outK * OB + o * B, inAt = inK * OB + o * B;
          const rec = recruit[ro] ?? 0, rec2 = recruit[ro2] ?? 0;
          const int = intl * (orgShare[ro] ?? 0), int2 = intl * (orgShare[ro2] ?? 0);
          const joiners = rec + int, joiners2 = rec2 + int2;
          let start = 0, att = 0, ret = 0, progOut = 0, pin = 0, end = 0, carried = 0;
          let start2 = 0, att2 = 0, ret2 = 0, progOut2 = 0, pin2 = 0, end2 = 0, carried2 = 0;
          for (let b = 0; b < B; b++) {
            const i = base + b, i2 = base2 + b;
            const rt = retire[rb + b] ?? 0;
            const h = stock[i] ?? 0, h2 = stock[i2] ?? 0;
            const la = h * a, la2 = h2 * a;
            const lr = (h - la) * rt, lr2 = (h2 - la2) * rt;
            start += h;
            start2 += h2;
            att += la;
            att2 += la2;
            ret += lr;
            ret2 += lr2;
            let stay = h - la - lr, stay2 = h2 - la2 - lr2;
            if (oneOut) {
              const m = stay * outRate, m2 = stay2 * outRate;
              stay = stay - m;
              stay2 = stay2 - m2;
              moved[outAt + b] = m;
              moved[outAt + B + b] = m2;
              progOut += m;
              progOut2 += m2;
            }
            const ag = ageing[b] ?? 0;
            const moving = stay * ag, moving2 = stay2 * ag;
            let x = stay - moving + carried + (trainIn[i] ?? 0) + (b === entry ? joiners : 0);
            let x2 = stay2 - moving2 + carried2 + (trainIn[i2] ?? 0) + (b === entry ? joiners2 : 0);
            carried = moving;
            carried2 = moving2;
            let xin = 0, xin2 = 0;
            if (oneIn) {
              xin += moved[inAt + b] ?? 0;
              xin2 += moved[inAt + B + b] ?? 0;
            }
            x += xin;
            x2 += xin2;
            pin += xin;
            pin2 += xin2;
            end += x;
            end2 += x2;
            stock[i] = x;
            stock[i2] = x2;
          }
          const d = demand[ro] ?? 0, d2 = demand[ro2] ?? 0;
          const supplyWte = end * w, supplyWte2 = end2 * w;
          const gap = d - supplyWte, gap2 = d2 - supplyWte2;
          const payCost = supplyWte * pay, payCost2 = supplyWte2 * pay;
          const cell = ro * nf, cell2 = cell + nf;
          year[cell] = start;
          year[cell + 1] = end;
          year[cell + 2] = supplyWte;
          year[cell + 3] = d;
          year[cell + 4] = gap;
          year[cell + 5] = rec;
          year[cell + 6] = int;
          year[cell + 8] = pin;
          year[cell + 9] = att;
          year[cell + 10] = ret;
          year[cell + 11] = progOut;
          year[cell + 13] = payCost;
          year[cell2] = start2;
          year[cell2 + 1] = end2;
          year[cell2 + 2] = supplyWte2;
          year[cell2 + 3] = d2;
          year[cell2 + 4] = gap2;
          year[cell2 + 5] = rec2;
          year[cell2 + 6] = int2;
          year[cell2 + 8] = pin2;
          year[cell2 + 9] = att2;
          year[cell2 + 10] = ret2;
          year[cell2 + 11] = progOut2;
          year[cell2 + 13] = payCost2;
          // Totals in organisation order: o, then o + 1.
          sStart = sStart + start + start2;
          sEnd = sEnd + end + end2;
          sSupply = sSupply + supplyWte + supplyWte2;
          sDemand = sDemand + d + d2;
          sGap = sGap + gap + gap2;
          sRec = sRec + rec + rec2;
          sInt = sInt + int + int2;
          sTrain = sTrain + (year[cell + 7] ?? 0) + (year[cell2 + 7] ?? 0);
          sPin = sPin + pin + pin2;
          sAtt = sAtt + att + att2;
          sRet = sRet + ret + ret2;
          sPout = sPout + progOut + progOut2;
          sTrainees = sTrainees + (year[cell + 12] ?? 0) + (year[cell2 + 12] ?? 0);
          sPay = sPay + payCost + payCost2;
          sCost = sCost + (year[cell + 14] ?? 0) + (year[cell2 + 14] ?? 0);
        }
      }
      for (; o < O; o++) {
        const ro = r * O + o;
        const base = ro * B;
        const ob = o * B;
        const outAt = outK * OB + ob, inAt = inK * OB + ob;
        const rec = recruit[ro] ?? 0;
        const int = intl * (orgShare[ro] ?? 0);
        const joiners = rec + int;
        let start = 0, att = 0, ret = 0, progOut = 0, pin = 0, end = 0, carried = 0;
        for (let b = 0; b < B; b++) {
          const i = base + b;
          // 1. leavers
          const h = stock[i] ?? 0;
          const la = h * a;
          const lr = (h - la) * (retire[rb + b] ?? 0);
          start += h;
          att += la;
          ret += lr;
          let stay = h - la - lr;
          // 2. progression out, route by route
          if (oneOut) {
            const m = stay * outRate;
            stay = stay - m;
            moved[outAt + b] = m;
            progOut += m;
          } else if (manyOut) {
            for (let j = out0; j < out1; j++) {
              const k = outbound[j] ?? 0;
              const m = stay * (progRate[k] ?? 0);
              stay = stay - m;
              moved[k * OB + ob + b] = m;
            }
          }
          // 3. ageing, then 4. joiners (nobody joins and ages in the same year)
          const moving = stay * (ageing[b] ?? 0);
          let x = stay - moving + carried + (trainIn[i] ?? 0) + (b === entry ? joiners : 0);
          carried = moving;
          if (!late) {
            let xin = 0;
            if (oneIn) xin += moved[inAt + b] ?? 0;
            else if (manyIn) for (let j = in0; j < in1; j++) xin += moved[(inbound[j] ?? 0) * OB + ob + b] ?? 0;
            x += xin;
            pin += xin;
            end += x;
          }
          stock[i] = x;
        }
        // Several routes out: people moved summed route by route.
        if (manyOut) {
          for (let j = out0; j < out1; j++) {
            const from = (outbound[j] ?? 0) * OB + ob;
            for (let b = 0; b < B; b++) progOut += moved[from + b] ?? 0;
          }
        }
        const cell = ro * nf;
        year[cell] = start;
        year[cell + 5] = rec;
        year[cell + 6] = int;
        year[cell + 9] = att;
        year[cell + 10] = ret;
        year[cell + 11] = progOut;
        sStart += start;
        sRec += rec;
        sInt += int;
        sTrain += year[cell + 7] ?? 0;
        sAtt += att;
        sRet += ret;
        sPout += progOut;
        sTrainees += year[cell + 12] ?? 0;
        sCost += year[cell + 14] ?? 0;
        if (!late) {
          const d = demand[ro] ?? 0;
          const supplyWte = end * w;
          const gap = d - supplyWte;
          const payCost = supplyWte * pay;
          year[cell + 1] = end;
          year[cell + 2] = supplyWte;
          year[cell + 3] = d;
          year[cell + 4] = gap;
          year[cell + 8] = pin;
          year[cell + 13] = payCost;
          sEnd += end;
          sSupply += supplyWte;
          sDemand += d;
          sGap += gap;
          sPin += pin;
          sPay += payCost;
        }
      }
      if (totals !== undefined) {
        const dst = (r * H + (t - 1)) * nf;
        totals[dst] = sStart;
        totals[dst + 5] = sRec;
        totals[dst + 6] = sInt;
        totals[dst + 7] = sTrain;
        totals[dst + 9] = sAtt;
        totals[dst + 10] = sRet;
        totals[dst + 11] = sPout;
        totals[dst + 12] = sTrainees;
        totals[dst + 14] = sCost;
        if (!late) {
          totals[dst + 1] = sEnd;
          totals[dst + 2] = sSupply;
          totals[dst + 3] = sDemand;
          totals[dst + 4] = sGap;
          totals[dst + 8] = sPin;
          totals[dst + 13] = sPay;
        }
      }
    }
    // Roles in a cycle of progressions whose sources were visited after them.
    if (flow.anyDeferred) {
      for (let r = 0; r < R; r++) {
        if (deferred[r] !== 1) continue;
        const in0 = inStart[r] ?? 0, in1 = inStart[r + 1] ?? 0;
        const w = wph[r] ?? 0;
        const pay = v[role.pay[r] ?? 0] ?? 0;
        let sEnd = 0, sSupply = 0, sDemand = 0, sGap = 0, sPin = 0, sPay = 0;
        for (let o = 0; o < O; o++) {
          const ro = r * O + o;
          const base = ro * B;
          let pin = 0, end = 0;
          for (let b = 0; b < B; b++) {
            let xin = 0;
            for (let j = in0; j < in1; j++) xin += moved[(inbound[j] ?? 0) * OB + o * B + b] ?? 0;
            const x = (stock[base + b] ?? 0) + xin;
            stock[base + b] = x;
            pin += xin;
            end += x;
          }
          const cell = ro * nf;
          const d = demand[ro] ?? 0;
          const supplyWte = end * w;
          const gap = d - supplyWte;
          const payCost = supplyWte * pay;
          year[cell + 1] = end;
          year[cell + 2] = supplyWte;
          year[cell + 3] = d;
          year[cell + 4] = gap;
          year[cell + 8] = pin;
          year[cell + 13] = payCost;
          sEnd += end;
          sSupply += supplyWte;
          sDemand += d;
          sGap += gap;
          sPin += pin;
          sPay += payCost;
        }
        if (totals !== undefined) {
          const dst = (r * H + (t - 1)) * nf;
          totals[dst + 1] = sEnd;
          totals[dst + 2] = sSupply;
          totals[dst + 3] = sDemand;
          totals[dst + 4] = sGap;
          totals[dst + 8] = sPin;
          totals[dst + 13] = sPay;
        }
      }
    }

    if (out !== undefined) {
      for (let ro = 0; ro < R * O; ro++) {
        const src = ro * nf, dst = (ro * H + (t - 1)) * nf;
        for (let f = 0; f < nf; f++) out[dst + f] = year[src + f] ?? 0;
      }
    }
    if (totals !== undefined && model.byOrganisation === true) {
      const first = R * H * nf;
      for (let ro = 0; ro < R * O; ro++) {
        const src = ro * nf, dst = first + (ro * H + (t - 1)) * K;
        totals[dst] = year[src + ORG_AT[0]] ?? 0;
        totals[dst + 1] = year[src + ORG_AT[1]] ?? 0;
        totals[dst + 2] = year[src + ORG_AT[2]] ?? 0;
      }
    }
  }
}

/**
 * One projection. `v` holds a value per parameter (see compile); `intakeOverride`
 * replaces a pipeline's yearly intake (goal seeking). Writes into `out`.
 */
export function project(model: CompiledModel, v: Float64Array, out: Float64Array, ws: Workspace = workspace(model), intakeOverride?: { readonly pipeline: number; readonly intake: number }): Float64Array {
  out.fill(0);
  projectYears(model, v, ws, out, undefined, intakeOverride);
  return out;
}

/**
 * One projection keeping only the national totals: `totals[(r × H + t − 1) × F + f]`
 * is the sum over organisations (in organisation order) of what `project`
 * writes at `at(model, r, o, t, f)`; with byOrganisation, ORG_FIELDS per
 * organisation follow (organisationTotalsIndex). What Monte Carlo runs use.
 */
export function projectTotals(model: CompiledModel, v: Float64Array, ws: Workspace = workspace(model), totals: Float64Array = ws.totals): Float64Array {
  projectYears(model, v, ws, undefined, totals, undefined);
  return totals;
}
