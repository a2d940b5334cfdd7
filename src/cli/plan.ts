// `genomeg plan SCENARIO.yaml [--runs N] [--seed S] [--out DIR]`: project a
// workforce scenario with Monte Carlo uncertainty and write results.json,
// results.csv, a fan chart and a gap chart per role, a tornado chart and a
// self-contained report.html (src/services/workforce/report.ts, as the web
// workspace offers it; `--lang cy` for Welsh). `--compare a.yaml b.yaml [c.yaml]`
// puts scenarios side by side.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isDomainError } from '../domain/errors.js';
import { formatFigure, plainFixed } from '../domain/number-format.js';
import { OUTPUT_FIELDS, FIELD, ORG_FIELDS } from '../domain/workforce/engine.js';
import { goalSeek, organisationSeriesIndex, PERCENTILES, seriesIndex, tornado, type GoalSeekRequest, type GoalSeekResult, type TornadoBar } from '../domain/workforce/monte-carlo.js';
import { formatIssue, scenarioError, scenarioNames, type Scenario, type ScenarioIssue } from '../domain/workforce/scenario.js';
import { checkGoal, goalYears, splitGoal } from '../domain/workforce/goal.js';
import { runMonteCarlo, type MonteCarloResult } from '../services/workforce/monte-carlo-runner.js';
import { buildReport } from '../services/workforce/report.js';
import { roleResults } from '../services/workforce/run-jobs.js';
import { loadScenarioFile } from '../services/workforce/scenario-files.js';
import { translator } from '../web/i18n.js';

export const PLAN_USAGE = `Usage:
  genomeg plan SCENARIO.yaml [--runs 10000] [--seed 1] [--out DIR] [--threads N]
               [--tornado ROLE:YEAR] [--goal PIPELINE:YEAR[:CAP[:BUDGET]]] [--lang en|cy]
  genomeg plan --compare A.yaml B.yaml [C.yaml] [--runs N] [--seed S] [--out DIR] [--lang en|cy]
The goal's answer: closed (the smallest yearly intake that closes the gap by YEAR),
capped (the cap is not enough), over-budget (the budget is not enough),
already-closed (no intake is needed).`;

interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly isTty: boolean;
}

const defaultIo: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), isTty: process.stderr.isTTY };

function progressBar(io: Io, label: string): (done: number, total: number) => void {
  let last = -1;
  return (done, total) => {
    const pct = Math.floor((100 * done) / total);
    if (pct === last) return;
    last = pct;
    if (io.isTty) {
      const width = 30, filled = Math.round((width * done) / total);
      io.err(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}%${done === total ? '\n' : ''}`);
    } else if (pct % 25 === 0) {
      io.err(`${label}: ${pct}%\n`);
    }
  };
}

interface Planned {
  readonly file: string;
  readonly scenario: Scenario;
  readonly result: MonteCarloResult;
  readonly tornado: { readonly role: string; readonly year: number; readonly base: number; readonly bars: readonly TornadoBar[] };
  readonly goal?: GoalSeekResult & { readonly pipeline: string; readonly year: number };
}

function csvRows(p: Planned): string[] {
  const { model, summary } = p.result;
  const rows: string[] = [];
  const line = (role: string, organisation: string, t: number, field: string, s: number): void => {
    const q = PERCENTILES.map((_, i) => summary.quantiles[s * PERCENTILES.length + i] ?? Number.NaN);
    rows.push([p.scenario.id, role, organisation, model.startYear + t, field, ...q.map((x) => plainFixed(x, 4)), plainFixed(summary.mean[s] ?? Number.NaN, 4)].join(','));
  };
  for (let r = 0; r < model.R; r++) for (let t = 1; t <= model.H; t++) for (const field of OUTPUT_FIELDS) {
    line(model.roleIds[r] ?? '', 'all', t, field, seriesIndex(model, r, t, FIELD[field]));
  }
  if (model.byOrganisation === true) {
    for (let r = 0; r < model.R; r++) for (let o = 0; o < model.O; o++) for (let t = 1; t <= model.H; t++) {
      ORG_FIELDS.forEach((field, k) => { line(model.roleIds[r] ?? '', model.orgIds[o] ?? '', t, field, organisationSeriesIndex(model, r, o, t, k)); });
    }
  }
  return rows;
}

function jsonResult(p: Planned): unknown {
  const { model, summary } = p.result;
  return {
    scenario: { id: p.scenario.id, name: p.scenario.name }, runs: summary.runs, seed: summary.seed,
    percentiles: PERCENTILES, years: summary.years,
    roles: model.roleIds.map((role, r) => ({
      role,
      fields: Object.fromEntries(OUTPUT_FIELDS.map((field) => [field, summary.years.map((year, k) => {
        const s = seriesIndex(model, r, k + 1, FIELD[field]);
        return { year, mean: summary.mean[s], p: PERCENTILES.map((_, i) => summary.quantiles[s * PERCENTILES.length + i]) };
      })])),
      ...(model.byOrganisation === true ? {
        organisations: model.orgIds.map((organisation, o) => ({
          organisation,
          fields: Object.fromEntries(ORG_FIELDS.map((field, k) => [field, summary.years.map((year, y) => {
            const s = organisationSeriesIndex(model, r, o, y + 1, k);
            return { year, mean: summary.mean[s], p: PERCENTILES.map((_, i) => summary.quantiles[s * PERCENTILES.length + i]) };
          })])),
        })),
      } : {}),
    })),
    tornado: p.tornado,
    goal: p.goal,
    resolvedScenario: p.scenario,
  };
}

/**
 * `--tornado ROLE:YEAR` and `--goal PIPELINE:YEAR[:CAP[:BUDGET]]` checked against
 * the scenario before the Monte Carlo runs: every problem, in the scenario
 * file's error style (GNM_SCENARIO_INVALID, exit code 1).
 */
function checkArguments(path: string, scenario: Scenario, tornadoArg: string | undefined, goalArg: string | undefined): { role: string; year: number; goal?: GoalSeekRequest } {
  const issues: ScenarioIssue[] = [];
  const [tRole, tYear] = (tornadoArg ?? '').split(':');
  const role = tRole !== undefined && tRole !== '' ? tRole : scenario.roles[0]?.id ?? '';
  const year = tYear !== undefined && tYear !== '' ? Number(tYear) : scenario.startYear + Math.min(10, scenario.horizon);
  const { first, last } = goalYears(scenario);
  if (!scenario.roles.some((r) => r.id === role)) issues.push({ file: path, path: '--tornado.role', message: `no role "${role}" in the scenario (roles: ${scenario.roles.map((r) => r.id).join(', ')})` });
  if (!(Number.isInteger(year) && year >= first && year <= last)) issues.push({ file: path, path: '--tornado.year', message: `"${tYear ?? ''}" is not a year from ${first} to ${last}` });
  let goal: GoalSeekRequest | undefined;
  if (goalArg !== undefined) {
    const checked = checkGoal(scenario, splitGoal(goalArg), { file: path, prefix: '--goal' });
    if ('issues' in checked) issues.push(...checked.issues.map(({ file, path: at, message }) => ({ file, path: at, message })));
    else goal = checked.request;
  }
  if (issues.length > 0) throw scenarioError(issues);
  return { role, year, ...(goal === undefined ? {} : { goal }) };
}

async function plan(path: string, runs: number, seed: number, threads: number | undefined, tornadoArg: string | undefined, goalArg: string | undefined, io: Io): Promise<Planned> {
  const scenario = loadScenarioFile(path);
  const { role, year, goal: goalRequest } = checkArguments(path, scenario, tornadoArg, goalArg);
  const result = await runMonteCarlo(scenario, { runs, seed, ...(threads === undefined ? {} : { threads }), onProgress: progressBar(io, scenario.id) });
  const tor = tornado(result.model, { role, year, field: 'gapWte' });
  let goal: Planned['goal'];
  if (goalRequest !== undefined) goal = { ...goalSeek(result.model, goalRequest), pipeline: goalRequest.pipeline, year: goalRequest.year };
  return { file: path, scenario, result, tornado: { role, year, ...tor }, ...(goal === undefined ? {} : { goal }) };
}

async function writeOutputs(planned: readonly Planned[], dir: string, lang: 'en' | 'cy', io: Io): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const header = 'scenario,role,organisation,year,field,p5,p25,p50,p75,p95,mean';
  writeFileSync(join(dir, 'results.csv'), [header, ...planned.flatMap(csvRows)].join('\n') + '\n');
  writeFileSync(join(dir, 'results.json'), JSON.stringify(planned.length === 1 ? jsonResult(planned[0] as Planned) : planned.map(jsonResult), null, 1));
  const { html, charts } = await buildReport(planned.map((p) => ({
    id: p.scenario.id, name: p.scenario.name, runs: p.result.summary.runs, seed: p.result.summary.seed, seconds: p.result.seconds,
    roles: roleResults(p.scenario, p.result.model, p.result.summary), tornado: { ...p.tornado, names: scenarioNames(p.scenario) },
    ...(p.goal === undefined ? {} : { goal: p.goal }),
    reproduce: `genomeg plan ${p.file} --runs ${p.result.summary.runs} --seed ${p.result.summary.seed}`,
  })), translator(lang), lang);
  for (const chart of charts) writeFileSync(join(dir, chart.file), chart.svg);
  writeFileSync(join(dir, 'report.html'), html);
  io.out(`Wrote ${join(dir, 'results.json')}, results.csv, report.html and SVG charts.\n`);
}

/** Runs `genomeg plan …`; returns the exit code. */
export async function planCommand(args: readonly string[], io: Io = defaultIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args], allowPositionals: true,
      options: {
        runs: { type: 'string', default: '1000' }, seed: { type: 'string', default: '1' }, out: { type: 'string', default: 'plan-output' },
        threads: { type: 'string' }, compare: { type: 'boolean', default: false }, tornado: { type: 'string' }, goal: { type: 'string' },
        lang: { type: 'string', default: 'en' },
      },
    });
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : String(error)}\n${PLAN_USAGE}\nRun 'genomeg plan --help' for its options and examples.\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const runs = Number(values.runs), seed = Number(values.seed);
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  const wanted = values.compare ? [2, 3] : [1, 1];
  const lang = values.lang;
  if (positionals.length < (wanted[0] ?? 1) || positionals.length > (wanted[1] ?? 1) || !Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed) || (threads !== undefined && !(threads >= 0)) || (lang !== 'en' && lang !== 'cy')) {
    io.err(`${PLAN_USAGE}\n`);
    return 2;
  }
  try {
    const planned: Planned[] = [];
    for (const file of positionals) planned.push(await plan(file, runs, seed, threads, values.tornado, values.goal, io));
    await writeOutputs(planned, values.out, lang, io);
    for (const p of planned) {
      const t = p.tornado;
      io.out(`${p.scenario.id}: ${t.role} gap in ${t.year} (most likely values) ${formatFigure(t.base)} WTE; largest driver ${t.bars[0]?.parameter ?? 'none'}\n`);
      if (p.goal !== undefined) io.out(`${p.scenario.id}: goal seek ${p.goal.pipeline} by ${p.goal.year}: ${p.goal.status}, intake ${p.goal.intake} a year\n`);
    }
    return 0;
  } catch (error) {
    if (isDomainError(error) && error.code === 'GNM_SCENARIO_INVALID') {
      for (const issue of error.details as ScenarioIssue[]) io.err(`${formatIssue(issue)}\n`);
      return 1;
    }
    if (error instanceof RangeError) {
      io.err(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
