// A run's page (its progress while it runs; its results when done: a fan chart
// and a gap chart per role, a tornado chart for a chosen role and year, a data
// table under every chart), its downloads (CSV, JSON, each chart as SVG, the
// scenario as run, the self-contained report) and the comparison of two or
// three runs. A run whose process stopped is shown as interrupted, with a
// button to run it again.
//
// A finished run never changes, so its charts are drawn once per language and
// kept in memory (vega takes some tens of milliseconds a chart).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { compile } from '../../domain/workforce/engine.js';
import { PERCENTILES, tornado } from '../../domain/workforce/monte-carlo.js';
import { difference } from '../../domain/workforce/difference.js';
import { scenarioNames } from '../../domain/workforce/scenario.js';
import type { ScenarioStore, StoredRun } from '../../db/stores/scenario-store.js';
import { compareChartSvg, scalableSvg, type CompareRow } from '../../services/workforce/charts.js';
import { buildReport, fanChart, gapChart, labelledBars, numberFormat, roleName, tornadoChart, type Chart, type TornadoInput } from '../../services/workforce/report.js';
import { isRunInterrupted, type RoleResult, type RunResult } from '../../services/workforce/run-jobs.js';
import { authorise } from '../plugins/auth.js';
import { doneRunOr404, Id, runOr404, scenarioLinkName, scenarioOfRun, welshNameOfRun } from './plan-common.js';

type Params = FastifyRequest<{ Params: { id: string } }>;
type Lang = 'en' | 'cy';

const CACHE_LIMIT = 500;

/** A small first-in, first-out cache of drawn charts (finished runs never change). */
class ChartCache {
  private readonly charts = new Map<string, Promise<Chart>>();

  get(key: string, draw: () => Promise<Chart>): Promise<Chart> {
    let chart = this.charts.get(key);
    if (chart === undefined) {
      chart = draw();
      chart.catch(() => this.charts.delete(key));
      this.charts.set(key, chart);
      if (this.charts.size > CACHE_LIMIT) this.charts.delete(this.charts.keys().next().value ?? key);
    }
    return chart;
  }
}

interface TornadoChoice {
  readonly role: string;
  readonly year: number;
  readonly errors: { text: string; href: string }[];
}

/** The role and year of the tornado: from the query, else the first role ten years on (or the horizon's end). */
function tornadoChoice(request: FastifyRequest, result: RunResult): TornadoChoice {
  const query = request.query as Record<string, unknown>;
  const years = result.roles[0]?.rows.filter((r) => r.series === 'gap').map((r) => r.year) ?? [];
  const first = years[0] ?? 0, last = years[years.length - 1] ?? 0;
  const fallback = { role: result.roles[0]?.id ?? '', year: Math.min(first + 9, last) };
  const errors: { text: string; href: string }[] = [];
  const role = typeof query['role'] === 'string' ? query['role'] : fallback.role;
  if (!result.roles.some((r) => r.id === role)) errors.push({ text: request.t('workforce.errors.tornadoRole'), href: '#tornado-role' });
  const yearText = typeof query['year'] === 'string' ? query['year'].trim() : String(fallback.year);
  const year = /^\d{4}$/.test(yearText) ? Number(yearText) : Number.NaN;
  if (!(year >= first && year <= last)) errors.push({ text: request.t('workforce.errors.tornadoYear', { first, last }), href: '#tornado-year' });
  return { role, year, errors };
}

/** The scenario's name as it was when the run was made (a later rename does not rename the run). */
function scenarioName(run: StoredRun): string | undefined {
  if (run.scenarioName !== null) return run.scenarioName;
  if (run.scenarioJson === null) return undefined;
  const data = JSON.parse(run.scenarioJson) as { name?: unknown; id?: unknown };
  return typeof data.name === 'string' ? data.name : undefined;
}

function scenarioSlug(run: StoredRun, fallback: string): string {
  if (run.scenarioJson === null) return fallback;
  const data = JSON.parse(run.scenarioJson) as { id?: unknown };
  return typeof data.id === 'string' ? data.id : fallback;
}


/**
 * One role's supply, demand and gap in `year`, organisation by organisation
 * (null when the run did not keep them: see keepsOrganisations).
 */
function organisationRows(role: RoleResult, year: number, lang: 'en' | 'cy'): { name: string; supply: number; demand: number; gap5: number; gap50: number; gap95: number }[] | null {
  if (role.organisations === undefined) return null;
  return role.organisations.map((org) => {
    const at = (series: 'supply' | 'demand' | 'gap') => org.rows.find((r) => r.year === year && r.series === series);
    const gap = at('gap');
    return {
      name: roleName(org, lang), supply: at('supply')?.p50 ?? Number.NaN, demand: at('demand')?.p50 ?? Number.NaN,
      gap5: gap?.p5 ?? Number.NaN, gap50: gap?.p50 ?? Number.NaN, gap95: gap?.p95 ?? Number.NaN,
    };
  });
}

/** A role's pay and training costs by year, formatted in pounds: the median and its 90% range; `at` is the year named in the line above the table. */
function costView(role: RoleResult, year: number, lang: Lang, t: FastifyRequest['t']): { rows: Record<string, string | number>[]; at: Record<string, string | number> } | null {
  if (role.costs === undefined || role.costs.length === 0) return null;
  const money = new Intl.NumberFormat(lang === 'cy' ? 'cy-GB' : 'en-GB', { style: 'currency', currency: 'GBP', maximumFractionDigits: 0 });
  const years = [...new Set(role.costs.map((c) => c.year))];
  const rows = years.map((y) => {
    const pay = role.costs?.find((c) => c.year === y && c.series === 'pay');
    const training = role.costs?.find((c) => c.year === y && c.series === 'training');
    const m = (v: number | undefined): string => money.format(v ?? 0);
    return {
      year: y, pay: m(pay?.p50), payLow: m(pay?.p5), payHigh: m(pay?.p95), training: m(training?.p50), trainingLow: m(training?.p5), trainingHigh: m(training?.p95),
      payRange: t('workforce.costs.range', { low: m(pay?.p5), high: m(pay?.p95) }), trainingRange: t('workforce.costs.range', { low: m(training?.p5), high: m(training?.p95) }),
    };
  });
  return { rows, at: rows.find((r) => r.year === year) ?? rows[rows.length - 1] ?? {} };
}

export async function planResultRoutes(app: FastifyInstance, store: ScenarioStore): Promise<void> {
  const cache = new ChartCache();
  const tornadoes = new Map<string, Promise<TornadoInput>>();

  /** A queued or running run whose process has gone is marked interrupted when looked at. */
  const current = async (id: string): Promise<StoredRun> => {
    const run = await runOr404(store, id);
    if (!isRunInterrupted(run)) return run;
    await store.interruptRun(run.id, null);
    return runOr404(store, id);
  };

  const fileStem = (run: StoredRun, slug: string): string => `${slug}-v${run.scenarioVersion}-seed-${run.seed}`;

  const tornadoOf = (run: StoredRun, role: string, year: number): Promise<TornadoInput> => {
    const key = `${run.id}|${role}|${year}`;
    let found = tornadoes.get(key);
    if (found === undefined) {
      found = scenarioOfRun(store, run).then((resolved) => {
        if (resolved === undefined) throw new DomainError('GNM_NOT_FOUND');
        const model = compile(resolved.scenario);
        return { role, year, ...tornado(model, { role, year, field: 'gapWte' }), names: scenarioNames(resolved.scenario) };
      });
      found.catch(() => tornadoes.delete(key));
      tornadoes.set(key, found);
      if (tornadoes.size > CACHE_LIMIT) tornadoes.delete(tornadoes.keys().next().value ?? key);
    }
    return found;
  };

  const roleCharts = (run: StoredRun & { result: RunResult }, request: FastifyRequest) => {
    const lang = request.lang;
    return Promise.all(run.result.roles.map(async (role) => ({
      id: role.id, name: roleName(role, lang),
      fan: await cache.get(`${run.id}|${lang}|fan|${role.id}`, () => fanChart(role, request.t, lang)),
      gap: await cache.get(`${run.id}|${lang}|gap|${role.id}`, () => gapChart(role, request.t, lang)),
      supplyDemand: role.rows.filter((r) => r.series !== 'gap'),
      gapRows: role.rows.filter((r) => r.series === 'gap'),
    })));
  };

  app.get('/plan/runs/:id', { config: { access: 'workforce.plan' } }, async (request: Params, reply) => {
    authorise(request, 'workforce.plan');
    const run = await current(request.params.id);
    const scenario = await store.getScenario(run.scenarioId, run.scenarioVersion);
    // A Welsh page names the scenario by its Welsh name as run (nameCy), where it had one.
    const name = (request.lang === 'cy' ? welshNameOfRun(run) : undefined) ?? scenarioName(run) ?? scenario?.name ?? '';
    const slug = scenario?.slug ?? scenarioSlug(run, 'scenario');
    const linkName = scenario === null ? undefined : await scenarioLinkName(store, run, scenario, request.lang);
    const base = { run, scenario, name, slug, linkName, percent: Math.floor((100 * run.done) / run.runs), canonicalPath: `/plan/runs/${run.id}` };
    if (run.status !== 'done') return reply.render('pages/plan/run.njk', base);
    const done = run as StoredRun & { result: RunResult };
    const charts = await roleCharts(done, request);
    const choice = tornadoChoice(request, done.result);
    let tornadoView: Record<string, unknown> | undefined;
    if (choice.errors.length === 0) {
      const input = await tornadoOf(run, choice.role, choice.year);
      const chart = await cache.get(`${run.id}|${request.lang}|tornado|${choice.role}|${choice.year}`, () => tornadoChart(input, done.result.roles, request.t, request.lang));
      const f = numberFormat(request.lang);
      tornadoView = { chart, svg: scalableSvg(chart.svg), bars: labelledBars(input, done.result.roles, request.t, request.lang).map((b) => ({ ...b, atLow: f.format(b.outputAtLow), atHigh: f.format(b.outputAtHigh) })) };
    }
    const years = done.result.roles[0]?.rows.filter((r) => r.series === 'gap').map((r) => r.year) ?? [];
    const orgYear = years.includes(choice.year) ? choice.year : years[Math.min(9, years.length - 1)] ?? 0;
    const byOrganisation = new Map(done.result.roles.map((role) => [role.id, organisationRows(role, orgYear, request.lang)]));
    return reply.code(choice.errors.length > 0 ? 400 : 200).render('pages/plan/run.njk', {
      ...base, orgYear,
      charts: charts.map((c) => {
        const role = done.result.roles.find((r) => r.id === c.id);
        // A role a hosted all-Wales service provides is compared for the service: per-board figures would mislead.
        const service = role?.service === undefined ? null : {
          name: request.lang === 'cy' && role.service.nameCy !== null ? role.service.nameCy : role.service.name,
          host: request.lang === 'cy' && role.service.hostNameCy !== null ? role.service.hostNameCy : role.service.hostName,
        };
        return { ...c, service, fanSvg: scalableSvg(c.fan.svg), gapSvg: scalableSvg(c.gap.svg), organisations: service === null ? byOrganisation.get(c.id) ?? null : null, costs: role === undefined ? null : costView(role, orgYear, request.lang, request.t) };
      }),
      roleItems: done.result.roles.map((r) => ({ value: r.id, text: roleName(r, request.lang), selected: r.id === choice.role })),
      yearItems: years.map((y) => ({ value: String(y), text: String(y), selected: y === choice.year })),
      hostedRoles: done.result.roles.some((r) => r.service !== undefined),
      tornado: tornadoView, choice, errors: choice.errors, stem: fileStem(run, slug),
      seconds: numberFormat(request.lang, 2).format(done.result.seconds),
    });
  });

  app.get('/plan/runs/:id/progress.json', { config: { access: 'workforce.plan' } }, async (request: Params, reply) => {
    authorise(request, 'workforce.plan');
    const run = await current(request.params.id);
    return reply.header('cache-control', 'no-store').send({ status: run.status, done: run.done, runs: run.runs, percent: Math.floor((100 * run.done) / run.runs) });
  });

  app.get('/plan/runs/:id/results.csv', { config: { access: 'workforce.plan' } }, async (request: Params, reply) => {
    authorise(request, 'workforce.plan');
    const run = await doneRunOr404(store, request.params.id);
    const lines = ['role,organisation,year,series,p5,p25,p50,p75,p95'];
    for (const role of run.result.roles) {
      for (const r of role.rows) lines.push([role.id, 'all', r.year, r.series, r.p5, r.p25, r.p50, r.p75, r.p95].join(','));
      for (const org of role.organisations ?? []) {
        for (const r of org.rows) lines.push([role.id, org.id, r.year, r.series, r.p5, r.p25, r.p50, r.p75, r.p95].join(','));
      }
    }
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="run-${run.id}-seed-${run.seed}.csv"`)
      .send(`${lines.join('\n')}\n`);
  });

  app.get('/plan/runs/:id/results.json', { config: { access: 'workforce.plan' } }, async (request: Params, reply) => {
    authorise(request, 'workforce.plan');
    const run = await doneRunOr404(store, request.params.id);
    const scenario = await store.getScenario(run.scenarioId, run.scenarioVersion);
    const slug = scenario?.slug ?? scenarioSlug(run, 'scenario');
    const body = {
      run: { id: run.id, seed: run.seed, runs: run.runs, seconds: run.result.seconds, createdAt: run.createdAt, finishedAt: run.finishedAt },
      scenario: { id: slug, name: scenarioName(run) ?? scenario?.name ?? null, version: run.scenarioVersion },
      percentiles: PERCENTILES,
      roles: run.result.roles,
      scenarioAsRun: run.scenarioJson === null ? null : JSON.parse(run.scenarioJson) as unknown,
    };
    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="${fileStem(run, slug)}.json"`)
      .send(`${JSON.stringify(body, null, 1)}\n`);
  });

  app.get('/plan/runs/:id/scenario.json', { config: { access: 'workforce.plan' } }, async (request: Params, reply) => {
    authorise(request, 'workforce.plan');
    const run = await runOr404(store, request.params.id);
    const resolved = await scenarioOfRun(store, run);
    if (resolved === undefined) throw new DomainError('GNM_NOT_FOUND');
    const slug = typeof resolved.data['id'] === 'string' ? resolved.data['id'] : 'scenario';
    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="${slug}-v${run.scenarioVersion}.json"`)
      .send(`${JSON.stringify(resolved.data, null, 2)}\n`);
  });

  app.get('/plan/runs/:id/report.html', { config: { access: 'workforce.plan' } }, async (request: Params, reply) => {
    authorise(request, 'workforce.plan');
    const run = await doneRunOr404(store, request.params.id);
    const scenario = await store.getScenario(run.scenarioId, run.scenarioVersion);
    const slug = scenario?.slug ?? scenarioSlug(run, 'scenario');
    const choice = tornadoChoice(request, run.result);
    const tornadoInput = choice.errors.length === 0 ? await tornadoOf(run, choice.role, choice.year) : undefined;
    const { html } = await buildReport([{
      id: slug, name: scenarioName(run) ?? scenario?.name ?? slug, version: run.scenarioVersion, runs: run.runs, seed: run.seed, seconds: run.result.seconds,
      roles: run.result.roles, ...(tornadoInput === undefined ? {} : { tornado: tornadoInput }),
      reproduce: `genomeg plan ${slug}-v${run.scenarioVersion}.json --runs ${run.runs} --seed ${run.seed}`,
    }], request.t, request.lang);
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'")
      .header('content-disposition', `attachment; filename="report-${fileStem(run, slug)}-${request.lang}.html"`)
      .send(html);
  });

  app.get('/plan/runs/:id/charts/:file', { config: { access: 'workforce.plan' } }, async (request: FastifyRequest<{ Params: { id: string; file: string } }>, reply: FastifyReply) => {
    authorise(request, 'workforce.plan');
    const run = await doneRunOr404(store, request.params.id);
    const match = /^(?:(fan|gap)-([a-z0-9-]+)|(tornado))\.svg$/.exec(request.params.file);
    let chart: Chart | undefined;
    if (match?.[3] === 'tornado') {
      const choice = tornadoChoice(request, run.result);
      if (choice.errors.length > 0) throw new DomainError('GNM_VALIDATION', { field: choice.errors[0]?.href.slice(1) ?? 'role' });
      const input = await tornadoOf(run, choice.role, choice.year);
      chart = await cache.get(`${run.id}|${request.lang}|tornado|${choice.role}|${choice.year}`, () => tornadoChart(input, run.result.roles, request.t, request.lang));
    } else if (match !== null) {
      const kind = match[1] === 'gap' ? 'gap' : 'fan';
      const role = run.result.roles.find((r) => r.id === match[2]);
      if (role !== undefined) chart = await cache.get(`${run.id}|${request.lang}|${kind}|${role.id}`, () => (kind === 'gap' ? gapChart : fanChart)(role, request.t, request.lang));
    }
    if (chart === undefined) throw new DomainError('GNM_NOT_FOUND');
    return reply
      .header('content-type', 'image/svg+xml; charset=utf-8')
      .header('content-disposition', `attachment; filename="run-${run.id}-${request.params.file}"`)
      .send(chart.svg);
  });

  app.get('/plan/compare', { config: { access: 'workforce.plan' } }, async (request, reply) => {
    authorise(request, 'workforce.plan');
    const t = request.t;
    const lang: Lang = request.lang;
    const query = request.query as Record<string, unknown>;
    const asked = query['run'] === undefined ? undefined : (Array.isArray(query['run']) ? query['run'] : [query['run']]).filter((v): v is string => typeof v === 'string');
    const chosen = [...new Set((asked ?? []).filter((id) => Id.safeParse(id).success))];
    const available = await store.listRuns({ status: 'done', limit: 50 });
    const page = (extra: Record<string, unknown>, status = 200) => reply.code(status).render('pages/plan/compare.njk', { available, chosen, canonicalPath: request.pagePath, ...extra });
    if (asked === undefined) return page({});
    const runs: (StoredRun & { result: RunResult })[] = [];
    for (const id of chosen) {
      const run = await store.getRun(id);
      if (run?.status === 'done') runs.push(run as StoredRun & { result: RunResult });
    }
    if (runs.length < 2 || runs.length > 3 || runs.length !== asked.length) {
      return page({ errors: [{ text: t('workforce.errors.compareCount'), href: `#run${available.length > 0 ? '' : '-none'}` }] }, 400);
    }
    const letters = ['A', 'B', 'C'];
    const described = await Promise.all(runs.map(async (run, i) => {
      const scenario = await store.getScenario(run.scenarioId, run.scenarioVersion);
      const name = scenarioName(run) ?? scenario?.name ?? run.scenarioId;
      return { run, letter: letters[i] ?? '', label: t('workforce.compare.runLabel', { letter: letters[i] ?? '', name, version: run.scenarioVersion, seed: run.seed }) };
    }));
    const labels = { year: t('workforce.chart.year'), wte: t('workforce.chart.wte'), supply: t('workforce.chart.supply'), demand: t('workforce.chart.demand') };
    const key = described.map((d) => d.run.id).join('+');
    const roles = runs[0]?.result.roles ?? [];
    const f = numberFormat(lang);
    const sections = await Promise.all(roles.map(async (role) => {
      const name = roleName(role, lang);
      const rows: CompareRow[] = [];
      for (const d of described) {
        const r = d.run.result.roles.find((x) => x.id === role.id);
        for (const row of r?.rows ?? []) if (row.series !== 'gap') rows.push({ year: row.year, scenario: d.label, short: d.letter, series: row.series, p50: row.p50 });
      }
      const title = t('workforce.compare.chartTitle', { role: name });
      const chart = await cache.get(`${key}|${lang}|compare|${role.id}`, async () => ({
        title, caption: t('workforce.compare.caption', { role: name }), tableCaption: t('workforce.compare.tableCaption', { role: name }),
        svg: await compareChartSvg(rows, described.map((d) => d.label), title, labels),
      }));
      const years = [...new Set(rows.map((r) => r.year))].sort((a, b) => a - b);
      const table = years.map((year) => ({
        year,
        cells: described.flatMap((d) => {
          const series = d.run.result.roles.find((x) => x.id === role.id)?.rows.filter((x) => x.year === year) ?? [];
          const p50 = (s: string): string => { const v = series.find((x) => x.series === s)?.p50; return v === undefined ? '–' : f.format(v); };
          return [p50('supply'), p50('demand'), p50('gap')];
        }),
      }));
      // A − B (and A − C): supply and gap, the median difference and its 90% interval.
      const first = described[0];
      const differences = described.slice(1).map((other) => ({
        label: t('workforce.compare.differenceOf', { a: first?.letter ?? 'A', b: other.letter }),
        rows: years.map((year) => {
          const at = (run: StoredRun & { result: RunResult }, series: 'supply' | 'gap') => run.result.roles.find((x) => x.id === role.id)?.rows.find((x) => x.year === year && x.series === series);
          const cell = (series: 'supply' | 'gap'): string => {
            const a = first === undefined ? undefined : at(first.run, series), b = at(other.run, series);
            if (a === undefined || b === undefined) return '–';
            const d = difference(a, b);
            return t('workforce.compare.differenceCell', { median: f.format(d.p50), low: f.format(d.p5), high: f.format(d.p95) });
          };
          return { year, supply: cell('supply'), gap: cell('gap') };
        }),
      }));
      return { id: role.id, name, chart, svg: scalableSvg(chart.svg), table, differences };
    }));
    return page({ described, sections });
  });
}
