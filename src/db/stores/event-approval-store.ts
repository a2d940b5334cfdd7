// Requests for event places with no line manager on the platform (issue 16).
//
// A request awaiting approval belongs to the learner's line manager: the
// account linked to the staff record whose assignment number is the
// learner's `line_manager_assignment_number`. When no such account is active
// (no line manager recorded, the record is gone or has left, no account is
// linked to it, or the account is deactivated) nobody would ever decide it,
// so it falls to the education leads (every organisation) and to the
// organisation administrators of the learner's organisation. "Active" is
// worked out when a request is read, never stored: a manager deactivated
// after the request was made hands it to the fallback at once, and a manager
// given an account takes it back.
//
// This store only reads; deciding is EventStore.decide (under the session's
// lock), which records who decided and in which capacity.

import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { toDate } from '../dialect.js';
import type { Booking, BookingStatus } from './event-store.js';

export interface ApprovalRequest {
  readonly booking: Booking;
  readonly learnerName: string;
  readonly eventId: string;
  readonly eventTitle: { readonly en: string; readonly cy: string };
  readonly startsAt: Date;
  /** The learner's organisation (their staff record's, else the one recorded with the booking). */
  readonly organisationCode: string | null;
}

/** The facts about one request that decide who may decide it. */
export interface RequestFacts {
  readonly userId: string;
  readonly organisationCode: string | null;
  readonly hasActiveLineManager: boolean;
}

export interface Recipient {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly language: 'en' | 'cy';
}

/** The learner's organisation: their staff record's, else the one recorded with the booking. */
const ORGANISATION_OF = sql<string | null>`coalesce(me.organisation_code, event_bookings.organisation_code)`;

/** Most requests shown on one page (as EventStore.awaitingApprovalBy). */
const LIMIT = 500;

type Learner = ExpressionBuilder<Database & { me: Database['staff'] }, 'me'>;

/** True when the learner whose staff record is `me` has a line manager with an active account on an active staff record. */
function activeLineManager(eb: Learner) {
  return eb.exists(eb.selectFrom('staff as boss').innerJoin('users as mgr', 'mgr.staff_id', 'boss.id').select('mgr.id')
    .whereRef('boss.assignment_number', '=', 'me.line_manager_assignment_number')
    .where('boss.active', '=', true).where('mgr.active', '=', true));
}

export class EventApprovalStore {
  private constructor(private readonly db: Kysely<Database>) {}

  static create(db: Kysely<Database>): EventApprovalStore {
    return new EventApprovalStore(db);
  }

  /** Requests awaiting approval whose learner has no active line manager account, of these organisations' learners, not `exceptUserId`'s. */
  private unmanaged(organisations: 'all' | readonly string[], exceptUserId: string | null) {
    let query = this.db.selectFrom('event_bookings')
      .innerJoin('users', 'users.id', 'event_bookings.user_id').leftJoin('staff as me', 'me.id', 'users.staff_id')
      .where('event_bookings.status', '=', 'awaiting-approval')
      .where((eb) => eb.not(activeLineManager(eb as unknown as Learner)));
    if (organisations !== 'all') query = query.where(ORGANISATION_OF, 'in', [...organisations]);
    if (exceptUserId !== null) query = query.where('event_bookings.user_id', '<>', exceptUserId);
    return query;
  }

  /**
   * Requests awaiting approval whose learner has no active line manager
   * account, for learners of these organisations ('all': every one), except
   * the asker's own (nobody approves their own place).
   */
  async withoutLineManager(organisations: 'all' | readonly string[], exceptUserId: string | null = null): Promise<ApprovalRequest[]> {
    if (organisations !== 'all' && organisations.length === 0) return [];
    const rows = await this.unmanaged(organisations, exceptUserId)
      .innerJoin('event_sessions', 'event_sessions.id', 'event_bookings.session_id').innerJoin('events', 'events.id', 'event_sessions.event_id')
      .selectAll('event_bookings').select(['users.display_name', 'events.id as eid', 'events.title_en', 'events.title_cy', 'event_sessions.starts_at', ORGANISATION_OF.as('learner_org')])
      .orderBy('event_sessions.starts_at').orderBy('event_bookings.position').limit(LIMIT).execute();
    return rows.map((r) => ({
      booking: {
        id: r.id, sessionId: r.session_id, userId: r.user_id, status: r.status as BookingStatus, position: r.position, createdAt: toDate(r.created_at),
        offerExpiresAt: r.offer_expires_at === null ? null : toDate(r.offer_expires_at), organisationCode: r.organisation_code, decisionReason: r.decision_reason,
      },
      learnerName: r.display_name, eventId: r.eid, eventTitle: { en: r.title_en, cy: r.title_cy }, startsAt: toDate(r.starts_at), organisationCode: r.learner_org,
    }));
  }

  /** How many such requests there are (the home page's count). */
  async countWithoutLineManager(organisations: 'all' | readonly string[], exceptUserId: string | null = null): Promise<number> {
    if (organisations !== 'all' && organisations.length === 0) return 0;
    const row = await this.unmanaged(organisations, exceptUserId).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Who asked, their organisation, and whether they have an active line manager now: for a request still awaiting approval, else undefined. */
  async factsOf(bookingId: string): Promise<RequestFacts | undefined> {
    const row = await this.db.selectFrom('event_bookings')
      .innerJoin('users', 'users.id', 'event_bookings.user_id').leftJoin('staff as me', 'me.id', 'users.staff_id')
      .select((eb) => [
        'event_bookings.user_id', ORGANISATION_OF.as('learner_org'),
        activeLineManager(eb as unknown as Learner).as('managed'),
      ])
      .where('event_bookings.id', '=', bookingId).where('event_bookings.status', '=', 'awaiting-approval').executeTakeFirst();
    if (row === undefined) return undefined;
    return { userId: row.user_id, organisationCode: row.learner_org, hasActiveLineManager: row.managed === true || Number(row.managed) === 1 };
  }

  /** Does this person have a line manager with an active account now? */
  async hasActiveLineManager(userId: string): Promise<boolean> {
    const row = await this.db.selectFrom('users').leftJoin('staff as me', 'me.id', 'users.staff_id')
      .select((eb) => activeLineManager(eb as unknown as Learner).as('managed')).where('users.id', '=', userId).executeTakeFirst();
    return row !== undefined && (row.managed === true || Number(row.managed) === 1);
  }

  /**
   * Who to email about a request with no line manager: the organisation
   * administrators of the learner's organisation, and the education lead who
   * created the event (an active account still holding the role), or, when
   * there is none, every education lead; active accounts only, never the
   * learner.
   */
  async fallbackRecipients(learnerUserId: string, eventId: string): Promise<Recipient[]> {
    const learner = await this.db.selectFrom('users').leftJoin('staff as me', 'me.id', 'users.staff_id')
      .select('me.organisation_code').where('users.id', '=', learnerUserId).executeTakeFirst();
    const lastBooking = learner?.organisation_code === null || learner?.organisation_code === undefined
      ? await this.db.selectFrom('event_bookings').select('organisation_code').where('user_id', '=', learnerUserId).where('organisation_code', 'is not', null).orderBy('updated_at', 'desc').executeTakeFirst()
      : undefined;
    const organisationCode = learner?.organisation_code ?? lastBooking?.organisation_code ?? null;
    const holders = (role: string, organisation: string) => this.db.selectFrom('users').innerJoin('role_grants', 'role_grants.user_id', 'users.id')
      .select(['users.id', 'users.email', 'users.display_name', 'users.language'])
      .where('role_grants.role', '=', role).where('role_grants.organisation_code', '=', organisation).where('users.active', '=', true)
      .where('users.id', '<>', learnerUserId);
    const admins = organisationCode === null ? [] : await holders('org-admin', organisationCode).orderBy('users.email').execute();
    const event = await this.db.selectFrom('events').select('created_by').where('id', '=', eventId).executeTakeFirst();
    const creator = event?.created_by === null || event?.created_by === undefined ? [] : await holders('education-lead', '').where('users.id', '=', event.created_by).execute();
    const leads = creator.length > 0 ? creator : await holders('education-lead', '').orderBy('users.email').execute();
    const seen = new Set<string>();
    const out: Recipient[] = [];
    for (const r of [...leads, ...admins]) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      out.push({ id: r.id, email: r.email, displayName: r.display_name, language: r.language === 'cy' ? 'cy' : 'en' });
    }
    return out;
  }
}
