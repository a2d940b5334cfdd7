// Welsh review row 56: demand categories and scenario names showed as raw ids or
// English on Welsh planner pages. Categories, pipelines and scenarios now carry
// English and Welsh names (optional; the id or the English is shown without).

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryName, scenarioNames } from '../../src/domain/workforce/scenario.js';
import { labelledBars, parameterLabel } from '../../src/services/workforce/report.js';
import { loadScenarioFile, parseScenarioText, resolveWithData } from '../../src/services/workforce/scenario-files.js';
import { translator } from '../../src/web/i18n.js';
import { ScenarioStore } from '../../src/db/stores/scenario-store.js';
import { buildTestApp, multipart, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { formFields } from './helpers.js';

const cy = translator('cy');
const en = translator('en');

describe('demand category, pipeline and scenario names', () => {
  const baseline = loadScenarioFile('scenarios/welsh-genomics-baseline.yaml');

  it('names every demand category of the shipped scenario in English and Welsh, and falls back to the id', () => {
    for (const a of baseline.demand.activity) {
      expect(a.name).toBeTruthy();
      expect(a.nameCy).toBeTruthy();
    }
    expect(categoryName({ category: 'genome-sequencing', name: 'Whole genome sequencing', nameCy: 'Dilyniannu genom cyfan' }, 'cy')).toBe('Dilyniannu genom cyfan');
    expect(categoryName({ category: 'genome-sequencing', name: 'Whole genome sequencing' }, 'cy')).toBe('Whole genome sequencing');
    expect(categoryName({ category: 'genome-sequencing' }, 'en')).toBe('genome-sequencing');
  });

  it('labels demand and pipeline parameters by name in the page language', () => {
    const names = scenarioNames(baseline);
    const roles = [{ id: 'clinical-scientist', name: 'Clinical scientist', nameCy: 'Gwyddonydd clinigol' }] as never;
    expect(parameterLabel('demand.activity.other-genetic-tests.tests', roles, cy, 'cy', names)).toBe('Galw, Profion genetig eraill: profion y flwyddyn');
    expect(parameterLabel('demand.activity.genome-sequencing.growth', roles, en, 'en', names)).toContain('Whole genome sequencing');
    const pipeline = baseline.pipelines[0];
    expect(pipeline?.nameCy).toBeTruthy();
    expect(parameterLabel(`pipelines.${pipeline?.id ?? ''}.intake`, roles, cy, 'cy', names)).toContain(pipeline?.nameCy ?? '?');
    // Without names (a report of an older run) the id is still shown, never a raw key.
    expect(parameterLabel('demand.activity.other-genetic-tests.tests', roles, cy, 'cy')).toBe('Galw, other-genetic-tests: profion y flwyddyn');
    const bars = labelledBars({ role: 'clinical-scientist', year: 2030, base: 0, names, bars: [{ parameter: 'demand.activity.cancer-genomic-profiles.tests', low: 1, high: 2, outputAtLow: 0, outputAtHigh: 1 }] as never }, roles, cy, 'cy');
    expect(bars[0]?.label).toContain('Proffiliau genomig canser');
  });

  it('gives a scenario that renames its base without Welsh the English name, not the base\'s Welsh', () => {
    const base = parseScenarioText(readFileSync('scenarios/welsh-genomics-baseline.yaml', 'utf8'), 'welsh-genomics-baseline.yaml');
    const child = parseScenarioText('extends: welsh-genomics-baseline.yaml\nid: mine\nname: My scenario\n', 'mine.yaml');
    const { scenario, data } = resolveWithData(child, () => base);
    expect(scenario.name).toBe('My scenario');
    expect(scenario.nameCy).toBeUndefined();
    expect(data['nameCy']).toBeUndefined();
    // Categories it does not touch keep their names.
    expect(scenario.demand.activity[0]?.nameCy).toBe('Dilyniannu genom cyfan');
  });
});

describe.each(engines)('Welsh scenario and run pages on $name', (engine) => {
  let t: TestApp;
  let planner: SignedIn;
  let store: ScenarioStore;
  let scenarioId = '';

  beforeAll(async () => {
    t = await buildTestApp(engine);
    planner = await signedIn(t.app, [{ role: 'workforce-planner', organisationCode: null }]);
    store = ScenarioStore.create(t.database.db);
    const upload = multipart({ _csrf: planner.csrf }, { name: 'file', filename: 'welsh-genomics-baseline.yaml', content: readFileSync('scenarios/welsh-genomics-baseline.yaml', 'utf8') });
    const saved = await t.app.inject({ method: 'POST', url: '/plan/scenarios', headers: { ...upload.headers, cookie: planner.cookie, accept: 'text/html' }, payload: upload.payload });
    scenarioId = (saved.headers.location as string).split('/').pop() ?? '';
  }, 120_000);
  afterAll(async () => { await t.close(); });

  it('shows the scenario\'s Welsh name and description on the Welsh scenario page, and the English on the English one', async () => {
    const welsh = await t.app.inject({ method: 'GET', url: `/cy/plan/scenarios/${scenarioId}`, headers: { cookie: planner.cookie } });
    expect(welsh.statusCode).toBe(200);
    expect(welsh.body).toContain('<h1>Gweithlu genomeg Cymru, llinell sylfaen</h1>');
    expect(welsh.body).toContain('Parhau â&#39;r cynlluniau presennol');
    const english = await t.app.inject({ method: 'GET', url: `/plan/scenarios/${scenarioId}`, headers: { cookie: planner.cookie } });
    expect(english.body).toContain('<h1>Welsh genomics workforce, baseline</h1>');
    expect(english.body).toContain('Current plans continued');
  });

  it('names the scenario in Welsh in the title and back link of the Welsh edit and baseline pages', async () => {
    const heading = (body: string) => /<h1>([\s\S]*?)<\/h1>/.exec(body)?.[1]?.trim();
    const back = (body: string) => /<a\s+class="nhsuk-back-link"\s+href="[^"]*\/plan\/scenarios\/[^"]+">([\s\S]*?)<\/a>/.exec(body)?.[1]?.replace(/<[^>]+>/g, '').trim();
    for (const page of ['edit', 'baseline']) {
      const welsh = await t.app.inject({ method: 'GET', url: `/cy/plan/scenarios/${scenarioId}/${page}`, headers: { cookie: planner.cookie } });
      expect(welsh.statusCode, page).toBe(200);
      expect(heading(welsh.body), page).toContain('Gweithlu genomeg Cymru, llinell sylfaen');
      expect(heading(welsh.body), page).not.toContain('Welsh genomics workforce');
      expect(back(welsh.body), page).toBe('Gweithlu genomeg Cymru, llinell sylfaen');
      const english = await t.app.inject({ method: 'GET', url: `/plan/scenarios/${scenarioId}/${page}`, headers: { cookie: planner.cookie } });
      expect(heading(english.body), page).toContain('Welsh genomics workforce, baseline');
      expect(back(english.body), page).toBe('Welsh genomics workforce, baseline');
    }
  });

  it('names the run\'s scenario in Welsh on the Welsh run page', async () => {
    const started = await t.app.inject({
      method: 'POST', url: `/plan/scenarios/${scenarioId}/runs`,
      headers: { cookie: planner.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: planner.csrf, runs: '20', seed: '3' }).toString(),
    });
    expect(started.statusCode).toBe(303);
    const runId = (started.headers.location as string).split('/').pop() ?? '';
    for (let i = 0; i < 400; i++) {
      const status = (await store.getRun(runId))?.status;
      if (status === 'done' || status === 'failed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const page = await t.app.inject({ method: 'GET', url: `/cy/plan/runs/${runId}`, headers: { cookie: planner.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Gweithlu genomeg Cymru, llinell sylfaen');
    // The back link to the scenario names it in Welsh too (it showed the English name).
    const back = /<a\s+class="nhsuk-back-link"\s+href="\/cy\/plan\/scenarios\/[^"]+">([\s\S]*?)<\/a>/.exec(page.body)?.[1]?.replace(/<[^>]+>/g, '').trim();
    expect(back).toBe('Gweithlu genomeg Cymru, llinell sylfaen');
    const english = await t.app.inject({ method: 'GET', url: `/plan/runs/${runId}`, headers: { cookie: planner.cookie } });
    expect(/<a\s+class="nhsuk-back-link"\s+href="\/plan\/scenarios\/[^"]+">([\s\S]*?)<\/a>/.exec(english.body)?.[1]?.replace(/<[^>]+>/g, '').trim()).toBe('Welsh genomics workforce, baseline');
  }, 120_000);

  it('lists scenarios by their Welsh names on the Welsh list, and by the English where a scenario has no Welsh name', async () => {
    const child = multipart({ _csrf: planner.csrf }, { name: 'file', filename: 'mine.yaml', content: 'extends: welsh-genomics-baseline.yaml\nid: mine\nname: My own scenario\n' });
    const saved = await t.app.inject({ method: 'POST', url: '/plan/scenarios', headers: { ...child.headers, cookie: planner.cookie, accept: 'text/html' }, payload: child.payload });
    expect(saved.statusCode).toBe(303);
    const names = async (path: string) => [...(await t.app.inject({ method: 'GET', url: path, headers: { cookie: planner.cookie } })).body
      .matchAll(/<td class="nhsuk-table__cell"><a href="[^"]*\/plan\/scenarios\/[^"]+">([^<]*)<\/a><\/td>/g)].map((m) => m[1]).sort();
    expect(await names('/cy/plan')).toEqual(['Gweithlu genomeg Cymru, llinell sylfaen', 'My own scenario']);
    expect(await names('/plan')).toEqual(['My own scenario', 'Welsh genomics workforce, baseline']);
  });

  it('edits the Welsh name on the edit form: shown on Welsh pages, checked in both languages, removed when emptied', async () => {
    const fieldsOf = async (): Promise<Record<string, string>> => {
      return formFields((await t.app.inject({ method: 'GET', url: `/cy/plan/scenarios/${scenarioId}/edit`, headers: { cookie: planner.cookie } })).body);
    };
    const post = (lang: '' | '/cy', fields: Record<string, string>) => t.app.inject({
      method: 'POST', url: `${lang}/plan/scenarios/${scenarioId}/edit`,
      headers: { cookie: planner.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: planner.csrf, ...fields }).toString(),
    });
    const heading = async (lang: '' | '/cy') => /<h1>([\s\S]*?)<\/h1>/.exec((await t.app.inject({ method: 'GET', url: `${lang}/plan/scenarios/${scenarioId}`, headers: { cookie: planner.cookie } })).body)?.[1]?.trim();

    // The Welsh form shows both names, each in its own labelled field (it showed only the English, as "the name").
    const before = await fieldsOf();
    expect(before['name']).toBe('Welsh genomics workforce, baseline');
    expect(before['nameCy']).toBe('Gweithlu genomeg Cymru, llinell sylfaen');
    const form = (await t.app.inject({ method: 'GET', url: `/cy/plan/scenarios/${scenarioId}/edit`, headers: { cookie: planner.cookie } })).body;
    expect(form).toContain('Enw&#39;r senario (Saesneg)');
    expect(form).toContain('Enw&#39;r senario (Cymraeg)');

    const version = (await store.getScenario(scenarioId))?.version;
    for (const [lang, message] of [['', 'The Welsh scenario name must be 200 characters or fewer'], ['/cy', 'Rhaid i enw Cymraeg y senario fod yn 200 nod neu lai']] as const) {
      const refused = await post(lang, { ...before, nameCy: 'a'.repeat(201) });
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain(message);
      expect(refused.body).toContain('href="#nameCy"');
      expect((await store.getScenario(scenarioId))?.version).toBe(version);
    }

    expect((await post('/cy', { ...before, nameCy: 'Senario prawf Cymraeg' })).statusCode).toBe(303);
    expect(await heading('/cy')).toBe('Senario prawf Cymraeg');
    expect(await heading('')).toBe('Welsh genomics workforce, baseline');
    expect((await store.getScenario(scenarioId))?.source).toContain('nameCy: Senario prawf Cymraeg');

    // Emptied: the key leaves the file and Welsh pages show the English name.
    expect((await post('/cy', { ...(await fieldsOf()), nameCy: '' })).statusCode).toBe(303);
    const stored = await store.getScenario(scenarioId);
    expect(stored?.source).not.toMatch(/^nameCy:/m);
    expect(await heading('/cy')).toBe('Welsh genomics workforce, baseline');
  });
});
