// Marking many people at once ("all present", a Teams report) in a fixed
// number of statements, on every database engine: each person still gets
// their own booking status, attendance row, audit entry and their own xAPI
// `attended` statement (the statement kept on a booking is the one about that
// booking's person), and a correction back to booked keeps the statement.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KyselyPlugin } from 'kysely';
import { engines } from '../support/engines.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import { EventStore, type EventRecord } from '../../src/db/stores/event-store.js';
import { markAttendance } from '../../src/services/events/attendance.js';
import { sessionInput, HOUR } from './support.js';

const PEOPLE = 30;

describe.each(engines)('attendance marked in batches on $name', (engine) => {
  let handle: DatabaseHandle;
  let event: EventRecord;
  let sessionId: string;
  const bookings: { id: string; userId: string }[] = [];
  let statements = 0;
  const counter: KyselyPlugin = { transformQuery: (args) => { statements++; return args.node; }, transformResult: (args) => Promise.resolve(args.result) };

  beforeAll(async () => {
    handle = await engine.open();
    const db = handle.db;
    const now = new Date();
    for (let i = 0; i < PEOPLE; i++) {
      await db.insertInto('users').values({
        id: `u${String(i)}`, email: `p${String(i)}@example.test`, display_name: `Person ${String(i)}`, password_hash: null, language: 'en', staff_id: null, active: true,
        failed_sign_ins: 0, locked_until: null, created_at: now, updated_at: now, oidc_issuer: null, oidc_subject: null, last_signed_in_at: null,
      }).execute();
    }
    const start = new Date(now.getTime() - 2 * 24 * HOUR);
    const store = EventStore.create(db);
    const made = await store.createEvent({ title: { en: 'Webinar', cy: 'Gweminar' }, summary: { en: 'S', cy: 'S' }, description: { en: 'D', cy: 'D' }, topic: 'pharmacogenomics', cpdHours: 1 },
      sessionInput({ startsAt: start, endsAt: new Date(start.getTime() + HOUR), bookingOpensAt: new Date(start.getTime() - 10 * 24 * HOUR), bookingClosesAt: start, capacity: PEOPLE }), null);
    event = made.event;
    sessionId = made.sessionId;
    await store.setStatus(event.id, 'published', null);
    for (let i = 0; i < PEOPLE; i++) {
      const booked = await store.book(sessionId, `u${String(i)}`, new Date(start.getTime() - HOUR));
      if (booked.outcome !== 'booked') throw new Error(booked.outcome);
      bookings.push({ id: booked.booking.id, userId: `u${String(i)}` });
    }
  }, 120_000);
  afterAll(async () => { await handle.close(); });

  it('marks everyone present with one statement each about its own person, in the same number of statements for 1 or 28 people', async () => {
    const db = handle.db.withPlugin(counter);
    const [first, second, ...rest] = bookings;
    // The first statement about an activity also records the activity (once): counted from the second mark on.
    await markAttendance(db, null, event, sessionId, [{ bookingId: first!.id, status: 'attended' }], 'register', null);
    let from = statements;
    await markAttendance(db, null, event, sessionId, [{ bookingId: second!.id, status: 'attended' }], 'register', null);
    const forOne = statements - from;
    from = statements;
    const marked = await markAttendance(db, null, event, sessionId, rest.map((b) => ({ bookingId: b.id, status: 'attended' as const })), 'register', null);
    expect(statements - from).toBe(forOne);
    expect(marked).toHaveLength(PEOPLE - 2);

    const rows = await handle.db.selectFrom('event_bookings').innerJoin('event_attendance', 'event_attendance.booking_id', 'event_bookings.id')
      .innerJoin('xapi_statements', 'xapi_statements.id', 'event_attendance.statement_id')
      .select(['event_bookings.user_id', 'event_bookings.status', 'event_attendance.source', 'xapi_statements.statement_json']).where('event_bookings.session_id', '=', sessionId).execute();
    expect(rows).toHaveLength(PEOPLE);
    for (const row of rows) {
      expect(row.status).toBe('attended');
      expect(row.source).toBe('register');
      expect((JSON.parse(row.statement_json) as { actor: { account: { name: string } } }).actor.account.name).toBe(row.user_id);
    }
    const audit = await handle.db.selectFrom('audit_events').select('entity_id').where('action', '=', 'event.attendance-marked').execute();
    expect(new Set(audit.map((a) => a.entity_id))).toEqual(new Set(bookings.map((b) => b.id)));
  });

  it('keeps the statement when a mark is corrected back to booked, and takes the last mark of a booking named twice', async () => {
    const [a, b] = bookings;
    const before = await handle.db.selectFrom('event_attendance').select('statement_id').where('booking_id', '=', a!.id).executeTakeFirstOrThrow();
    const marked = await markAttendance(handle.db, null, event, sessionId, [
      { bookingId: a!.id, status: 'booked' }, { bookingId: b!.id, status: 'booked' }, { bookingId: b!.id, status: 'no-show' },
    ], 'register', null);
    expect(marked.map((m) => [m.bookingId, m.after])).toEqual([[a!.id, 'booked'], [b!.id, 'no-show']]);
    const rows = new Map((await handle.db.selectFrom('event_bookings').leftJoin('event_attendance', 'event_attendance.booking_id', 'event_bookings.id')
      .select(['event_bookings.id', 'event_bookings.status', 'event_attendance.statement_id']).where('event_bookings.id', 'in', [a!.id, b!.id]).execute()).map((r) => [r.id, r]));
    expect(rows.get(a!.id)).toMatchObject({ status: 'booked', statement_id: before.statement_id });
    expect(rows.get(b!.id)?.status).toBe('no-show');
    expect(rows.get(b!.id)?.statement_id).not.toBeNull();
  });
});
