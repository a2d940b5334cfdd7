import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';
import { importStaffExtract } from '../../src/services/staff-import.js';

const SAMPLE = 'https://genomeg.wales/xapi/activities/module/sample-genomics';

describe.each(engines)('learning required by an organisation on $name', (engine) => {
  let t: TestApp;
  let powysAdmin: SignedIn;
  let cardiffAdmin: SignedIn;
  let lead: SignedIn;
  let nurse: SignedIn;
  let manager: SignedIn;
  let cardiffNurse: SignedIn;
  const get = (who: SignedIn, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } });
  const post = (who: SignedIn, url: string, payload: Record<string, string | string[]> = {}) =>
    t.app.inject({ method: 'POST', url, headers: { cookie: who.cookie, accept: 'text/html' }, payload: { _csrf: who.csrf, ...payload } });
  const requirementsInDatabase = async () => (await t.app.database.db.selectFrom('learning_requirements').selectAll().execute()).length;
  const requirementId = async () => (await t.app.database.db.selectFrom('learning_requirements').select('id').executeTakeFirstOrThrow()).id;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    const boss = buildStaffRow({ organisationCode: '7A7', staffGroup: 'Nursing and Midwifery Registered', jobRole: 'Ward Manager', band: '7' });
    const member = buildStaffRow({ organisationCode: '7A7', staffGroup: 'Nursing and Midwifery Registered', jobRole: 'Staff Nurse', band: '5', lineManagerAssignmentNumber: boss.assignmentNumber });
    const admin = buildStaffRow({ organisationCode: '7A7', staffGroup: 'Administrative and Clerical', jobRole: 'Ward Clerk', band: '3', lineManagerAssignmentNumber: boss.assignmentNumber });
    const cardiff = buildStaffRow({ organisationCode: '7A4', staffGroup: 'Nursing and Midwifery Registered', jobRole: 'Staff Nurse', band: '5' });
    await importStaffExtract(t.app.stores.staff, { text: staffCsv([boss, member, admin, cardiff]), fileName: 'x.csv', mode: 'partial', permittedOrganisations: 'all', actorUserId: null });
    const staffId = async (row: { assignmentNumber: string }) => (await t.app.stores.staff.findByAssignment(row.assignmentNumber))?.id ?? '';
    powysAdmin = await signedIn(t.app, [{ role: 'org-admin', organisationCode: '7A7' }]);
    cardiffAdmin = await signedIn(t.app, [{ role: 'org-admin', organisationCode: '7A4' }]);
    lead = await signedIn(t.app, [{ role: 'education-lead', organisationCode: null }]);
    nurse = await signedIn(t.app, [{ role: 'learner', organisationCode: null }], { staffId: await staffId(member) });
    manager = await signedIn(t.app, [{ role: 'line-manager', organisationCode: '7A7' }], { staffId: await staffId(boss) });
    cardiffNurse = await signedIn(t.app, [{ role: 'learner', organisationCode: null }], { staffId: await staffId(cardiff) });
  });
  afterAll(async () => { await t.close(); });

  it('names every problem with a requirement form and writes nothing', async () => {
    const empty = await post(powysAdmin, '/admin/learning/requirements', { organisationCode: '7A7' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('There is a problem');
    expect(empty.body).toContain('href="#module"');
    expect(empty.body).toContain('Choose a module');
    expect(empty.body).toContain('href="#dueKind"');

    const badDate = await post(powysAdmin, '/admin/learning/requirements', { organisationCode: '7A7', module: 'sample-genomics', dueKind: 'date', dueDay: '31', dueMonth: '2', dueYear: '2027' });
    expect(badDate.statusCode).toBe(400);
    expect(badDate.body).toContain('href="#dueDate-dueDay"');
    expect(badDate.body).toContain('Enter a real date, for example 31 3 2027');
    // What was typed comes back, so it can be corrected.
    expect(badDate.body).toMatch(/name="dueDay"[^>]*value="31"|value="31"[^>]*name="dueDay"/);

    const badDays = await post(powysAdmin, '/admin/learning/requirements', { organisationCode: '7A7', module: 'sample-genomics', dueKind: 'days', dueDays: '0' });
    expect(badDays.body).toContain('href="#dueDays"');

    const otherOrganisation = await post(powysAdmin, '/admin/learning/requirements', { organisationCode: '7A4', module: 'sample-genomics', dueKind: 'days', dueDays: '30' });
    expect(otherOrganisation.statusCode).toBe(400);
    expect(otherOrganisation.body).toContain('Choose an organisation you look after');

    const unknownGroup = await post(powysAdmin, '/admin/learning/requirements', { organisationCode: '7A7', module: 'sample-genomics', staffGroups: ['nursing-midwifery', 'astronauts'], dueKind: 'days', dueDays: '30' });
    expect(unknownGroup.body).toContain('href="#staffGroups"');

    const welsh = await post(powysAdmin, '/cy/admin/learning/requirements', { organisationCode: '7A7' });
    expect(welsh.body).toContain('Dewiswch fodiwl');
    expect(await requirementsInDatabase()).toBe(0);
  });

  it('lets an organisation administrator require a module of their staff, and shows it as overdue to learner and manager', async () => {
    const added = await post(powysAdmin, '/admin/learning/requirements', { organisationCode: '7A7', module: 'sample-genomics', staffGroups: 'nursing-midwifery', dueKind: 'date', dueDay: '1', dueMonth: '2', dueYear: '2024' });
    expect(added.statusCode).toBe(303);
    const list = await get(powysAdmin, '/admin/learning/requirements?done=added');
    expect(list.body).toContain('The requirement has been added.');
    expect(list.body).toContain('Sample: genes and DNA');
    expect(list.body).toContain('Nursing and Midwifery Registered');
    expect(list.body).toContain('By 1 February 2024');

    const catalogue = await get(nurse, '/learn');
    expect(catalogue.body).toContain('Required by your organisation');
    expect(catalogue.body).toContain('overdue, it was due by 1 February 2024');
    expect(catalogue.body).toContain('Recommended for your role');
    expect((await get(cardiffNurse, '/learn')).body).not.toContain('Required by your organisation');

    const required = await get(nurse, '/my-learning/required');
    expect(required.body).toContain('1 module is overdue.');
    expect(required.body).toContain('Sample: genes and DNA');
    expect((await get(nurse, '/cy/my-learning/required')).body).toContain('Mae 1 modiwl yn hwyr.');
    const record = (await get(nurse, '/my-learning')).body;
    expect(record).toContain('href="/my-learning/required"');
    expect(record).toContain('overdue, it was due by 1 February 2024');
    expect((await get(cardiffNurse, '/my-learning')).body).toContain('Your organisation has not required any modules of you.');

    const team = await get(manager, '/team');
    // The nurse is overdue; the ward clerk's staff group is not required to take it.
    expect(team.body).toContain('1 overdue');
    expect(team.body.match(/1 overdue/g)).toHaveLength(1);
  });

  it('keeps each organisation\'s requirements to its own administrators', async () => {
    const id = await requirementId();
    expect((await get(cardiffAdmin, '/admin/learning/requirements')).body).not.toContain('Sample: genes and DNA');
    expect((await get(cardiffAdmin, `/admin/learning/requirements/${id}`)).statusCode).toBe(404);
    expect((await post(cardiffAdmin, `/admin/learning/requirements/${id}/remove`, { revision: '1' })).statusCode).toBe(404);
    expect((await get(lead, `/admin/learning/requirements/${id}`)).statusCode).toBe(200);
  });

  it('refuses a change from a form someone else changed meanwhile, then accepts a current one', async () => {
    const id = await requirementId();
    const form = await get(lead, `/admin/learning/requirements/${id}`);
    expect(form.body).toContain('name="revision" value="1"');
    const change = { module: 'sample-genomics', staffGroups: 'nursing-midwifery', dueKind: 'days', dueDays: '30' };
    expect((await post(lead, `/admin/learning/requirements/${id}`, { ...change, revision: '1' })).statusCode).toBe(303);
    expect((await post(powysAdmin, `/admin/learning/requirements/${id}`, { ...change, dueDays: '400', revision: '1' })).statusCode).toBe(409);
    const stored = await t.app.database.db.selectFrom('learning_requirements').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect([stored.due_days, stored.due_date, stored.revision]).toEqual([30, null, 2]);
    // Back to a date already past, for the tests that follow.
    expect((await post(powysAdmin, `/admin/learning/requirements/${id}`, { module: 'sample-genomics', staffGroups: 'nursing-midwifery', dueKind: 'date', dueDay: '1', dueMonth: '2', dueYear: '2024', revision: '2' })).statusCode).toBe(303);
  });

  it('counts a completion of the module as meeting the requirement', async () => {
    await post(nurse, '/learn/sample-genomics/assessment');
    const attempt = /\/assessment\/([0-9a-f-]{36})"/.exec((await get(nurse, '/learn/sample-genomics/assessment')).body)?.[1] ?? '';
    expect((await post(nurse, `/learn/sample-genomics/assessment/${attempt}`, { 'q-q1': 'a', 'q-q2': ['a', 'b'] })).statusCode).toBe(303);
    const required = await get(nurse, '/my-learning/required');
    expect(required.body).toContain('Nothing is overdue.');
    expect(required.body).toContain('Completed');
    expect((await get(manager, '/team')).body).not.toContain('1 overdue');
    expect((await get(nurse, '/learn')).body).toMatch(/Required by your organisation\s*<\/strong>\s*completed/);
  });

  it('removes a requirement after asking, and audits every change', async () => {
    const id = await requirementId();
    const confirm = await get(powysAdmin, `/admin/learning/requirements/${id}/remove`);
    expect(confirm.body).toContain('Remove this requirement?');
    expect((await post(powysAdmin, `/admin/learning/requirements/${id}/remove`, { revision: '3' })).statusCode).toBe(303);
    expect(await requirementsInDatabase()).toBe(0);
    const events = await t.app.stores.audit.list({ entityType: 'learning_requirement', entityId: id });
    expect(events.map((e) => e.action)).toEqual(['learning-requirement.removed', 'learning-requirement.changed', 'learning-requirement.changed', 'learning-requirement.added']);
    expect((events[3]?.after as { moduleId: string }).moduleId).toBe(SAMPLE);
    expect((await get(nurse, '/my-learning/required')).body).toContain('Your organisation has not required any modules of you.');
  });

  it('filters the catalogue by duration and by Welsh, without JavaScript', async () => {
    const form = await get(nurse, '/learn');
    expect(form.body).toContain('<form method="get" action="/learn"');
    expect(form.body).toContain('name="duration"');
    expect(form.body).toContain('name="language"');
    expect((await get(nurse, '/learn?duration=15')).body).toContain('1 module');
    expect((await get(nurse, '/learn?language=cy')).body).toContain('1 module');
    // The sample module's Welsh is machine-assisted, not yet reviewed.
    expect((await get(nurse, '/learn?language=cy-reviewed')).body).toContain('No modules found');
    expect((await get(nurse, '/learn?language=cy-reviewed')).body).toContain('<option value="cy-reviewed" selected');
  });
});
