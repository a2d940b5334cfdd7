import { describe, expect, it } from 'vitest';
import { at, centralValues, compile, FIELD, ORG_FIELDS, outputSize, project } from '../../src/domain/workforce/engine.js';
import { organisationSeriesIndex, PERCENTILES, seriesCount, seriesIndex } from '../../src/domain/workforce/monte-carlo.js';
import { keepsOrganisations, runMonteCarlo } from '../../src/services/workforce/monte-carlo-runner.js';
import { roleResults } from '../../src/services/workforce/run-jobs.js';
import { loadScenarioFile } from '../../src/services/workforce/scenario-files.js';
import { HAND, scenario } from './helpers.js';

const q = PERCENTILES.length;

describe('Monte Carlo figures per organisation', () => {
  it('keeps supply, demand and gap per organisation equal to the projection of each run', async () => {
    const scenario = loadScenarioFile('scenarios/welsh-genomics-baseline.yaml');
    const result = await runMonteCarlo(scenario, { runs: 40, seed: 3, threads: 0, byOrganisation: true });
    const { model, summary } = result;
    expect(model.byOrganisation).toBe(true);
    expect(seriesCount(model)).toBe(model.R * model.H * 15 + model.R * model.O * model.H * ORG_FIELDS.length);
    // Per organisation, P5 ≤ P50 ≤ P95, and the organisations' medians are not all the same.
    const r = 0, t = 10;
    const gapMedians: number[] = [];
    for (let o = 0; o < model.O; o++) {
      const s = organisationSeriesIndex(model, r, o, t, ORG_FIELDS.indexOf('gapWte'));
      const p5 = summary.quantiles[s * q] ?? Number.NaN, p50 = summary.quantiles[s * q + 2] ?? Number.NaN, p95 = summary.quantiles[s * q + 4] ?? Number.NaN;
      expect(p5).toBeLessThanOrEqual(p50);
      expect(p50).toBeLessThanOrEqual(p95);
      gapMedians.push(p50);
    }
    expect(new Set(gapMedians.map((x) => x.toFixed(3))).size).toBeGreaterThan(1);
    // The means per organisation add up to the national mean (sums and means commute).
    for (const [k, field] of ORG_FIELDS.entries()) {
      let sum = 0;
      for (let o = 0; o < model.O; o++) sum += summary.mean[organisationSeriesIndex(model, r, o, t, k)] ?? Number.NaN;
      expect(sum).toBeCloseTo(summary.mean[seriesIndex(model, r, t, FIELD[field])] ?? Number.NaN, 1);
    }
  });

  it('matches the per-organisation projection exactly when nothing is uncertain', async () => {
    const twoBoards = scenario({
      ...HAND,
      organisations: [...HAND.organisations, { id: 'other', name: 'Other board', population: 50_000 }],
      baseline: [...HAND.baseline, { role: 'scientist', organisation: 'other', headcount: [30, 10] }],
    });
    const result = await runMonteCarlo(twoBoards, { runs: 12, seed: 5, threads: 0, byOrganisation: true });
    const model = result.model;
    const expected = project(model, centralValues(model), new Float64Array(outputSize(model)));
    for (let o = 0; o < model.O; o++) for (let t = 1; t <= model.H; t++) {
      for (const [k, field] of ORG_FIELDS.entries()) {
        const s = organisationSeriesIndex(model, 0, o, t, k);
        const want = expected[at(model, 0, o, t, FIELD[field])] ?? Number.NaN;
        for (let i = 0; i < q; i++) expect(result.summary.quantiles[s * q + i]).toBeCloseTo(want, 3);
      }
    }
    // The two boards differ, so a per-board figure is not the national one split evenly.
    const gap = ORG_FIELDS.indexOf('gapWte');
    expect(result.summary.quantiles[organisationSeriesIndex(model, 0, 0, 2, gap) * q + 2])
      .not.toBeCloseTo(result.summary.quantiles[organisationSeriesIndex(model, 0, 1, 2, gap) * q + 2] ?? 0, 1);
  });

  it('keeps them when they fit the memory budget, and the run result and CSV carry them', async () => {
    const scenario = loadScenarioFile('scenarios/welsh-genomics-baseline.yaml');
    const model = compile(scenario);
    expect(keepsOrganisations(model, 10_000)).toBe(true);
    expect(keepsOrganisations({ ...model, R: 12, O: 12, H: 20 }, 10_000)).toBe(false);
    expect(keepsOrganisations({ ...model, R: 12, O: 12, H: 20 }, 10_000, true)).toBe(true);
    const result = await runMonteCarlo(scenario, { runs: 30, seed: 2, threads: 0 });
    const roles = roleResults(scenario, result.model, result.summary);
    const orgs = roles[0]?.organisations ?? [];
    expect(orgs.map((o) => o.id)).toEqual(scenario.organisations.map((o) => o.id));
    expect(orgs.find((o) => o.id === '7a7')?.nameCy).toBe('Bwrdd Iechyd Addysgu Powys');
    const without = await runMonteCarlo(scenario, { runs: 30, seed: 2, threads: 0, byOrganisation: false });
    expect(roleResults(scenario, without.model, without.summary)[0]?.organisations).toBeUndefined();
    expect(without.summary.quantiles).toEqual(result.summary.quantiles.subarray(0, without.summary.quantiles.length));
  });
});
