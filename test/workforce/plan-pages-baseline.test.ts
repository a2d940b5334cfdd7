// Filling a scenario's baseline headcount from the staff directory, the
// planner's own figures winning unless unticked: on both databases.

import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditStore } from '../../src/db/stores/audit-store.js';
import { ScenarioStore } from '../../src/db/stores/scenario-store.js';
import { importStaffExtract } from '../../src/services/staff-import.js';
import { buildTestApp, html, multipart, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';
import { engines } from '../support/engines.js';

type Baseline = { role: string; organisation: string; headcount: number[] }[];

/** A date of birth that puts a person in an age band today. */
function bornYearsAgo(years: number): string {
  const d = new Date();
  return `${d.getUTCFullYear() - years}-01-01`;
}

describe.each(engines)('the baseline from the staff directory on $name', (engine) => {
  let t: TestApp;
  let planner: SignedIn;
  let store: ScenarioStore;
  let url = '';

  const get = (path: string) => t.app.inject({ method: 'GET', url: path, headers: { cookie: planner.cookie } });
  const post = (path: string, fields: [string, string][]) => {
    const body = new URLSearchParams([['_csrf', planner.csrf], ...fields]);
    return t.app.inject({ method: 'POST', url: path, headers: { cookie: planner.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' }, payload: body.toString() });
  };

  beforeAll(async () => {
    t = await buildTestApp(engine);
    planner = await signedIn(t.app, [{ role: 'workforce-planner', organisationCode: null }]);
    store = ScenarioStore.create(t.database.db);
    const rows = [
      // Cardiff and Vale: three clinical scientists (one aged 30, two aged 40), one genetic counsellor aged 50.
      buildStaffRow({ organisationCode: '7A4', jobRole: 'Clinical Scientist (Genomics)', dateOfBirth: bornYearsAgo(30) }),
      buildStaffRow({ organisationCode: '7A4', jobRole: 'Clinical Scientist (Genomics)', dateOfBirth: bornYearsAgo(40) }),
      buildStaffRow({ organisationCode: '7A4', jobRole: 'Clinical Scientist (Genomics)', dateOfBirth: bornYearsAgo(40) }),
      buildStaffRow({ organisationCode: '7A4', jobRole: 'Genetic Counsellor', dateOfBirth: bornYearsAgo(50) }),
      // Powys: a genomic practitioner (the scenario has no baseline there yet).
      buildStaffRow({ organisationCode: '7A7', jobRole: 'Genomic Practitioner', dateOfBirth: bornYearsAgo(30) }),
      // Velindre is not an organisation of the scenario: left out.
      buildStaffRow({ organisationCode: 'RQF', jobRole: 'Clinical Scientist (Genomics)', dateOfBirth: bornYearsAgo(30) }),
      // Not a specialist role: not counted at all.
      buildStaffRow({ organisationCode: '7A4', jobRole: 'Staff Nurse', staffGroup: 'Nursing and Midwifery Registered', dateOfBirth: bornYearsAgo(30) }),
    ];
    await importStaffExtract(t.app.stores.staff, { text: staffCsv(rows), fileName: 'staff.csv', mode: 'full', permittedOrganisations: 'all', actorUserId: null });
    const upload = multipart({ _csrf: planner.csrf }, { name: 'file', filename: 'welsh-genomics-baseline.yaml', content: readFileSync('scenarios/welsh-genomics-baseline.yaml', 'utf8') });
    const saved = await t.app.inject({ method: 'POST', url: '/plan/scenarios', headers: { ...upload.headers, cookie: planner.cookie, accept: 'text/html' }, payload: upload.payload });
    url = saved.headers.location as string;
  });
  afterAll(async () => { await t.close(); });

  it('shows what the directory counts against the scenario\'s figures, and where each figure comes from', async () => {
    const page = html(await get(`${url}/baseline`));
    expect(page).toContain('5 people counted.');
    expect(page).toContain('1 person left out because their organisation or age band is not in this scenario.');
    const row = (role: string, org: string): string => new RegExp(`<td class="nhsuk-table__cell">${role.replace(/[()]/g, '\\$&')}</td>\\s*<td class="nhsuk-table__cell">${org}</td>([\\s\\S]*?)</tr>`).exec(page)?.[1] ?? '';
    expect(row('Clinical scientist (genomics)', 'Cardiff and Vale University Health Board')).toMatch(/<strong>3<\/strong> \(0 · 1 · 2 · 0 · 0 · 0\)[\s\S]*Your own figure \(it overrides the directory\)/);
    expect(row('Genomic practitioner', 'Powys Teaching Health Board')).toContain('Staff directory (added when you fill the baseline)');
    expect(row('Clinical geneticist', 'Betsi Cadwaladr University Health Board')).toContain('Scenario figure (nobody in the directory)');
    expect(page).toMatch(/<input class="nhsuk-checkboxes__input" id="keep[^"]*" name="keep" type="checkbox" value="clinical-scientist@7a4" checked>/);
    expect(html(await get(`/cy${url}/baseline`))).toContain('Cyfrifwyd 5 o bobl.');
  });

  it('fills the baseline as a new version: the directory\'s counts, except the figures the planner keeps, marked in the file', async () => {
    const id = url.split('/').pop() ?? '';
    const before = parseYaml((await store.getScenario(id))?.source ?? '') as { baseline: Baseline };
    const counsellor = before.baseline.find((b) => b.role === 'genetic-counsellor' && b.organisation === '7a4');
    const response = await post(`${url}/baseline`, [['version', '1'], ['keep', 'genetic-counsellor@7a4']]);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`${url}/baseline?applied=2`);
    const stored = await store.getScenario(id);
    expect(stored?.version).toBe(2);
    const after = parseYaml(stored?.source ?? '') as { baseline: Baseline };
    const find = (role: string, org: string) => after.baseline.find((b) => b.role === role && b.organisation === org)?.headcount;
    expect(find('clinical-scientist', '7a4')).toEqual([0, 1, 2, 0, 0, 0]);
    expect(find('genomic-practitioner', '7a7')).toEqual([0, 1, 0, 0, 0, 0]);
    expect(find('genetic-counsellor', '7a4')).toEqual(counsellor?.headcount);
    expect(find('clinical-geneticist', '7a1')).toEqual(before.baseline.find((b) => b.role === 'clinical-geneticist' && b.organisation === '7a1')?.headcount);
    expect(stored?.source).toMatch(/- \{ role: clinical-scientist, organisation: 7a4, headcount: \[ 0, 1, 2, 0, 0, 0 \] \} # staff directory, \d{4}-\d\d-\d\d/);
    const audit = await AuditStore.create(t.database.db).list({ entityType: 'workforce_scenario', entityId: id });
    expect(audit.find((a) => a.action === 'workforce.scenario.baseline-from-staff')?.after).toMatchObject({ version: 2, fromStaff: ['clinical-scientist@7a4', 'genomic-practitioner@7a7'], kept: ['genetic-counsellor@7a4'] });

    const page = html(await get(`${url}/baseline?applied=2`));
    expect(page).toContain('Version 2 saved.');
    expect(page).toMatch(/value="genetic-counsellor@7a4" checked/);
    expect(page).not.toContain('value="clinical-scientist@7a4"');

    const again = await post(`${url}/baseline`, [['version', '2'], ['keep', 'genetic-counsellor@7a4']]);
    expect(again.headers.location).toBe(`${url}/baseline?applied=unchanged`);
    expect((await store.getScenario(id))?.version).toBe(2);
    const stale = await post(`${url}/baseline`, [['version', '1']]);
    expect(stale.statusCode).toBe(409);
    expect((await store.getScenario(id))?.version).toBe(2);
  });
});
