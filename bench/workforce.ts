// Workforce Monte Carlo benchmark, as the workforce planning issue asks:
// 10,000 runs of a 20-year horizon for 12 roles across 12 organisations with 6
// age bands (28.8 million role–organisation–years), on every core. Target:
// under 2 s wall time and under 1 GB of memory. Prints cell-years per second.
// Also times a 1,000-run projection of the shipped Welsh baseline (the web
// workspace's "first results within a second").
//
// By default the engine runs from the TypeScript sources through tsx (worker
// threads register tsx too, which costs about 0.1–0.2 s of start-up). With
// BENCH_FROM=dist it runs the compiled JavaScript from `npm run build`
// instead, as `genomeg plan` and the web server do in production.

import { loadavg } from 'node:os';
import { validateScenario } from '../src/domain/workforce/scenario.js';
import * as fromSource from '../src/services/workforce/monte-carlo-runner.js';
import { loadScenarioFile } from '../src/services/workforce/scenario-files.js';
import { machine, watchMemory } from './machine.js';

const FROM = process.env['BENCH_FROM'] === 'dist' ? 'dist' : 'src';

async function runner(): Promise<typeof fromSource.runMonteCarlo> {
  if (FROM === 'src') return fromSource.runMonteCarlo;
  const url = new URL('../dist/services/workforce/monte-carlo-runner.js', import.meta.url).href;
  const compiled = (await import(url)) as typeof fromSource;
  return compiled.runMonteCarlo;
}

const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

const RUNS = Number(process.env['BENCH_RUNS'] ?? 10_000);
const ROLES = 12, ORGS = 12, BANDS = 6, YEARS = 20;

function syntheticScenario(): ReturnType<typeof validateScenario> {
  const tri = (a: number, b: number, c: number): { triangular: number[] } => ({ triangular: [a, b, c] });
  const roles = Array.from({ length: ROLES }, (_, r) => ({
    id: `role-${r}`, name: `Role ${r}`, payPerWte: 50_000, wtePerHead: tri(0.8, 0.9, 1),
    attrition: { pert: [0.04, 0.08, 0.12] }, retirement: [0, 0, 0, 0.02, 0.1, tri(0.2, 0.3, 0.4)],
    recruitment: { perYear: tri(2, 5, 8) }, labourMarketCap: 7, international: tri(0, 1, 2),
    entryBand: 'b1',
  }));
  return validateScenario({ file: 'bench', data: {
    id: 'bench', name: 'Benchmark', startYear: 2025, horizon: YEARS,
    ageBands: Array.from({ length: BANDS }, (_, b) => (b < BANDS - 1 ? { id: `b${b}`, width: 8 } : { id: `b${b}` })),
    roles,
    organisations: Array.from({ length: ORGS }, (_, o) => ({ id: `org-${o}`, name: `Org ${o}`, population: 100_000 + 50_000 * o, populationGrowth: tri(0, 0.003, 0.006) })),
    baseline: roles.flatMap((r) => Array.from({ length: ORGS }, (_, o) => ({ role: r.id, organisation: `org-${o}`, headcount: [3, 8, 8, 4, 3, 1] }))),
    pipelines: roles.map((r) => ({ id: `train-${r.id}`, role: r.id, intake: tri(4, 8, 12), duration: 3, completion: { pert: [0.8, 0.9, 0.97] }, retention: tri(0.6, 0.8, 0.95), startYear: 2023, costPerTraineeYear: 40_000 })),
    progression: roles.slice(1).map((r, i) => ({ from: `role-${i}`, to: r.id, rate: tri(0.005, 0.01, 0.02) })),
    demand: {
      activity: [{ category: 'genomes', tests: 3000, growth: tri(0.02, 0.05, 0.1), hours: Object.fromEntries(roles.map((r) => [r.id, tri(2, 4, 6)])) }],
      ratios: roles.map((r) => ({ role: r.id, per100k: tri(2, 3, 4) })),
      skillMix: [{ from: 'role-0', to: 'role-1', share: tri(0, 0.1, 0.2), fromYear: 2028 }],
    },
  } });
}

export async function run(): Promise<void> {
  console.log(`workforce Monte Carlo benchmark on ${machine()}, engine from ${FROM === 'dist' ? 'compiled JavaScript (dist/)' : 'TypeScript via tsx (src/)'}; load average ${load()}`);
  const runMonteCarlo = await runner();
  const scenario = syntheticScenario();
  const cells = RUNS * ROLES * ORGS * YEARS;
  // The case keeps every output for all organisations together (per
  // organisation at this size would exceed the run's memory budget); the last
  // line forces supply, demand and gap per organisation too, to show the cost.
  const cases = [
    { threads: 2, byOrganisation: 'auto', label: '' },
    { threads: 1, byOrganisation: 'auto', label: '' },
    { threads: 2, byOrganisation: true, label: ', also per organisation' },
  ] as const;
  for (const { threads, byOrganisation, label } of cases) {
    const stop = watchMemory();
    const started = performance.now();
    const result = await runMonteCarlo(scenario, { runs: RUNS, seed: 1, threads, byOrganisation });
    const seconds = (performance.now() - started) / 1000;
    const peak = stop();
    const ph = result.phases;
    const phases = ph === undefined ? '' : `; workers loaded at ${ph.workersLoaded.toFixed(2)} s, runs projected at ${ph.projected.toFixed(2)} s, percentiles done at ${ph.summarised.toFixed(2)} s`;
    console.log(`${RUNS.toLocaleString('en-GB')} runs × ${ROLES} roles × ${ORGS} orgs × ${YEARS} years × ${BANDS} bands, ${threads} thread(s)${label}: ${seconds.toFixed(2)} s, ${(cells / seconds / 1e6).toFixed(1)} million cell-years/s, peak RSS ${peak.toFixed(0)} MiB (${result.model.params.length} parameters)${phases}`);
  }
  const welsh = loadScenarioFile('scenarios/welsh-genomics-baseline.yaml');
  const started = performance.now();
  await runMonteCarlo(welsh, { runs: 1000, seed: 1 });
  console.log(`Welsh baseline, 1,000 runs: ${((performance.now() - started) / 1000).toFixed(2)} s; load average ${load()}`);
}
