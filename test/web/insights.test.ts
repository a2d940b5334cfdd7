// Literacy insights (issue 18, first slice): who sees which staff, the figures
// counted from real completions and requirements on both engines, and that
// no count under 5 is shown anywhere, the CSV export included.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';
import { importStaffExtract } from '../../src/services/staff-import.js';
import { RequirementStore } from '../../src/db/stores/requirement-store.js';
import { addDays, calendarDateIn } from '../../src/domain/learning/index.js';
import ExcelJS from 'exceljs';
import { DIMENSIONS } from '../../src/domain/insights/index.js';
import { offeredOf, refreshInsights } from '../../src/services/insights/aggregates.js';

const SAMPLE = 'https://genomeg.wales/xapi/activities/module/sample-genomics';

/** Every number in a CSV's cells (after the header), which must never be under 5 unless it is a percentage. */
function countsIn(csv: string): number[] {
  return csv.replace(/^\uFEFF/, '').trim().split('\r\n').slice(1)
    .flatMap((line) => line.split(',').slice(1))
    .filter((cell) => /^\d[\d,]*$/.test(cell)).map((cell) => Number(cell.replace(/,/g, '')));
}

describe.each(engines)('genomic literacy insights on $name', (engine) => {
  let t: TestApp;
  let lead: SignedIn; let orgAdmin: SignedIn; let manager: SignedIn; let learner: SignedIn;
  const get = (who: SignedIn, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } });

  beforeAll(async () => {
    t = await buildTestApp(engine);
    const boss = buildStaffRow({ organisationCode: '7A7', firstName: 'Gethin', lastName: 'Bowen', staffGroup: 'Administrative and Clerical', jobRole: 'Manager' });
    // Powys: 12 administrative staff reporting to Gethin (8 will have completed the awareness module), 6 scientists.
    const admins = Array.from({ length: 12 }, (_, i) => buildStaffRow({ organisationCode: '7A7', firstName: `Admin${i}`, lastName: 'Jones', staffGroup: 'Administrative and Clerical', jobRole: 'Administrator', band: '4', lineManagerAssignmentNumber: boss.assignmentNumber }));
    const scientists = Array.from({ length: 6 }, (_, i) => buildStaffRow({ organisationCode: '7A7', firstName: `Sci${i}`, lastName: 'Hughes' }));
    // Swansea Bay: 3 staff, a group too small to show.
    const betsi = Array.from({ length: 3 }, (_, i) => buildStaffRow({ organisationCode: '7A3', firstName: `Betsi${i}`, lastName: 'Evans' }));
    const rows = [boss, ...admins, ...scientists, ...betsi];
    await importStaffExtract(t.app.stores.staff, { text: staffCsv(rows), fileName: 'x.csv', mode: 'partial', permittedOrganisations: 'all', actorUserId: null });
    const idOf = async (row: { assignmentNumber: string }) => (await t.app.stores.staff.findByAssignment(row.assignmentNumber))?.id ?? '';
    for (const [i, row] of admins.slice(0, 8).entries()) {
      const user = await t.app.stores.users.create({ email: `done${i}-${engine.name}@test.genomeg.test`, displayName: 'Done', passwordHash: null, grants: [{ role: 'learner', organisationCode: null }], staffId: await idOf(row) }, null);
      await t.database.db.insertInto('module_completions').values({
        user_id: user.id, module_id: SAMPLE, module_version: '1.0.0', attempt_id: `a${i}`, score: 1, cpd_hours: 0.5, language: 'en', completed_at: new Date(),
      }).execute();
    }
    // Everyone in Powys must have completed it ten days ago: the 11 others are overdue.
    await RequirementStore.create(t.database.db).add({ organisationCode: '7A7', moduleId: SAMPLE, staffGroupCodes: [], due: { kind: 'date', date: addDays(calendarDateIn(new Date()), -10) } }, null);
    lead = await signedIn(t.app, [{ role: 'education-lead', organisationCode: null }]);
    orgAdmin = await signedIn(t.app, [{ role: 'org-admin', organisationCode: '7A7' }]);
    manager = await signedIn(t.app, [{ role: 'line-manager', organisationCode: '7A7' }], { staffId: await idOf(boss) });
    learner = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    // The figures come from the kept aggregates: the refresh job's pass brings them up to date.
    await refreshInsights(t.database.db, offeredOf(t.app.content.modules));
  }, 120_000);
  afterAll(async () => { await t.close(); });

  it('shows an education lead all Wales by organisation, a small organisation as fewer than 5, and links each shown organisation to its drill-down', async () => {
    const page = await get(lead, '/insights');
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toContain('no-store');
    expect(page.body).toContain('Powys Teaching Health Board');
    expect(page.body).toContain('href="/insights?org=7A7"');
    expect(page.body).toMatch(/Swansea Bay University Health Board<\/a><\/th>\s*<td[^>]*>fewer than 5</);
    expect(page.body).not.toContain('Jones');
  });

  it('counts levels, targets and overdue learning from completions and requirements, withholding what would give a small group away', async () => {
    const csv = (await get(lead, '/insights.csv?org=7A7&by=staffGroup')).body.split('\r\n');
    // Powys: 19 people; the 8 who completed the awareness module are at awareness, and meet their
    // target (administrative staff: awareness); the 11 others are overdue (58%). With only two staff
    // groups, one of them of 6, most of each group's own figures are withheld.
    expect(csv.find((l) => l.startsWith('Total'))?.split(',')).toEqual(['Total', '19', '11', '8', 'fewer than 5', 'fewer than 5', 'fewer than 5', 'fewer than 5',
      '8', '11', 'fewer than 5', '42%', '8', 'fewer than 5', '11', 'fewer than 5', '58%']);
    expect(csv.find((l) => l.startsWith('Healthcare Scientists'))?.split(',')[1]).toBe('withheld');
  });

  it('keeps an organisation administrator to their organisation, starting inside it', async () => {
    const page = await get(orgAdmin, '/insights');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Administrative and Clerical');
    expect(page.body).not.toContain('Swansea Bay');
    expect((await get(orgAdmin, '/insights?org=7A3')).statusCode).toBe(403);
    expect((await get(orgAdmin, '/insights.csv?org=7A3')).statusCode).toBe(403);
  });

  it('shows a line manager their own team only, with no names, and links to their team by name', async () => {
    const csv = (await get(manager, '/insights.csv?by=staffGroup')).body;
    expect(csv).toMatch(/^Administrative and Clerical,/m);
    // 12 people, 8 of them meeting target: showing both would tell that 4 are below it.
    expect(csv).not.toMatch(/^Administrative and Clerical,12,.*,8,/m);
    expect(csv).not.toContain('Healthcare Scientists');
    const page = await get(manager, '/insights');
    expect(page.body).not.toContain('Admin0');
    expect(page.body).toContain('href="/team"');
  });

  it('refuses a learner', async () => {
    expect((await get(learner, '/insights')).statusCode).toBe(403);
  });

  it('shows no count under 5 in any export, for any reader, breakdown or drill-down', async () => {
    const views = ['', 'org=7A7', 'org=7A7&group=admin-clerical', 'org=7A3'].flatMap((q) => DIMENSIONS.map((by) => `${q}&by=${by}`));
    for (const who of [lead, orgAdmin, manager]) {
      for (const q of views) {
        const response = await get(who, `/insights.csv?${q}`);
        if (response.statusCode === 403) continue;
        expect(response.statusCode).toBe(200);
        for (const n of countsIn(response.body)) expect(n).toBeGreaterThanOrEqual(5);
      }
    }
  });

  it('shows no count under 5 in any part of any view (trend, gaps, movers, as at a past day) or in the XLSX workbook', async () => {
    const yesterday = addDays(calendarDateIn(new Date()), -1);
    const views = ['', 'org=7A7', 'org=7A7&group=admin-clerical'].flatMap((q) => [`${q}&by=band`, `${q}&by=ageBand&asAt=${yesterday}`]);
    for (const who of [lead, orgAdmin, manager]) {
      for (const q of views) {
        for (const part of ['trend', 'gaps', 'modules', 'events']) {
          const response = await get(who, `/insights.csv?${q}&part=${part}`);
          if (response.statusCode === 403 || response.statusCode === 404) continue;
          for (const n of countsIn(response.body)) expect(n).toBeGreaterThanOrEqual(5);
        }
        const page = await get(who, `/insights?${q}`);
        if (page.statusCode === 403) continue;
        const cells = [...page.body.matchAll(/<td class="nhsuk-table__cell[^"]*">(?:<strong>)?([^<]*)</g)].map((m) => (m[1] ?? '').trim());
        for (const c of cells) if (/^\d[\d,]*$/.test(c)) expect(Number(c.replace(/,/g, ''))).toBeGreaterThanOrEqual(5);
        const xlsx = await t.app.inject({ method: 'GET', url: `/insights.xlsx?${q}`, headers: { cookie: who.cookie } });
        expect(xlsx.statusCode).toBe(200);
        const book = new ExcelJS.Workbook();
        await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
        expect(book.worksheets.length).toBeGreaterThanOrEqual(4);
        book.eachSheet((sheet) => {
          sheet.eachRow((row, r) => {
            row.eachCell((cell) => { if (r > 1 && typeof cell.value === 'number' && cell.numFmt !== '0%') expect(cell.value).toBeGreaterThanOrEqual(5); });
          });
        });
      }
    }
  }, 180_000);

  it('counts "as at" a past day from the days modules were completed: before anyone completed anything, nobody is at awareness', async () => {
    const csv = (await get(lead, `/insights.csv?org=7A7&by=staffGroup&asAt=${addDays(calendarDateIn(new Date()), -1)}`)).body.split('\r\n');
    const total = csv.find((l) => l.startsWith('Total'))?.split(',') ?? [];
    // Today 8 are at awareness (see above); yesterday none were, so that count is under 5. No compliance columns for a past day.
    expect(total[3]).toBe('fewer than 5');
    expect(csv[0]?.split(',')[3]).toBe('Awareness');
    expect(csv[0]).not.toContain('Overdue');
    const page = await get(lead, `/insights?asAt=not-a-date`);
    expect(page.body).toContain('Enter a real date');
  });

  it('lets an education lead set and remove a literacy target, audited, and shows progress against it with the trajectory needed', async () => {
    const post = (who: SignedIn, url: string, payload: Record<string, string>) => t.app.inject({ method: 'POST', url, headers: { cookie: who.cookie }, payload: { _csrf: who.csrf, ...payload } });
    const bad = await post(lead, '/insights/targets', { staffGroupCode: 'admin-clerical', level: 'awareness', percent: '180', dueOn: '2028-02-30' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter a whole number from 1 to 100');
    expect(bad.body).toContain('Enter a real date');
    expect((await post(orgAdmin, '/insights/targets', { staffGroupCode: 'admin-clerical', level: 'awareness', percent: '80', dueOn: '2028-03-31' })).statusCode).toBe(403);
    const added = await post(lead, '/insights/targets', { staffGroupCode: 'admin-clerical', level: 'awareness', percent: '80', dueOn: '2028-03-31', illustrative: 'yes' });
    expect(added.statusCode).toBe(303);
    const page = await get(lead, '/insights/targets');
    expect(page.body).toContain('Administrative and Clerical: 80% at Awareness or above by 31 March 2028');
    expect(page.body).toContain('Illustrative');
    // 8 of the 13 administrative staff (Gethin and his 12) are at awareness (62%); the line needed ends at 80%.
    expect(page.body).toContain('This month: 62%.');
    expect(page.body).toMatch(/Mar 2028<\/th><td[^>]*><\/td><td[^>]*>80%</);
    const audit = await t.database.db.selectFrom('audit_events').select(['action', 'entity_id']).where('entity_type', '=', 'literacy_target').execute();
    expect(audit.map((a) => a.action)).toEqual(['literacy-target.added']);
    const id = audit[0]?.entity_id ?? '';
    expect((await post(lead, `/insights/targets/${id}/remove`, {})).statusCode).toBe(303);
    expect((await get(lead, '/insights/targets')).body).not.toContain('80% at Awareness');
    // The Welsh page speaks Welsh.
    expect((await get(manager, '/cy/insights/targets')).body).toContain('Targedau llythrennedd');
  });

  it('speaks Welsh on the Welsh page and in the Welsh export', async () => {
    const page = await get(lead, '/cy/insights');
    expect(page.body).toContain('Mewnwelediadau llythrennedd genomig');
    expect(page.body).toContain('llai na 5');
    expect((await get(lead, '/cy/insights.csv')).body).toContain('Sefydliad');
  });
});
