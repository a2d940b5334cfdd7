// Events, their sessions and bookings (migration 0022).
//
// Booking and cancelling take the session's lock first: on PostgreSQL
// `SELECT … FOR UPDATE` of the session row; on SQLite every transaction
// begins IMMEDIATE (database.ts), so writers already take turns. Under the
// lock the store counts the places taken, decides booked or waiting, and
// gives the booking the session's next position. So the last place cannot be
// given twice, and a place freed goes to the waiting booking with the lowest
// position (the first to ask): the waiting list cannot be skipped.
//
// TODO (issue 16): a promoted person should have 48 hours (configurable) to
// confirm before the place passes on; today promotion books them at once and
// emails them.

import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database } from '../schema.js';
import type { EventSessionsTable, EventsTable } from '../schema-events.js';
import { engineOf, toBool, toDate } from '../dialect.js';
import { AuditStore } from './audit-store.js';
import { DomainError } from '../../domain/errors.js';

export type EventStatus = 'draft' | 'published' | 'cancelled';
export type Delivery = 'online' | 'in-person';
export type DeliveryLanguage = 'en' | 'cy' | 'bilingual';
export type BookingStatus = 'booked' | 'waiting' | 'cancelled' | 'attended' | 'no-show';

export interface Bilingual { readonly en: string; readonly cy: string }

export interface EventInput {
  readonly title: Bilingual;
  readonly summary: Bilingual;
  readonly description: Bilingual;
  readonly topic: string;
  readonly cpdHours: number;
  readonly illustrative?: boolean;
}

export interface SessionInput {
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly delivery: Delivery;
  readonly joinUrl: string | null;
  readonly venueName: string | null;
  readonly venueAddress: Bilingual | null;
  readonly capacity: number;
  readonly bookingOpensAt: Date;
  readonly bookingClosesAt: Date;
  readonly language: DeliveryLanguage;
}

export interface EventRecord extends EventInput {
  readonly id: string;
  readonly status: EventStatus;
  readonly illustrative: boolean;
  readonly createdAt: Date;
}

export interface SessionRecord extends SessionInput {
  readonly id: string;
  readonly eventId: string;
  /** Places booked (booked or attended or no-show: taken), and waiting. */
  readonly booked: number;
  readonly waiting: number;
}

export interface Booking {
  readonly id: string;
  readonly sessionId: string;
  readonly userId: string;
  readonly status: BookingStatus;
  readonly position: number;
  readonly createdAt: Date;
}

export type BookOutcome =
  | { readonly outcome: 'booked' | 'waiting'; readonly booking: Booking }
  | { readonly outcome: 'already'; readonly booking: Booking }
  | { readonly outcome: 'closed' | 'not-found' };

export interface CancelOutcome {
  readonly cancelled: Booking | null;
  /** The waiting booking that was given the freed place, if any. */
  readonly promoted: Booking | null;
}

/** Statuses that hold a place. */
const TAKEN: readonly BookingStatus[] = ['booked', 'attended', 'no-show'];

function toEvent(row: Selectable<EventsTable>): EventRecord {
  return {
    id: row.id, title: { en: row.title_en, cy: row.title_cy }, summary: { en: row.summary_en, cy: row.summary_cy },
    description: { en: row.description_en, cy: row.description_cy }, topic: row.topic, cpdHours: row.cpd_hours,
    status: row.status as EventStatus, illustrative: toBool(row.illustrative), createdAt: toDate(row.created_at),
  };
}

function toSession(row: Selectable<EventSessionsTable>, booked: number, waiting: number): SessionRecord {
  return {
    id: row.id, eventId: row.event_id, startsAt: toDate(row.starts_at), endsAt: toDate(row.ends_at), delivery: row.delivery as Delivery,
    joinUrl: row.join_url, venueName: row.venue_name,
    venueAddress: row.venue_address_en === null ? null : { en: row.venue_address_en, cy: row.venue_address_cy ?? row.venue_address_en },
    capacity: row.capacity, bookingOpensAt: toDate(row.booking_opens_at), bookingClosesAt: toDate(row.booking_closes_at),
    language: row.language as DeliveryLanguage, booked, waiting,
  };
}

function toBooking(row: { id: string; session_id: string; user_id: string; status: string; position: number; created_at: Date | string }): Booking {
  return { id: row.id, sessionId: row.session_id, userId: row.user_id, status: row.status as BookingStatus, position: row.position, createdAt: toDate(row.created_at) };
}

export class EventStore {
  private constructor(private readonly db: Kysely<Database>) {}

  static create(db: Kysely<Database>): EventStore {
    return new EventStore(db);
  }

  /** A new event (a draft) with its first session. */
  async createEvent(input: EventInput, session: SessionInput, actorUserId: string | null): Promise<{ event: EventRecord; sessionId: string }> {
    const id = randomUUID();
    const sessionId = randomUUID();
    const now = new Date();
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('events').values({
        id, title_en: input.title.en, title_cy: input.title.cy, summary_en: input.summary.en, summary_cy: input.summary.cy,
        description_en: input.description.en, description_cy: input.description.cy, topic: input.topic, cpd_hours: input.cpdHours,
        status: 'draft', illustrative: input.illustrative === true, created_by: actorUserId, created_at: now, updated_at: now,
      }).execute();
      await this.insertSession(trx, id, sessionId, session);
      await AuditStore.record(trx, { actorUserId, action: 'event.created', entityType: 'event', entityId: id, after: { title: input.title.en, topic: input.topic, sessionId } });
    });
    return { event: { ...input, id, status: 'draft', illustrative: input.illustrative === true, createdAt: now }, sessionId };
  }

  async addSession(eventId: string, session: SessionInput, actorUserId: string | null): Promise<string> {
    const sessionId = randomUUID();
    await this.db.transaction().execute(async (trx) => {
      await this.insertSession(trx, eventId, sessionId, session);
      await AuditStore.record(trx, { actorUserId, action: 'event.session-added', entityType: 'event', entityId: eventId, after: { sessionId, startsAt: session.startsAt.toISOString() } });
    });
    return sessionId;
  }

  private async insertSession(trx: Transaction<Database>, eventId: string, id: string, s: SessionInput): Promise<void> {
    await trx.insertInto('event_sessions').values({
      id, event_id: eventId, starts_at: s.startsAt, ends_at: s.endsAt, delivery: s.delivery, join_url: s.joinUrl, venue_name: s.venueName,
      venue_address_en: s.venueAddress?.en ?? null, venue_address_cy: s.venueAddress?.cy ?? null, capacity: s.capacity,
      booking_opens_at: s.bookingOpensAt, booking_closes_at: s.bookingClosesAt, language: s.language, next_position: 1,
    }).execute();
  }

  /** Publish a draft, or cancel: returns the bookings that held a place or waited (to be told), when cancelling. */
  async setStatus(eventId: string, status: 'published' | 'cancelled', actorUserId: string | null): Promise<{ event: EventRecord; told: Booking[] }> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('events').selectAll().where('id', '=', eventId).executeTakeFirst();
      if (row === undefined) throw new DomainError('GNM_NOT_FOUND');
      const allowed = status === 'published' ? row.status === 'draft' : row.status !== 'cancelled';
      if (!allowed) throw new DomainError('GNM_CONFLICT', { what: 'event' });
      await trx.updateTable('events').set({ status, updated_at: new Date() }).where('id', '=', eventId).execute();
      let told: Booking[] = [];
      if (status === 'cancelled') {
        const rows = await trx.selectFrom('event_bookings').innerJoin('event_sessions', 'event_sessions.id', 'event_bookings.session_id')
          .selectAll('event_bookings').where('event_sessions.event_id', '=', eventId).where('event_bookings.status', 'in', ['booked', 'waiting'])
          .orderBy('event_bookings.position').execute();
        told = rows.map(toBooking);
        if (told.length > 0) {
          await trx.updateTable('event_bookings').set({ status: 'cancelled', updated_at: new Date() }).where('id', 'in', told.map((b) => b.id)).execute();
        }
      }
      await AuditStore.record(trx, {
        actorUserId, action: status === 'published' ? 'event.published' : 'event.cancelled', entityType: 'event', entityId: eventId,
        before: { status: row.status }, after: { status, bookingsCancelled: told.length },
      });
      return { event: { ...toEvent(row), status }, told };
    });
  }

  async findEvent(id: string): Promise<EventRecord | undefined> {
    const row = await this.db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toEvent(row);
  }

  async listEvents(statuses: readonly EventStatus[]): Promise<EventRecord[]> {
    const rows = await this.db.selectFrom('events').selectAll().where('status', 'in', [...statuses]).orderBy('created_at', 'desc').limit(500).execute();
    return rows.map(toEvent);
  }

  /** Sessions of these events (all, or those ending after `after`), earliest first, with places taken and waiting. */
  async sessionsOf(eventIds: readonly string[], after: Date | null = null): Promise<SessionRecord[]> {
    if (eventIds.length === 0) return [];
    let query = this.db.selectFrom('event_sessions').selectAll('event_sessions')
      .select((eb) => [
        eb.selectFrom('event_bookings').select((b) => b.fn.countAll<number | string>().as('n'))
          .whereRef('event_bookings.session_id', '=', 'event_sessions.id').where('event_bookings.status', 'in', [...TAKEN]).as('booked'),
        eb.selectFrom('event_bookings').select((b) => b.fn.countAll<number | string>().as('n'))
          .whereRef('event_bookings.session_id', '=', 'event_sessions.id').where('event_bookings.status', '=', 'waiting').as('waiting'),
      ])
      .where('event_sessions.event_id', 'in', [...eventIds]);
    if (after !== null) query = query.where('event_sessions.ends_at', '>', after);
    const rows = await query.orderBy('event_sessions.starts_at').orderBy('event_sessions.id').execute();
    return rows.map((r) => toSession(r, Number(r.booked ?? 0), Number(r.waiting ?? 0)));
  }

  async findSession(id: string): Promise<SessionRecord | undefined> {
    const row = await this.db.selectFrom('event_sessions').select('event_id').where('id', '=', id).executeTakeFirst();
    if (row === undefined) return undefined;
    return (await this.sessionsOf([row.event_id])).find((s) => s.id === id);
  }

  /** A person's bookings (any status) of these sessions. */
  async bookingsOf(userId: string, sessionIds: readonly string[]): Promise<Booking[]> {
    if (sessionIds.length === 0) return [];
    const rows = await this.db.selectFrom('event_bookings').selectAll().where('user_id', '=', userId).where('session_id', 'in', [...sessionIds]).execute();
    return rows.map(toBooking);
  }

  /** A session's bookings in the order they were asked for. */
  async bookingsForSession(sessionId: string): Promise<Booking[]> {
    const rows = await this.db.selectFrom('event_bookings').selectAll().where('session_id', '=', sessionId).orderBy('position').execute();
    return rows.map(toBooking);
  }

  async findBooking(id: string): Promise<Booking | undefined> {
    const row = await this.db.selectFrom('event_bookings').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toBooking(row);
  }

  /** Take the session's lock (see the head of this file) and read it. */
  private async lockSession(trx: Transaction<Database>, sessionId: string) {
    const query = trx.selectFrom('event_sessions').innerJoin('events', 'events.id', 'event_sessions.event_id')
      .select(['event_sessions.id', 'event_sessions.capacity', 'event_sessions.next_position', 'event_sessions.booking_opens_at',
        'event_sessions.booking_closes_at', 'event_sessions.starts_at', 'events.status as event_status'])
      .where('event_sessions.id', '=', sessionId);
    // FOR UPDATE OF the session row only (SQLite has no row locks and needs none).
    return engineOf(trx) === 'postgres' ? query.modifyEnd(sql`for update of event_sessions`).executeTakeFirst() : query.executeTakeFirst();
  }

  /** Book a place, or join the waiting list when the session is full or others already wait. */
  async book(sessionId: string, userId: string, now: Date = new Date()): Promise<BookOutcome> {
    return this.db.transaction().execute(async (trx): Promise<BookOutcome> => {
      const session = await this.lockSession(trx, sessionId);
      if (session === undefined) return { outcome: 'not-found' };
      if (session.event_status !== 'published' || now < toDate(session.booking_opens_at) || now >= toDate(session.booking_closes_at)) return { outcome: 'closed' };
      const existing = await trx.selectFrom('event_bookings').selectAll().where('session_id', '=', sessionId).where('user_id', '=', userId).executeTakeFirst();
      if (existing !== undefined && existing.status !== 'cancelled') return { outcome: 'already', booking: toBooking(existing) };
      const counts = await trx.selectFrom('event_bookings').select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('session_id', '=', sessionId).where('status', 'in', [...TAKEN, 'waiting']).groupBy('status').execute();
      const taken = counts.filter((c) => TAKEN.includes(c.status as BookingStatus)).reduce((sum, c) => sum + Number(c.n), 0);
      const waiting = counts.filter((c) => c.status === 'waiting').reduce((sum, c) => sum + Number(c.n), 0);
      const status: BookingStatus = taken < session.capacity && waiting === 0 ? 'booked' : 'waiting';
      const position = session.next_position;
      await trx.updateTable('event_sessions').set({ next_position: position + 1 }).where('id', '=', sessionId).execute();
      const at = new Date();
      let id: string;
      if (existing === undefined) {
        id = randomUUID();
        await trx.insertInto('event_bookings').values({ id, session_id: sessionId, user_id: userId, status, position, created_at: at, updated_at: at }).execute();
      } else {
        id = existing.id;
        await trx.updateTable('event_bookings').set({ status, position, updated_at: at }).where('id', '=', id).execute();
      }
      await AuditStore.record(trx, { actorUserId: userId, action: status === 'booked' ? 'event.booked' : 'event.waiting', entityType: 'event_booking', entityId: id, after: { sessionId, status, position } });
      return { outcome: status, booking: { id, sessionId, userId, status, position, createdAt: existing === undefined ? at : toDate(existing.created_at) } };
    });
  }

  /** Cancel a person's booking (or place on the waiting list); a freed place goes to the first waiting. */
  async cancel(sessionId: string, userId: string, actorUserId: string | null = userId, now: Date = new Date()): Promise<CancelOutcome> {
    return this.db.transaction().execute(async (trx): Promise<CancelOutcome> => {
      const session = await this.lockSession(trx, sessionId);
      if (session === undefined) return { cancelled: null, promoted: null };
      const existing = await trx.selectFrom('event_bookings').selectAll().where('session_id', '=', sessionId).where('user_id', '=', userId).executeTakeFirst();
      if (existing === undefined || (existing.status !== 'booked' && existing.status !== 'waiting')) return { cancelled: null, promoted: null };
      // Cancelling is possible up to the session's start.
      if (now >= toDate(session.starts_at)) return { cancelled: null, promoted: null };
      const at = new Date();
      await trx.updateTable('event_bookings').set({ status: 'cancelled', updated_at: at }).where('id', '=', existing.id).execute();
      await AuditStore.record(trx, { actorUserId, action: 'event.booking-cancelled', entityType: 'event_booking', entityId: existing.id, before: { status: existing.status }, after: { status: 'cancelled' } });
      let promoted: Booking | null = null;
      if (existing.status === 'booked') {
        const first = await trx.selectFrom('event_bookings').selectAll().where('session_id', '=', sessionId).where('status', '=', 'waiting')
          .orderBy('position').limit(1).executeTakeFirst();
        if (first !== undefined) {
          await trx.updateTable('event_bookings').set({ status: 'booked', updated_at: at }).where('id', '=', first.id).execute();
          await AuditStore.record(trx, { actorUserId, action: 'event.promoted', entityType: 'event_booking', entityId: first.id, before: { status: 'waiting' }, after: { status: 'booked', sessionId } });
          promoted = { ...toBooking(first), status: 'booked' };
        }
      }
      return { cancelled: { ...toBooking(existing), status: 'cancelled' }, promoted };
    });
  }
}
