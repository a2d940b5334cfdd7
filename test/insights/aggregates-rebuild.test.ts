import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import type { DatabaseHandle } from '../../src/db/database.js';
import type { Database } from '../../src/db/schema.js';
import { InsightsAggregateStore } from '../../src/db/stores/insights-aggregate-store.js';
import { InsightsStore } from '../../src/db/stores/insights-store.js';
import { RequirementStore } from '../../src/db/stores/requirement-store.js';
import { cellsOfFacts, literacyLevelOf, type AggregateCell } from '../../src/domain/insights/index.js';
import { LITERACY_LEVEL_CODES, calendarDateIn, type LiteracyLevelCode } from '../../src/domain/learning/index.js';
import { FundedStore, type FundedModule, type Intake } from '../../src/db/stores/funded-store.js';
import type { Outcome } from '../../src/domain/funded/application.js';
import { FundedService } from '../../src/services/funded/funded-service.js';
import { MODULE, intakeInput } from '../funded/support.js';
import { rebuildInsights, refreshInsights, refreshStaff } from '../../src/services/insights/aggregates.js';
import { literacyPopulation } from '../../src/services/insights/literacy-population.js';
import type { ContentLibrary } from '../../src/services/learning/content-library.js';
import { today } from '../../src/services/learning/required-learning.js';
import { engines } from '../support/engines.js';
import { EventStore, type EventRecord } from '../../src/db/stores/event-store.js';
import { eventTargetOf } from '../../src/db/stores/requirement-store.js';
import { markAttendance } from '../../src/services/events/attendance.js';
import { sessionInput } from '../events/support.js';

// Kept aggregates, three ways: moved person by person as the records change
// (the completion hook and the refresh job), rebuilt from scratch, and
// counted directly by the page's original rules (literacyPopulation). On
// random histories all three must agree, and "as at" a past day must agree
// with a direct count of the records up to that day. Funded university
// modules completed with credits raise levels too (recorded and corrected
// through FundedService.recordOutcome, as the outcome form and CSV do).
// A requirement may name an event (issue 16): attendance marked and corrected
// through markAttendance (as the register and the Teams import do) and the
// event published, cancelled or back to draft (then the job's pass) move
// compliance the same three ways.

const OFFERED: { id: string; level: LiteracyLevelCode }[] = [
  { id: 'urn:m:a1', level: 'awareness' }, { id: 'urn:m:a2', level: 'awareness' }, { id: 'urn:m:f1', level: 'foundation' }, { id: 'urn:m:p1', level: 'practitioner' },
];
const library = { modules: OFFERED.map((m) => ({ manifest: { id: m.id, level: m.level } })) } as unknown as ContentLibrary;
const ORGS = ['7A1', '7A2'];
const GROUPS = ['admin-clerical', 'medical-dental', 'healthcare-scientists'];
const DAY = 86_400_000;
const NOW = new Date();
const ON = today(NOW);

type Op =
  | { kind: 'hire'; org: number; group: number; band: string; startedDaysAgo: number }
  | { kind: 'complete'; who: number; module: number; daysAgo: number }
  | { kind: 'move'; who: number; org: number; group: number }
  | { kind: 'leave'; who: number }
  | { kind: 'require'; org: number; module: number; dueDaysAgo: number }
  | { kind: 'mark'; who: number; event: number; session: number; mark: 'attended' | 'no-show' | 'booked'; source: 'register' | 'teams' }
  | { kind: 'status'; event: number; status: 'published' | 'cancelled' | 'draft' }
  | { kind: 'funded'; who: number; module: number; outcome: Outcome; daysAgo: number };

// One funded module per literacy level, and one that maps to none ('').
const FUNDED_LEVELS: readonly string[] = [...LITERACY_LEVEL_CODES, ''];
// Two events, each with two past sessions (days ago), published (a 'status' op may cancel one or put it back to draft).
const EVENT_SESSIONS: readonly (readonly [number, number])[] = [[400, 100], [30, 5]];
// What a requirement may name: the modules offered, then the events.
const TARGETS = OFFERED.length + EVENT_SESSIONS.length;

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('hire' as const), org: fc.nat(1), group: fc.nat(2), band: fc.constantFrom('3', '6'), startedDaysAgo: fc.nat(700) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('complete' as const), who: fc.nat(30), module: fc.nat(OFFERED.length - 1), daysAgo: fc.nat(700) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('move' as const), who: fc.nat(30), org: fc.nat(1), group: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('leave' as const), who: fc.nat(30) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('require' as const), org: fc.nat(1), module: fc.nat(TARGETS - 1), dueDaysAgo: fc.integer({ min: -30, max: 300 }) }) },
  // Marking a session's register (booked first if need be); a second mark of the same booking is a correction (attended → no-show, or back).
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('mark' as const), who: fc.nat(30), event: fc.nat(EVENT_SESSIONS.length - 1), session: fc.nat(1),
    mark: fc.constantFrom('attended' as const, 'attended' as const, 'no-show' as const, 'booked' as const), source: fc.constantFrom('register' as const, 'teams' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('status' as const), event: fc.nat(EVENT_SESSIONS.length - 1), status: fc.constantFrom('published' as const, 'cancelled' as const, 'draft' as const) }) },
  // A funded outcome; a second one for the same person and module is a correction (completed → withdrawn takes the credit away).
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('funded' as const), who: fc.nat(30), module: fc.nat(FUNDED_LEVELS.length - 1),
    outcome: fc.constantFrom<Outcome>('completed', 'completed', 'withdrawn', 'deferred', 'failed'), daysAgo: fc.nat(700) }) },
);

// Always tried first, on both engines: a required event met by attending and
// a correction to no-show (moved only by the marks themselves), and a required
// event cancelled (moved only by the job's pass noticing it).
const EVENT_HISTORY: Op[] = [
  { kind: 'hire', org: 0, group: 0, band: '3', startedDaysAgo: 500 }, { kind: 'hire', org: 0, group: 1, band: '6', startedDaysAgo: 500 },
  { kind: 'hire', org: 1, group: 2, band: '6', startedDaysAgo: 20 },
  { kind: 'require', org: 0, module: OFFERED.length, dueDaysAgo: 10 },
  { kind: 'require', org: 1, module: OFFERED.length + 1, dueDaysAgo: -20 },
  { kind: 'status', event: 1, status: 'cancelled' },
  { kind: 'mark', who: 0, event: 0, session: 1, mark: 'attended', source: 'register' },
  { kind: 'mark', who: 1, event: 0, session: 0, mark: 'attended', source: 'teams' },
  { kind: 'mark', who: 1, event: 0, session: 0, mark: 'no-show', source: 'register' },
  { kind: 'mark', who: 2, event: 1, session: 0, mark: 'attended', source: 'register' },
];

const noEmail = { sendEmail: () => Promise.resolve('') };

/** The events of EVENT_SESSIONS, with their sessions' ids. */
async function eventSetup(db: Kysely<Database>): Promise<{ event: EventRecord; sessionIds: string[] }[]> {
  const store = EventStore.create(db);
  const out: { event: EventRecord; sessionIds: string[] }[] = [];
  for (const [i, days] of EVENT_SESSIONS.entries()) {
    const sessions = days.map((d) => {
      const start = new Date(NOW.getTime() - d * DAY);
      return sessionInput({ startsAt: start, endsAt: new Date(start.getTime() + DAY / 24), bookingOpensAt: new Date(start.getTime() - 30 * DAY), bookingClosesAt: start, capacity: 100 });
    });
    const made = await store.createEvent({ title: { en: `Event ${String(i)}`, cy: `Digwyddiad ${String(i)}` }, summary: { en: 'S', cy: 'S' }, description: { en: 'D', cy: 'D' }, topic: 'pharmacogenomics', cpdHours: 1 }, sessions, null);
    await store.setStatus(made.event.id, 'published', null);
    out.push({ event: made.event, sessionIds: made.sessionIds });
  }
  return out;
}

/** The funded modules (one per entry of FUNDED_LEVELS) and an intake of each. */
async function fundedSetup(db: Kysely<Database>): Promise<{ module: FundedModule; intake: Intake }[]> {
  const store = FundedStore.create(db);
  const out: { module: FundedModule; intake: Intake }[] = [];
  for (const [i, level] of FUNDED_LEVELS.entries()) {
    const module = await store.createModule({ ...MODULE, code: `F${String(i)}`, literacyLevel: level }, null);
    out.push({ module, intake: await store.createIntake(intakeInput(module.id), 'open', null) });
  }
  return out;
}

const sorted = (cells: readonly AggregateCell[]) => cellsOfFacts([]).concat(cells)
  .map((c) => `${c.organisationCode}|${c.staffGroupCode}|${c.bandCode}|${c.jobRole}|${c.ageBand}|${c.level ?? 'none'}|${c.compliance}=${String(c.people)}`).sort();

async function clear(db: Kysely<Database>): Promise<void> {
  for (const table of ['insights_cells', 'insights_months', 'insights_staff', 'insights_refresh', 'module_completions', 'learning_requirements', 'funded_scores', 'funded_applications', 'funded_intakes', 'funded_modules', 'events', 'users', 'staff'] as const) await db.deleteFrom(table).execute();
}

async function play(db: Kysely<Database>, ops: readonly Op[]): Promise<string[]> {
  const staff: string[] = [];
  const offered = OFFERED;
  const funded = await fundedSetup(db);
  const events = await eventSetup(db);
  const service = new FundedService({ db, email: noEmail, publicUrl: 'http://localhost', offered: () => OFFERED });
  const at = (i: number) => staff.length === 0 ? undefined : staff[i % staff.length];
  for (const [n, op] of ops.entries()) {
    const stamp = new Date();
    // Records made an hour ago: the job's pass looks again at what changed in the last minute, and must not catch up on what the marks should have moved.
    const earlier = new Date(stamp.getTime() - 3_600_000);
    if (op.kind === 'hire') {
      const id = `s${String(n)}`;
      await db.insertInto('staff').values({
        id, employee_number: `E${String(n)}`, assignment_number: `A${String(n)}`, first_name: 'Test', last_name: `Person ${String(n)}`, email: null,
        organisation_code: ORGS[op.org] ?? '7A1', staff_group_code: GROUPS[op.group] ?? 'admin-clerical', job_role: op.group === 0 ? 'Administrator' : 'Clinician',
        band_code: op.band, wte: 1, assignment_start_date: calendarDateIn(new Date(NOW.getTime() - op.startedDaysAgo * DAY)), age_band: '35-44',
        line_manager_assignment_number: null, active: true, left_at: null, created_at: earlier, updated_at: earlier, search_text: `test person ${String(n)}`,
      }).execute();
      await db.insertInto('users').values({
        id: `u${String(n)}`, email: `p${String(n)}@example.test`, display_name: `Person ${String(n)}`, password_hash: null, language: 'en', staff_id: id, active: true,
        failed_sign_ins: 0, locked_until: null, created_at: stamp, updated_at: stamp, oidc_issuer: null, oidc_subject: null, last_signed_in_at: null,
      }).execute();
      staff.push(id);
      await refreshStaff(db, offered, [id], ON);
    } else if (op.kind === 'complete') {
      const id = at(op.who);
      if (id === undefined) continue;
      const m = OFFERED[op.module] ?? OFFERED[0];
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('module_completions').values({
          user_id: `u${id.slice(1)}`, module_id: m?.id ?? '', module_version: '1.0.0', attempt_id: `a${String(n)}`, score: 1, cpd_hours: 1, language: 'en',
          completed_at: new Date(NOW.getTime() - op.daysAgo * DAY),
        }).onConflict((oc) => oc.doNothing()).execute();
        await refreshStaff(trx, offered, [id], ON);
      });
    } else if (op.kind === 'move') {
      const id = at(op.who);
      if (id === undefined) continue;
      await db.updateTable('staff').set({ organisation_code: ORGS[op.org] ?? '7A1', staff_group_code: GROUPS[op.group] ?? 'admin-clerical', updated_at: stamp }).where('id', '=', id).execute();
      await refreshInsights(db, offered, stamp); // the job's pass finds the changed record
    } else if (op.kind === 'leave') {
      const id = at(op.who);
      if (id === undefined) continue;
      await db.updateTable('staff').set({ active: false, left_at: stamp, updated_at: stamp }).where('id', '=', id).execute();
      await refreshStaff(db, offered, [id], ON);
    } else if (op.kind === 'funded') {
      const id = at(op.who);
      const target = funded[op.module];
      if (id === undefined || target === undefined) continue;
      const userId = `u${id.slice(1)}`;
      const store = FundedStore.create(db);
      let application = (await store.applicationsOfUser(userId)).find((a) => a.intakeId === target.intake.id);
      if (application === undefined) {
        const draft = await store.saveDraft(target.intake.id, userId, { staffId: id, organisationCode: '7A1', staffGroupCode: 'admin-clerical', bandCode: '3', jobRole: 'Administrator', wte: 1 },
          { statement: 'I want to learn.', serviceBenefit: 'Faster diagnosis.', priorLearning: '' }, null);
        await db.updateTable('funded_applications').set({ status: 'accepted' }).where('id', '=', draft.id).execute();
        application = { ...draft, status: 'accepted' };
      }
      await service.recordOutcome(application, target.module, op.outcome, op.outcome === 'completed' ? 20 : null, null, new Date(NOW.getTime() - op.daysAgo * DAY));
    } else if (op.kind === 'mark') {
      const id = at(op.who);
      const target = events[op.event];
      const sessionId = target?.sessionIds[op.session];
      if (id === undefined || target === undefined || sessionId === undefined) continue;
      const userId = `u${id.slice(1)}`;
      let booking = await db.selectFrom('event_bookings').select('id').where('session_id', '=', sessionId).where('user_id', '=', userId).executeTakeFirst();
      if (booking === undefined) {
        booking = { id: `b${String(n)}` };
        await db.insertInto('event_bookings').values({ id: booking.id, session_id: sessionId, user_id: userId, status: 'booked', position: n + 1, created_at: stamp, updated_at: stamp, offer_expires_at: null, organisation_code: null, decision_reason: null }).execute();
      }
      await markAttendance(db, offered, target.event, sessionId, [{ bookingId: booking.id, status: op.mark }], op.source, null);
    } else if (op.kind === 'status') {
      const target = events[op.event];
      if (target === undefined) continue;
      // Straight to the status (the event pages' own rules say which moves they allow): what the aggregates must follow is the status.
      await db.updateTable('events').set({ status: op.status, updated_at: stamp }).where('id', '=', target.event.id).execute();
      await refreshInsights(db, offered, stamp); // the job's pass: a required event published or not changes who is due
    } else {
      const event = events[op.module - OFFERED.length];
      await RequirementStore.create(db).add({
        organisationCode: ORGS[op.org] ?? '7A1', moduleId: event === undefined ? OFFERED[op.module]?.id ?? '' : eventTargetOf(event.event.id), staffGroupCodes: [],
        due: { kind: 'date', date: calendarDateIn(new Date(NOW.getTime() - op.dueDaysAgo * DAY)) },
      }, null);
      await refreshInsights(db, offered, stamp); // a changed requirement: everyone
    }
  }
  return staff;
}

describe.each(engines)('kept insights aggregates on $name', (engine) => {
  let handle: DatabaseHandle;
  beforeAll(async () => { handle = await engine.open(); }, 120_000); // migrating a fresh schema can pass the default 10 s on a loaded machine
  afterAll(async () => { await handle.close(); });

  it('are the same moved step by step, rebuilt from scratch and counted directly, on random histories', async () => {
    await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 40 }), fc.nat(700), async (ops, pastDaysAgo) => {
      const db = handle.db;
      await clear(db);
      await play(db, ops);
      const store = InsightsAggregateStore.create(db);
      const incremental = sorted(await store.cells({ organisations: 'all' }));
      const direct = sorted(cellsOfFacts(await literacyPopulation({ insights: InsightsStore.create(db), requirements: RequirementStore.create(db), library }, { organisations: 'all' }, ON)
        .then((people) => people.map((p) => ({ ...p })))));
      expect(incremental).toEqual(direct);

      // As at a past day, from the kept days reached, against the records up to that day.
      const day = calendarDateIn(new Date(NOW.getTime() - pastDaysAgo * DAY));
      const asAt = sorted(await store.cellsAsAt(day, { organisations: 'all' }));
      const active = await InsightsStore.create(db).activeStaff({ organisations: 'all' });
      const completed = await InsightsStore.create(db).completedModules({ organisations: 'all' });
      const credits = await InsightsStore.create(db).fundedCredits({ organisations: 'all' });
      const then = cellsOfFacts(active.filter((s) => s.assignmentStartDate <= day).map((s) => {
        const done = new Set([...(completed.get(s.id) ?? new Map<string, Date>())].filter(([, d]) => calendarDateIn(d) <= day).map(([m]) => m));
        const creditedThen = (credits.get(s.id) ?? []).filter((c) => calendarDateIn(c.at) <= day);
        return { organisationCode: s.organisationCode, staffGroupCode: s.staffGroupCode, bandCode: s.bandCode, jobRole: s.jobRole, ageBand: s.ageBand, level: literacyLevelOf(done, OFFERED, creditedThen), compliance: 'none' as const };
      }));
      expect(asAt).toEqual(sorted(then));

      // The kept monthly counts (trend, targets, what moved people) against the same counted from each person's kept row.
      const everyone = { staffIds: await store.keptStaffIds() };
      const perMonth = async () => [await store.monthly('2024-01', '2026-12', { organisations: 'all' }), await store.movers({ organisations: 'all' }, {}, '2025-01', '2026-06')];
      const fromRows = [await store.monthly('2024-01', '2026-12', everyone), await store.movers(everyone, {}, '2025-01', '2026-06')];
      expect(await perMonth()).toEqual(fromRows);

      await rebuildInsights(db, OFFERED, NOW);
      expect(sorted(await store.cells({ organisations: 'all' }))).toEqual(direct);
      expect(await perMonth()).toEqual(fromRows);
    }), { numRuns: engine.name === 'sqlite' ? 40 : 15, examples: [[EVENT_HISTORY, 10]] });
  }, 300_000);

  it('count a funded module completed with credits at its literacy level, and stop counting it when the outcome is corrected', async () => {
    const db = handle.db;
    await clear(db);
    // s0 completed both awareness modules; s1 nothing. Then each completes funded modules.
    await play(db, [
      { kind: 'hire', org: 0, group: 2, band: '6', startedDaysAgo: 400 }, { kind: 'hire', org: 0, group: 2, band: '6', startedDaysAgo: 400 },
      { kind: 'complete', who: 0, module: 0, daysAgo: 100 }, { kind: 'complete', who: 0, module: 1, daysAgo: 90 },
    ]);
    const store = InsightsAggregateStore.create(db);
    const levels = async () => (await store.cells({ organisations: 'all' })).filter((c) => c.people > 0)
      .flatMap((c) => Array.from({ length: c.people }, () => c.level ?? 'none')).sort();
    expect(await levels()).toEqual(['awareness', 'none']);

    const funded = await fundedSetup(db);
    const service = new FundedService({ db, email: noEmail, publicUrl: 'http://localhost', offered: () => OFFERED });
    const fundedStore = FundedStore.create(db);
    const accept = async (userId: string, staffId: string, i: number) => {
      const target = funded[i];
      if (target === undefined) throw new Error('no module');
      const draft = await fundedStore.saveDraft(target.intake.id, userId, { staffId, organisationCode: '7A1', staffGroupCode: 'healthcare-scientists', bandCode: '6', jobRole: 'Clinician', wte: 1 },
        { statement: 'I want to learn.', serviceBenefit: 'Faster diagnosis.', priorLearning: '' }, null);
      await db.updateTable('funded_applications').set({ status: 'accepted' }).where('id', '=', draft.id).execute();
      return { application: { ...draft, status: 'accepted' as const }, module: target.module };
    };
    // s1: a module at practitioner (index 2), completed 30 days ago: practitioner, and so awareness and foundation too, from that day.
    const s1Practitioner = await accept('u1', 's1', 2);
    await service.recordOutcome(s1Practitioner.application, s1Practitioner.module, 'completed', 20, null, new Date(NOW.getTime() - 30 * DAY));
    // s0: a module that maps to no level (index 5): no change; then one at advanced (3), deferred: no change.
    const s0None = await accept('u0', 's0', 5);
    await service.recordOutcome(s0None.application, s0None.module, 'completed', 20, null, NOW);
    const s0Advanced = await accept('u0', 's0', 3);
    await service.recordOutcome(s0Advanced.application, s0Advanced.module, 'deferred', null, null, NOW);
    expect(await levels()).toEqual(['awareness', 'practitioner']);
    const asAt = async (daysAgo: number) => (await store.cellsAsAt(calendarDateIn(new Date(NOW.getTime() - daysAgo * DAY)), { organisations: 'all' }))
      .filter((c) => c.people > 0).flatMap((c) => Array.from({ length: c.people }, () => c.level ?? 'none')).sort();
    expect(await asAt(60)).toEqual(['awareness', 'none']);
    expect(await asAt(10)).toEqual(['awareness', 'practitioner']);
    // s0's advanced module now completed: advanced, though no Genomeg module is offered at advanced (or done at foundation).
    await service.recordOutcome(s0Advanced.application, s0Advanced.module, 'completed', 20, null, NOW);
    expect(await levels()).toEqual(['advanced', 'practitioner']);
    const direct = async () => (await literacyPopulation({ insights: InsightsStore.create(db), requirements: RequirementStore.create(db), library }, { organisations: 'all' }, ON))
      .map((p) => p.level ?? 'none').sort();
    expect(await direct()).toEqual(['advanced', 'practitioner']);
    // A correction (the university says s1 withdrew) takes the level away again, kept and direct alike.
    await service.recordOutcome(s1Practitioner.application, s1Practitioner.module, 'withdrawn', null, null, NOW);
    expect(await levels()).toEqual(['advanced', 'none']);
    expect(await direct()).toEqual(['advanced', 'none']);
    await rebuildInsights(db, OFFERED, NOW);
    expect(await levels()).toEqual(['advanced', 'none']);
  }, 60_000);
});
