// An event as the target of a learning requirement (issue 16), on every
// database engine: the requirement form offers published events (English and
// Welsh) and refuses a draft or unknown one; a learner's requirement is due
// until the facilitator marks them attended, then complete on the session's
// date; a refresher period expires from that date; the reminder email names
// the event and links to its page; the line manager's team page names it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';
import { importStaffExtract } from '../../src/services/staff-import.js';
import { sessionInput, HOUR } from './support.js';
import { EventStore } from '../../src/db/stores/event-store.js';
import { eventTargetOf, RequirementStore } from '../../src/db/stores/requirement-store.js';
import { requiredByStaff, requiredLearningOf } from '../../src/services/learning/required-learning.js';
import { calendarDateIn, addYears, addDays } from '../../src/domain/learning/index.js';
import { reminderDepsOf } from '../../src/services/platform-jobs.js';
import { sendDailyReminders } from '../../src/services/reminders/reminders.js';

describe.each(engines)('events as required learning on $name', (engine) => {
  let t: TestApp;
  let lead: SignedIn;
  let nurse: SignedIn;
  let welsh: SignedIn;
  let manager: SignedIn;
  let nurseStaffId: string;
  let eventId: string;
  let draftId: string;
  let sessionId: string;
  let sessionStart: Date;
  const get = (who: SignedIn, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } });
  const post = (who: SignedIn, url: string, payload: Record<string, string | string[]> = {}) =>
    t.app.inject({ method: 'POST', url, headers: { cookie: who.cookie, accept: 'text/html' }, payload: { _csrf: who.csrf, ...payload } });
  const deps = () => ({ requirements: RequirementStore.create(t.app.database.db), library: t.app.content });
  const nurseStaff = async () => t.app.stores.staff.findById(nurseStaffId);

  beforeAll(async () => {
    t = await buildTestApp(engine, { PUBLIC_URL: 'https://genomeg.example' });
    const db = t.app.database.db;
    lead = await signedIn(t.app, [{ role: 'education-lead', organisationCode: null }]);
    const boss = buildStaffRow({ organisationCode: '7A7', staffGroup: 'Nursing and Midwifery Registered', jobRole: 'Ward Manager', band: '7' });
    const member = buildStaffRow({ organisationCode: '7A7', firstName: 'Nia', lastName: 'Nurse', staffGroup: 'Nursing and Midwifery Registered', jobRole: 'Staff Nurse', band: '5', lineManagerAssignmentNumber: boss.assignmentNumber });
    const cymraeg = buildStaffRow({ organisationCode: '7A7', firstName: 'Gwen', lastName: 'Cymraeg', staffGroup: 'Nursing and Midwifery Registered', jobRole: 'Staff Nurse', band: '5', lineManagerAssignmentNumber: boss.assignmentNumber });
    await importStaffExtract(t.app.stores.staff, { text: staffCsv([boss, member, cymraeg]), fileName: 'x.csv', mode: 'partial', permittedOrganisations: 'all', actorUserId: null });
    const staffId = async (row: { assignmentNumber: string }) => (await t.app.stores.staff.findByAssignment(row.assignmentNumber))?.id ?? '';
    nurseStaffId = await staffId(member);
    nurse = await signedIn(t.app, [{ role: 'learner', organisationCode: null }], { staffId: nurseStaffId, displayName: 'Nia Nurse' });
    welsh = await signedIn(t.app, [{ role: 'learner', organisationCode: null }], { staffId: await staffId(cymraeg), displayName: 'Gwen Cymraeg' });
    manager = await signedIn(t.app, [{ role: 'line-manager', organisationCode: '7A7' }], { staffId: await staffId(boss) });
    await db.updateTable('users').set({ language: 'cy' }).where('id', '=', welsh.userId).execute();

    const store = EventStore.create(db);
    sessionStart = new Date(Date.now() - 3 * 24 * HOUR);
    const created = await store.createEvent({
      title: { en: 'Pharmacogenomics in practice', cy: 'Ffarmacogenomeg yn ymarferol' }, summary: { en: 'S', cy: 'S' }, description: { en: 'D', cy: 'D' }, topic: 'pharmacogenomics', cpdHours: 1.5,
    }, sessionInput({ startsAt: sessionStart, endsAt: new Date(sessionStart.getTime() + HOUR), bookingOpensAt: new Date(sessionStart.getTime() - 10 * 24 * HOUR), bookingClosesAt: sessionStart }), lead.userId);
    eventId = created.event.id;
    sessionId = created.sessionId;
    await store.setStatus(eventId, 'published', null);
    await store.book(sessionId, nurse.userId, new Date(sessionStart.getTime() - 24 * HOUR));
    const draft = await store.createEvent({
      title: { en: 'Draft masterclass', cy: 'Dosbarth meistr drafft' }, summary: { en: 'S', cy: 'S' }, description: { en: 'D', cy: 'D' }, topic: 'pharmacogenomics', cpdHours: 1,
    }, sessionInput(), lead.userId);
    draftId = draft.event.id;
  }, 120_000);
  afterAll(async () => { await t.close(); });

  it('offers published events on the requirement form in both languages, and refuses a draft or unknown event', async () => {
    const english = await get(lead, '/admin/learning/requirements/new');
    expect(english.statusCode).toBe(200);
    expect(english.body).toContain(`value="event:${eventId}"`);
    expect(english.body).toContain('Event: Pharmacogenomics in practice');
    expect(english.body).not.toContain(draftId);
    const cymraeg = await get(lead, '/cy/admin/learning/requirements/new');
    expect(cymraeg.body).toContain('Digwyddiad: Ffarmacogenomeg yn ymarferol');

    for (const module of [`event:${draftId}`, 'event:no-such-event']) {
      const refused = await post(lead, '/admin/learning/requirements', { organisationCode: '7A7', module, dueKind: 'days', dueDays: '30' });
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain('href="#module"');
      expect(refused.body).toContain('Choose a module or event');
    }
    expect((await t.app.database.db.selectFrom('learning_requirements').selectAll().execute()).length).toBe(0);
  });

  it('sets an event requirement, stored as the event activity id, listed by its title', async () => {
    const added = await post(lead, '/admin/learning/requirements', { organisationCode: '7A7', module: `event:${eventId}`, dueKind: 'days', dueDays: '30' });
    expect(added.statusCode).toBe(303);
    const row = await t.app.database.db.selectFrom('learning_requirements').selectAll().executeTakeFirstOrThrow();
    expect(row.module_id).toBe(eventTargetOf(eventId));
    expect(row.module_id).toBe(`https://genomeg.nhs.wales/events/${eventId}`);
    const list = await get(lead, '/admin/learning/requirements');
    expect(list.body).toContain('Event: Pharmacogenomics in practice');
    // Changing it shows the event chosen.
    const form = await get(lead, `/admin/learning/requirements/${row.id}`);
    expect(form.body).toMatch(new RegExp(`value="event:${eventId}"[^>]*selected`));
  });

  it('is due until the person is marked attended, then complete on the session date', async () => {
    const before = await get(nurse, '/my-learning/required');
    expect(before.body).toContain('Pharmacogenomics in practice');
    expect(before.body).toContain(`href="/events/${eventId}"`);
    expect(before.body).toContain('Due');
    expect((await requiredLearningOf(deps(), await nurseStaff(), []))[0]?.status).toBe('due');
    const team = await get(manager, `/team/${nurseStaffId}`);
    expect(team.body).toContain('Pharmacogenomics in practice');

    expect((await post(lead, `/admin/events/${eventId}/attendance/${sessionId}/all-present`)).statusCode).toBe(303);

    const [done] = await requiredLearningOf(deps(), await nurseStaff(), []);
    expect(done?.status).toBe('completed');
    expect(done?.kind).toBe('event');
    expect(done?.completedAt?.getTime()).toBe(sessionStart.getTime());
    const after = await get(nurse, '/my-learning/required');
    expect(after.body).toContain('Completed');
    const { required } = await requiredByStaff(deps(), [(await nurseStaff())!]);
    expect(required.get(nurseStaffId)?.[0]?.status).toBe('completed');
    // Gwen, not attended, is still due.
    expect((await get(welsh, '/cy/my-learning/required')).body).toContain('Ffarmacogenomeg yn ymarferol');
  });

  it('a refresher period expires the attendance N years after the session', async () => {
    const requirements = RequirementStore.create(t.app.database.db);
    const [existing] = await requirements.list(['7A7']);
    await requirements.change(existing!.id, existing!.revision, { moduleId: existing!.moduleId, staffGroupCodes: [], due: existing!.due, refresherYears: 1 }, null);
    const expires = addYears(calendarDateIn(sessionStart), 1);
    const still = await requiredLearningOf(deps(), await nurseStaff(), [], addDays(expires, -1));
    expect(still[0]?.status).toBe('completed');
    expect(still[0]?.renewBy).toBe(expires);
    const lapsed = await requiredLearningOf(deps(), await nurseStaff(), [], addDays(expires, 1));
    expect(lapsed[0]?.status).toBe('overdue');
    expect(lapsed[0]?.dueDate).toBe(expires);
    const { required } = await requiredByStaff(deps(), [(await nurseStaff())!], addDays(expires, 1));
    expect(required.get(nurseStaffId)?.[0]?.status).toBe('overdue');
    // Back to once is enough for the reminders below.
    const [now] = await requirements.list(['7A7']);
    await requirements.change(now!.id, now!.revision, { moduleId: now!.moduleId, staffGroupCodes: [], due: { kind: 'date', date: '2027-06-30' }, refresherYears: null }, null);
  });

  it('reminds whoever has not attended, naming the event and linking to it, in their language', async () => {
    const remindersDeps = reminderDepsOf({ db: t.app.database.db, config: t.app.config, email: t.app.email, modules: () => t.app.content.modules });
    // Gwen and the ward manager (also a nurse in 7A7); not Nia, who attended.
    expect(await sendDailyReminders(remindersDeps, new Date('2027-06-16T08:00:00Z'))).toBe(2);
    const [english] = await t.app.email.store.list({ limit: 10, userId: manager.userId });
    expect(english?.template).toBe('event-required-due-soon');
    expect(english?.subject).toBe('Reminder: attend Pharmacogenomics in practice by 30 June 2027');
    expect(english?.text).toContain('Your organisation asks you to attend the event Pharmacogenomics in practice by 30 June 2027.');
    expect(english?.text).toContain(`https://genomeg.example/events/${eventId}`);
    const [message] = await t.app.email.store.list({ limit: 10, userId: welsh.userId });
    expect(message?.template).toBe('event-required-due-soon');
    expect(message?.subject).toContain('Ffarmacogenomeg yn ymarferol');
    expect(message?.subject).toContain('Nodyn atgoffa: mynychwch');
    expect(message?.text).toContain(`https://genomeg.example/cy/events/${eventId}`);
    expect(message?.text).toContain('digwyddiad');
    expect((await t.app.email.store.list({ limit: 10, userId: nurse.userId })).length).toBe(0);
  });
});
