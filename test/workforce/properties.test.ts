import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { at, compile, F, FIELD, outputSize, project, projectTotals, type CompiledModel } from '../../src/domain/workforce/engine.js';
import { percentilesOf, PERCENTILES, sampleParameters, seriesCount, seriesIndex, simulateRange, simulateRangeBySeries, summarise, summariseBySeries } from '../../src/domain/workforce/monte-carlo.js';
import { scenario } from './helpers.js';

const rate = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })).map(([a, b]) => ({ uniform: [Math.min(a, b), Math.max(a, b)] })),
  fc.tuple(fc.double({ min: 0, max: 0.5, noNaN: true }), fc.double({ min: 0, max: 0.5, noNaN: true })).map(([a, b]) => ({ pert: [0, Math.min(a, b), Math.max(a, b) + 0.1] })),
);
const amount = fc.oneof(
  fc.double({ min: 0, max: 50, noNaN: true }),
  fc.double({ min: 0, max: 50, noNaN: true }).map((m) => ({ triangular: [0, m, m + 10] })),
  fc.double({ min: 1, max: 50, noNaN: true }).map((m) => ({ normal: { mean: m, sd: m / 3, min: 0, max: 2 * m } })),
);

/** Random but valid scenarios: 1–3 roles, 1–3 organisations, 1–4 age bands. */
const scenarioData = fc.record({ R: fc.integer({ min: 1, max: 3 }), O: fc.integer({ min: 1, max: 3 }), B: fc.integer({ min: 1, max: 4 }), H: fc.integer({ min: 1, max: 8 }) }).chain(({ R, O, B, H }) =>
  fc.record({
    roles: fc.array(fc.record({ attrition: rate, retirement: fc.array(rate, { minLength: B, maxLength: B }), recruit: amount, international: amount, byRate: fc.boolean(), rate }), { minLength: R, maxLength: R }),
    baseline: fc.array(fc.array(fc.double({ min: 0, max: 200, noNaN: true }), { minLength: B, maxLength: B }), { minLength: R * O, maxLength: R * O }),
    intake: amount,
    duration: fc.integer({ min: 1, max: 5 }),
    completion: rate,
    progression: rate,
  }).map((x) => ({
    id: 'random', name: 'Random', startYear: 2025, horizon: H,
    ageBands: Array.from({ length: B }, (_, b) => (b < B - 1 ? { id: `b${b}`, width: 5 } : { id: `b${b}` })),
    roles: x.roles.map((r, i) => ({
      id: `r${i}`, name: `Role ${i}`, attrition: r.attrition, retirement: r.retirement,
      recruitment: r.byRate ? { rate: r.rate } : { perYear: r.recruit }, international: r.international,
    })),
    organisations: Array.from({ length: O }, (_, o) => ({ id: `o${o}`, name: `Org ${o}`, population: 100_000 * (o + 1) })),
    baseline: x.baseline.map((h, k) => ({ role: `r${Math.floor(k / O)}`, organisation: `o${k % O}`, headcount: h })),
    pipelines: [{ id: 'p', role: 'r0', intake: x.intake, duration: x.duration, completion: x.completion, retention: 0.8, startYear: 2023 }],
    progression: R > 1 ? [{ from: 'r0', to: 'r1', rate: x.progression }] : [],
    demand: { ratios: [{ role: 'r0', per100k: 10 }] },
  })));

/**
 * For every role, organisation and year: start + joiners − leavers = end (to
 * rounding), no output but the gap below zero, and each year starting where the
 * last ended.
 */
function expectConservedAndNonNegative(model: CompiledModel, out: Float64Array): void {
  for (let r = 0; r < model.R; r++) for (let o = 0; o < model.O; o++) for (let t = 1; t <= model.H; t++) {
    const c = at(model, r, o, t, 0);
    const v = (f: keyof typeof FIELD): number => out[c + FIELD[f]]!;
    const inflow = v('joinersRecruitment') + v('joinersInternational') + v('joinersTraining') + v('joinersProgression');
    const outflow = v('leaversAttrition') + v('leaversRetirement') + v('leaversProgression');
    const scale = Math.max(1, v('headcountStart') + inflow);
    expect(Math.abs(v('headcountStart') + inflow - outflow - v('headcountEnd'))).toBeLessThanOrEqual(1e-9 * scale);
    for (let f = 0; f < F; f++) if (f !== FIELD.gapWte) expect(out[c + f]!).toBeGreaterThanOrEqual(-1e-9 * scale);
    if (t > 1) expect(v('headcountStart')).toBe(out[at(model, r, o, t - 1, FIELD.headcountEnd)]);
  }
}

describe('engine properties', () => {
  it('conserves stock and never goes negative, for any sampled run', () => {
    fc.assert(fc.property(scenarioData, fc.integer({ min: 0, max: 1000 }), (data, seed) => {
      const model = compile(scenario(data));
      const out = project(model, sampleParameters(model, seed, 0), new Float64Array(outputSize(model)));
      expectConservedAndNonNegative(model, out);
    }), { numRuns: 150 });
  });

  it('never lowers supply when intake rises', () => {
    fc.assert(fc.property(scenarioData, fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 100, noNaN: true }), (data, seed, extra) => {
      const model = compile(scenario(data));
      const values = sampleParameters(model, seed, 0);
      const lower = project(model, values, new Float64Array(outputSize(model)), undefined, { pipeline: 0, intake: 10 });
      const higher = project(model, values, new Float64Array(outputSize(model)), undefined, { pipeline: 0, intake: 10 + extra });
      for (let r = 0; r < model.R; r++) for (let o = 0; o < model.O; o++) for (let t = 1; t <= model.H; t++) {
        const i = at(model, r, o, t, FIELD.supplyWte);
        expect(higher[i]!).toBeGreaterThanOrEqual(lower[i]! - 1e-9 * Math.max(1, lower[i]!));
      }
    }), { numRuns: 100 });
  });

  it('gives the same numbers for the same seed, however the runs are split', () => {
    fc.assert(fc.property(scenarioData, fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 39 }), (data, seed, split) => {
      const model = compile(scenario(data));
      const S = seriesCount(model);
      const whole = new Float32Array(S * 40);
      simulateRange(model, seed, 0, 40, whole);
      const a = new Float32Array(S * split), b = new Float32Array(S * (40 - split));
      simulateRange(model, seed, 0, split, a);
      simulateRange(model, seed, split, 40, b);
      const one = summarise(model, seed, [{ from: 0, to: 40, data: whole }]);
      const two = summarise(model, seed, [{ from: split, to: 40, data: b }, { from: 0, to: split, data: a }]);
      expect(two.quantiles).toEqual(one.quantiles);
      expect(two.mean).toEqual(one.mean);
    }), { numRuns: 40 });
  });

  it('orders percentiles P5 ≤ P25 ≤ P50 ≤ P75 ≤ P95', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }), (xs) => {
      const q = percentilesOf(new Float64Array(xs));
      for (let i = 1; i < q.length; i++) expect(q[i]!).toBeGreaterThanOrEqual(q[i - 1]!);
      expect(q[0]!).toBeGreaterThanOrEqual(Math.min(...xs));
      expect(q[q.length - 1]!).toBeLessThanOrEqual(Math.max(...xs));
    }));
  });

  it('computes percentiles as linear interpolation between order statistics', () => {
    expect(percentilesOf(new Float64Array([5, 1, 4, 2, 3]), [0, 25, 50, 100])).toEqual([1, 2, 3, 5]);
    expect(percentilesOf(new Float64Array([10, 0]), [5, 50, 95])).toEqual([0.5, 5, 9.5]);
    expect(PERCENTILES).toEqual([5, 25, 50, 75, 95]);
  });
});

/**
 * Richer random scenarios: progression between any two roles (cycles and
 * several routes into or out of a role included), several pipelines with their
 * own entry bands, recruitment by rate or number with a national cap.
 */
const richData = fc.record({ R: fc.integer({ min: 1, max: 4 }), O: fc.integer({ min: 1, max: 3 }), B: fc.integer({ min: 1, max: 4 }), H: fc.integer({ min: 1, max: 6 }) }).chain(({ R, O, B, H }) =>
  fc.record({
    roles: fc.array(fc.record({ attrition: rate, retirement: fc.array(rate, { minLength: B, maxLength: B }), recruit: amount, byRate: fc.boolean(), rate, cap: fc.option(amount), international: amount, entry: fc.integer({ min: 0, max: B - 1 }) }), { minLength: R, maxLength: R }),
    baseline: fc.array(fc.array(fc.double({ min: 0, max: 200, noNaN: true }), { minLength: B, maxLength: B }), { minLength: R * O, maxLength: R * O }),
    pipelines: fc.array(fc.record({ role: fc.integer({ min: 0, max: R - 1 }), intake: amount, duration: fc.integer({ min: 1, max: 4 }), completion: rate, entry: fc.integer({ min: 0, max: B - 1 }) }), { maxLength: 3 }),
    progression: fc.array(fc.record({ from: fc.integer({ min: 0, max: R - 1 }), to: fc.integer({ min: 0, max: R - 1 }), rate }), { maxLength: 6 }),
  }).map((x) => ({
    id: 'rich', name: 'Rich', startYear: 2025, horizon: H,
    ageBands: Array.from({ length: B }, (_, b) => (b < B - 1 ? { id: `b${b}`, width: 1 + b } : { id: `b${b}` })),
    roles: x.roles.map((r, i) => ({
      id: `r${i}`, name: `Role ${i}`, attrition: r.attrition, retirement: r.retirement, entryBand: `b${r.entry}`,
      recruitment: r.byRate ? { rate: r.rate } : { perYear: r.recruit }, international: r.international, payPerWte: 1000,
      ...(r.cap === null ? {} : { labourMarketCap: r.cap }),
    })),
    organisations: Array.from({ length: O }, (_, o) => ({ id: `o${o}`, name: `Org ${o}`, population: 100_000 * (o + 1), populationGrowth: 0.01 })),
    baseline: x.baseline.map((h, k) => ({ role: `r${Math.floor(k / O)}`, organisation: `o${k % O}`, headcount: h })),
    pipelines: x.pipelines.map((p, i) => ({ id: `p${i}`, role: `r${p.role}`, intake: p.intake, duration: p.duration, completion: p.completion, retention: 0.8, startYear: 2023, costPerTraineeYear: 100, entryBand: `b${p.entry}` })),
    progression: x.progression.filter((p) => p.from !== p.to).map((p) => ({ from: `r${p.from}`, to: `r${p.to}`, rate: p.rate })),
    demand: { ratios: [{ role: 'r0', per100k: 10 }], activity: [{ category: 'g', tests: 1000, growth: 0.05, hours: { [`r${R - 1}`]: 2 } }] },
  })));

describe('engine properties with progression cycles and several pipelines', () => {
  it('conserves stock and never goes negative', () => {
    fc.assert(fc.property(richData, fc.integer({ min: 0, max: 1000 }), (data, seed) => {
      const model = compile(scenario(data));
      const out = project(model, sampleParameters(model, seed, 0), new Float64Array(outputSize(model)));
      expectConservedAndNonNegative(model, out);
      // People progressing out of one role arrive in another: nationally, in equals out.
      for (let t = 1; t <= model.H; t++) {
        let moved = 0, arrived = 0;
        for (let r = 0; r < model.R; r++) for (let o = 0; o < model.O; o++) {
          moved += out[at(model, r, o, t, FIELD.leaversProgression)]!;
          arrived += out[at(model, r, o, t, FIELD.joinersProgression)]!;
        }
        expect(Math.abs(moved - arrived)).toBeLessThanOrEqual(1e-9 * Math.max(1, moved));
      }
    }), { numRuns: 150 });
  });

  it('keeps, for Monte Carlo, exactly the sums over organisations (in organisation order) of the full projection', () => {
    fc.assert(fc.property(richData, fc.integer({ min: 0, max: 1000 }), (data, seed) => {
      const model = compile(scenario(data));
      const values = sampleParameters(model, seed, 3);
      const out = project(model, values, new Float64Array(outputSize(model)));
      const totals = projectTotals(model, values).slice();
      for (let r = 0; r < model.R; r++) for (let t = 1; t <= model.H; t++) for (let f = 0; f < F; f++) {
        let sum = 0;
        for (let o = 0; o < model.O; o++) sum += out[at(model, r, o, t, f)]!;
        expect(totals[seriesIndex(model, r, t, f)]).toBe(sum);
      }
    }), { numRuns: 150 });
  });

  it('gives the same projection (to rounding) whatever order the roles are listed in', () => {
    fc.assert(fc.property(richData, fc.integer({ min: 0, max: 1000 }), (data, seed) => {
      const reversed = { ...data, roles: [...data.roles].reverse() };
      const a = compile(scenario(data)), b = compile(scenario(reversed));
      // The same parameter values, matched by name (and by occurrence: two routes between the same roles share a name).
      const key = (names: readonly string[]): string[] => names.map((name, i) => `${name}#${names.slice(0, i).filter((n) => n === name).length}`);
      const keysA = key(a.paramNames);
      const values = sampleParameters(a, seed, 0);
      const vb = new Float64Array(key(b.paramNames).map((k) => values[keysA.indexOf(k)]!));
      const outA = project(a, values, new Float64Array(outputSize(a)));
      const outB = project(b, vb, new Float64Array(outputSize(b)));
      for (let r = 0; r < a.R; r++) for (let o = 0; o < a.O; o++) for (let t = 1; t <= a.H; t++) for (let f = 0; f < F; f++) {
        const x = outA[at(a, r, o, t, f)]!, y = outB[at(b, a.R - 1 - r, o, t, f)]!;
        expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(x)));
      }
    }), { numRuns: 100 });
  });
});

describe('Monte Carlo storage and percentiles', () => {
  it('gives the same numbers stored series by series (as worker threads do) as run by run', () => {
    fc.assert(fc.property(richData, fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 300 }), fc.nat(), (data, seed, runs, cutAt) => {
      const model = compile(scenario(data));
      const S = seriesCount(model);
      const byRun = new Float32Array(S * runs);
      simulateRange(model, seed, 0, runs, byRun);
      const bySeries = new Float32Array(S * runs);
      const cut = cutAt % (runs + 1);
      simulateRangeBySeries(model, seed, 0, cut, runs, bySeries);
      simulateRangeBySeries(model, seed, cut, runs, runs, bySeries);
      const transposed = new Float32Array(S * runs);
      for (let s = 0; s < S; s++) for (let i = 0; i < runs; i++) transposed[s * runs + i] = byRun[i * S + s]!;
      expect(bySeries).toEqual(transposed);
      const one = summarise(model, seed, [{ from: 0, to: runs, data: byRun }]);
      const quantiles = new Float64Array(S * PERCENTILES.length), mean = new Float64Array(S);
      const half = Math.floor(S / 2);
      summariseBySeries(bySeries, runs, 0, half, quantiles, mean);
      summariseBySeries(bySeries, runs, half, S, quantiles, mean);
      expect(quantiles).toEqual(one.quantiles);
      expect(mean).toEqual(one.mean);
    }), { numRuns: 30 });
  });

  it('finds the same percentiles as sorting, for short and long series, ties and outliers', () => {
    const value = fc.oneof(
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      fc.integer({ min: 0, max: 3 }),
      fc.constantFrom(1e300, -1e300, 5e-324, Number.POSITIVE_INFINITY),
    );
    const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
    const byDefinition = (xs: number[], p: number): number => {
      const s = sorted(xs);
      const h = ((s.length - 1) * p) / 100, k = Math.floor(h);
      const low = s[k]!, high = h > k ? s[k + 1]! : low;
      return low + (h - k) * (high - low);
    };
    fc.assert(fc.property(fc.array(value, { minLength: 1, maxLength: 3000 }), fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 6 }), (xs, ps) => {
      const got = percentilesOf(new Float64Array(xs), ps);
      ps.forEach((p, i) => { expect(Object.is(got[i], byDefinition(xs, p)) || got[i] === byDefinition(xs, p)).toBe(true); });
    }), { numRuns: 300 });
  });
});
