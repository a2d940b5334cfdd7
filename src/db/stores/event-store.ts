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
// A place freed (a cancellation, an offer expired or declined, more places,
// a quota released) is *offered* to the first person waiting who can take it:
// the offer holds the place for `offerHours` (EVENT_OFFER_HOURS, default 48;
// never past the start) and the person confirms on the event page. An offer
// not confirmed in time expires and the place is offered to the next. Every
// locked operation first settles the session (`settle`: expire offers, offer
// free places in position order), so expiry is exact even between the runs of
// the job that sweeps offers (services/events/event-jobs.ts); a newcomer is
// booked only when, after that, a place is still free to them: nobody waiting
// is ever passed over.
//
// Organisation quotas: a session may reserve places for an organisation until
// a date. Until then those places, less what that organisation's people have
// taken, are not free to anyone else; after it they are released.
//
// Manager approval: when an event asks for it, a request waits as
// `awaiting-approval` (holding no place) until the person's line manager
// approves (it then joins the queue, at the back, like a new request) or
// declines it with a reason. With no line manager on the platform, an
// education lead or an organisation administrator decides instead
// (event-approval-store.ts).

import { randomUUID } from 'node:crypto';
import { sql, type Insertable, type Kysely, type Selectable, type Transaction, type Updateable } from 'kysely';
import type { Database } from '../schema.js';
import type { EventBookingsTable, EventSessionsTable, EventsTable } from '../schema-events.js';
import { engineOf, toBool, toDate, toDateOrNull } from '../dialect.js';
import { AuditStore, type AuditEntry } from './audit-store.js';
import { DomainError } from '../../domain/errors.js';
import type { ApprovalCapacity } from '../../domain/events/approvals.js';

export type EventStatus = 'draft' | 'published' | 'cancelled';
export type Delivery = 'online' | 'in-person';
export type DeliveryLanguage = 'en' | 'cy' | 'bilingual';
export type BookingStatus = 'booked' | 'waiting' | 'offered' | 'awaiting-approval' | 'declined' | 'expired' | 'cancelled' | 'attended' | 'no-show';

export interface Bilingual { readonly en: string; readonly cy: string }

export interface EventInput {
  readonly title: Bilingual;
  readonly summary: Bilingual;
  readonly description: Bilingual;
  readonly topic: string;
  readonly cpdHours: number;
  readonly illustrative?: boolean;
  /** Staff group codes the event is for (empty: everyone). */
  readonly audienceStaffGroups?: readonly string[];
  readonly literacyLevel?: string | null;
  readonly competencies?: readonly string[];
  /** Module slugs to do before and after. */
  readonly modulesBefore?: readonly string[];
  readonly modulesAfter?: readonly string[];
  readonly approvalRequired?: boolean;
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
  readonly audienceStaffGroups: readonly string[];
  readonly literacyLevel: string | null;
  readonly competencies: readonly string[];
  readonly modulesBefore: readonly string[];
  readonly modulesAfter: readonly string[];
  readonly approvalRequired: boolean;
  readonly createdAt: Date;
}

export interface Quota {
  readonly organisationCode: string;
  readonly places: number;
  readonly reservedUntil: Date;
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
  readonly offerExpiresAt: Date | null;
  readonly organisationCode: string | null;
  readonly decisionReason: string | null;
}

const UPCOMING_STATUSES = ['booked', 'waiting', 'offered', 'awaiting-approval'] as const;

/** A place to come (EventStore.upcomingOf). */
export interface UpcomingBooking {
  readonly eventId: string;
  readonly sessionId: string;
  readonly title: Bilingual;
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly delivery: Delivery;
  readonly status: (typeof UPCOMING_STATUSES)[number];
  readonly offerExpiresAt: Date | null;
  /** On a waiting list: where (1 is next to be offered a place, before any places reserved for an organisation). */
  readonly waitingPlace: number | null;
}

/** What settling a session did: offers that expired, and offers made. */
export interface Settled {
  readonly expired: Booking[];
  readonly offered: Booking[];
}

/**
 * What the booking's confirmation email needs, read under the lock by the
 * statements the booking makes anyway (so the email costs no further reads):
 * the person, the session (its counts not read: 0) and its event, and the
 * calendar SEQUENCE set on the booking in the same transaction (null: no
 * calendar file, the person is waiting).
 */
export interface BookingMail {
  readonly person: { readonly email: string; readonly displayName: string; readonly language: 'en' | 'cy'; readonly languageKnown: boolean };
  readonly session: SessionRecord;
  readonly event: EventRecord;
  readonly calendarSequence: number | null;
}

export interface BookOptions {
  /** The event the session must belong to (a published or cancelled one): otherwise `not-found`, as if the session did not exist. */
  readonly eventId?: string;
  /** Read what the confirmation needs and set the calendar SEQUENCE (at least this, above any sent before) when booked. */
  readonly calendarFloor?: number;
}

export type BookOutcome =
  | { readonly outcome: 'booked' | 'waiting'; readonly booking: Booking; readonly settled?: Settled; readonly mail?: BookingMail }
  | { readonly outcome: 'awaiting-approval'; readonly booking: Booking; readonly settled?: Settled }
  | { readonly outcome: 'already'; readonly booking: Booking }
  | { readonly outcome: 'closed' | 'not-found' };

export interface CancelOutcome {
  readonly cancelled: Booking | null;
  /** Offers made (and expired) as the place was freed. */
  readonly settled: Settled;
}

export interface SessionEdit {
  /** null: a new session. */
  readonly id: string | null;
  readonly session: SessionInput;
}

export interface EventUpdate {
  /** Sessions whose start or end moved, with who to tell. */
  readonly moved: { readonly sessionId: string; readonly told: Booking[] }[];
  readonly settled: Settled[];
  /** The id of each session, in the order given (new ones included). */
  readonly sessionIds: string[];
}

export interface StoreOptions {
  /** How long a freed place is held for the person offered it. */
  readonly offerHours?: number;
}

/** Statuses that hold a place. */
const TAKEN: readonly BookingStatus[] = ['booked', 'offered', 'attended', 'no-show'];
/** Statuses of someone still expecting to come (told of changes). */
const ACTIVE: readonly BookingStatus[] = ['booked', 'waiting', 'offered', 'awaiting-approval'];
const NONE: Settled = { expired: [], offered: [] };

function list(text: string | null | undefined): string[] {
  if (text === null || text === undefined || text === '') return [];
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
}

/** Places free to someone of `organisationCode`: capacity less places taken and places still reserved for other organisations. */
export function placesFreeTo(organisationCode: string | null, capacity: number, takenBy: ReadonlyMap<string | null, number>, quotas: readonly Quota[], now: Date): number {
  let taken = 0;
  for (const n of takenBy.values()) taken += n;
  let reserved = 0;
  for (const q of quotas) {
    if (q.organisationCode === organisationCode || q.reservedUntil <= now) continue;
    reserved += Math.max(0, q.places - (takenBy.get(q.organisationCode) ?? 0));
  }
  return capacity - taken - reserved;
}

function toEvent(row: Selectable<EventsTable>): EventRecord {
  return {
    id: row.id, title: { en: row.title_en, cy: row.title_cy }, summary: { en: row.summary_en, cy: row.summary_cy },
    description: { en: row.description_en, cy: row.description_cy }, topic: row.topic, cpdHours: row.cpd_hours,
    status: row.status as EventStatus, illustrative: toBool(row.illustrative), createdAt: toDate(row.created_at),
    audienceStaffGroups: list(row.audience_staff_groups), literacyLevel: row.literacy_level, competencies: list(row.competencies),
    modulesBefore: list(row.modules_before), modulesAfter: list(row.modules_after), approvalRequired: toBool(row.approval_required),
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

type BookingRow = Selectable<EventBookingsTable>;

function toBooking(row: BookingRow): Booking {
  return {
    id: row.id, sessionId: row.session_id, userId: row.user_id, status: row.status as BookingStatus, position: row.position, createdAt: toDate(row.created_at),
    offerExpiresAt: toDateOrNull(row.offer_expires_at), organisationCode: row.organisation_code, decisionReason: row.decision_reason,
  };
}

function eventColumns(input: EventInput) {
  return {
    title_en: input.title.en, title_cy: input.title.cy, summary_en: input.summary.en, summary_cy: input.summary.cy,
    description_en: input.description.en, description_cy: input.description.cy, topic: input.topic, cpd_hours: input.cpdHours,
    audience_staff_groups: JSON.stringify(input.audienceStaffGroups ?? []), literacy_level: input.literacyLevel ?? null,
    competencies: JSON.stringify(input.competencies ?? []), modules_before: JSON.stringify(input.modulesBefore ?? []),
    modules_after: JSON.stringify(input.modulesAfter ?? []), approval_required: input.approvalRequired === true,
  };
}

function filled(input: EventInput): Omit<EventRecord, 'id' | 'status' | 'createdAt'> {
  return {
    ...input, illustrative: input.illustrative === true, audienceStaffGroups: input.audienceStaffGroups ?? [], literacyLevel: input.literacyLevel ?? null,
    competencies: input.competencies ?? [], modulesBefore: input.modulesBefore ?? [], modulesAfter: input.modulesAfter ?? [], approvalRequired: input.approvalRequired === true,
  };
}

/**
 * Bumped after every write of this store that can change what the events list
 * shows (events, sessions, bookings, quotas), whether it committed or not. A
 * list kept by a reader is thrown away when the version it was read under is
 * no longer the current one. It counts this process's writes only: another
 * process's are caught by the list's short time to live (routes/events.ts).
 */
let writes = 0;

/** The version of the events data as this process has written it. */
export function eventsVersion(): number {
  return writes;
}

/** Places taken by organisation, and the quotas still reserving places. */
interface Places { takenBy: Map<string | null, number>; quotas: Quota[] }

interface SettleSession { id: string; capacity: number; starts_at: Date | string; event_status: string }

/**
 * What the booker's statement counted of the session under the lock (scalar
 * subqueries): places taken, offers past their time, quotas still reserving
 * places, people waiting. With no quota and no expired offer, the total is all
 * settling and queueing need (only quotas tell organisations apart).
 */
interface Counted { taken: number; expired: number; quotas: number; waiting: number }

export class EventStore {
  private readonly offerMs: number;

  /** A write transaction; the version is bumped once it has ended. */
  private async write<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction().execute(work);
    } finally {
      writes++;
    }
  }

  private constructor(private readonly db: Kysely<Database>, options: StoreOptions) {
    this.offerMs = (options.offerHours ?? 48) * 3_600_000;
  }

  static create(db: Kysely<Database>, options: StoreOptions = {}): EventStore {
    return new EventStore(db, options);
  }

  /** A new event (a draft) with its sessions (at least one) and facilitators. */
  async createEvent(input: EventInput, sessions: SessionInput | readonly SessionInput[], actorUserId: string | null, facilitatorIds: readonly string[] = []): Promise<{ event: EventRecord; sessionId: string; sessionIds: string[] }> {
    const all = Array.isArray(sessions) ? sessions as readonly SessionInput[] : [sessions as SessionInput];
    const id = randomUUID();
    const sessionIds = all.map(() => randomUUID());
    const now = new Date();
    await this.write(async (trx) => {
      await trx.insertInto('events').values({
        id, ...eventColumns(input), status: 'draft', illustrative: input.illustrative === true, created_by: actorUserId, created_at: now, updated_at: now,
      }).execute();
      for (const [i, session] of all.entries()) await this.insertSession(trx, id, sessionIds[i] ?? '', session);
      if (facilitatorIds.length > 0) await trx.insertInto('event_facilitators').values([...new Set(facilitatorIds)].map((account_id) => ({ event_id: id, account_id }))).execute();
      await AuditStore.record(trx, { actorUserId, action: 'event.created', entityType: 'event', entityId: id, after: { title: input.title.en, topic: input.topic, sessionIds, facilitators: facilitatorIds } });
    });
    return { event: { ...filled(input), id, status: 'draft', createdAt: now }, sessionId: sessionIds[0] ?? '', sessionIds };
  }

  async addSession(eventId: string, session: SessionInput, actorUserId: string | null): Promise<string> {
    const sessionId = randomUUID();
    await this.write(async (trx) => {
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

  /**
   * Change an event, its sessions (update, add; remove only those nobody has
   * booked or waits for) and facilitators, in one transaction. Returns the
   * sessions whose time moved with the people to tell, and any offers made
   * (more places free a place for those waiting).
   */
  async updateEvent(eventId: string, input: EventInput, sessions: readonly SessionEdit[], facilitatorIds: readonly string[], actorUserId: string | null, now: Date = new Date()): Promise<EventUpdate> {
    return this.write(async (trx) => {
      const row = await trx.selectFrom('events').selectAll().where('id', '=', eventId).executeTakeFirst();
      if (row === undefined) throw new DomainError('GNM_NOT_FOUND');
      if (row.status === 'cancelled') throw new DomainError('GNM_CONFLICT', { what: 'event' });
      await trx.updateTable('events').set({ ...eventColumns(input), updated_at: now }).where('id', '=', eventId).execute();
      const existing = await trx.selectFrom('event_sessions').selectAll().where('event_id', '=', eventId).execute();
      const kept = new Set(sessions.map((s) => s.id).filter((id): id is string => id !== null));
      const removed = existing.filter((s) => !kept.has(s.id));
      if (removed.length > 0) {
        const held = await trx.selectFrom('event_bookings').select('id').where('session_id', 'in', removed.map((s) => s.id)).where('status', 'in', [...ACTIVE, 'attended', 'no-show']).executeTakeFirst();
        if (held !== undefined) throw new DomainError('GNM_CONFLICT', { what: 'session' });
        await trx.deleteFrom('event_sessions').where('id', 'in', removed.map((s) => s.id)).execute();
      }
      const moved: EventUpdate['moved'] = [];
      const settled: Settled[] = [];
      const sessionIds: string[] = [];
      for (const edit of sessions) {
        if (edit.id === null) {
          const id = randomUUID();
          await this.insertSession(trx, eventId, id, edit.session);
          sessionIds.push(id);
          continue;
        }
        sessionIds.push(edit.id);
        const before = existing.find((s) => s.id === edit.id);
        if (before === undefined) throw new DomainError('GNM_NOT_FOUND');
        const s = edit.session;
        await trx.updateTable('event_sessions').set({
          starts_at: s.startsAt, ends_at: s.endsAt, delivery: s.delivery, join_url: s.joinUrl, venue_name: s.venueName,
          venue_address_en: s.venueAddress?.en ?? null, venue_address_cy: s.venueAddress?.cy ?? null, capacity: s.capacity,
          booking_opens_at: s.bookingOpensAt, booking_closes_at: s.bookingClosesAt, language: s.language,
        }).where('id', '=', edit.id).execute();
        if (toDate(before.starts_at).getTime() !== s.startsAt.getTime() || toDate(before.ends_at).getTime() !== s.endsAt.getTime()) {
          const told = await trx.selectFrom('event_bookings').selectAll().where('session_id', '=', edit.id).where('status', 'in', [...ACTIVE]).orderBy('position').execute();
          moved.push({ sessionId: edit.id, told: told.map(toBooking) });
          await AuditStore.record(trx, {
            actorUserId, action: 'event.session-moved', entityType: 'event', entityId: eventId,
            before: { sessionId: edit.id, startsAt: toDate(before.starts_at).toISOString(), endsAt: toDate(before.ends_at).toISOString() },
            after: { sessionId: edit.id, startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString(), told: told.length },
          });
        }
        if (row.status === 'published') {
          const locked = await this.lockSession(trx, edit.id);
          if (locked !== undefined) settled.push(await this.settle(trx, locked, now, actorUserId));
        }
      }
      const facilitators = [...new Set(facilitatorIds)];
      await trx.deleteFrom('event_facilitators').where('event_id', '=', eventId).execute();
      if (facilitators.length > 0) await trx.insertInto('event_facilitators').values(facilitators.map((account_id) => ({ event_id: eventId, account_id }))).execute();
      await AuditStore.record(trx, {
        actorUserId, action: 'event.updated', entityType: 'event', entityId: eventId,
        before: { title: row.title_en, sessions: existing.length }, after: { title: input.title.en, sessions: sessions.length, removed: removed.map((s) => s.id), facilitators },
      });
      return { moved, settled, sessionIds };
    });
  }

  /** Facilitators of an event: their account ids, names and emails. */
  async facilitatorsOf(eventId: string): Promise<{ id: string; displayName: string; email: string }[]> {
    return this.db.selectFrom('event_facilitators').innerJoin('users', 'users.id', 'event_facilitators.account_id')
      .select(['users.id', 'users.display_name as displayName', 'users.email']).where('event_facilitators.event_id', '=', eventId).orderBy('users.display_name').execute();
  }

  async isFacilitator(eventId: string, accountId: string): Promise<boolean> {
    return (await this.db.selectFrom('event_facilitators').select('account_id').where('event_id', '=', eventId).where('account_id', '=', accountId).executeTakeFirst()) !== undefined;
  }

  /** Replace a session's organisation quotas. */
  async setQuotas(sessionId: string, quotas: readonly Quota[], actorUserId: string | null, now: Date = new Date()): Promise<Settled> {
    return this.write(async (trx) => {
      const session = await this.lockSession(trx, sessionId);
      if (session === undefined) throw new DomainError('GNM_NOT_FOUND');
      const before = await trx.selectFrom('event_session_quotas').selectAll().where('session_id', '=', sessionId).orderBy('organisation_code').execute();
      await trx.deleteFrom('event_session_quotas').where('session_id', '=', sessionId).execute();
      if (quotas.length > 0) {
        await trx.insertInto('event_session_quotas').values(quotas.map((q) => ({ session_id: sessionId, organisation_code: q.organisationCode, places: q.places, reserved_until: q.reservedUntil }))).execute();
      }
      await AuditStore.record(trx, {
        actorUserId, action: 'event.quotas-set', entityType: 'event', entityId: session.event_id,
        before: { sessionId, quotas: before.map((q) => ({ organisationCode: q.organisation_code, places: q.places, reservedUntil: toDate(q.reserved_until).toISOString() })) },
        after: { sessionId, quotas: quotas.map((q) => ({ ...q, reservedUntil: q.reservedUntil.toISOString() })) },
      });
      return session.event_status === 'published' ? this.settle(trx, session, now, actorUserId) : NONE;
    });
  }

  async quotasOf(sessionIds: readonly string[]): Promise<Map<string, Quota[]>> {
    const out = new Map<string, Quota[]>();
    if (sessionIds.length === 0) return out;
    const rows = await this.db.selectFrom('event_session_quotas').selectAll().where('session_id', 'in', [...sessionIds]).orderBy('organisation_code').execute();
    for (const r of rows) out.set(r.session_id, [...(out.get(r.session_id) ?? []), { organisationCode: r.organisation_code, places: r.places, reservedUntil: toDate(r.reserved_until) }]);
    return out;
  }

  /** Publish a draft, or cancel: returns the bookings that held a place or waited (to be told), when cancelling. */
  async setStatus(eventId: string, status: 'published' | 'cancelled', actorUserId: string | null): Promise<{ event: EventRecord; told: Booking[] }> {
    return this.write(async (trx) => {
      const row = await trx.selectFrom('events').selectAll().where('id', '=', eventId).executeTakeFirst();
      if (row === undefined) throw new DomainError('GNM_NOT_FOUND');
      const allowed = status === 'published' ? row.status === 'draft' : row.status !== 'cancelled';
      if (!allowed) throw new DomainError('GNM_CONFLICT', { what: 'event' });
      await trx.updateTable('events').set({ status, updated_at: new Date() }).where('id', '=', eventId).execute();
      let told: Booking[] = [];
      if (status === 'cancelled') {
        const rows = await trx.selectFrom('event_bookings').innerJoin('event_sessions', 'event_sessions.id', 'event_bookings.session_id')
          .selectAll('event_bookings').where('event_sessions.event_id', '=', eventId).where('event_bookings.status', 'in', [...ACTIVE])
          .orderBy('event_bookings.position').execute();
        told = rows.map(toBooking);
        if (told.length > 0) {
          await trx.updateTable('event_bookings').set({ status: 'cancelled', offer_expires_at: null, updated_at: new Date() }).where('id', 'in', told.map((b) => b.id)).execute();
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

  /** Published events for a staff group (its code in the audience), with a session still to start, soonest first. */
  async upcomingFor(staffGroupCode: string, now: Date, limit = 3): Promise<{ event: EventRecord; startsAt: Date }[]> {
    const rows = await this.db.selectFrom('events').innerJoin('event_sessions', 'event_sessions.event_id', 'events.id')
      .selectAll('events').select((eb) => eb.fn.min('event_sessions.starts_at').as('first_start'))
      .where('events.status', '=', 'published').where('event_sessions.starts_at', '>', now)
      .where('events.audience_staff_groups', 'like', `%${JSON.stringify(staffGroupCode)}%`)
      .groupBy('events.id').orderBy('first_start').limit(limit).execute();
    return rows.map((r) => ({ event: toEvent(r), startsAt: toDate(r.first_start) }));
  }

  /** Sessions of these events (all, or those ending after `after`), earliest first, with places taken and waiting. */
  async sessionsOf(eventIds: readonly string[], after: Date | null = null): Promise<SessionRecord[]> {
    if (eventIds.length === 0) return [];
    let query = this.sessionQuery().where('event_sessions.event_id', 'in', [...eventIds]);
    if (after !== null) query = query.where('event_sessions.ends_at', '>', after);
    const rows = await query.orderBy('event_sessions.starts_at').orderBy('event_sessions.id').execute();
    return rows.map((r) => toSession(r, Number(r.booked ?? 0), Number(r.waiting ?? 0)));
  }

  /** Sessions with their places taken and people waiting (counted in the query, one statement for any number of sessions). */
  private sessionQuery() {
    return this.db.selectFrom('event_sessions').selectAll('event_sessions')
      .select((eb) => [
        eb.selectFrom('event_bookings').select((b) => b.fn.countAll<number | string>().as('n'))
          .whereRef('event_bookings.session_id', '=', 'event_sessions.id').where('event_bookings.status', 'in', [...TAKEN]).as('booked'),
        eb.selectFrom('event_bookings').select((b) => b.fn.countAll<number | string>().as('n'))
          .whereRef('event_bookings.session_id', '=', 'event_sessions.id').where('event_bookings.status', '=', 'waiting').as('waiting'),
      ]);
  }

  async findSession(id: string): Promise<SessionRecord | undefined> {
    const row = await this.sessionQuery().where('event_sessions.id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toSession(row, Number(row.booked ?? 0), Number(row.waiting ?? 0));
  }

  /** A session's time, place and settings without counting its bookings (for emails; `booked` and `waiting` are not read and show 0). */
  async findSessionUncounted(id: string): Promise<SessionRecord | undefined> {
    const row = await this.db.selectFrom('event_sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toSession(row, 0, 0);
  }

  /** The event a session belongs to, by the session's primary key alone. */
  async eventIdOfSession(id: string): Promise<string | undefined> {
    return (await this.db.selectFrom('event_sessions').select('event_id').where('id', '=', id).executeTakeFirst())?.event_id;
  }

  /**
   * A person's places to come, for My learning: booked, waiting, offered or waiting for approval,
   * in sessions of published events not yet over, soonest first.
   */
  async upcomingOf(userId: string, now: Date = new Date()): Promise<UpcomingBooking[]> {
    const rows = await this.db.selectFrom('event_bookings').innerJoin('event_sessions', 'event_sessions.id', 'event_bookings.session_id')
      .innerJoin('events', 'events.id', 'event_sessions.event_id')
      .select(['events.id as eventId', 'event_sessions.id as sessionId', 'events.title_en', 'events.title_cy', 'event_sessions.starts_at', 'event_sessions.ends_at',
        'event_sessions.delivery', 'event_bookings.status', 'event_bookings.offer_expires_at',
        (eb) => eb.selectFrom('event_bookings as w').select((c) => c.fn.countAll<number | string>().as('n'))
          .whereRef('w.session_id', '=', 'event_bookings.session_id').where('w.status', '=', 'waiting').whereRef('w.position', '<', 'event_bookings.position').as('ahead')])
      .where('event_bookings.user_id', '=', userId).where('event_bookings.status', 'in', UPCOMING_STATUSES)
      .where('events.status', '=', 'published').where('event_sessions.ends_at', '>', now)
      .orderBy('event_sessions.starts_at').orderBy('event_sessions.id').execute();
    return rows.map((r) => ({
      eventId: r.eventId, sessionId: r.sessionId, title: { en: r.title_en, cy: r.title_cy }, startsAt: toDate(r.starts_at), endsAt: toDate(r.ends_at),
      delivery: r.delivery as Delivery, status: r.status as UpcomingBooking['status'], offerExpiresAt: toDateOrNull(r.offer_expires_at),
      waitingPlace: r.status === 'waiting' ? Number(r.ahead ?? 0) + 1 : null,
    }));
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
      .select(['event_sessions.id', 'event_sessions.event_id', 'event_sessions.capacity', 'event_sessions.next_position', 'event_sessions.booking_opens_at',
        'event_sessions.booking_closes_at', 'event_sessions.starts_at', 'events.status as event_status', 'events.approval_required'])
      .where('event_sessions.id', '=', sessionId);
    // FOR UPDATE OF the session row only (SQLite has no row locks and needs none).
    return engineOf(trx) === 'postgres' ? query.modifyEnd(sql`for update of event_sessions`).executeTakeFirst() : query.executeTakeFirst();
  }

  /** `lockSession`, reading the whole session and event rows as well (for the booking's confirmation email) in the same statement. */
  private async lockSessionWhole(trx: Transaction<Database>, sessionId: string) {
    const query = trx.selectFrom('event_sessions').innerJoin('events', 'events.id', 'event_sessions.event_id')
      .selectAll('event_sessions')
      .select(['events.status as event_status', 'events.approval_required', 'events.title_en', 'events.title_cy', 'events.summary_en', 'events.summary_cy',
        'events.description_en', 'events.description_cy', 'events.topic', 'events.cpd_hours', 'events.illustrative', 'events.created_by as event_created_by',
        'events.created_at as event_created_at', 'events.updated_at as event_updated_at', 'events.audience_staff_groups', 'events.literacy_level',
        'events.competencies', 'events.modules_before', 'events.modules_after'])
      .where('event_sessions.id', '=', sessionId);
    const row = await (engineOf(trx) === 'postgres' ? query.modifyEnd(sql`for update of event_sessions`).executeTakeFirst() : query.executeTakeFirst());
    if (row === undefined) return undefined;
    const { event_status, approval_required, title_en, title_cy, summary_en, summary_cy, description_en, description_cy, topic, cpd_hours, illustrative,
      event_created_by, event_created_at, event_updated_at, audience_staff_groups, literacy_level, competencies, modules_before, modules_after, ...session } = row;
    const event: Selectable<EventsTable> = {
      id: session.event_id, status: event_status, approval_required, title_en, title_cy, summary_en, summary_cy, description_en, description_cy, topic, cpd_hours,
      illustrative, created_by: event_created_by, created_at: event_created_at, updated_at: event_updated_at, audience_staff_groups, literacy_level, competencies,
      modules_before, modules_after,
    };
    return {
      id: session.id, event_id: session.event_id, capacity: session.capacity, next_position: session.next_position, booking_opens_at: session.booking_opens_at,
      booking_closes_at: session.booking_closes_at, starts_at: session.starts_at, event_status, approval_required, whole: { session, event },
    };
  }

  /** Places taken by organisation, and the quotas still reserving places, under the lock. */
  private async placesOf(trx: Transaction<Database>, sessionId: string, now: Date): Promise<Places> {
    const [{ takenBy }, quotas] = await Promise.all([this.takenOf(trx, sessionId, now), this.quotasReserving(trx, sessionId, now)]);
    return { takenBy, quotas };
  }

  /** Places taken by organisation (one grouped count), with how many of them are offers past their time (`now`), under the lock. */
  private async takenOf(trx: Transaction<Database>, sessionId: string, now: Date): Promise<{ takenBy: Map<string | null, number>; expiredOffers: number }> {
    const taken = await trx.selectFrom('event_bookings')
      .select(['organisation_code', (eb) => eb.fn.countAll<number | string>().as('n'),
        sql<number | string | null>`sum(case when ${sql.ref('status')} = 'offered' and ${sql.ref('offer_expires_at')} <= ${now} then 1 else 0 end)`.as('expired')])
      .where('session_id', '=', sessionId).where('status', 'in', [...TAKEN]).groupBy('organisation_code').execute();
    let expiredOffers = 0;
    for (const r of taken) expiredOffers += Number(r.expired ?? 0);
    return { takenBy: new Map(taken.map((r) => [r.organisation_code, Number(r.n)])), expiredOffers };
  }

  /** The quotas still reserving places at `now`. */
  private async quotasReserving(trx: Transaction<Database>, sessionId: string, now: Date): Promise<Quota[]> {
    const rows = await trx.selectFrom('event_session_quotas').selectAll().where('session_id', '=', sessionId).where('reserved_until', '>', now).execute();
    return rows.map((q) => ({ organisationCode: q.organisation_code, places: q.places, reservedUntil: toDate(q.reserved_until) }));
  }

  /**
   * Under the session's lock: expire offers not confirmed in time, then offer
   * each free place to the first waiting person who can take it (position
   * order). Nothing is offered once the session has started.
   */
  private async settle(trx: Transaction<Database>, session: SettleSession, now: Date, actorUserId: string | null): Promise<Settled> {
    const { expired, offered } = await this.settleReading(trx, session, now, actorUserId);
    return { expired, offered };
  }

  /** `settle`, with the places as they then stand when it read them (anyone waiting), offers counted. */
  private async settleReading(trx: Transaction<Database>, session: SettleSession, now: Date, actorUserId: string | null, pre?: Counted): Promise<Settled & { places?: Places }> {
    // Counted already by the booker's statement, when there is nothing to tell
    // organisations apart or to expire: no further reading of the places.
    const plain = pre !== undefined && pre.quotas === 0 && pre.expired === 0;
    // Otherwise the places taken first (one grouped count, which also counts
    // offers past their time): the expired offers are read only when there are some.
    const counted = plain ? { takenBy: new Map<string | null, number>([[null, pre.taken]]), expiredOffers: 0 } : await this.takenOf(trx, session.id, now);
    const expiredRows = counted.expiredOffers === 0 ? [] : await trx.selectFrom('event_bookings').selectAll().where('session_id', '=', session.id).where('status', '=', 'offered').where('offer_expires_at', '<=', now).orderBy('position').execute();
    const expired = expiredRows.map((r) => ({ ...toBooking(r), status: 'expired' as const }));
    if (expired.length > 0) {
      await trx.updateTable('event_bookings').set({ status: 'expired', updated_at: now }).where('id', 'in', expired.map((b) => b.id)).execute();
      for (const b of expired) await AuditStore.record(trx, { actorUserId, action: 'event.offer-expired', entityType: 'event_booking', entityId: b.id, before: { status: 'offered' }, after: { status: 'expired', sessionId: session.id } });
    }
    const startsAt = toDate(session.starts_at);
    if (session.event_status !== 'published' || now >= startsAt) return { expired, offered: [] };
    // A full session offers nothing, so the waiting list, which grows with
    // every booking once the session is full, is read only when a place is
    // free to someone. Counted again only if offers have just expired.
    const takenBy = expired.length === 0 ? counted.takenBy : (await this.takenOf(trx, session.id, now)).takenBy;
    const quotas = plain ? [] : await this.quotasReserving(trx, session.id, now);
    let taken = 0;
    for (const n of takenBy.values()) taken += n;
    if (taken >= session.capacity || (plain && pre.waiting === 0)) return { expired, offered: [], places: { takenBy, quotas } };
    const waiting = await trx.selectFrom('event_bookings').selectAll().where('session_id', '=', session.id).where('status', '=', 'waiting').orderBy('position').execute();
    if (waiting.length === 0) return { expired, offered: [], places: { takenBy, quotas } };
    const offered: Booking[] = [];
    const expires = new Date(Math.min(now.getTime() + this.offerMs, startsAt.getTime()));
    for (const w of waiting) {
      if (placesFreeTo(w.organisation_code, session.capacity, takenBy, quotas, now) <= 0) continue;
      await trx.updateTable('event_bookings').set({ status: 'offered', offer_expires_at: expires, updated_at: now }).where('id', '=', w.id).execute();
      await AuditStore.record(trx, { actorUserId, action: 'event.offered', entityType: 'event_booking', entityId: w.id, before: { status: 'waiting' }, after: { status: 'offered', sessionId: session.id, expiresAt: expires.toISOString() } });
      takenBy.set(w.organisation_code, (takenBy.get(w.organisation_code) ?? 0) + 1);
      offered.push({ ...toBooking(w), status: 'offered', offerExpiresAt: expires });
    }
    // The places as they now stand (the offers counted), for a caller that goes on to queue someone.
    return { expired, offered, places: { takenBy, quotas } };
  }

  /**
   * The person booking (the organisation of their staff record, if linked, and
   * what their confirmation email needs) and their booking of this session if
   * they have one, in one statement.
   */
  private async bookerOf(trx: Transaction<Database>, sessionId: string, userId: string, now: Date) {
    const row = await trx.selectFrom('users').leftJoin('staff', 'staff.id', 'users.staff_id')
      .leftJoin('event_bookings', (join) => join.onRef('event_bookings.user_id', '=', 'users.id').on('event_bookings.session_id', '=', sessionId))
      .select(['staff.organisation_code', 'users.email', 'users.display_name', 'users.language', 'users.language_known',
        'event_bookings.id as b_id', 'event_bookings.session_id as b_session_id', 'event_bookings.status as b_status', 'event_bookings.position as b_position',
        'event_bookings.created_at as b_created_at', 'event_bookings.updated_at as b_updated_at', 'event_bookings.offer_expires_at as b_offer_expires_at',
        'event_bookings.organisation_code as b_organisation_code', 'event_bookings.decision_reason as b_decision_reason', 'event_bookings.calendar_sequence as b_calendar_sequence'])
      // The session's places, counted in the same statement (after the lock's statement, so as they stand under it).
      .select((eb) => [
        eb.selectFrom('event_bookings as t').select((c) => c.fn.countAll<number | string>().as('n')).where('t.session_id', '=', sessionId).where('t.status', 'in', [...TAKEN]).as('c_taken'),
        eb.selectFrom('event_bookings as x').select((c) => c.fn.countAll<number | string>().as('n')).where('x.session_id', '=', sessionId).where('x.status', '=', 'offered').where('x.offer_expires_at', '<=', now).as('c_expired'),
        eb.selectFrom('event_session_quotas as q').select((c) => c.fn.countAll<number | string>().as('n')).where('q.session_id', '=', sessionId).where('q.reserved_until', '>', now).as('c_quotas'),
        eb.selectFrom('event_bookings as w').select((c) => c.fn.countAll<number | string>().as('n')).where('w.session_id', '=', sessionId).where('w.status', '=', 'waiting').as('c_waiting'),
      ])
      .where('users.id', '=', userId).executeTakeFirst();
    if (row === undefined) return { booker: undefined, existing: undefined, counted: undefined };
    const { b_id, b_session_id, b_status, b_position, b_created_at, b_updated_at, b_offer_expires_at, b_organisation_code, b_decision_reason, b_calendar_sequence, c_taken, c_expired, c_quotas, c_waiting, ...booker } = row;
    const counted: Counted = { taken: Number(c_taken ?? 0), expired: Number(c_expired ?? 0), quotas: Number(c_quotas ?? 0), waiting: Number(c_waiting ?? 0) };
    const existing: BookingRow | undefined = b_id === null || b_session_id === null || b_status === null || b_position === null || b_created_at === null || b_updated_at === null ? undefined : {
      id: b_id, session_id: b_session_id, user_id: userId, status: b_status, position: b_position, created_at: b_created_at, updated_at: b_updated_at,
      offer_expires_at: b_offer_expires_at, organisation_code: b_organisation_code, decision_reason: b_decision_reason, calendar_sequence: b_calendar_sequence ?? 0,
    };
    return { booker, existing, counted };
  }

  /**
   * Under the lock: take the session's next position, write the booking (a new
   * row, or the person's earlier one) and its audit row. On PostgreSQL one
   * statement (a data-modifying WITH: one round trip where there were three);
   * on SQLite three, each a few microseconds in process.
   */
  private async writeQueued(trx: Transaction<Database>, sessionId: string, position: number, booking: { insert: Insertable<EventBookingsTable> } | { id: string; set: Updateable<EventBookingsTable> }, audit: AuditEntry): Promise<void> {
    if (engineOf(trx) === 'postgres') {
      const bumped = trx.with('position_taken', (db) => db.updateTable('event_sessions').set({ next_position: position + 1 }).where('id', '=', sessionId).returning('id'));
      const written = 'insert' in booking
        ? bumped.with('booking_written', (db) => db.insertInto('event_bookings').values(booking.insert).returning('id'))
        : bumped.with('booking_written', (db) => db.updateTable('event_bookings').set(booking.set).where('id', '=', booking.id).returning('id'));
      await written.insertInto('audit_events').values(AuditStore.rowOf(audit)).execute();
      return;
    }
    await trx.updateTable('event_sessions').set({ next_position: position + 1 }).where('id', '=', sessionId).execute();
    if ('insert' in booking) await trx.insertInto('event_bookings').values(booking.insert).execute();
    else await trx.updateTable('event_bookings').set(booking.set).where('id', '=', booking.id).execute();
    await AuditStore.record(trx, audit);
  }

  /** Put a request in the queue: booked when a place is free to them once the session is settled, otherwise waiting. */
  private async enqueue(trx: Transaction<Database>, session: NonNullable<Awaited<ReturnType<EventStore['lockSession']>>>, existing: BookingRow | undefined, userId: string, organisationCode: string | null, now: Date, actorUserId: string | null, calendarFloor: number | null = null, counted?: Counted): Promise<{ booking: Booking; settled: Settled; calendarSequence: number | null }> {
    const { places, ...settled } = await this.settleReading(trx, session, now, actorUserId, counted);
    // Read once: settle has read them already unless the event is not open.
    const { takenBy, quotas } = places ?? await this.placesOf(trx, session.id, now);
    const status: BookingStatus = placesFreeTo(organisationCode, session.capacity, takenBy, quotas, now) > 0 ? 'booked' : 'waiting';
    const position = session.next_position;
    const at = new Date();
    // The SEQUENCE of the confirmation's calendar file, set with the booking (as nextCalendarSequence would after it).
    const calendarSequence = calendarFloor === null || status !== 'booked' ? null : Math.max(calendarFloor, (existing?.calendar_sequence ?? 0) + 1);
    const sequence = calendarSequence === null ? {} : { calendar_sequence: calendarSequence };
    const id = existing?.id ?? randomUUID();
    await this.writeQueued(trx, session.id, position,
      existing === undefined
        ? { insert: { id, session_id: session.id, user_id: userId, status, position, organisation_code: organisationCode, created_at: at, updated_at: at, ...sequence } }
        : { id, set: { status, position, organisation_code: organisationCode, offer_expires_at: null, updated_at: at, ...sequence } },
      { actorUserId, action: status === 'booked' ? 'event.booked' : 'event.waiting', entityType: 'event_booking', entityId: id, after: { sessionId: session.id, status, position } });
    return {
      booking: { id, sessionId: session.id, userId, status, position, createdAt: existing === undefined ? at : toDate(existing.created_at), offerExpiresAt: null, organisationCode, decisionReason: existing?.decision_reason ?? null },
      settled, calendarSequence,
    };
  }

  /** Book a place, join the waiting list, or (when the event asks for it) ask the line manager. */
  async book(sessionId: string, userId: string, now: Date = new Date(), options: BookOptions = {}): Promise<BookOutcome> {
    const forMail = options.calendarFloor !== undefined;
    return this.write(async (trx): Promise<BookOutcome> => {
      const whole = forMail ? await this.lockSessionWhole(trx, sessionId) : undefined;
      const session = forMail ? whole : await this.lockSession(trx, sessionId);
      if (session === undefined) return { outcome: 'not-found' };
      if (options.eventId !== undefined && (session.event_id !== options.eventId || session.event_status === 'draft')) return { outcome: 'not-found' };
      if (session.event_status !== 'published' || now < toDate(session.booking_opens_at) || now >= toDate(session.booking_closes_at)) return { outcome: 'closed' };
      const { booker, existing, counted } = await this.bookerOf(trx, sessionId, userId, now);
      if (existing !== undefined && (ACTIVE as readonly string[]).includes(existing.status)) return { outcome: 'already', booking: toBooking(existing) };
      const organisationCode = booker?.organisation_code ?? null;
      if (toBool(session.approval_required)) {
        const at = new Date();
        const position = session.next_position;
        const id = existing?.id ?? randomUUID();
        await this.writeQueued(trx, sessionId, position,
          existing === undefined
            ? { insert: { id, session_id: sessionId, user_id: userId, status: 'awaiting-approval', position, organisation_code: organisationCode, created_at: at, updated_at: at } }
            : { id, set: { status: 'awaiting-approval', position, organisation_code: organisationCode, offer_expires_at: null, decision_reason: null, updated_at: at } },
          { actorUserId: userId, action: 'event.approval-requested', entityType: 'event_booking', entityId: id, after: { sessionId, status: 'awaiting-approval' } });
        return { outcome: 'awaiting-approval', booking: { id, sessionId, userId, status: 'awaiting-approval', position, createdAt: at, offerExpiresAt: null, organisationCode, decisionReason: null } };
      }
      const { booking, settled, calendarSequence } = await this.enqueue(trx, session, existing, userId, organisationCode, now, userId, options.calendarFloor ?? null, counted);
      const outcome = booking.status as 'booked' | 'waiting';
      if (whole === undefined || booker === undefined) return { outcome, booking, settled };
      const mail: BookingMail = {
        person: { email: booker.email, displayName: booker.display_name, language: booker.language === 'cy' ? 'cy' : 'en', languageKnown: toBool(booker.language_known) },
        session: toSession(whole.whole.session, 0, 0), event: toEvent(whole.whole.event), calendarSequence,
      };
      return { outcome, booking, settled, mail };
    });
  }

  /**
   * A decision on a request awaiting approval, by the learner's line manager
   * or, for a request with no line manager on the platform, an education lead
   * or organisation administrator (`capacity`, kept in the audit row; who may
   * decide is the caller's question: event-approval-store.ts). Approved: it
   * joins the queue (booked or waiting).
   */
  async decide(bookingId: string, approve: boolean, reason: string | null, actorUserId: string, now: Date = new Date(), capacity: ApprovalCapacity = 'line-manager'): Promise<{ booking: Booking; settled: Settled } | null> {
    return this.write(async (trx) => {
      const first = await trx.selectFrom('event_bookings').select('session_id').where('id', '=', bookingId).executeTakeFirst();
      if (first === undefined) return null;
      const session = await this.lockSession(trx, first.session_id);
      const row = await trx.selectFrom('event_bookings').selectAll().where('id', '=', bookingId).executeTakeFirst();
      if (session === undefined || row?.status !== 'awaiting-approval') return null;
      if (!approve || session.event_status !== 'published' || now >= toDate(session.starts_at)) {
        await trx.updateTable('event_bookings').set({ status: 'declined', decision_reason: reason, updated_at: now }).where('id', '=', bookingId).execute();
        await AuditStore.record(trx, { actorUserId, action: 'event.approval-declined', entityType: 'event_booking', entityId: bookingId, before: { status: row.status }, after: { status: 'declined', reason, capacity } });
        return { booking: { ...toBooking(row), status: 'declined', decisionReason: reason }, settled: NONE };
      }
      await AuditStore.record(trx, { actorUserId, action: 'event.approval-approved', entityType: 'event_booking', entityId: bookingId, before: { status: row.status }, after: { sessionId: session.id, capacity } });
      return this.enqueue(trx, session, row, row.user_id, row.organisation_code, now, actorUserId);
    });
  }

  /** Requests awaiting the decision of this person as line manager (from the staff directory). */
  async awaitingApprovalBy(managerUserId: string): Promise<{ booking: Booking; learnerName: string; eventId: string; eventTitle: { en: string; cy: string }; startsAt: Date }[]> {
    // An active account on an active staff record, as event-approval-store.ts counts a line manager (else the request is the fallback's).
    const manager = await this.db.selectFrom('users').innerJoin('staff', 'staff.id', 'users.staff_id').select('staff.assignment_number')
      .where('users.id', '=', managerUserId).where('users.active', '=', true).where('staff.active', '=', true).executeTakeFirst();
    if (manager === undefined) return [];
    const rows = await this.db.selectFrom('event_bookings')
      .innerJoin('users', 'users.id', 'event_bookings.user_id').innerJoin('staff', 'staff.id', 'users.staff_id')
      .innerJoin('event_sessions', 'event_sessions.id', 'event_bookings.session_id').innerJoin('events', 'events.id', 'event_sessions.event_id')
      .selectAll('event_bookings').select(['users.display_name', 'events.id as eid', 'events.title_en', 'events.title_cy', 'event_sessions.starts_at'])
      .where('event_bookings.status', '=', 'awaiting-approval').where('staff.line_manager_assignment_number', '=', manager.assignment_number)
      .orderBy('event_sessions.starts_at').orderBy('event_bookings.position').limit(500).execute();
    return rows.map((r) => ({ booking: toBooking(r), learnerName: r.display_name, eventId: r.eid, eventTitle: { en: r.title_en, cy: r.title_cy }, startsAt: toDate(r.starts_at) }));
  }

  /** The active accounts of a person's line manager (from the staff directory; none: the request is the fallback's, event-approval-store.ts). */
  async lineManagersOf(userId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('users as learner').innerJoin('staff as me', 'me.id', 'learner.staff_id')
      .innerJoin('staff as boss', 'boss.assignment_number', 'me.line_manager_assignment_number')
      .innerJoin('users as manager', 'manager.staff_id', 'boss.id')
      .select('manager.id').where('learner.id', '=', userId).where('boss.active', '=', true).where('manager.active', '=', true).execute();
    return rows.map((r) => r.id);
  }

  /** Confirm a place offered: booked, if the offer has not expired. */
  async confirmOffer(sessionId: string, userId: string, now: Date = new Date()): Promise<{ confirmed: Booking | null; settled: Settled }> {
    return this.write(async (trx) => {
      const session = await this.lockSession(trx, sessionId);
      if (session === undefined) return { confirmed: null, settled: NONE };
      const settled = await this.settle(trx, session, now, userId);
      const row = await trx.selectFrom('event_bookings').selectAll().where('session_id', '=', sessionId).where('user_id', '=', userId).executeTakeFirst();
      if (row?.status !== 'offered') return { confirmed: null, settled };
      await trx.updateTable('event_bookings').set({ status: 'booked', offer_expires_at: null, updated_at: now }).where('id', '=', row.id).execute();
      await AuditStore.record(trx, { actorUserId: userId, action: 'event.offer-confirmed', entityType: 'event_booking', entityId: row.id, before: { status: 'offered' }, after: { status: 'booked', sessionId } });
      return { confirmed: { ...toBooking(row), status: 'booked', offerExpiresAt: null }, settled };
    });
  }

  /** Cancel a person's booking, place offered, place on the waiting list or request; a place freed is offered to the first waiting. */
  async cancel(sessionId: string, userId: string, actorUserId: string | null = userId, now: Date = new Date()): Promise<CancelOutcome> {
    return this.write(async (trx): Promise<CancelOutcome> => {
      const session = await this.lockSession(trx, sessionId);
      if (session === undefined) return { cancelled: null, settled: NONE };
      const existing = await trx.selectFrom('event_bookings').selectAll().where('session_id', '=', sessionId).where('user_id', '=', userId).executeTakeFirst();
      if (existing === undefined || !(ACTIVE as readonly string[]).includes(existing.status)) return { cancelled: null, settled: NONE };
      // Cancelling is possible up to the session's start.
      if (now >= toDate(session.starts_at)) return { cancelled: null, settled: NONE };
      const at = new Date();
      await trx.updateTable('event_bookings').set({ status: 'cancelled', offer_expires_at: null, updated_at: at }).where('id', '=', existing.id).execute();
      await AuditStore.record(trx, { actorUserId, action: 'event.booking-cancelled', entityType: 'event_booking', entityId: existing.id, before: { status: existing.status }, after: { status: 'cancelled' } });
      const settled = await this.settle(trx, session, now, actorUserId);
      return { cancelled: { ...toBooking(existing), status: 'cancelled' }, settled };
    });
  }

  /** Settle every upcoming session with offers out or people waiting (the scheduled sweep). */
  async settleAll(now: Date = new Date()): Promise<Settled> {
    const ids = await this.db.selectFrom('event_bookings').innerJoin('event_sessions', 'event_sessions.id', 'event_bookings.session_id')
      .select('event_bookings.session_id').distinct()
      .where('event_bookings.status', 'in', ['offered', 'waiting']).where('event_sessions.ends_at', '>', now).execute();
    const expired: Booking[] = [];
    const offered: Booking[] = [];
    for (const { session_id } of ids) {
      const settled = await this.write(async (trx) => {
        const session = await this.lockSession(trx, session_id);
        return session === undefined ? NONE : this.settle(trx, session, now, null);
      });
      expired.push(...settled.expired);
      offered.push(...settled.offered);
    }
    return { expired, offered };
  }

  /**
   * Bookings due a reminder `days` before the start: booked, starting within
   * that many days, booked before that point (a later booking has just had its
   * confirmation), and not reminded of this start time yet.
   */
  async dueReminders(days: number, now: Date = new Date()): Promise<Booking[]> {
    const horizon = new Date(now.getTime() + days * 86_400_000);
    const rows = await this.db.selectFrom('event_bookings').innerJoin('event_sessions', 'event_sessions.id', 'event_bookings.session_id')
      .innerJoin('events', 'events.id', 'event_sessions.event_id')
      .selectAll('event_bookings').select('event_sessions.starts_at')
      .where('event_bookings.status', '=', 'booked').where('events.status', '=', 'published')
      .where('event_sessions.starts_at', '>', now).where('event_sessions.starts_at', '<=', horizon)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('event_reminders_sent').select('event_reminders_sent.booking_id')
        .whereRef('event_reminders_sent.booking_id', '=', 'event_bookings.id').where('event_reminders_sent.days_before', '=', days)
        .whereRef('event_reminders_sent.session_starts_at', '=', 'event_sessions.starts_at'))))
      .limit(5000).execute();
    return rows.filter((r) => toDate(r.updated_at).getTime() < toDate(r.starts_at).getTime() - days * 86_400_000 || toDate(r.created_at).getTime() < toDate(r.starts_at).getTime() - days * 86_400_000).map(toBooking);
  }

  /** The SEQUENCE the booking's last calendar file carried (0 before any). */
  async calendarSequenceOf(bookingId: string): Promise<number> {
    const row = await this.db.selectFrom('event_bookings').select('calendar_sequence').where('id', '=', bookingId).executeTakeFirst();
    return row?.calendar_sequence ?? 0;
  }

  /** The SEQUENCE for a new calendar file for a booking: at least `floor`, and above any sent before. */
  async nextCalendarSequence(bookingId: string, floor: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('event_bookings').select('calendar_sequence').where('id', '=', bookingId).executeTakeFirst();
      const next = Math.max(floor, (row?.calendar_sequence ?? 0) + 1);
      await trx.updateTable('event_bookings').set({ calendar_sequence: next }).where('id', '=', bookingId).execute();
      return next;
    });
  }

  /** Claim a reminder: true for exactly one caller per booking, reminder and start time. */
  async claimReminder(bookingId: string, days: number, startsAt: Date, now: Date = new Date()): Promise<boolean> {
    const result = await this.db.insertInto('event_reminders_sent').values({ booking_id: bookingId, days_before: days, session_starts_at: startsAt, sent_at: now })
      .onConflict((oc) => oc.columns(['booking_id', 'days_before', 'session_starts_at']).doNothing()).executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }
}
