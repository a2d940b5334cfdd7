// Required learning reminders on both engines: before the due date (once), on
// the day, weekly while overdue (at most REMINDER_OVERDUE_MAX), none for
// someone who completed it, in the person's language with a link to the
// module; and the line managers' weekly digest. Runs twice on one day send
// nothing twice.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';
import { importStaffExtract } from '../../src/services/staff-import.js';
import { RequirementStore } from '../../src/db/stores/requirement-store.js';
import { reminderDepsOf } from '../../src/services/platform-jobs.js';
import { sendDailyReminders, sendManagerDigests, type ReminderDeps } from '../../src/services/reminders/reminders.js';

const MODULE = 'https://genomeg.wales/xapi/activities/module/sample-genomics';
const DUE = '2027-01-31';
const at = (date: string): Date => new Date(`${date}T08:00:00Z`);

describe.each(engines)('required learning reminders ($name)', (engine) => {
  let t: TestApp;
  let deps: ReminderDeps;
  const users: Record<string, string> = {};

  beforeAll(async () => {
    t = await buildTestApp(engine, { REMINDER_OVERDUE_MAX: '2', PUBLIC_URL: 'https://genomeg.example' });
    const manager = buildStaffRow({ firstName: 'Megan', lastName: 'Manager' });
    const rows = {
      manager,
      english: buildStaffRow({ firstName: 'Eric', lastName: 'English', lineManagerAssignmentNumber: manager.assignmentNumber }),
      welsh: buildStaffRow({ firstName: 'Gwen', lastName: 'Cymraeg', lineManagerAssignmentNumber: manager.assignmentNumber }),
      done: buildStaffRow({ firstName: 'Dewi', lastName: 'Done', lineManagerAssignmentNumber: manager.assignmentNumber }),
    };
    await importStaffExtract(t.app.stores.staff, { text: staffCsv(Object.values(rows)), fileName: 'x.csv', mode: 'partial', permittedOrganisations: 'all', actorUserId: null });
    for (const [key, row] of Object.entries(rows)) {
      const staff = await t.app.stores.staff.findByAssignment(row.assignmentNumber);
      const person = await signedIn(t.app, [{ role: 'learner', organisationCode: null }], { staffId: staff?.id ?? '' });
      users[key] = person.userId;
    }
    await t.database.db.updateTable('users').set({ language: 'cy', display_name: 'Gwen Cymraeg' }).where('id', '=', users['welsh']!).execute();
    await t.database.db.updateTable('users').set({ display_name: 'Eric English' }).where('id', '=', users['english']!).execute();
    await t.database.db.insertInto('module_completions').values({
      user_id: users['done']!, module_id: MODULE, module_version: '1.0.0', attempt_id: 'attempt-1', score: 100, cpd_hours: 1, language: 'en', completed_at: at('2026-12-01'),
    }).execute();
    await RequirementStore.create(t.database.db).add({ organisationCode: '7A7', moduleId: MODULE, staffGroupCodes: [], due: { kind: 'date', date: DUE } }, null);
    deps = reminderDepsOf({ db: t.database.db, config: t.app.config, email: t.app.email, modules: () => t.app.content.modules });
  }, 120_000);
  afterAll(async () => { await t.close(); }, 120_000);

  const messagesOf = async (key: string) => t.app.email.store.list({ limit: 50, userId: users[key]! });

  it('reminds before the due date once, on the day, then weekly while overdue up to the limit', async () => {
    expect(await sendDailyReminders(deps, at('2027-01-10'))).toBe(0); // 21 days before: too early
    expect(await sendDailyReminders(deps, at('2027-01-16'))).toBe(0); // 15 days before: still too early
    // REMINDER_DAYS_BEFORE is not set here: its default, 14 days, starts the "before" reminder.
    expect(t.app.config.REMINDER_DAYS_BEFORE).toBe(14);
    expect(await sendDailyReminders(deps, at('2027-01-17'))).toBe(3); // 14 days before: manager, English, Welsh
    expect(await sendDailyReminders(deps, at('2027-01-17'))).toBe(0); // the same day again
    expect(await sendDailyReminders(deps, at('2027-01-21'))).toBe(0); // 10 days before: already reminded
    expect(await sendDailyReminders(deps, at('2027-01-22'))).toBe(0); // one "before" reminder, not one a day
    expect(await sendDailyReminders(deps, at(DUE))).toBe(3);
    expect(await sendDailyReminders(deps, at('2027-02-01'))).toBe(3); // first week overdue
    expect(await sendDailyReminders(deps, at('2027-02-04'))).toBe(0);
    expect(await sendDailyReminders(deps, at('2027-02-08'))).toBe(3); // second week
    expect(await sendDailyReminders(deps, at('2027-02-15'))).toBe(0); // REMINDER_OVERDUE_MAX=2
    expect(await messagesOf('done')).toHaveLength(0);
    const english = await messagesOf('english');
    expect(english.map((m) => m.template).sort()).toEqual(['reminder-due-soon', 'reminder-due-today', 'reminder-overdue', 'reminder-overdue']);
    expect(english.find((m) => m.template === 'reminder-due-soon')?.subject).toBe('Reminder: Sample: genes and DNA is due on 31 January 2027');
    expect(english[0]?.text).toContain('https://genomeg.example/learn/sample-genomics');
  }, 120_000);

  it('writes to a Welsh speaker in Welsh, with the Welsh link', async () => {
    const welsh = await messagesOf('welsh');
    const soon = welsh.find((m) => m.template === 'reminder-due-soon');
    expect(soon?.language).toBe('cy');
    expect(soon?.subject).toContain('Enghraifft: genynnau a DNA');
    expect(soon?.text).toContain('Annwyl Gwen Cymraeg,');
    expect(soon?.text).toContain('https://genomeg.example/cy/learn/sample-genomics');
  }, 60_000);

  it('sends each line manager one weekly digest of their team\'s overdue learning', async () => {
    expect(await sendManagerDigests(deps, at('2027-02-01'))).toBe(1);
    expect(await sendManagerDigests(deps, at('2027-02-01'))).toBe(0);
    const digest = (await messagesOf('manager')).find((m) => m.template === 'manager-digest');
    expect(digest?.text).toContain('Eric English: Sample: genes and DNA');
    expect(digest?.text).toContain('Gwen Cymraeg');
    expect(digest?.text).not.toContain('Dewi');
    expect(digest?.text).toContain('https://genomeg.example/team');
  }, 60_000);

  it('counts a completion older than the refresher period as not done', async () => {
    const store = RequirementStore.create(t.database.db);
    const [requirement] = await store.list(['7A7']);
    await store.change(requirement!.id, requirement!.revision, { moduleId: MODULE, staffGroupCodes: [], due: { kind: 'date', date: DUE }, refresherYears: 1 }, null);
    expect((await store.find(requirement!.id))?.refresherYears).toBe(1);
    // Dewi completed on 1 December 2026: it counts until 1 December 2027 (reminded
    // before then), and from that day it is due again, then overdue.
    expect(await sendDailyReminders(deps, at('2027-11-20'))).toBe(1);
    expect((await messagesOf('done'))[0]?.subject).toBe('Reminder: Sample: genes and DNA is due on 1 December 2027');
    expect(await sendDailyReminders(deps, at('2027-12-01'))).toBe(1);
    expect((await messagesOf('done'))[0]?.template).toBe('reminder-due-today');
    expect(await sendDailyReminders(deps, at('2027-12-02'))).toBe(1);
    expect((await messagesOf('done'))[0]?.template).toBe('reminder-overdue');
  }, 60_000);
});
