import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, html, multipart, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { HAND } from './helpers.js';

const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

describe.each(engines)('the workforce planner workspace on $name', (engine) => {
  let t: TestApp;
  let planner: SignedIn;
  beforeAll(async () => {
    t = await buildTestApp(engine);
    planner = await signedIn(t.app, [{ role: 'workforce-planner', organisationCode: null }]);
  });
  afterAll(async () => { await t.close(); });

  const post = (url: string, fields: Record<string, string>) => t.app.inject({
    method: 'POST', url, headers: { cookie: planner.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    payload: form({ _csrf: planner.csrf, ...fields }),
  });

  it('lists, refuses a bad scenario with each problem named, saves, runs in the background and shows fan charts with tables', async () => {
    const empty = await t.app.inject({ method: 'GET', url: '/plan', headers: { cookie: planner.cookie } });
    expect(empty.statusCode).toBe(200);
    expect(html(empty)).toContain('There are no scenarios yet.');

    const bad = await post('/plan/scenarios', { source: JSON.stringify({ ...HAND, horizon: 0 }) });
    expect(bad.statusCode).toBe(422);
    expect(html(bad)).toContain('horizon: a horizon of at least 1 year');

    const upload = multipart({ _csrf: planner.csrf }, { name: 'file', filename: 'welsh-genomics-baseline.yaml', content: readFileSync('scenarios/welsh-genomics-baseline.yaml', 'utf8') });
    const saved = await t.app.inject({ method: 'POST', url: '/plan/scenarios', headers: { ...upload.headers, cookie: planner.cookie, accept: 'text/html' }, payload: upload.payload });
    expect(saved.statusCode).toBe(303);
    const scenarioUrl = saved.headers.location as string;
    const child = await post('/plan/scenarios', { source: readFileSync('scenarios/more-training-places.yaml', 'utf8') });
    expect(child.statusCode).toBe(303);

    const page = await t.app.inject({ method: 'GET', url: scenarioUrl, headers: { cookie: planner.cookie } });
    expect(html(page)).toContain('version 1');
    const wrong = await post(`${scenarioUrl}/runs`, { runs: '5', seed: '1' });
    expect(wrong.statusCode).toBe(400);

    const started = await post(`${scenarioUrl}/runs`, { runs: '50', seed: '1' });
    expect(started.statusCode).toBe(303);
    const runUrl = started.headers.location as string;
    let body = '';
    for (let i = 0; i < 100; i++) {
      body = html(await t.app.inject({ method: 'GET', url: runUrl, headers: { cookie: planner.cookie } }));
      if (!body.includes('id="progress"')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(body).toContain('<figure class="app-chart"><svg role="img" aria-label="Clinical scientist (genomics): supply against demand"');
    expect(body).toContain('<figcaption>');
    expect(body).toMatch(/<caption[^>]*>Clinical scientist \(genomics\): percentiles by year/);

    const csv = await t.app.inject({ method: 'GET', url: `${runUrl}/results.csv`, headers: { cookie: planner.cookie } });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\n')[0]).toBe('role,organisation,year,series,p5,p25,p50,p75,p95');
    expect(csv.body).toContain('\nclinical-scientist,all,2035,gap,');
    expect(csv.body).toContain('\nclinical-scientist,7a4,2035,gap,');
    // Supply, demand and gap per health board in the chosen year (ten years on by default), for roles boards employ;
    // the roles the All Wales Medical Genomics Service provides are compared for the service as a whole.
    expect(body).toMatch(/<caption[^>]*>Genomic associate: supply, demand and gap in whole-time equivalents by organisation in 2035/);
    expect(body).toContain('Clinical scientist (genomics): provided for all of Wales by the All Wales Medical Genomics Service');
    expect(body).toContain('<th scope="row" class="nhsuk-table__header">Cardiff and Vale University Health Board</th>');

    const welsh = html(await t.app.inject({ method: 'GET', url: `/cy${runUrl}`, headers: { cookie: planner.cookie } }));
    expect(welsh).toContain('Gwyddonydd clinigol (genomeg): cyflenwad yn erbyn galw');
    expect(welsh).toContain('Bwrdd Iechyd Prifysgol Caerdydd a’r Fro</th>');
  });
});
