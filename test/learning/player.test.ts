import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';
import { importStaffExtract } from '../../src/services/staff-import.js';

describe.each(engines)('the module player on $name', (engine) => {
  let t: TestApp;
  let learner: SignedIn;
  const get = (url: string, who: SignedIn = learner) => t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } });

  beforeAll(async () => {
    t = await buildTestApp(engine);
    learner = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
  });
  afterAll(async () => { await t.close(); });

  it('lists modules and finds them by search and level', async () => {
    expect((await get('/learn')).body).toContain('Sample: genes and DNA');
    expect((await get('/learn?q=genes')).body).toContain('1 module');
    expect((await get('/learn?level=specialist')).body).toContain('No modules found');
    expect((await get('/cy/learn')).body).toContain('Enghraifft: genynnau a DNA');
  });

  it('marks the modules a learner\'s staff group needs, from their ESR record', async () => {
    const row = buildStaffRow({ organisationCode: '7A3', staffGroup: 'Nursing and Midwifery Registered', jobRole: 'Staff Nurse', band: '5' });
    await importStaffExtract(t.app.stores.staff, { text: staffCsv([row]), fileName: 'x.csv', mode: 'partial', permittedOrganisations: 'all', actorUserId: null });
    const staffId = (await t.app.stores.staff.findByAssignment(row.assignmentNumber))?.id;
    const nurse = await signedIn(t.app, [{ role: 'learner', organisationCode: null }], { staffId });
    const page = await get('/learn', nurse);
    expect(page.body).toContain('you are expected to reach the Foundation level');
    expect(page.body).toContain('Recommended for your role');
    expect((await get('/learn')).body).not.toContain('Recommended for your role');
  });

  it('shows a page with its progress, contents, citations, glossary links and figure', async () => {
    const page = await get('/learn/sample-genomics/pages/1');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<progress id="module-progress" max="2" value="1">');
    expect(page.body).toContain('Page 1 of 2');
    expect(page.body).toContain('href="#ref-r1"');
    expect(page.body).toContain('id="ref-r1"');
    expect(page.body).toContain('href="/learn/sample-genomics/glossary#term-gene"');
    expect(page.body).toContain('<img src="/assets/content/sample-genomics/images/helix.svg" alt="A double helix drawn as two twisted lines">');
    expect(page.body).toContain('What is a gene?');
    const image = await t.app.inject({ method: 'GET', url: '/assets/content/sample-genomics/images/helix.svg' });
    expect(image.statusCode).toBe(200);
    const yaml = await t.app.inject({ method: 'GET', url: '/assets/content/sample-genomics/module.yaml' });
    expect(yaml.statusCode).toBe(404);
  });

  it('resumes where the learner left off, in either language', async () => {
    await get('/learn/sample-genomics/pages/2');
    const overview = await get('/cy/learn/sample-genomics');
    expect(overview.body).toContain('Roeddech ar dudalen 2 o 2.');
    expect(overview.body).toContain('href="/cy/learn/sample-genomics/pages/2"');
  });

  it('gives feedback on a knowledge check without JavaScript', async () => {
    const wrong = await t.app.inject({ method: 'POST', url: '/learn/sample-genomics/pages/1/checks/k1', headers: { cookie: learner.cookie }, payload: { _csrf: learner.csrf, answer: 'b' } });
    expect(wrong.statusCode).toBe(200);
    expect(wrong.body).toContain('Not quite.');
    expect(wrong.body).toContain('No: cells contain genes.');
    const right = await t.app.inject({ method: 'POST', url: '/cy/learn/sample-genomics/pages/1/checks/k1', headers: { cookie: learner.cookie }, payload: { _csrf: learner.csrf, answer: 'a' } });
    expect(right.body).toContain('Mae hynny&#39;n gywir.');
    const none = await t.app.inject({ method: 'POST', url: '/learn/sample-genomics/pages/1/checks/k1', headers: { cookie: learner.cookie }, payload: { _csrf: learner.csrf } });
    expect(none.body).toContain('Select an answer first');
  });

  it('answers a page that does not exist with 404', async () => {
    expect((await get('/learn/sample-genomics/pages/3')).statusCode).toBe(404);
    expect((await get('/learn/sample-genomics/pages/x')).statusCode).toBe(404);
    expect((await get('/learn/no-such-module')).statusCode).toBe(404);
  });

  it('keeps each learner\'s place apart', async () => {
    const other = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    const overview = await get('/learn/sample-genomics', other);
    expect(overview.body).toContain('Start this module');
  });
});
