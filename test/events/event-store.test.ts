import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { AuditStore } from '../../src/db/stores/audit-store.js';
import { EventStore } from '../../src/db/stores/event-store.js';
import { HOUR, sessionInput } from './support.js';
import { UserStore } from '../../src/db/stores/user-store.js';
import { engines } from '../support/engines.js';

const EVENT = {
  title: { en: 'Pharmacogenomics webinar', cy: 'Gweminar ffarmacogenomeg' }, summary: { en: 'Summary', cy: 'Crynodeb' },
  description: { en: 'Description', cy: 'Disgrifiad' }, topic: 'pharmacogenomics', cpdHours: 1.5,
};

describe.each(engines)('event store on $name', (engine) => {
  let database: DatabaseHandle;
  let store: EventStore;
  let users: string[];

  beforeAll(async () => {
    database = await engine.open();
    store = EventStore.create(database.db);
    const userStore = UserStore.create(database.db);
    users = [];
    for (let i = 0; i < 50; i++) {
      users.push((await userStore.create({ email: `learner${String(i)}@test.genomeg.test`, displayName: `Learner ${String(i)}`, passwordHash: null, grants: [], staffId: null }, null)).id);
    }
  }, 120_000);
  afterAll(async () => { await database.close(); });

  it('refuses bookings of a draft, then books once published; booking twice returns the same booking', async () => {
    const { event, sessionId } = await store.createEvent(EVENT, sessionInput({ capacity: 2 }), null);
    expect(await store.book(sessionId, users[0]!)).toEqual({ outcome: 'closed' });
    await store.setStatus(event.id, 'published', null);
    const first = await store.book(sessionId, users[0]!);
    expect(first.outcome).toBe('booked');
    const again = await store.book(sessionId, users[0]!);
    expect(again.outcome).toBe('already');
    const events = await AuditStore.create(database.db).list({ entityType: 'event', entityId: event.id });
    expect(events.map((e) => e.action)).toEqual(['event.published', 'event.created']);
  });

  it('gives exactly 10 places to 50 concurrent bookings and puts 40 on the waiting list in the order taken', async () => {
    const { event, sessionId } = await store.createEvent(EVENT, sessionInput({ capacity: 10 }), null);
    await store.setStatus(event.id, 'published', null);
    const outcomes = await Promise.all(users.map((u) => store.book(sessionId, u)));
    expect(outcomes.filter((o) => o.outcome === 'booked')).toHaveLength(10);
    expect(outcomes.filter((o) => o.outcome === 'waiting')).toHaveLength(40);
    const bookings = await store.bookingsForSession(sessionId);
    expect(bookings.map((b) => b.position)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    // In the order the database took them: the first ten booked, every later one waiting.
    expect(bookings.map((b) => b.status)).toEqual([...Array<string>(10).fill('booked'), ...Array<string>(40).fill('waiting')]);
    expect((await store.findSession(sessionId))).toMatchObject({ booked: 10, waiting: 40 });
  }, 120_000);

  it('gives a freed place to the first on the waiting list; a later booking cannot skip the list', async () => {
    const { event, sessionId } = await store.createEvent(EVENT, sessionInput({ capacity: 2 }), null);
    await store.setStatus(event.id, 'published', null);
    for (const u of users.slice(0, 4)) await store.book(sessionId, u);
    const result = await store.cancel(sessionId, users[0]!);
    expect(result.cancelled?.status).toBe('cancelled');
    expect(result.promoted?.userId).toBe(users[2]);
    // Cancelling a place on the waiting list frees nothing.
    expect((await store.cancel(sessionId, users[3]!)).promoted).toBeNull();
    // Someone new waits behind anyone already waiting; with nobody waiting and a place free, they book.
    expect((await store.book(sessionId, users[5]!)).outcome).toBe('waiting');
    await store.cancel(sessionId, users[1]!);
    expect((await store.bookingsOf(users[5]!, [sessionId]))[0]?.status).toBe('booked');
    // Booking again after cancelling goes to the back of the queue.
    const back = await store.book(sessionId, users[0]!);
    expect(back).toMatchObject({ outcome: 'waiting' });
  });

  it('cancels an event and returns everyone booked or waiting to be told', async () => {
    const { event, sessionId } = await store.createEvent(EVENT, sessionInput({ capacity: 1 }), null);
    await store.setStatus(event.id, 'published', null);
    await store.book(sessionId, users[0]!);
    await store.book(sessionId, users[1]!);
    const { told } = await store.setStatus(event.id, 'cancelled', null);
    expect(told.map((b) => b.userId)).toEqual([users[0], users[1]]);
    expect((await store.bookingsForSession(sessionId)).every((b) => b.status === 'cancelled')).toBe(true);
    await expect(store.setStatus(event.id, 'cancelled', null)).rejects.toMatchObject({ code: 'GNM_CONFLICT' });
  });

  it('refuses a booking outside the booking window', async () => {
    const { event, sessionId } = await store.createEvent(EVENT, sessionInput({ bookingOpensAt: new Date(Date.now() + HOUR) }), null);
    await store.setStatus(event.id, 'published', null);
    expect(await store.book(sessionId, users[0]!)).toEqual({ outcome: 'closed' });
  });
});
