// What marking attendance costs now that a mark of a required event moves the
// insights aggregates in its transaction (issue 16, docs/events.md "Events as
// required learning"): SQL statements (a figure the machine's load does not
// move) and this process's CPU per operation, on SQLite and PostgreSQL. For
// an event no requirement names and for one that is required, on sessions of
// BENCH_MARK_PEOPLE booked people each: one person marked attended on the
// register, then "all present" for the rest, then one correction to no-show.
// "without insights" runs the same marks with no insights update (what a mark
// cost before this change); "with insights" is the mark as the routes run it.
//
//   BENCH_MARK_STAFF   staff in the organisation (default 5,000)
//   BENCH_MARK_PEOPLE  people booked on each session (default 200)

import { migrateToLatest, type DatabaseHandle } from '../src/db/database.js';
import { batchSize } from '../src/db/dialect.js';
import { EventStore } from '../src/db/stores/event-store.js';
import { eventTargetOf, RequirementStore } from '../src/db/stores/requirement-store.js';
import type { LiteracyLevelCode } from '../src/domain/learning/index.js';
import { markAttendance } from '../src/services/events/attendance.js';
import { rebuildInsights, type OfferedModules } from '../src/services/insights/aggregates.js';
import { loadAverage, machine, onBothEngines, statementCounter } from './machine.js';

const STAFF = Number(process.env['BENCH_MARK_STAFF'] ?? 5000);
const PEOPLE = Number(process.env['BENCH_MARK_PEOPLE'] ?? 200);
const DAY = 86_400_000;
const OFFERED: OfferedModules = (['awareness', 'awareness', 'foundation', 'practitioner'] as LiteracyLevelCode[]).map((level, i) => ({ id: `https://bench.genomeg.test/modules/m${String(i)}`, level }));

/** Counts the SQL statements the app sends (a figure the machine's load does not move). */
const counter = statementCounter();

async function measure(label: string, plain: DatabaseHandle): Promise<void> {
  await migrateToLatest(plain);
  const db = plain.db;
  const now = new Date();
  const staff = Array.from({ length: STAFF }, (_, i) => ({
    id: `bench-staff-${String(i)}`, employee_number: `E${String(i)}`, assignment_number: `A${String(i)}`, first_name: 'Bench', last_name: String(i), email: null,
    organisation_code: '7A4', staff_group_code: 'nursing-midwifery', job_role: 'Staff Nurse', band_code: '5', wte: 1, assignment_start_date: '2020-01-01', age_band: '35-44',
    line_manager_assignment_number: null, active: true, left_at: null, created_at: now, updated_at: now, search_text: `bench ${String(i)}`,
  }));
  for (let i = 0; i < staff.length; i += batchSize(20)) await db.insertInto('staff').values(staff.slice(i, i + batchSize(20))).execute();
  const users = staff.map((s, i) => ({
    id: `bench-user-${String(i)}`, email: `m${String(i)}@bench.genomeg.test`, display_name: `Bench ${String(i)}`, password_hash: null, language: 'en', staff_id: s.id, active: true,
    failed_sign_ins: 0, locked_until: null, created_at: now, updated_at: now, oidc_issuer: null, oidc_subject: null, last_signed_in_at: null,
  }));
  for (let i = 0; i < users.length; i += batchSize(14)) await db.insertInto('users').values(users.slice(i, i + batchSize(14))).execute();
  const events = EventStore.create(db);
  const start = new Date(now.getTime() - 2 * DAY);
  const session = { startsAt: start, endsAt: new Date(start.getTime() + DAY / 24), delivery: 'online' as const, joinUrl: 'https://teams.example.test/j', venueName: null, venueAddress: null,
    capacity: PEOPLE + 10, bookingOpensAt: new Date(start.getTime() - 30 * DAY), bookingClosesAt: start, language: 'bilingual' as const };
  // Two events, each with a session per way of marking; everyone booked on one session only (no one's facts depend on another run).
  let next = 0;
  const runs: { name: string; required: boolean; offered: OfferedModules | null; event: Awaited<ReturnType<EventStore['createEvent']>>['event']; sessionId: string; bookings: string[] }[] = [];
  for (const required of [false, true]) {
    const made = await events.createEvent({ title: { en: required ? 'Required webinar' : 'Webinar', cy: 'Gweminar' }, summary: { en: 'S', cy: 'S' }, description: { en: 'D', cy: 'D' }, topic: 'pharmacogenomics', cpdHours: 1 }, [session, session], null);
    await events.setStatus(made.event.id, 'published', null);
    if (required) await RequirementStore.create(db).add({ organisationCode: '7A4', moduleId: eventTargetOf(made.event.id), staffGroupCodes: [], due: { kind: 'days', days: 30 } }, null);
    for (const [i, offered] of [null, OFFERED].entries()) {
      const sessionId = made.sessionIds[i] ?? '';
      const rows = Array.from({ length: PEOPLE }, (_, p) => ({ id: `bench-booking-${String(next + p)}`, session_id: sessionId, user_id: `bench-user-${String(next + p)}`, status: 'booked', position: p + 1, created_at: now, updated_at: now }));
      next += PEOPLE;
      await db.insertInto('event_bookings').values(rows).execute();
      runs.push({ name: `${required ? 'required event' : 'event not required'}, ${offered === null ? 'without insights' : 'with insights'}`, required, offered, event: made.event, sessionId, bookings: rows.map((r) => r.id) });
    }
  }
  await rebuildInsights(db, OFFERED);
  const counted = db.withPlugin(counter.plugin);
  // A warm-up mark (the first mark in a process makes one statement more, once), on a session of its own.
  const warm = runs[0];
  if (warm !== undefined) {
    const sessionId = await events.addSession(warm.event.id, session, null);
    await db.insertInto('event_bookings').values({ id: 'bench-booking-warm', session_id: sessionId, user_id: `bench-user-${String(STAFF - 1)}`, status: 'booked', position: 1, created_at: now, updated_at: now }).execute();
    await markAttendance(counted, OFFERED, warm.event, sessionId, [{ bookingId: 'bench-booking-warm', status: 'attended' }], 'register', null);
  }
  console.log(`${label}: ${STAFF.toLocaleString('en-GB')} staff, ${String(PEOPLE)} booked on each session (${loadAverage()})`);
  for (const run of runs) {
    const figures: string[] = [];
    const step = async (what: string, changes: { bookingId: string; status: 'attended' | 'no-show' }[]) => {
      const from = counter.count();
      const cpu = process.cpuUsage();
      await markAttendance(counted, run.offered, run.event, run.sessionId, changes, 'register', null);
      const used = process.cpuUsage(cpu);
      figures.push(`${what} ${String(counter.count() - from)} statements, ${((used.user + used.system) / 1000).toFixed(0)} ms CPU`);
    };
    const [first = '', ...rest] = run.bookings;
    await step('one attended:', [{ bookingId: first, status: 'attended' }]);
    await step(`all present (${String(rest.length)}):`, rest.map((bookingId) => ({ bookingId, status: 'attended' as const })));
    await step('one corrected to no-show:', [{ bookingId: first, status: 'no-show' }]);
    console.log(`  ${run.name.padEnd(38)} ${figures.join('; ')}`);
  }
  // A check, not a timing: on the required event marked with insights, everyone but the one corrected to no-show counts complete.
  const marked = runs.find((r) => r.required && r.offered !== null);
  const people = (marked?.bookings ?? []).map((b) => `bench-staff-${b.slice('bench-booking-'.length)}`);
  const complete = await db.selectFrom('insights_staff').select((eb) => eb.fn.countAll<number | string>().as('n')).where('staff_id', 'in', people).where('compliance', '=', 'complete').executeTakeFirstOrThrow();
  console.log(`  kept compliance: ${String(complete.n)} of ${String(people.length)} marked on the required event count complete (expected ${String(people.length - 1)}; ${loadAverage()})`);
}

export async function run(): Promise<void> {
  console.log(`attendance marks benchmark on ${machine()}, ${loadAverage()}`);
  await onBothEngines((label, handle) => measure(label, handle));
}
