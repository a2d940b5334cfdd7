// The edit form's pool of possible trainees, taken from insights and saved, in
// both languages and on both databases: the figure with its day, the field
// filled only for a count of 5 or more, the look-up audited, and the saved
// version carrying the pool.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, html, multipart, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { AuditStore } from '../../src/db/stores/audit-store.js';
import { ScenarioStore } from '../../src/db/stores/scenario-store.js';
import { dayLabel } from '../../src/services/insights/dashboard.js';
import { today } from '../../src/services/learning/required-learning.js';
import { addStaff } from './trainee-pool-staff.js';
import { formFields } from './helpers.js';

const BASELINE = readFileSync('scenarios/welsh-genomics-baseline.yaml', 'utf8');

/** Every field of a form page with the value it shows, as a browser would send them back. */
function fieldsOf(page: string): Record<string, string> {
  const form = page.slice(page.indexOf('id="edit-form"'), page.indexOf('</form>', page.indexOf('id="edit-form"')));
  return formFields(form);
}

describe.each(engines)('the pool of possible trainees on the edit form on $name', (engine) => {
  let t: TestApp;
  let planner: SignedIn;
  let url = '';

  const get = (path: string) => t.app.inject({ method: 'GET', url: path, headers: { cookie: planner.cookie } });
  const post = (path: string, fields: Record<string, string>) => t.app.inject({
    method: 'POST', url: path, headers: { cookie: planner.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: planner.csrf, ...fields }).toString(),
  });

  beforeAll(async () => {
    t = await buildTestApp(engine);
    planner = await signedIn(t.app, [{ role: 'workforce-planner', organisationCode: null }]);
    const upload = multipart({ _csrf: planner.csrf }, { name: 'file', filename: 'welsh-genomics-baseline.yaml', content: BASELINE });
    const saved = await t.app.inject({ method: 'POST', url: '/plan/scenarios', headers: { ...upload.headers, cookie: planner.cookie, accept: 'text/html' }, payload: upload.payload });
    url = saved.headers.location as string;
    await addStaff(t.database.db, [
      { people: 6, jobRole: 'Genetic Technologist', staffGroup: 'healthcare-scientists', level: 'practitioner' },
      { people: 6, jobRole: 'Healthcare Science Practitioner', staffGroup: 'healthcare-scientists', level: 'advanced', organisation: '7A1' },
      { people: 4, jobRole: 'Genetic Technologist', staffGroup: 'healthcare-scientists', level: 'foundation' },
      { people: 3, jobRole: 'Staff Nurse', staffGroup: 'nursing-midwifery', level: 'practitioner' },
    ]);
  });
  afterAll(async () => { await t.close(); });

  it('offers an empty pool field and a button for each pipeline, outside the form that Enter submits', async () => {
    const page = html(await get(`${url}/edit`));
    expect(page).toMatch(/<label class="nhsuk-label" for="pipeline-stp-genomics-traineePool">Pool of possible trainees<\/label>/);
    expect(page).toMatch(/id="pipeline-stp-genomics-traineePool" name="pipeline-stp-genomics-traineePool" type="text"[^>]* value=""/);
    expect(page).toContain('form="trainee-pool-form" name="pipeline" value="stp-genomics"');
    expect(page).toContain(`<form method="post" action="${url}/edit/trainee-pool" id="trainee-pool-form"`);
    expect(page.match(/Use the count from insights/g)?.length).toBe(5);
  });

  it('takes the count from insights into the field, with its day, audits the look-up, and saves it as a new version', async () => {
    const response = await post(`${url}/edit/trainee-pool`, { pipeline: 'stp-genomics' });
    expect(response.statusCode).toBe(200);
    const page = html(response);
    const day = dayLabel(today(), 'en');
    expect(page).toContain(`Count from insights: 12. That is active staff at practitioner level of genomic literacy or above, in the job roles that feed this training, in all Wales, as at ${day}.`);
    expect(page).toMatch(/id="pipeline-stp-genomics-traineePool" name="pipeline-stp-genomics-traineePool" type="text"[^>]* value="12"/);
    // Other pipelines' pools stay empty.
    expect(page).toMatch(/id="pipeline-stp-bioinformatics-traineePool" name="pipeline-stp-bioinformatics-traineePool" type="text"[^>]* value=""/);
    const id = url.split('/').pop() ?? '';
    const audit = await AuditStore.create(t.database.db).list({ entityType: 'workforce_scenario', entityId: id });
    expect(audit[0]).toMatchObject({ action: 'workforce.scenario.trainee-pool-from-insights', actorUserId: planner.userId, after: { pipeline: 'stp-genomics', role: 'clinical-scientist', shown: 'shown', count: 12, asAt: today() } });

    const saved = await post(`${url}/edit`, fieldsOf(page));
    expect(saved.statusCode).toBe(303);
    const stored = await ScenarioStore.create(t.database.db).getScenario(id);
    expect(stored?.version).toBe(2);
    expect(stored?.source).toMatch(/stp-genomics[\s\S]*?traineePool: 12/);
    expect(html(await get(`${url}/edit`))).toMatch(/id="pipeline-stp-genomics-traineePool"[^>]* value="12"/);
  });

  it('in Welsh, says fewer than 5 and leaves the field empty', async () => {
    const response = await post(`/cy${url}/edit/trainee-pool`, { pipeline: 'stp-genomic-counselling' });
    expect(response.statusCode).toBe(200);
    const page = html(response);
    expect(page).toContain(`Cyfrif o&#39;r mewnwelediadau ar ${dayLabel(today(), 'cy')}: llai na 5.`);
    expect(page).toContain('Cronfa o hyfforddeion posibl');
    expect(page).toMatch(/id="pipeline-stp-genomic-counselling-traineePool"[^>]* value=""/);
    const id = url.split('/').pop() ?? '';
    const audit = await AuditStore.create(t.database.db).list({ entityType: 'workforce_scenario', entityId: id });
    expect(audit[0]).toMatchObject({ action: 'workforce.scenario.trainee-pool-from-insights', after: { pipeline: 'stp-genomic-counselling', shown: 'small' } });
    expect(JSON.stringify(audit[0]?.after)).not.toContain('"count"');
  });

  it('refuses a pool that is not a whole number, in both languages, and saves nothing', async () => {
    const fields = fieldsOf(html(await get(`${url}/edit`)));
    const english = await post(`${url}/edit`, { ...fields, 'pipeline-stp-bioinformatics-traineePool': '2.5' });
    expect(english.statusCode).toBe(400);
    expect(html(english)).toContain('Enter Pool of possible trainees (stp-bioinformatics) as a whole number');
    expect(html(english)).toContain('href="#pipeline-stp-bioinformatics-traineePool"');
    const welsh = await post(`/cy${url}/edit`, { ...fields, 'pipeline-stp-bioinformatics-traineePool': '-3' });
    expect(welsh.statusCode).toBe(400);
    expect(html(welsh)).toContain('Cronfa o hyfforddeion posibl (stp-bioinformatics): rhaid i&#39;r rhif fod yn 0 neu fwy');
    const id = url.split('/').pop() ?? '';
    expect((await ScenarioStore.create(t.database.db).getScenario(id))?.version).toBe(2);
  });

  it('refuses a pipeline the scenario does not have', async () => {
    const response = await post(`${url}/edit/trainee-pool`, { pipeline: 'no-such-pipeline' });
    expect(response.statusCode).toBe(400);
    expect(html(response)).toContain('There is no pipeline &quot;no-such-pipeline&quot; in this scenario.');
  });
});
