// Editing a scenario through the form, and copying it: as a planner would try
// them, on both databases.

import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, html, multipart, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { AuditStore } from '../../src/db/stores/audit-store.js';
import { ScenarioStore } from '../../src/db/stores/scenario-store.js';
import { HAND, formFields } from './helpers.js';

const BASELINE = readFileSync('scenarios/welsh-genomics-baseline.yaml', 'utf8');
const CHILD = readFileSync('scenarios/more-training-places.yaml', 'utf8');

describe.each(engines)('editing and copying scenarios on $name', (engine) => {
  let t: TestApp;
  let planner: SignedIn;
  let store: ScenarioStore;
  let baselineUrl = '';
  let childUrl = '';

  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: planner.cookie } });
  const post = (url: string, fields: Record<string, string | string[]>) => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries({ _csrf: planner.csrf, ...fields })) for (const x of [v].flat()) body.append(k, x);
    return t.app.inject({ method: 'POST', url, headers: { cookie: planner.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' }, payload: body.toString() });
  };
  const add = async (source: string, filename: string): Promise<string> => {
    const upload = multipart({ _csrf: planner.csrf }, { name: 'file', filename, content: source });
    const saved = await t.app.inject({ method: 'POST', url: '/plan/scenarios', headers: { ...upload.headers, cookie: planner.cookie, accept: 'text/html' }, payload: upload.payload });
    expect(saved.statusCode).toBe(303);
    return saved.headers.location as string;
  };
  const idOf = (url: string): string => url.split('/').pop() ?? '';

  /** Every field of the edit form with the value it shows, as a browser would send them back. */
  const formOf = async (url: string): Promise<Record<string, string>> => {
    const page = html(await get(`${url}/edit`));
    return formFields(page);
  };

  beforeAll(async () => {
    t = await buildTestApp(engine);
    planner = await signedIn(t.app, [{ role: 'workforce-planner', organisationCode: null }]);
    store = ScenarioStore.create(t.database.db);
    baselineUrl = await add(BASELINE, 'welsh-genomics-baseline.yaml');
    childUrl = await add(CHILD, 'more-training-places.yaml');
  });
  afterAll(async () => { await t.close(); });

  it('shows a field for each figure planners change most, and one for each number of a range', async () => {
    const page = html(await get(`${baselineUrl}/edit`));
    expect(page).toContain('<h1>Edit Welsh genomics workforce, baseline</h1>');
    for (const id of ['name', 'horizon', 'startYear', 'role-clinical-scientist-attrition-min', 'role-clinical-scientist-attrition-mode', 'role-clinical-scientist-attrition-max',
      'role-clinical-scientist-recruitmentKind', 'role-clinical-scientist-recruitment-mode', 'pipeline-stp-genomics-intake', 'pipeline-stp-genomics-duration',
      'pipeline-stp-genomics-completion-mode', 'pipeline-stp-genomics-retention-mode', 'pipeline-stp-genomics-pipelineStartYear']) {
      expect({ id, present: page.includes(`id="${id}"`) }).toEqual({ id, present: true });
    }
    expect(page).toMatch(/id="horizon" name="horizon" type="text"[^>]* value="20"/);
    expect(page).toContain('This is a PERT range: change its numbers here.');
    const welsh = html(await get(`/cy${baselineUrl}/edit`));
    expect(welsh).toContain('Ystod PERT yw hwn');
  });

  it('refuses wrong figures with an error summary linking to each field, the message by the field, and saves nothing', async () => {
    const fields = await formOf(baselineUrl);
    const response = await post(`${baselineUrl}/edit`, {
      ...fields, horizon: '0', 'role-clinical-scientist-attrition-min': '1.5', 'pipeline-stp-genomics-intake': 'lots',
      'pipeline-stp-genomics-completion-mode': '0.99', 'pipeline-stp-genomics-duration': '2.5', name: ' ',
    });
    expect(response.statusCode).toBe(400);
    const page = html(response);
    expect(page).toContain('nhsuk-error-summary');
    expect(page).toMatch(/<title>Error: /);
    const links = [...page.matchAll(/<a href="#([^"]+)">\s*([^<]+?)\s*<\/a>/g)].map((m) => [m[1], m[2]]);
    expect(links).toEqual(expect.arrayContaining([
      ['name', 'Enter a scenario name of up to 200 characters'],
      ['horizon', 'Horizon (years) must be between 1 and 50'],
      ['role-clinical-scientist-attrition-min', 'Attrition (Clinical scientist (genomics)), Lowest must be between 0 and 1'],
      ['pipeline-stp-genomics-intake', 'Enter Intake (stp-genomics) as a number'],
      ['pipeline-stp-genomics-duration', 'Enter Duration (years) (stp-genomics) as a whole number'],
      ['pipeline-stp-genomics-completion-mode', 'Completion rate (stp-genomics): the numbers must not go down from the lowest to the highest'],
    ]));
    // The message is by the field, and what was typed is kept.
    expect(page).toMatch(/id="horizon-error">\s*<span class="nhsuk-u-visually-hidden">Error: <\/span>Horizon \(years\) must be between 1 and 50/);
    expect(page).toMatch(/id="pipeline-stp-genomics-intake"[^>]*value="lots"/);
    expect((await store.getScenario(idOf(baselineUrl)))?.version).toBe(1);

    const welsh = html(await post(`/cy${baselineUrl}/edit`, { ...fields, horizon: '99' }));
    expect(welsh).toContain('Gorwel (blynyddoedd): rhaid i&#39;r rhif fod rhwng 1 a 50');
    expect(welsh).toContain('<span class="nhsuk-u-visually-hidden">Gwall: </span>');
  });

  it('saves a change as a new version, writing only what changed and keeping the comments that cite sources', async () => {
    const fields = await formOf(baselineUrl);
    const saved = await post(`${baselineUrl}/edit`, {
      ...fields, horizon: '15', 'pipeline-stp-genomics-intake': '6', 'role-clinical-scientist-attrition-mode': '0.08',
      'role-genetic-counsellor-recruitmentKind': 'rate', 'role-genetic-counsellor-recruitment-min': '0.01', 'role-genetic-counsellor-recruitment-mode': '0.02', 'role-genetic-counsellor-recruitment-max': '0.04',
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`${baselineUrl}?saved=2`);
    const stored = await store.getScenario(idOf(baselineUrl));
    expect(stored?.version).toBe(2);
    const source = stored?.source ?? '';
    expect(source).toContain('horizon: 15');
    expect(source).toContain('# STP is 3 years [NSHCS]');
    expect(source).toMatch(/intake: 6 # illustrative/);
    expect(source).toMatch(/attrition: \{ pert: \[ 0\.04, 0\.08, 0\.11 \] \} # illustrative \[NHSE for scale\]/);
    const data = parseYaml(source) as { roles: { id: string; recruitment: unknown }[] };
    expect(data.roles.find((r) => r.id === 'genetic-counsellor')?.recruitment).toEqual({ rate: { triangular: [0.01, 0.02, 0.04] } });
    expect((await store.getScenario(idOf(baselineUrl), 1))?.source).toBe(BASELINE);
    const audit = await AuditStore.create(t.database.db).list({ entityType: 'workforce_scenario', entityId: idOf(baselineUrl) });
    expect(audit.find((a) => a.action === 'workforce.scenario.edit')?.after).toMatchObject({ version: 2, changed: expect.arrayContaining(['horizon', 'pipeline-stp-genomics-intake']) as unknown });

    expect(html(await get(`${baselineUrl}?saved=2`))).toContain('Version 2 saved.');
    const again = await post(`${baselineUrl}/edit`, await formOf(baselineUrl));
    expect(again.headers.location).toBe(`${baselineUrl}?saved=unchanged`);
    expect((await store.getScenario(idOf(baselineUrl)))?.version).toBe(2);
  });

  it('saves a change to an inherited figure as an override in the scenario that extends, leaving its base alone', async () => {
    const fields = await formOf(childUrl);
    expect(fields['pipeline-stp-genomics-intake']).toBe('8');
    expect(fields['horizon']).toBe('15');
    const saved = await post(`${childUrl}/edit`, { ...fields, 'pipeline-stp-genomics-retention-mode': '0.9', 'role-clinical-geneticist-attrition-max': '0.1' });
    expect(saved.statusCode).toBe(303);
    const data = parseYaml((await store.getScenario(idOf(childUrl)))?.source ?? '') as { extends: string; pipelines: Record<string, unknown>[]; roles: Record<string, unknown>[] };
    expect(data.extends).toBe('welsh-genomics-baseline.yaml');
    expect(data.pipelines.find((p) => p['id'] === 'stp-genomics')).toEqual({ id: 'stp-genomics', intake: 8, retention: { triangular: [0.6, 0.9, 0.95] } });
    expect(data.roles).toEqual([{ id: 'clinical-geneticist', attrition: { pert: [0.03, 0.05, 0.1] } }]);
    expect((await store.getScenario(idOf(baselineUrl)))?.version).toBe(2);
    expect((await formOf(childUrl))['pipeline-stp-genomics-retention-mode']).toBe('0.9');

    const kind = await post(`${childUrl}/edit`, { ...(await formOf(childUrl)), 'role-clinical-scientist-recruitmentKind': 'rate' });
    expect(kind.statusCode).toBe(400);
    expect(html(kind)).toContain('href="#role-clinical-scientist-recruitmentKind"');
  });

  it('edits a JSON scenario as JSON', async () => {
    const url = await add(JSON.stringify(HAND), 'hand.json');
    const fields = await formOf(url);
    const saved = await post(`${url}/edit`, { ...fields, horizon: '3', 'role-scientist-attrition': '0.2' });
    expect(saved.statusCode).toBe(303);
    const stored = await store.getScenario(idOf(url));
    expect(stored?.format).toBe('json');
    const data = JSON.parse(stored?.source ?? '{}') as typeof HAND;
    expect(data.horizon).toBe(3);
    expect(data.roles[0]?.attrition).toBe(0.2);
  });

  it('copies a scenario under a new id and name, audited, and copies a copy under the next free id', async () => {
    const copied = await post(`${baselineUrl}/copy`, {});
    expect(copied.statusCode).toBe(303);
    const copy = await store.getScenario(idOf(copied.headers.location as string));
    expect(copy).toMatchObject({ slug: 'copy-of-welsh-genomics-baseline', name: 'Copy of Welsh genomics workforce, baseline', version: 1 });
    expect(copy?.source).toContain('id: copy-of-welsh-genomics-baseline');
    expect(copy?.source).toContain('horizon: 15');
    const audit = await AuditStore.create(t.database.db).list({ entityType: 'workforce_scenario', entityId: copy?.id ?? '' });
    expect(audit.map((a) => [a.action, a.before])).toEqual([['workforce.scenario.copy', { scenarioId: idOf(baselineUrl), version: 2 }]]);

    const welsh = await post(`/cy${baselineUrl}/copy`, {});
    expect(welsh.headers.location).toMatch(/^\/cy\/plan\/scenarios\//);
    expect(await store.getScenario(idOf(welsh.headers.location as string))).toMatchObject({ slug: 'copy-of-welsh-genomics-baseline-2', name: 'Copi o Welsh genomics workforce, baseline' });
    const list = html(await get('/plan'));
    expect(list).toContain('Copy of Welsh genomics workforce, baseline');

    const missing = await post('/plan/scenarios/00000000-0000-0000-0000-000000000000/copy', {});
    expect(missing.statusCode).toBe(404);
  });
});
