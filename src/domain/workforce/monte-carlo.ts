// Monte Carlo over a compiled model, percentiles, one-at-a-time sensitivity
// (tornado) and goal seeking. Pure: the worker-thread orchestration lives in
// src/services/workforce. Run i draws its parameters from runRandom(seed, i),
// so results do not depend on how runs are split between threads.

import { at, centralValues, F, FIELD, organisationTotalsIndex, outputSize, project, projectTotals, totalsLength, workspace, type CompiledModel, type OutputField } from './engine.js';
import { bounds, runRandom, sample } from './random.js';

export const PERCENTILES = [5, 25, 50, 75, 95] as const;

/**
 * Series kept per run: every output field, summed over organisations, per role
 * and year; then, for a model made withOrganisations, supply, demand and gap
 * per role, organisation and year (organisationSeriesIndex).
 */
export function seriesCount(model: CompiledModel): number {
  return totalsLength(model);
}

/** The series of ORG_FIELDS[k] for role r, organisation o, year t (models made withOrganisations). */
export function organisationSeriesIndex(model: CompiledModel, r: number, o: number, t: number, k: number): number {
  return organisationTotalsIndex(model, r, o, t, k);
}

export function seriesIndex(model: CompiledModel, r: number, t: number, f: number): number {
  return (r * model.H + (t - 1)) * F + f;
}

/** The parameter vector of run `run`. */
export function sampleParameters(model: CompiledModel, seed: number, run: number, into = new Float64Array(model.params.length)): Float64Array {
  const random = runRandom(seed, run);
  const { params } = model;
  for (let i = 0; i < params.length; i++) {
    const d = params[i];
    into[i] = d === undefined ? 0 : sample(d, random);
  }
  return into;
}

/**
 * Project runs [from, to) and write national (all-organisation) totals into
 * `sink`, run-major: sink[(run − from) × seriesCount + series].
 */
export function simulateRange(model: CompiledModel, seed: number, from: number, to: number, sink: Float32Array, onProgress?: (done: number) => void): void {
  const n = to - from;
  const ws = workspace(model);
  const values = new Float64Array(model.params.length);
  const S = seriesCount(model);
  const totals = ws.totals;
  for (let run = from; run < to; run++) {
    sampleParameters(model, seed, run, values);
    projectTotals(model, values, ws, totals);
    const k = run - from;
    sink.set(totals, k * S);
    if (onProgress !== undefined && (k + 1) % 100 === 0) onProgress(k + 1);
  }
  onProgress?.(n);
}

/** Runs projected before their totals are copied, series by series, into a series-major sink. */
const TILE = 32;

/**
 * A function projecting runs [from, to) of `runs` and writing national totals
 * series-major: sink[series × runs + run], so that each series' runs are
 * contiguous for the percentiles (summariseBySeries). Buffers are made once
 * and reused by every call. Same numbers as simulateRange.
 */
export function seriesSimulator(model: CompiledModel, seed: number, runs: number, sink: Float32Array): (from: number, to: number) => void {
  const ws = workspace(model);
  const values = new Float64Array(model.params.length);
  const S = seriesCount(model);
  const tile = new Float64Array(TILE * S);
  const rows = Array.from({ length: TILE }, (_, j) => tile.subarray(j * S, (j + 1) * S));
  return (from, to) => {
    for (let run0 = from; run0 < to; run0 += TILE) {
      const n = Math.min(TILE, to - run0);
      for (let j = 0; j < n; j++) {
        sampleParameters(model, seed, run0 + j, values);
        projectTotals(model, values, ws, rows[j]);
      }
      for (let s = 0; s < S; s++) {
        const dst = s * runs + run0;
        for (let j = 0; j < n; j++) sink[dst + j] = tile[j * S + s] ?? 0;
      }
    }
  };
}

/** Project runs [from, to) of `runs` into a series-major sink (see seriesSimulator). */
export function simulateRangeBySeries(model: CompiledModel, seed: number, from: number, to: number, runs: number, sink: Float32Array, onProgress?: (done: number) => void): void {
  const simulate = seriesSimulator(model, seed, runs, sink);
  for (let run0 = from; run0 < to; run0 += 100) {
    simulate(run0, Math.min(to, run0 + 100));
    if (run0 + 100 < to) onProgress?.(run0 + 100 - from);
  }
  onProgress?.(to - from);
}

/**
 * Quickselect (Hoare partition, median-of-three pivot) of rank k within
 * [lo, hi]; afterwards a[lo … k − 1] ≤ a[k] ≤ a[k + 1 … hi].
 */
function select(a: Float64Array, k: number, lo0: number, hi0: number): void {
  let lo = lo0, hi = hi0;
  while (hi > lo) {
    const x = a[lo] ?? 0, y = a[(lo + hi) >>> 1] ?? 0, z = a[hi] ?? 0;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo, j = hi;
    while (i <= j) {
      while ((a[i] ?? 0) < pivot) i++;
      while ((a[j] ?? 0) > pivot) j--;
      if (i <= j) {
        const w = a[i] ?? 0;
        a[i] = a[j] ?? 0;
        a[j] = w;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/**
 * Put the order statistic of every rank in ranks[r0 … r1 − 1] (ascending, all
 * within [lo, hi]) at its own index: select the middle rank, then the ranks
 * below it in the part below, and those above in the part above.
 */
function selectRanks(a: Float64Array, ranks: Int32Array, r0: number, r1: number, lo0: number, hi: number): void {
  let from = r0, lo = lo0;
  while (from < r1) {
    const mid = (from + r1) >>> 1;
    const k = ranks[mid] ?? 0;
    select(a, k, lo, hi);
    selectRanks(a, ranks, from, mid, lo, k - 1);
    from = mid + 1;
    lo = k + 1;
  }
}

/** Sort a[lo … hi − 1] ascending (insertion sort for short runs). */
function sortRange(a: Float64Array, lo: number, hi: number): void {
  if (hi - lo > 48) {
    a.subarray(lo, hi).sort();
    return;
  }
  for (let i = lo + 1; i < hi; i++) {
    const x = a[i] ?? 0;
    let j = i - 1;
    while (j >= lo && (a[j] ?? 0) > x) {
      a[j + 1] = a[j] ?? 0;
      j--;
    }
    a[j + 1] = x;
  }
}

/**
 * Everything needed to find the percentiles ps of n values: the ranks (order
 * statistics) needed, and buffers for a bucket selection.
 */
interface Selection {
  readonly n: number;
  readonly ps: readonly number[];
  /** Needed ranks, ascending and distinct. */
  readonly ranks: Int32Array;
  /** For percentile q, the index in `ranks` of floor(h) and of the rank above it. */
  readonly lowAt: Int32Array;
  readonly highAt: Int32Array;
  /** The value of each needed rank, once found. */
  readonly found: Float64Array;
  readonly K: number;
  readonly counts: Int32Array;
  readonly slotOf: Int32Array;
  readonly rankBucket: Int32Array;
  readonly rankOffset: Int32Array;
  readonly slotStart: Int32Array;
  readonly slotFill: Int32Array;
  readonly slotBucket: Int32Array;
  readonly picked: Float64Array;
}

function selection(n: number, ps: readonly number[]): Selection {
  const wanted = new Set<number>();
  for (const p of ps) {
    const h = ((n - 1) * p) / 100;
    const k = Math.floor(h);
    wanted.add(Math.min(n - 1, Math.max(0, k)));
    if (h > k && k + 1 <= n - 1) wanted.add(k + 1);
  }
  const ranks = new Int32Array([...wanted].sort((x, y) => x - y));
  const indexOf = (k: number): number => Math.max(0, ranks.indexOf(Math.min(n - 1, Math.max(0, k))));
  const lowAt = new Int32Array(ps.map((p) => indexOf(Math.floor(((n - 1) * p) / 100))));
  const highAt = new Int32Array(ps.map((p) => {
    const h = ((n - 1) * p) / 100;
    return h > Math.floor(h) ? indexOf(Math.floor(h) + 1) : indexOf(Math.floor(h));
  }));
  // About eight values a bucket.
  let K = 64;
  while (K < 8192 && K * 8 < n) K *= 2;
  const m = ranks.length;
  return {
    n, ps, ranks, lowAt, highAt, found: new Float64Array(m),
    K, counts: new Int32Array(K + 1), slotOf: new Int32Array(K + 1).fill(-1),
    rankBucket: new Int32Array(m), rankOffset: new Int32Array(m),
    slotStart: new Int32Array(m), slotFill: new Int32Array(m), slotBucket: new Int32Array(m),
    picked: new Float64Array(n),
  };
}

/**
 * The needed order statistics of x[0 … n − 1] (whose least and greatest values
 * are min and max) into sel.found. Values are counted into K equal-width
 * buckets between min and max (the bucket of a value never decreases as the
 * value grows, so bucket order is value order); only the few buckets holding a
 * needed rank are then copied out and sorted. Quickselect for short series or
 * values the buckets cannot order (non-finite). Reorders x only on that path.
 */
function orderStatistics(x: Float64Array, min: number, max: number, sel: Selection): void {
  const { n, ranks, found, K, counts, slotOf, rankBucket, rankOffset, slotStart, slotFill, slotBucket, picked } = sel;
  const m = ranks.length;
  const scale = K / (max - min);
  if (n < 256 || !(scale > 0) || !Number.isFinite(scale) || !Number.isFinite(min) || !Number.isFinite(max)) {
    selectRanks(x, ranks, 0, m, 0, n - 1);
    for (let q = 0; q < m; q++) found[q] = x[ranks[q] ?? 0] ?? 0;
    return;
  }
  counts.fill(0);
  for (let i = 0; i < n; i++) {
    const b = Math.min(K, ((x[i] ?? 0) - min) * scale) | 0;
    counts[b] = (counts[b] ?? 0) + 1;
  }
  // The bucket of each needed rank, and its place in that bucket.
  let q = 0, below = 0;
  for (let b = 0; b <= K && q < m; b++) {
    const c = counts[b] ?? 0;
    while (q < m && (ranks[q] ?? 0) < below + c) {
      rankBucket[q] = b;
      rankOffset[q] = (ranks[q] ?? 0) - below;
      q++;
    }
    below += c;
  }
  let slots = 0, total = 0;
  for (let r = 0; r < m; r++) {
    const b = rankBucket[r] ?? 0;
    if ((slotOf[b] ?? -1) >= 0) continue;
    slotOf[b] = slots;
    slotStart[slots] = total;
    slotFill[slots] = total;
    slotBucket[slots] = b;
    total += counts[b] ?? 0;
    slots++;
  }
  for (let i = 0; i < n; i++) {
    const v = x[i] ?? 0;
    const slot = slotOf[Math.min(K, (v - min) * scale) | 0] ?? -1;
    if (slot >= 0) {
      const at = slotFill[slot] ?? 0;
      picked[at] = v;
      slotFill[slot] = at + 1;
    }
  }
  for (let k = 0; k < slots; k++) sortRange(picked, slotStart[k] ?? 0, slotFill[k] ?? 0);
  for (let r = 0; r < m; r++) found[r] = picked[(slotStart[slotOf[rankBucket[r] ?? 0] ?? 0] ?? 0) + (rankOffset[r] ?? 0)] ?? 0;
  for (let k = 0; k < slots; k++) slotOf[slotBucket[k] ?? 0] = -1;
}

/** Percentiles from the order statistics in sel.found (linear interpolation between them). */
function readPercentiles(sel: Selection, into: Float64Array, offset: number): void {
  const { n, ps, found, lowAt, highAt } = sel;
  for (let q = 0; q < ps.length; q++) {
    const h = ((n - 1) * (ps[q] ?? 0)) / 100;
    const k = Math.floor(h);
    const lowV = found[lowAt[q] ?? 0] ?? 0;
    const highV = h > k ? found[highAt[q] ?? 0] ?? 0 : lowV;
    into[offset + q] = lowV + (h - k) * (highV - lowV);
  }
}

/**
 * Percentiles (linear interpolation between order statistics, as R type 7 and
 * NumPy's default). May reorder `values`.
 */
export function percentilesOf(values: Float64Array, ps: readonly number[] = PERCENTILES): number[] {
  const n = values.length;
  if (n === 0) return ps.map(() => Number.NaN);
  let min = Number.POSITIVE_INFINITY, max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const sel = selection(n, ps);
  orderStatistics(values, min, max, sel);
  const result = new Float64Array(ps.length);
  readPercentiles(sel, result, 0);
  return Array.from(result);
}

/**
 * Percentiles and mean of one series, whose runs (in run order) are in
 * column[0 … runs − 1]; the mean adds them in run order.
 */
function summariseColumn(column: Float64Array, sel: Selection, s: number, quantiles: Float64Array, mean: Float64Array): void {
  const runs = sel.n;
  const P = PERCENTILES.length;
  if (runs === 0) {
    mean[s] = Number.NaN;
    quantiles.fill(Number.NaN, s * P, s * P + P);
    return;
  }
  let total = 0, min = Number.POSITIVE_INFINITY, max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const v = column[i] ?? 0;
    total += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  mean[s] = total / runs;
  orderStatistics(column, min, max, sel);
  readPercentiles(sel, quantiles, s * P);
}

/**
 * Percentiles and mean of series [s0, s1) from `data` holding every run,
 * series-major (data[series × runs + run], as simulateRangeBySeries writes it).
 */
export function summariseBySeries(data: Float32Array, runs: number, s0: number, s1: number, quantiles: Float64Array, mean: Float64Array): void {
  const sel = selection(runs, PERCENTILES);
  const column = new Float64Array(runs);
  for (let s = s0; s < s1; s++) {
    const from = s * runs;
    for (let i = 0; i < runs; i++) column[i] = data[from + i] ?? 0;
    summariseColumn(column, sel, s, quantiles, mean);
  }
}

/** Series gathered together from run-major data: one 64-byte cache line of a float32 row. */
const BLOCK = 16;

/**
 * Percentiles and mean of series [s0, s1) over runs stored run-major in
 * `chunks` (in run order; each data[i × S + series]), BLOCK series at a time
 * so every cache line of the runs is read once.
 */
function summariseChunks(chunks: readonly { readonly data: Float32Array; readonly runs: number }[], S: number, s0: number, s1: number, quantiles: Float64Array, mean: Float64Array): void {
  const runs = chunks.reduce((total, c) => total + c.runs, 0);
  const sel = selection(runs, PERCENTILES);
  const columns = Array.from({ length: BLOCK }, () => new Float64Array(runs));
  for (let b0 = s0; b0 < s1; b0 += BLOCK) {
    const width = Math.min(BLOCK, s1 - b0);
    let i = 0;
    for (const c of chunks) {
      const data = c.data;
      for (let row = 0; row < c.runs; row++, i++) {
        const at = row * S + b0;
        for (let j = 0; j < width; j++) {
          const column = columns[j];
          if (column !== undefined) column[i] = data[at + j] ?? 0;
        }
      }
    }
    for (let j = 0; j < width; j++) {
      const column = columns[j];
      if (column !== undefined) summariseColumn(column, sel, b0 + j, quantiles, mean);
    }
  }
}

export interface Summary {
  readonly runs: number;
  readonly seed: number;
  readonly years: readonly number[];
  readonly roles: readonly string[];
  /** quantiles[((r × H + t − 1) × F + f) × 5 + q] for PERCENTILES[q]. */
  readonly quantiles: Float64Array;
  readonly mean: Float64Array;
}

/**
 * Percentiles and mean of series [s0, s1) from `data` holding every run,
 * run-major (data[run × seriesCount + series], as simulateRange writes it at
 * offset from × seriesCount). The worker threads use the series-major
 * simulateRangeBySeries and summariseBySeries instead (faster: contiguous reads).
 */
export function summariseSeries(data: Float32Array, runs: number, S: number, s0: number, s1: number, quantiles: Float64Array, mean: Float64Array): void {
  summariseChunks([{ data, runs }], S, s0, s1, quantiles, mean);
}

export function summaryOf(model: CompiledModel, seed: number, runs: number, quantiles: Float64Array, mean: Float64Array): Summary {
  return {
    runs, seed,
    years: Array.from({ length: model.H }, (_, i) => model.startYear + i + 1),
    roles: model.roleIds, quantiles, mean,
  };
}

/** Percentiles of every series from the chunks written by simulateRange, in run order. */
export function summarise(model: CompiledModel, seed: number, chunks: readonly { readonly from: number; readonly to: number; readonly data: Float32Array }[]): Summary {
  const ordered = [...chunks].sort((a, b) => a.from - b.from).map((c) => ({ data: c.data, runs: c.to - c.from }));
  const runs = ordered.reduce((s, c) => s + c.runs, 0);
  const S = seriesCount(model);
  const quantiles = new Float64Array(S * PERCENTILES.length);
  const mean = new Float64Array(S);
  summariseChunks(ordered, S, 0, S, quantiles, mean);
  return summaryOf(model, seed, runs, quantiles, mean);
}

export interface Target {
  readonly role: string;
  readonly year: number;
  readonly field: OutputField;
  /** One organisation, or every organisation when omitted. */
  readonly organisation?: string;
}

function targetValue(model: CompiledModel, out: Float64Array, target: Target): number {
  const r = model.roleIds.indexOf(target.role);
  const t = target.year - model.startYear;
  if (r < 0) throw new RangeError(`unknown role ${target.role}`);
  if (t < 1 || t > model.H) throw new RangeError(`year ${target.year} is outside the horizon ${model.startYear + 1}–${model.startYear + model.H}`);
  const f = FIELD[target.field];
  if (target.organisation !== undefined) {
    const o = model.orgIds.indexOf(target.organisation);
    if (o < 0) throw new RangeError(`unknown organisation ${target.organisation}`);
    return out[at(model, r, o, t, f)] ?? 0;
  }
  let sum = 0;
  for (let o = 0; o < model.O; o++) sum += out[at(model, r, o, t, f)] ?? 0;
  return sum;
}

/** One deterministic projection at the most likely values, reading one output. */
export function evaluate(model: CompiledModel, target: Target, values = centralValues(model)): number {
  return targetValue(model, project(model, values, new Float64Array(outputSize(model))), target);
}

export interface TornadoBar {
  readonly parameter: string;
  readonly low: number;
  readonly high: number;
  readonly outputAtLow: number;
  readonly outputAtHigh: number;
  readonly swing: number;
}

/**
 * One-at-a-time sensitivity: every uncertain parameter moved to the low and high
 * ends of its range (a truncated normal to mean ± 2 sd within its bounds), the
 * others held at their most likely values. Sorted by swing, largest first.
 */
export function tornado(model: CompiledModel, target: Target, limit = 12): { readonly base: number; readonly bars: readonly TornadoBar[] } {
  const base = centralValues(model);
  const ws = workspace(model);
  const out = new Float64Array(outputSize(model));
  const read = (v: Float64Array): number => targetValue(model, project(model, v, out, ws), target);
  const baseValue = read(base);
  const bars: TornadoBar[] = [];
  model.params.forEach((d, i) => {
    let [low, high] = bounds(d);
    if (d.kind === 'normal') {
      low = Math.max(d.min, d.mean - 2 * d.sd);
      high = Math.min(d.max, d.mean + 2 * d.sd);
    }
    if (low === high) return;
    const v = base.slice();
    v[i] = low;
    const outputAtLow = read(v);
    v[i] = high;
    const outputAtHigh = read(v);
    bars.push({ parameter: model.paramNames[i] ?? String(i), low, high, outputAtLow, outputAtHigh, swing: Math.abs(outputAtHigh - outputAtLow) });
  });
  bars.sort((a, b) => b.swing - a.swing || a.parameter.localeCompare(b.parameter));
  return { base: baseValue, bars: bars.slice(0, limit) };
}

export interface GoalSeekRequest {
  readonly pipeline: string;
  /** Close the gap (all organisations) of the pipeline's role in this year. */
  readonly year: number;
  /** Highest yearly intake allowed (default: the pipeline's maxIntake, else 10,000). */
  readonly cap?: number;
  /** Most the pipeline's training may cost over the whole horizon. */
  readonly budget?: number;
}

export interface GoalSeekResult {
  readonly status: 'already-closed' | 'closed' | 'capped' | 'over-budget';
  /** Smallest whole yearly intake that closes the gap (or the most allowed). */
  readonly intake: number;
  readonly gapAtYear: number;
  readonly trainingCost: number;
}

/**
 * The smallest whole yearly intake (from the pipeline's start year onwards)
 * that brings the role's gap in `year` to zero or below, at the most likely
 * parameter values. Supply never falls as intake rises, so a bisection finds it.
 */
export function goalSeek(model: CompiledModel, request: GoalSeekRequest): GoalSeekResult {
  const k = model.pipelines.findIndex((p) => p.id === request.pipeline);
  const pipeline = model.pipelines[k];
  if (pipeline === undefined) throw new RangeError(`unknown pipeline ${request.pipeline}`);
  const role = model.roleIds[pipeline.role] ?? '';
  const values = centralValues(model);
  const ws = workspace(model);
  const out = new Float64Array(outputSize(model));
  const run = (intake: number): { gap: number; cost: number } => {
    project(model, values, out, ws, { pipeline: k, intake });
    const gap = targetValue(model, out, { role, year: request.year, field: 'gapWte' });
    let cost = 0;
    // The pipeline's own training cost: trainees × cost, all years and organisations.
    const c = values[pipeline.cost] ?? 0;
    const intakes = ws.intakes[k];
    if (intakes !== undefined) for (let t = 1; t <= model.H; t++) for (let y = t - pipeline.duration + 1; y <= t; y++) cost += (y >= 1 ? intakes[y] ?? 0 : 0) * c;
    return { gap, cost };
  };
  const cap = Math.floor(request.cap ?? pipeline.maxIntake ?? 10_000);
  const zero = run(0);
  if (zero.gap <= 0) return { status: 'already-closed', intake: 0, gapAtYear: zero.gap, trainingCost: zero.cost };
  let maxAllowed = cap;
  let limit: 'capped' | 'over-budget' = 'capped';
  if (request.budget !== undefined && run(cap).cost > request.budget) {
    let lo = 0, hi = cap;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (run(mid).cost <= request.budget) lo = mid;
      else hi = mid - 1;
    }
    maxAllowed = lo;
    limit = 'over-budget';
  }
  const top = run(maxAllowed);
  if (top.gap > 0) return { status: limit, intake: maxAllowed, gapAtYear: top.gap, trainingCost: top.cost };
  let lo = 0, hi = maxAllowed;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (run(mid).gap <= 0) hi = mid;
    else lo = mid + 1;
  }
  const found = run(lo);
  return { status: 'closed', intake: lo, gapAtYear: found.gap, trainingCost: found.cost };
}
