// Attendance and what follows an event (migration 0025): who was marked
// attended or no-show and how (register or Teams report), attendance reports
// kept between the check and the confirm, an event's recording and slides,
// attendees' feedback, and the figures for an event's report.
//
// The booking's status (event_bookings) is the truth of attended or no-show;
// event_attendance says how it came to be. Every change writes its audit entry
// in the caller's transaction: the attendance service opens it, so that the
// marks and the xAPI statements they cause are stored together or not at all.
// Only bookings that hold a place (booked, attended, no-show) can be marked:
// nobody waiting or cancelled is ever recorded as present.

import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { batchSize, toBool, toDate } from '../dialect.js';
import { AuditStore } from './audit-store.js';
import { eventTargetOf } from './requirement-store.js';
import type { Bilingual, BookingStatus } from './event-store.js';

export type AttendanceMark = 'attended' | 'no-show' | 'booked';
export type AttendanceSource = 'register' | 'teams';
export const MARKABLE: readonly BookingStatus[] = ['booked', 'attended', 'no-show'];

export interface RegisterEntry {
  readonly bookingId: string;
  readonly userId: string;
  readonly name: string;
  readonly email: string;
  readonly status: BookingStatus;
  readonly source: AttendanceSource | null;
  readonly minutes: number | null;
}

export interface MarkChange {
  readonly bookingId: string;
  readonly status: AttendanceMark;
  readonly minutes?: number | null;
}

export interface MarkedBooking {
  readonly bookingId: string;
  readonly userId: string;
  readonly before: BookingStatus;
  readonly after: AttendanceMark;
  /** Marked attended and no attended statement written yet. */
  readonly needsStatement: boolean;
}

export interface ImportMatch {
  readonly bookingId: string;
  readonly line: number;
  readonly minutes: number | null;
}

export interface PendingAttendanceImport {
  readonly id: string;
  readonly sessionId: string;
  readonly fileName: string;
  readonly matches: readonly ImportMatch[];
  readonly createdAt: Date;
}

export interface EventResources {
  readonly recordingUrl: string | null;
  readonly slidesUrl: string | null;
  readonly onDemand: boolean;
}

export interface Feedback {
  readonly userId: string;
  readonly rating: number;
  readonly useful: string;
  readonly language: string;
  readonly createdAt: Date;
}

export interface AttendedEvent {
  readonly bookingId: string;
  readonly eventId: string;
  readonly sessionId: string;
  readonly title: Bilingual;
  readonly cpdHours: number;
  readonly startsAt: Date;
  readonly endsAt: Date;
}

export interface ReportRow {
  readonly status: BookingStatus;
  readonly organisationCode: string | null;
  readonly staffGroupCode: string | null;
  readonly n: number;
}

export class EventAttendanceStore {
  private constructor(private readonly db: Kysely<Database>) {}

  static create(db: Kysely<Database>): EventAttendanceStore {
    return new EventAttendanceStore(db);
  }

  /** The people holding a place in a session, by name, with how their attendance was recorded. */
  async register(sessionId: string): Promise<RegisterEntry[]> {
    const rows = await this.db.selectFrom('event_bookings')
      .innerJoin('users', 'users.id', 'event_bookings.user_id')
      .leftJoin('event_attendance', 'event_attendance.booking_id', 'event_bookings.id')
      .select(['event_bookings.id as bookingId', 'event_bookings.user_id as userId', 'users.display_name as name', 'users.email as email',
        'event_bookings.status as status', 'event_attendance.source as source', 'event_attendance.minutes as minutes'])
      .where('event_bookings.session_id', '=', sessionId).where('event_bookings.status', 'in', [...MARKABLE])
      .orderBy('users.display_name').orderBy('event_bookings.id').execute();
    return rows.map((r) => ({ ...r, status: r.status as BookingStatus, source: r.source === null ? null : r.source as AttendanceSource }));
  }

  /**
   * Mark these bookings of a session (the caller's transaction). A booking not
   * in this session, or not holding a place, is left alone and not returned.
   * A booking named twice takes its last mark. A fixed number of statements
   * for any number of people ("all present", a Teams report): one read, one
   * update per status, the attendance rows in one upsert, the audit entries
   * in one insert (each in batches of a few hundred).
   */
  async mark(sessionId: string, changes: readonly MarkChange[], source: AttendanceSource, actorUserId: string | null): Promise<MarkedBooking[]> {
    if (changes.length === 0) return [];
    const last = new Map<string, MarkChange>();
    for (const change of changes) { last.delete(change.bookingId); last.set(change.bookingId, change); }
    const ids = [...last.keys()];
    const rows = (await Promise.all(chunks(ids).map((part) => this.db.selectFrom('event_bookings').leftJoin('event_attendance', 'event_attendance.booking_id', 'event_bookings.id')
      .select(['event_bookings.id', 'event_bookings.user_id', 'event_bookings.status', 'event_attendance.statement_id', 'event_attendance.booking_id as marked'])
      .where('event_bookings.session_id', '=', sessionId).where('event_bookings.id', 'in', part)
      .where('event_bookings.status', 'in', [...MARKABLE]).execute()))).flat();
    const byId = new Map(rows.map((r) => [r.id, r]));
    const at = new Date();
    const applied = [...last.values()].flatMap((change) => {
      const row = byId.get(change.bookingId);
      if (row === undefined) return [];
      const before = row.status as BookingStatus;
      // The register marks only what changed; a Teams report re-records how (source, minutes) even when the status is the same.
      if (before === change.status && source === 'register') return [];
      return [{ row, change, before, minutes: change.minutes ?? null }];
    });
    if (applied.length === 0) return [];
    for (const status of ['attended', 'no-show', 'booked'] as const) {
      const these = applied.filter((a) => a.change.status === status).map((a) => a.row.id);
      for (const part of chunks(these)) await this.db.updateTable('event_bookings').set({ status, updated_at: at }).where('id', 'in', part).execute();
    }
    // Back to booked: the attendance row goes, unless it holds the statement written when the person was first marked attended.
    const unmarked = applied.filter((a) => a.change.status === 'booked').map((a) => a.row.id);
    for (const part of chunks(unmarked)) {
      await this.db.deleteFrom('event_attendance').where('booking_id', 'in', part).where('statement_id', 'is', null).execute();
      await this.db.updateTable('event_attendance').set({ source, minutes: null, marked_by: actorUserId, marked_at: at }).where('booking_id', 'in', part).execute();
    }
    const present = applied.filter((a) => a.change.status !== 'booked').map((a) => ({
      booking_id: a.row.id, session_id: sessionId, user_id: a.row.user_id, source, minutes: a.minutes, statement_id: null, marked_by: actorUserId, marked_at: at,
    }));
    for (const part of chunks(present, batchSize(8))) {
      await this.db.insertInto('event_attendance').values(part).onConflict((oc) => oc.column('booking_id').doUpdateSet((eb) => ({
        source: eb.ref('excluded.source'), minutes: eb.ref('excluded.minutes'), marked_by: eb.ref('excluded.marked_by'), marked_at: eb.ref('excluded.marked_at'),
      }))).execute();
    }
    await AuditStore.recordMany(this.db, applied.map(({ row, change, before, minutes }) => ({
      actorUserId, action: 'event.attendance-marked', entityType: 'event_booking', entityId: row.id,
      before: { status: before }, after: { status: change.status, source, sessionId, ...(minutes === null ? {} : { minutes }) },
    })));
    return applied.map(({ row, change, before }) => ({ bookingId: row.id, userId: row.user_id, before, after: change.status, needsStatement: change.status === 'attended' && row.statement_id === null }));
  }

  /** Keep the `attended` statement written for each of these bookings (one statement per few hundred). */
  async setStatements(pairs: readonly { readonly bookingId: string; readonly statementId: string }[]): Promise<void> {
    for (const part of chunks(pairs, 300)) {
      const statementOf = sql<string>`case ${sql.ref('booking_id')} ${sql.join(part.map((p) => sql`when ${p.bookingId} then ${p.statementId}`), sql` `)} end`;
      await this.db.updateTable('event_attendance').set({ statement_id: statementOf }).where('booking_id', 'in', part.map((p) => p.bookingId)).execute();
    }
  }

  /** Whether a learning requirement names this event and it is published (only then does attending it count anywhere but CPD). */
  async isRequiredLearning(eventId: string): Promise<boolean> {
    const row = await this.db.selectFrom('learning_requirements').select('learning_requirements.id')
      .where('learning_requirements.module_id', '=', eventTargetOf(eventId))
      .where((eb) => eb.exists(eb.selectFrom('events').select('events.id').where('events.id', '=', eventId).where('events.status', '=', 'published')))
      .limit(1).executeTakeFirst();
    return row !== undefined;
  }

  /** A checked attendance report, kept for the person who checked it until they confirm. */
  async keepImport(sessionId: string, userId: string, fileName: string, matches: readonly ImportMatch[]): Promise<string> {
    const id = randomUUID();
    await this.db.deleteFrom('event_attendance_imports').where('session_id', '=', sessionId).where('user_id', '=', userId).execute();
    await this.db.insertInto('event_attendance_imports').values({ id, session_id: sessionId, user_id: userId, file_name: fileName, matches: JSON.stringify(matches), created_at: new Date() }).execute();
    return id;
  }

  async findImport(id: string, sessionId: string, userId: string): Promise<PendingAttendanceImport | undefined> {
    const row = await this.db.selectFrom('event_attendance_imports').selectAll().where('id', '=', id).where('session_id', '=', sessionId).where('user_id', '=', userId).executeTakeFirst();
    if (row === undefined) return undefined;
    return { id: row.id, sessionId: row.session_id, fileName: row.file_name, matches: JSON.parse(row.matches) as ImportMatch[], createdAt: toDate(row.created_at) };
  }

  /** Drop a kept report; false when it was gone already (confirmed by another request). */
  async dropImport(id: string): Promise<boolean> {
    const deleted = await this.db.deleteFrom('event_attendance_imports').where('id', '=', id).executeTakeFirst();
    return Number(deleted.numDeletedRows) === 1;
  }

  async resources(eventId: string): Promise<EventResources> {
    const row = await this.db.selectFrom('event_resources').selectAll().where('event_id', '=', eventId).executeTakeFirst();
    return row === undefined ? { recordingUrl: null, slidesUrl: null, onDemand: false } : { recordingUrl: row.recording_url, slidesUrl: row.slides_url, onDemand: toBool(row.on_demand) };
  }

  async setResources(eventId: string, resources: EventResources, actorUserId: string | null): Promise<void> {
    const before = await this.resources(eventId);
    const at = new Date();
    const values = { recording_url: resources.recordingUrl, slides_url: resources.slidesUrl, on_demand: resources.onDemand, updated_by: actorUserId, updated_at: at };
    await this.db.insertInto('event_resources').values({ event_id: eventId, ...values })
      .onConflict((oc) => oc.column('event_id').doUpdateSet(values)).execute();
    await AuditStore.record(this.db, { actorUserId, action: 'event.resources-updated', entityType: 'event', entityId: eventId, before: { ...before }, after: { ...resources } });
  }

  /** Events offered on demand (their recording open to everyone), newest first. */
  async onDemand(): Promise<{ eventId: string; title: Bilingual; summary: Bilingual; recordingUrl: string | null }[]> {
    const rows = await this.db.selectFrom('event_resources').innerJoin('events', 'events.id', 'event_resources.event_id')
      .select(['events.id', 'events.title_en', 'events.title_cy', 'events.summary_en', 'events.summary_cy', 'event_resources.recording_url'])
      .where('event_resources.on_demand', '=', true).where('events.status', '=', 'published').orderBy('event_resources.updated_at', 'desc').limit(50).execute();
    return rows.map((r) => ({ eventId: r.id, title: { en: r.title_en, cy: r.title_cy }, summary: { en: r.summary_en, cy: r.summary_cy }, recordingUrl: r.recording_url }));
  }

  async feedbackOf(eventId: string, userId: string): Promise<Feedback | undefined> {
    const row = await this.db.selectFrom('event_feedback').selectAll().where('event_id', '=', eventId).where('user_id', '=', userId).executeTakeFirst();
    return row === undefined ? undefined : { userId: row.user_id, rating: row.rating, useful: row.useful, language: row.language, createdAt: toDate(row.created_at) };
  }

  /** One person's feedback on an event (a second answer replaces the first). */
  async giveFeedback(eventId: string, userId: string, rating: number, useful: string, language: string): Promise<void> {
    const at = new Date();
    const existing = await this.feedbackOf(eventId, userId);
    const id = randomUUID();
    await this.db.insertInto('event_feedback').values({ id, event_id: eventId, user_id: userId, rating, useful, language, created_at: at })
      .onConflict((oc) => oc.columns(['event_id', 'user_id']).doUpdateSet({ rating, useful, language, created_at: at })).execute();
    // The comment itself is not copied into the audit log: the rating and its length are enough to see what changed.
    await AuditStore.record(this.db, { actorUserId: userId, action: 'event.feedback-given', entityType: 'event', entityId: eventId,
      before: existing === undefined ? null : { rating: existing.rating }, after: { rating, usefulLength: useful.length, language } });
  }

  async feedback(eventId: string): Promise<Feedback[]> {
    const rows = await this.db.selectFrom('event_feedback').selectAll().where('event_id', '=', eventId).orderBy('created_at').orderBy('id').execute();
    return rows.map((row) => ({ userId: row.user_id, rating: row.rating, useful: row.useful, language: row.language, createdAt: toDate(row.created_at) }));
  }

  /** The sessions a person attended, newest first, with the event's CPD hours. */
  async attendedBy(userId: string): Promise<AttendedEvent[]> {
    const rows = await this.db.selectFrom('event_bookings').innerJoin('event_sessions', 'event_sessions.id', 'event_bookings.session_id')
      .innerJoin('events', 'events.id', 'event_sessions.event_id')
      .select(['event_bookings.id as bookingId', 'events.id as eventId', 'event_sessions.id as sessionId', 'events.title_en', 'events.title_cy', 'events.cpd_hours',
        'event_sessions.starts_at', 'event_sessions.ends_at'])
      .where('event_bookings.user_id', '=', userId).where('event_bookings.status', '=', 'attended')
      .orderBy('event_sessions.starts_at', 'desc').execute();
    return rows.map((r) => ({ bookingId: r.bookingId, eventId: r.eventId, sessionId: r.sessionId, title: { en: r.title_en, cy: r.title_cy }, cpdHours: r.cpd_hours, startsAt: toDate(r.starts_at), endsAt: toDate(r.ends_at) }));
  }

  /** The titles and competencies of these events (any status: attending a since-cancelled event still counted). */
  async competenciesOf(eventIds: readonly string[]): Promise<Map<string, { title: Bilingual; competencies: string[] }>> {
    const out = new Map<string, { title: Bilingual; competencies: string[] }>();
    const ids = [...new Set(eventIds)];
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db.selectFrom('events').select(['id', 'title_en', 'title_cy', 'competencies']).where('id', 'in', ids.slice(i, i + 500)).execute();
      for (const r of rows) out.set(r.id, { title: { en: r.title_en, cy: r.title_cy }, competencies: stringList(r.competencies) });
    }
    return out;
  }

  /** Accounts by their (lower-case) email address. */
  async accountsByEmail(emails: readonly string[]): Promise<Map<string, { id: string; displayName: string }>> {
    const out = new Map<string, { id: string; displayName: string }>();
    const unique = [...new Set(emails)];
    for (let i = 0; i < unique.length; i += 500) {
      const rows = await this.db.selectFrom('users').select(['id', 'email', 'display_name']).where('email', 'in', unique.slice(i, i + 500)).execute();
      for (const r of rows) out.set(r.email, { id: r.id, displayName: r.display_name });
    }
    return out;
  }

  /** How many sessions each of these accounts was booked on and did not come to. */
  async noShowsOf(userIds: readonly string[]): Promise<Map<string, number>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.db.selectFrom('event_bookings').select(['user_id', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('user_id', 'in', [...userIds]).where('status', '=', 'no-show').groupBy('user_id').execute();
    return new Map(rows.map((r) => [r.user_id, Number(r.n)]));
  }

  /** Missed booked sessions by staff record (through the accounts linked to each). */
  async noShowsByStaff(staffIds: readonly string[]): Promise<Map<string, number>> {
    if (staffIds.length === 0) return new Map();
    const out = new Map<string, number>();
    for (let i = 0; i < staffIds.length; i += 500) {
      const rows = await this.db.selectFrom('event_bookings').innerJoin('users', 'users.id', 'event_bookings.user_id')
        .select(['users.staff_id', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('users.staff_id', 'in', staffIds.slice(i, i + 500)).where('event_bookings.status', '=', 'no-show').groupBy('users.staff_id').execute();
      for (const r of rows) if (r.staff_id !== null) out.set(r.staff_id, (out.get(r.staff_id) ?? 0) + Number(r.n));
    }
    return out;
  }

  /** Bookings of an event by status, the booked person's organisation and staff group (from their staff record; null when unlinked). */
  async report(eventId: string): Promise<ReportRow[]> {
    const rows = await this.db.selectFrom('event_bookings').innerJoin('event_sessions', 'event_sessions.id', 'event_bookings.session_id')
      .innerJoin('users', 'users.id', 'event_bookings.user_id').leftJoin('staff', 'staff.id', 'users.staff_id')
      .select(['event_bookings.status', 'staff.organisation_code', 'staff.staff_group_code', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('event_sessions.event_id', '=', eventId)
      .groupBy(['event_bookings.status', 'staff.organisation_code', 'staff.staff_group_code']).execute();
    return rows.map((r) => ({ status: r.status as BookingStatus, organisationCode: r.organisation_code, staffGroupCode: r.staff_group_code, n: Number(r.n) }));
  }
}

function stringList(text: string): string[] {
  if (text === '') return [];
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
}

function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
