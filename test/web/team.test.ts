// The line manager's team (issue 14 item 10): which module is overdue and since
// when, names that open each report's learning read-only (and nobody else's),
// filtering and sorting, and a CSV download.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';
import { importStaffExtract } from '../../src/services/staff-import.js';
import { RequirementStore } from '../../src/db/stores/requirement-store.js';
import { addDays, calendarDateIn, csvCell, selectTeam, teamQueryFrom, teamRow, type RequiredModule } from '../../src/domain/learning/index.js';

const SAMPLE = 'https://genomeg.wales/xapi/activities/module/sample-genomics';

describe('the team, as pure rows', () => {
  const person = (firstName: string, lastName: string, jobRole = 'Staff Nurse') => ({ id: lastName, firstName, lastName, jobRole, bandCode: '5', organisationCode: '7A7' });
  const required = (status: RequiredModule['status'], dueDate: string): RequiredModule => ({ moduleId: `m-${dueDate}`, dueDate, status, completedAt: status === 'completed' ? new Date() : null, requirementIds: [] });
  const rows = [
    teamRow(person('Ann', 'Jones'), [required('overdue', '2026-11-01'), required('overdue', '2026-12-01')], '2026-12-07'),
    teamRow(person('Bryn', 'Ellis', 'Ward Clerk'), [required('due', '2027-01-01')], '2026-12-07'),
    teamRow(person('Cai', 'Davies'), [required('completed', '2026-10-01')], '2026-12-07'),
    teamRow(person('Dilys', 'Ap Rhys'), [required('overdue', '2026-12-05')], '2026-12-07'),
  ];

  it('counts days overdue from the longest-overdue module', () => {
    expect(rows[0]?.daysOverdue).toBe(36);
    expect(rows[0]?.overdue.map((o) => o.dueDate)).toEqual(['2026-11-01', '2026-12-01']);
    expect(rows[1]?.daysOverdue).toBe(0);
  });

  it('filters by standing and by name, and sorts by name, longest overdue or job', () => {
    const names = (q: Record<string, string>) => selectTeam(rows, teamQueryFrom(q)).map((r) => r.member.lastName);
    expect(names({})).toEqual(['Jones', 'Ap Rhys', 'Davies', 'Ellis']);
    expect(names({ sort: 'name' })).toEqual(['Ap Rhys', 'Davies', 'Ellis', 'Jones']);
    expect(names({ sort: 'job' })).toEqual(['Ap Rhys', 'Davies', 'Jones', 'Ellis']);
    expect(names({ show: 'overdue', sort: 'name' })).toEqual(['Ap Rhys', 'Jones']);
    expect(names({ show: 'outstanding' })).toEqual(['Ellis']);
    expect(names({ show: 'complete' })).toEqual(['Davies']);
    expect(names({ q: 'DIL' })).toEqual(['Ap Rhys']);
    // Anything else in the address is the default, never an error.
    expect(teamQueryFrom({ show: 'nobody', sort: 'salary', q: ['x'] })).toEqual({ show: 'all', sort: 'overdue', search: '' });
  });

  it('writes CSV cells a spreadsheet cannot run as formulas', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('+44')).toBe("'+44");
    expect(csvCell('Jones, Ann')).toBe('"Jones, Ann"');
    expect(csvCell('Plain')).toBe('Plain');
  });
});

describe.each(engines)('the line manager\'s team on $name', (engine) => {
  let t: TestApp;
  let manager: SignedIn;
  let otherManager: SignedIn;
  const ids: Record<string, string> = {};
  const get = (who: SignedIn, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } });

  beforeAll(async () => {
    t = await buildTestApp(engine);
    const boss = buildStaffRow({ organisationCode: '7A7', firstName: 'Gethin', lastName: 'Bowen', jobRole: 'Ward Manager' });
    const late = buildStaffRow({ organisationCode: '7A7', firstName: 'Lowri', lastName: 'Pritchard', jobRole: 'Staff Nurse', lineManagerAssignmentNumber: boss.assignmentNumber });
    const formula = buildStaffRow({ organisationCode: '7A7', firstName: '=cmd', lastName: 'Zed', jobRole: 'Ward Clerk', lineManagerAssignmentNumber: boss.assignmentNumber });
    const otherBoss = buildStaffRow({ organisationCode: '7A7', firstName: 'Other', lastName: 'Boss' });
    const notMine = buildStaffRow({ organisationCode: '7A7', firstName: 'Nia', lastName: 'Elsewhere', lineManagerAssignmentNumber: otherBoss.assignmentNumber });
    await importStaffExtract(t.app.stores.staff, { text: staffCsv([boss, late, formula, otherBoss, notMine]), fileName: 'x.csv', mode: 'partial', permittedOrganisations: 'all', actorUserId: null });
    for (const [key, row] of Object.entries({ boss, late, formula, otherBoss, notMine })) ids[key] = (await t.app.stores.staff.findByAssignment(row.assignmentNumber))?.id ?? '';
    manager = await signedIn(t.app, [{ role: 'line-manager', organisationCode: '7A7' }], { staffId: ids['boss'] });
    otherManager = await signedIn(t.app, [{ role: 'line-manager', organisationCode: '7A7' }], { staffId: ids['otherBoss'] });
    const due = addDays(calendarDateIn(new Date()), -10);
    await RequirementStore.create(t.app.database.db).add({ organisationCode: '7A7', moduleId: SAMPLE, staffGroupCodes: [], due: { kind: 'date', date: due } }, null);
  });
  afterAll(async () => { await t.close(); });

  it('names the overdue module and the day it became overdue, and links each name to that person\'s learning', async () => {
    const page = await get(manager, '/team');
    expect(page.statusCode).toBe(200);
    const since = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'Europe/London' }).format(new Date(`${addDays(calendarDateIn(new Date()), -9)}T12:00:00Z`));
    expect(page.body).toContain(`Sample: genes and DNA: overdue since ${since}`);
    expect(page.body).toContain(`href="/team/${ids['late'] ?? ''}"`);
    expect(page.body).not.toContain('Elsewhere');
    expect(page.body).not.toContain(`href="/staff/`);
    const welsh = await get(manager, '/cy/team');
    expect(welsh.body).toContain('yn hwyr ers');
    expect(welsh.body).toContain(`href="/cy/team/${ids['late'] ?? ''}"`);
  });

  it('filters and sorts by the address, and says how many it shows', async () => {
    const named = await get(manager, '/team?q=pritch&sort=name');
    expect(named.body).toContain('Showing 1 of 2');
    expect(named.body).toContain('Pritchard');
    expect(named.body).not.toContain('>=cmd Zed<');
    const none = await get(manager, '/team?show=complete');
    expect(none.body).toContain('Showing 0 of 2');
    expect(none.body).toContain('No one in your team matches');
  });

  it('downloads the list as CSV, in the same order, with formulas made plain text', async () => {
    const csv = await get(manager, '/team.csv?sort=name');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain('my-team.csv');
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toContain('Name,Assignment number');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^Lowri Pritchard,/);
    expect(lines[1]).toContain('Sample: genes and DNA (overdue since');
    expect(lines[2]).toMatch(/^'=cmd Zed,/);
    expect((await get(manager, '/cy/team.csv')).headers['content-disposition']).toContain('fy-nhim.csv');
  });

  it('opens a report\'s learning read-only, and nobody else\'s', async () => {
    const mine = await get(manager, `/team/${ids['late'] ?? ''}`);
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain('Lowri Pritchard');
    expect(mine.body).toContain('Sample: genes and DNA');
    expect(mine.body).toMatch(/Overdue\s*<\/strong>\s*since /);
    expect(mine.body).not.toContain('<form method="post"');
    expect(mine.headers['cache-control']).toContain('no-store');
    // Another manager's report, the manager themself, and a made-up id are all simply not found.
    for (const id of [ids['notMine'], ids['boss'], '00000000-0000-0000-0000-000000000000']) {
      expect({ id, status: (await get(manager, `/team/${id ?? ''}`)).statusCode }).toEqual({ id, status: 404 });
    }
    expect((await get(otherManager, `/team/${ids['late'] ?? ''}`)).statusCode).toBe(404);
    expect((await get(otherManager, `/team/${ids['notMine'] ?? ''}`)).statusCode).toBe(200);
  });
});
