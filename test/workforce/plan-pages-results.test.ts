// A run's results page (fan, gap and tornado charts, each with its table), its
// downloads, the comparison of runs, the progress of a running run and runs
// whose process stopped: as a planner would try them, on both databases.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/web/app.js';
import { loadConfig } from '../../src/config/env.js';
import { planCommand } from '../../src/cli/plan.js';
import { AuditStore } from '../../src/db/stores/audit-store.js';
import { ScenarioStore } from '../../src/db/stores/scenario-store.js';
import { PROCESS_ID } from '../../src/services/workforce/run-jobs.js';
import { buildTestApp, html, multipart, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';

interface Results { roles: { id: string; rows: { year: number; series: string; p50: number }[] }[]; scenario: { id: string; version: number }; run: { seed: number; runs: number } }

describe.each(engines)('run results, downloads and comparison on $name', (engine) => {
  let t: TestApp;
  let planner: SignedIn;
  let store: ScenarioStore;
  let baselineId = '';
  let childId = '';
  let runUrl = '';
  let childRunUrl = '';
  const dir = mkdtempSync(join(tmpdir(), 'genomeg-plan-pages-'));

  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: planner.cookie } });
  const post = (url: string, fields: Record<string, string> = {}) => t.app.inject({
    method: 'POST', url, headers: { cookie: planner.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: planner.csrf, ...fields }).toString(),
  });
  const add = async (file: string): Promise<string> => {
    const upload = multipart({ _csrf: planner.csrf }, { name: 'file', filename: file, content: readFileSync(`scenarios/${file}`, 'utf8') });
    const saved = await t.app.inject({ method: 'POST', url: '/plan/scenarios', headers: { ...upload.headers, cookie: planner.cookie, accept: 'text/html' }, payload: upload.payload });
    return (saved.headers.location as string).split('/').pop() ?? '';
  };
  /** Start a run and wait until its page shows results (or a failure). */
  const run = async (scenarioId: string, runs: string, seed: string): Promise<string> => {
    const started = await post(`/plan/scenarios/${scenarioId}/runs`, { runs, seed });
    expect(started.statusCode).toBe(303);
    const url = started.headers.location as string;
    for (let i = 0; i < 200; i++) {
      const status = (await store.getRun(url.split('/').pop() ?? ''))?.status;
      if (status === 'done' || status === 'failed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return url;
  };

  beforeAll(async () => {
    t = await buildTestApp(engine);
    planner = await signedIn(t.app, [{ role: 'workforce-planner', organisationCode: null }]);
    store = ScenarioStore.create(t.database.db);
    baselineId = await add('welsh-genomics-baseline.yaml');
    childId = await add('more-training-places.yaml');
    runUrl = await run(baselineId, '40', '7');
    childRunUrl = await run(childId, '40', '7');
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows a fan chart and a gap chart per role and a tornado, each with its table, the seed and version, and how to reproduce them', { timeout: 120_000 }, async () => {
    const response = await get(runUrl);
    expect(response.statusCode).toBe(200);
    const page = html(response);
    expect(page).not.toContain('http-equiv="refresh"');
    expect(page).toContain('<svg role="img" aria-label="Clinical scientist (genomics): supply against demand"');
    expect(page).toContain('<svg role="img" aria-label="Clinical scientist (genomics): gap between demand and supply"');
    expect(page).toContain('No gap');
    expect(page).toMatch(/<caption[^>]*>Clinical scientist \(genomics\): gap by year, percentiles/);
    expect(page).toMatch(/<caption[^>]*>Clinical scientist \(genomics\): percentiles by year/);
    // The tornado defaults to the first role, ten years on.
    expect(page).toContain('<svg role="img" aria-label="What moves the 2035 gap for Clinical geneticist most"');
    expect(page).toMatch(/<caption[^>]*>Clinical geneticist, 2035: the gap at each end of each parameter&#39;s range/);
    expect(page).toContain('Clinical geneticist: attrition');
    expect(page).toContain('genomeg plan welsh-genomics-baseline-v1.json --runs 40 --seed 7 --out plan-output/');
    for (const link of ['/report.html?role=clinical-geneticist&amp;year=2035', '/results.csv', '/results.json', '/scenario.json', '/charts/fan-clinical-scientist.svg', '/charts/gap-clinical-scientist.svg', '/charts/tornado.svg?role=clinical-geneticist&amp;year=2035']) {
      expect({ link, present: page.includes(`href="${runUrl}${link}"`) }).toEqual({ link, present: true });
    }
    // Charts scale to the page; downloads keep their size.
    expect(page).toMatch(/<svg role="img" aria-label="[^"]*"[^>]* width="100%" viewBox=/);

    const chosen = html(await get(`${runUrl}?role=clinical-scientist&year=2040`));
    expect(chosen).toContain('aria-label="What moves the 2040 gap for Clinical scientist (genomics) most"');
    const wrong = await get(`${runUrl}?role=nobody&year=1999`);
    expect(wrong.statusCode).toBe(400);
    expect(html(wrong)).toMatch(/href="#tornado-role">\s*Choose a role from the list/);
    expect(html(wrong)).toMatch(/href="#tornado-year">\s*Choose a year from 2026 to 2045/);

    const welsh = html(await get(`/cy${runUrl}`));
    expect(welsh).toContain('aria-label="Gwyddonydd clinigol (genomeg): y bwlch rhwng galw a chyflenwad"');
    expect(welsh).toContain('Dim bwlch');
    expect(welsh).toContain('Genetegydd clinigol: athreuliad');
  });

  it('offers the results as JSON and each chart as SVG, in the language of the page', async () => {
    const json = await get(`${runUrl}/results.json`);
    expect(json.headers['content-disposition']).toContain('welsh-genomics-baseline-v1-seed-7.json');
    const body = JSON.parse(json.body) as Results;
    expect(body).toMatchObject({ scenario: { id: 'welsh-genomics-baseline', version: 1 }, run: { seed: 7, runs: 40 } });
    expect(body.roles.map((r) => r.id)).toContain('clinical-scientist');

    const svg = await get(`${runUrl}/charts/gap-clinical-scientist.svg`);
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    expect(svg.body).toMatch(/^<svg role="img" aria-label="Clinical scientist \(genomics\): gap between demand and supply" xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]* width="\d+" height="\d+"/);
    const welsh = await get(`/cy${runUrl}/charts/tornado.svg?role=clinical-scientist&year=2030`);
    expect(welsh.body).toContain('aria-label="Beth sy&#39;n symud bwlch 2030 ar gyfer Gwyddonydd clinigol (genomeg) fwyaf"'.replace('&#39;', "'"));
    expect((await get(`${runUrl}/charts/fan-nobody.svg`)).statusCode).toBe(404);
    expect((await get(`${runUrl}/charts/other.svg`)).statusCode).toBe(404);
  });

  it('offers the self-contained report in English or Welsh, following the page', async () => {
    const english = await get(`${runUrl}/report.html`);
    expect(english.headers['content-disposition']).toContain('report-welsh-genomics-baseline-v1-seed-7-en.html');
    expect(english.body).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(english.body).toContain('<h1>Workforce projection</h1>');
    expect(english.body).toContain('aria-label="Genetic counsellor: gap between demand and supply"');
    expect(english.body).not.toMatch(/<script|<link|src="http/);
    const welsh = await get(`/cy${runUrl}/report.html`);
    expect(welsh.body).toMatch(/^<!doctype html>\n<html lang="cy">/);
    expect(welsh.body).toContain('<h1>Rhagamcan o&#39;r gweithlu</h1>'.replace('&#39;', "'"));
    expect(welsh.body).toContain('Cwnselydd genetig: cyflenwad yn erbyn galw');
  });

  it('reproduces the figures with the CLI from the scenario file the run offers', async () => {
    const download = await get(`${runUrl}/scenario.json`);
    expect(download.headers['content-disposition']).toContain('welsh-genomics-baseline-v1.json');
    const file = join(dir, 'welsh-genomics-baseline-v1.json');
    writeFileSync(file, download.body);
    const out = join(dir, 'cli');
    expect(await planCommand([file, '--runs', '40', '--seed', '7', '--threads', '1', '--out', out], { out: () => undefined, err: () => undefined, isTty: false })).toBe(0);
    const csv = readFileSync(join(out, 'results.csv'), 'utf8').split('\n').filter((l) => l.startsWith('welsh-genomics-baseline,clinical-scientist,all,2035,supplyWte,'));
    const cliP50 = Number(csv[0]?.split(',')[7]);
    const web = (JSON.parse((await get(`${runUrl}/results.json`)).body) as Results).roles.find((r) => r.id === 'clinical-scientist')?.rows.find((r) => r.year === 2035 && r.series === 'supply')?.p50;
    expect(web).toBe(Math.round(cliP50 * 100) / 100);
    // The Welsh report from the CLI too.
    expect(await planCommand([file, '--runs', '10', '--threads', '0', '--lang', 'cy', '--out', join(dir, 'cy')], { out: () => undefined, err: () => undefined, isTty: false })).toBe(0);
    expect(readFileSync(join(dir, 'cy', 'report.html'), 'utf8')).toContain('<html lang="cy">');
  });

  it('compares two runs on one chart per role with a table, and asks again for a wrong choice', async () => {
    const a = runUrl.split('/').pop() ?? '', b = childRunUrl.split('/').pop() ?? '';
    const list = html(await get('/plan/compare'));
    expect(list).toContain(`value="${a}"`);
    expect(list).toContain(`value="${b}"`);
    const response = await get(`/plan/compare?run=${a}&run=${b}`);
    expect(response.statusCode).toBe(200);
    const page = html(response);
    expect(page).toContain('<svg role="img" aria-label="Clinical scientist (genomics): median supply and demand by run"');
    expect(page).toContain('A: Welsh genomics workforce, baseline, version 1, seed 7');
    expect(page).toContain('B: More training places, version 1, seed 7');
    expect(page).toMatch(/<th scope="col"[^>]*>A: Supply \(WTE\)<\/th>/);
    expect(page).toMatch(/<th scope="col"[^>]*>B: Gap \(WTE\)<\/th>/);

    const one = await get(`/plan/compare?run=${a}`);
    expect(one.statusCode).toBe(400);
    expect(html(one)).toMatch(/href="#run">\s*Choose two or three finished runs/);
    expect((await get(`/plan/compare?run=${a}&run=00000000-0000-0000-0000-000000000000`)).statusCode).toBe(400);
    expect(html(await get(`/cy/plan/compare?run=${a}&run=${b}`))).toContain('cyflenwad a galw canolrif fesul rhediad');
  });

  it('shows a running run with a progress bar and its percentage in text, without refreshing itself', async () => {
    const running = await store.createRun({ scenarioId: baselineId, scenarioVersion: 1, seed: 1, runs: 1000, owner: 'another-process' }, null);
    await store.setRunProgress(running.id, 250);
    const page = html(await get(`/plan/runs/${running.id}`));
    expect(page).toMatch(/<progress id="progress" max="100" value="25">25%<\/progress>/);
    expect(page).toContain('<label class="nhsuk-label nhsuk-label--s" for="progress">Progress</label>');
    expect(page).toContain('250 of 1,000 runs done (25%).');
    expect(page).toContain('Check progress');
    expect(page).not.toContain('http-equiv="refresh"');
    expect(page).toMatch(/<script nonce="[^"]+">/);
    const progress = JSON.parse((await get(`/plan/runs/${running.id}/progress.json`)).body) as unknown;
    expect(progress).toEqual({ status: 'running', done: 250, runs: 1000, percent: 25 });
  });

  it('shows a run whose process stopped as interrupted, with a button that runs it again with the same seed and version', async () => {
    // Another process's run whose heartbeat stopped a minute ago.
    const stale = await store.createRun({ scenarioId: baselineId, scenarioVersion: 1, seed: 3, runs: 20, owner: 'another-process', scenarioJson: JSON.stringify({ id: 'x' }) }, null);
    await t.database.db.updateTable('workforce_runs').set({ status: 'running', heartbeat_at: new Date(Date.now() - 60_000) }).where('id', '=', stale.id).execute();
    const page = html(await get(`/plan/runs/${stale.id}`));
    expect(page).toContain('This run was interrupted');
    expect(page).toContain(`action="/plan/runs/${stale.id}/rerun"`);
    expect(await store.getRun(stale.id)).toMatchObject({ status: 'failed', error: 'interrupted' });
    const audit = await AuditStore.create(t.database.db).list({ entityType: 'workforce_run', entityId: stale.id });
    expect(audit.map((a) => a.action).sort()).toEqual(['workforce.run.create', 'workforce.run.interrupted']);

    // A run this process was to run but is not running (it stopped, or never started) is interrupted at once.
    const orphan = await store.createRun({ scenarioId: baselineId, scenarioVersion: 1, seed: 4, runs: 20, owner: PROCESS_ID }, null);
    expect(html(await get(`/cy/plan/runs/${orphan.id}`))).toContain('Torrwyd ar draws y rhediad hwn');
    const again = await post(`/plan/runs/${orphan.id}/rerun`);
    expect(again.statusCode).toBe(303);
    const rerun = await store.getRun((again.headers.location as string).split('/').pop() ?? '');
    expect(rerun).toMatchObject({ seed: 4, runs: 20, scenarioVersion: 1, scenarioId: baselineId });
    for (let i = 0; i < 200 && (await store.getRun(rerun?.id ?? ''))?.status !== 'done'; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await store.getRun(rerun?.id ?? ''))?.status).toBe('done');
    expect((await post(`/plan/runs/${rerun?.id ?? ''}/rerun`)).statusCode).toBe(303);
  });

  it('marks runs left running by a stopped process as interrupted when the app starts', async () => {
    const left = await store.createRun({ scenarioId: baselineId, scenarioVersion: 1, seed: 5, runs: 20, owner: 'old-process' }, null);
    await t.database.db.updateTable('workforce_runs').set({ status: 'running', heartbeat_at: new Date(Date.now() - 120_000) }).where('id', '=', left.id).execute();
    const fresh = await store.createRun({ scenarioId: baselineId, scenarioVersion: 1, seed: 6, runs: 20, owner: 'live-process' }, null);
    const second = await buildApp({ config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', CONTENT_DIR: 'test/fixtures/content' }), database: t.database, logger: false });
    await second.ready();
    await second.close();
    expect((await store.getRun(left.id))?.error).toBe('interrupted');
    expect((await store.getRun(fresh.id))?.status).toBe('queued');
  });

  it('lists a scenario\'s runs on its page', async () => {
    const page = html(await get(`/plan/scenarios/${baselineId}`));
    expect(page).toContain(`href="${runUrl}"`);
    expect(page).toContain('Interrupted');
    expect(page).toContain('Finished');
  });
});
