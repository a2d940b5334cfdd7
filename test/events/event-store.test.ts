import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { AuditStore } from '../../src/db/stores/audit-store.js';
import { EventStore } from '../../src/db/stores/event-store.js';
import { HOUR, linkStaff, sessionInput } from './support.js';
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
    // Each booking audited with its own status and position (written with it: one statement on PostgreSQL).
    const byId = new Map(bookings.map((b) => [b.id, b]));
    const audited = (await AuditStore.create(database.db).list({ entityType: 'event_booking', limit: 1000 })).filter((a) => byId.has(a.entityId));
    expect(audited).toHaveLength(50);
    for (const a of audited) {
      const b = byId.get(a.entityId);
      expect(a.action).toBe(b?.status === 'booked' ? 'event.booked' : 'event.waiting');
      expect(a.after).toEqual({ sessionId, status: b?.status, position: b?.position });
    }
  }, 120_000);

  it('offers a freed place to the first on the waiting list; a later booking cannot skip the list', async () => {
    const { event, sessionId } = await store.createEvent(EVENT, sessionInput({ capacity: 2 }), null);
    await store.setStatus(event.id, 'published', null);
    for (const u of users.slice(0, 4)) await store.book(sessionId, u);
    const result = await store.cancel(sessionId, users[0]!);
    expect(result.cancelled?.status).toBe('cancelled');
    expect(result.settled.offered.map((b) => b.userId)).toEqual([users[2]]);
    // Cancelling a place on the waiting list frees nothing.
    expect((await store.cancel(sessionId, users[3]!)).settled.offered).toEqual([]);
    // Someone new waits behind anyone already waiting; with nobody waiting and a place free, they book.
    expect((await store.book(sessionId, users[5]!)).outcome).toBe('waiting');
    await store.cancel(sessionId, users[1]!);
    expect((await store.bookingsOf(users[5]!, [sessionId]))[0]?.status).toBe('offered');
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

  it('books through the confirmation path: 50 concurrent, 10 booked in order, the mail read under the lock and the SEQUENCE set with the booking', async () => {
    const { event, sessionId } = await store.createEvent(EVENT, sessionInput({ capacity: 10 }), null);
    const other = await store.createEvent(EVENT, sessionInput({ capacity: 10 }), null);
    // A draft is not found (as the event page is not), nor a session of another event.
    expect(await store.book(sessionId, users[0]!, new Date(), { eventId: event.id, calendarFloor: 1000 })).toEqual({ outcome: 'not-found' });
    await store.setStatus(event.id, 'published', null);
    await store.setStatus(other.event.id, 'published', null);
    expect(await store.book(sessionId, users[0]!, new Date(), { eventId: other.event.id, calendarFloor: 1000 })).toEqual({ outcome: 'not-found' });
    const outcomes = await Promise.all(users.map((u) => store.book(sessionId, u, new Date(), { eventId: event.id, calendarFloor: 1000 })));
    expect(outcomes.filter((o) => o.outcome === 'booked')).toHaveLength(10);
    expect(outcomes.filter((o) => o.outcome === 'waiting')).toHaveLength(40);
    const bookings = await store.bookingsForSession(sessionId);
    expect(bookings.map((b) => b.status)).toEqual([...Array<string>(10).fill('booked'), ...Array<string>(40).fill('waiting')]);
    const first = outcomes[0];
    if (first?.outcome !== 'booked' && first?.outcome !== 'waiting') throw new Error(`unexpected ${String(first?.outcome)}`);
    expect(first.mail).toMatchObject({
      person: { email: 'learner0@test.genomeg.test', displayName: 'Learner 0', language: 'en', languageKnown: true },
      session: { id: sessionId, eventId: event.id, capacity: 10, booked: 0, waiting: 0 },
      event: { id: event.id, status: 'published', title: EVENT.title, summary: EVENT.summary, cpdHours: 1.5 },
    });
    for (const o of outcomes) {
      if (o.outcome !== 'booked' && o.outcome !== 'waiting') throw new Error(o.outcome);
      expect(o.mail?.calendarSequence).toBe(o.outcome === 'booked' ? 1000 : null);
    }
    // The next file for a booked person goes above the one set with the booking.
    const booked = outcomes.find((o) => o.outcome === 'booked');
    expect(await store.nextCalendarSequence(booked && 'booking' in booked ? booked.booking.id : '', 0)).toBe(1001);
  }, 120_000);

  it('refuses a booking outside the booking window', async () => {
    const { event, sessionId } = await store.createEvent(EVENT, sessionInput({ bookingOpensAt: new Date(Date.now() + HOUR) }), null);
    await store.setStatus(event.id, 'published', null);
    expect(await store.book(sessionId, users[0]!)).toEqual({ outcome: 'closed' });
  });

  it('holds an offered place for the offer window; unconfirmed it passes to the next; confirmed it is booked', async () => {
    const { event, sessionId } = await store.createEvent(EVENT, sessionInput({ capacity: 1 }), null);
    await store.setStatus(event.id, 'published', null);
    for (const u of users.slice(0, 4)) await store.book(sessionId, u);
    const now = new Date();
    const { settled } = await store.cancel(sessionId, users[0]!, users[0], now);
    expect(settled.offered.map((b) => b.userId)).toEqual([users[1]]);
    // 48 hours by default.
    expect(settled.offered[0]?.offerExpiresAt?.getTime()).toBe(now.getTime() + 48 * HOUR);
    // The place is held: a newcomer waits, and so does everyone behind.
    expect((await store.book(sessionId, users[4]!, now)).outcome).toBe('waiting');
    // Not confirmed in time: it expires and the next person (users[2]) is offered it, never the newcomer.
    const later = new Date(now.getTime() + 49 * HOUR);
    expect((await store.confirmOffer(sessionId, users[1]!, later)).confirmed).toBeNull();
    const statuses = async () => Object.fromEntries((await store.bookingsForSession(sessionId)).map((b) => [users.indexOf(b.userId), b.status]));
    expect(await statuses()).toEqual({ 0: 'cancelled', 1: 'expired', 2: 'offered', 3: 'waiting', 4: 'waiting' });
    // The sweep at a later time passes it on again; then users[3] confirms within their window.
    const sweep = await store.settleAll(new Date(later.getTime() + 49 * HOUR));
    expect(sweep.expired.filter((b) => b.sessionId === sessionId).map((b) => b.userId)).toEqual([users[2]]);
    expect(sweep.offered.filter((b) => b.sessionId === sessionId).map((b) => b.userId)).toEqual([users[3]]);
    expect((await store.confirmOffer(sessionId, users[3]!, new Date(later.getTime() + 50 * HOUR))).confirmed?.status).toBe('booked');
    expect(await statuses()).toEqual({ 0: 'cancelled', 1: 'expired', 2: 'expired', 3: 'booked', 4: 'waiting' });
    const audit = await AuditStore.create(database.db).list({ entityType: 'event_booking' });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['event.offered', 'event.offer-expired', 'event.offer-confirmed']));
  });

  it('never offers an offer window past the start', async () => {
    const start = new Date(Date.now() + 2 * HOUR);
    const { event, sessionId } = await store.createEvent(EVENT, sessionInput({ capacity: 1, startsAt: start, endsAt: new Date(start.getTime() + HOUR), bookingClosesAt: start }), null);
    await store.setStatus(event.id, 'published', null);
    await store.book(sessionId, users[0]!);
    await store.book(sessionId, users[1]!);
    const { settled } = await store.cancel(sessionId, users[0]!);
    expect(settled.offered[0]?.offerExpiresAt?.getTime()).toBe(start.getTime());
  });

  it('under concurrent cancellations, bookings and confirmations, places go down the waiting list in order and are never over-given', async () => {
    const { event, sessionId } = await store.createEvent(EVENT, sessionInput({ capacity: 5 }), null);
    await store.setStatus(event.id, 'published', null);
    for (const u of users.slice(0, 15)) await store.book(sessionId, u);
    // Five cancel while twenty newcomers book at the same moment.
    await Promise.all([...users.slice(0, 5).map((u) => store.cancel(sessionId, u)), ...users.slice(20, 40).map((u) => store.book(sessionId, u))]);
    const after = await store.bookingsForSession(sessionId);
    // The five freed places are offered to the first five waiting (users 5–9); every newcomer waits.
    expect(after.filter((b) => b.status === 'offered').map((b) => users.indexOf(b.userId)).sort((a, b) => a - b)).toEqual([5, 6, 7, 8, 9]);
    expect(after.filter((b) => users.indexOf(b.userId) >= 20).every((b) => b.status === 'waiting')).toBe(true);
    await Promise.all(users.slice(5, 10).map((u) => store.confirmOffer(sessionId, u)));
    const final = await store.bookingsForSession(sessionId);
    expect(final.filter((b) => b.status === 'booked' || b.status === 'offered')).toHaveLength(5);
    expect(final.filter((b) => b.status === 'booked').map((b) => users.indexOf(b.userId)).sort((a, b) => a - b)).toEqual([5, 6, 7, 8, 9]);
  }, 120_000);

  it('keeps places reserved for an organisation until the date, under 50 concurrent bookings, then releases them to the waiting list in order', async () => {
    // Users 40–49 are staff of organisation 7A1 (assignment numbers unique per engine run).
    const tag = `${engine.name.slice(0, 2)}${String(Date.now()).slice(-6)}`;
    for (const [i, u] of users.slice(40).entries()) await linkStaff(database.db, u, { organisationCode: '7A1', assignmentNumber: `Q${tag}${String(i)}-1` });
    const { event, sessionId } = await store.createEvent(EVENT, sessionInput({ capacity: 10 }), null);
    await store.setStatus(event.id, 'published', null);
    const until = new Date(Date.now() + 3 * 24 * HOUR);
    await store.setQuotas(sessionId, [{ organisationCode: '7A1', places: 4, reservedUntil: until }], null);
    // 40 others ask first and at once with 7A1's ten: only 6 places are free to others.
    const outcomes = await Promise.all(users.map((u) => store.book(sessionId, u)));
    const bookedOf = (from: number, to: number) => outcomes.slice(from, to).filter((o) => o.outcome === 'booked').length;
    expect(bookedOf(0, 40)).toBeLessThanOrEqual(6);
    expect(bookedOf(0, 50)).toBe(10);
    const bookings = await store.bookingsForSession(sessionId);
    const orgBooked = bookings.filter((b) => b.status === 'booked' && b.organisationCode === '7A1').length;
    expect(orgBooked).toBeGreaterThanOrEqual(4);
    // Reserved places are not taken by others even when nobody of 7A1 had asked yet: a fresh session.
    const fresh = await store.createEvent(EVENT, sessionInput({ capacity: 3 }), null);
    await store.setStatus(fresh.event.id, 'published', null);
    await store.setQuotas(fresh.sessionId, [{ organisationCode: '7A1', places: 2, reservedUntil: until }], null);
    expect((await store.book(fresh.sessionId, users[0]!)).outcome).toBe('booked');
    expect((await store.book(fresh.sessionId, users[1]!)).outcome).toBe('waiting');
    expect((await store.book(fresh.sessionId, users[40]!)).outcome).toBe('booked');
    // After the date the unused reserved place is released: offered to the first waiting (users[1]), not to a newcomer.
    const after = new Date(until.getTime() + HOUR);
    const released = await store.settleAll(after);
    expect(released.offered.filter((b) => b.sessionId === fresh.sessionId).map((b) => b.userId)).toEqual([users[1]]);
    const audit = await AuditStore.create(database.db).list({ entityType: 'event', entityId: fresh.event.id });
    expect(audit.map((a) => a.action)).toContain('event.quotas-set');
  }, 120_000);

  it('asks the line manager when the event needs approval; approved joins the queue at the back, declined keeps the reason', async () => {
    const tag = `${engine.name.slice(0, 2)}${String(Date.now()).slice(-6)}`;
    const manager = users[30]!;
    await linkStaff(database.db, manager, { organisationCode: '7A2', assignmentNumber: `M${tag}-1` });
    await linkStaff(database.db, users[31]!, { organisationCode: '7A2', assignmentNumber: `L${tag}1-1`, lineManager: `M${tag}-1` });
    await linkStaff(database.db, users[32]!, { organisationCode: '7A2', assignmentNumber: `L${tag}2-1`, lineManager: `M${tag}-1` });
    const { event, sessionId } = await store.createEvent({ ...EVENT, approvalRequired: true }, sessionInput({ capacity: 1 }), null);
    await store.setStatus(event.id, 'published', null);
    const asked = await store.book(sessionId, users[31]!);
    expect(asked.outcome).toBe('awaiting-approval');
    expect((await store.book(sessionId, users[32]!)).outcome).toBe('awaiting-approval');
    expect(await store.lineManagersOf(users[31]!)).toEqual([manager]);
    const waiting = await store.awaitingApprovalBy(manager);
    expect(waiting.map((w) => w.booking.userId)).toEqual([users[31], users[32]]);
    // Someone else's manager sees none of them.
    expect(await store.awaitingApprovalBy(users[33]!)).toEqual([]);
    const second = waiting[1]!.booking;
    const declined = await store.decide(second.id, false, 'Rota is short that week', manager);
    expect(declined?.booking).toMatchObject({ status: 'declined', decisionReason: 'Rota is short that week' });
    const approved = await store.decide(waiting[0]!.booking.id, true, null, manager);
    expect(approved?.booking.status).toBe('booked');
    // Deciding twice does nothing.
    expect(await store.decide(second.id, true, null, manager)).toBeNull();
    const actions = (await AuditStore.create(database.db).list({ entityType: 'event_booking' })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['event.approval-requested', 'event.approval-declined', 'event.approval-approved']));
  });
});
