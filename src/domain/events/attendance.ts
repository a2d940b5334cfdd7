// Attendance decisions, pure: who may keep a session's register, when a
// register can be kept, matching a Teams attendance report to the people
// booked, and an event's report figures by organisation and staff group.

import { can, type Principal } from '../auth/index.js';
import type { TeamsParticipant, TeamsReport } from './teams-attendance.js';

/** What the register needs to know about an event: its facilitators, once events have them (issue 16, helper eva, migration 0024). */
export interface AttendanceEvent {
  readonly facilitatorIds?: readonly string[];
}

/**
 * May this account keep the register of this event (mark, import, see the
 * report)? Education leads and platform administrators (learning.publish)
 * always; an event's facilitators too, once events record them: pass
 * `facilitatorIds` and they are allowed without any role.
 */
export function canMarkAttendance(account: Principal, event: AttendanceEvent): boolean {
  if (can(account, 'learning.publish')) return true;
  return event.facilitatorIds?.includes(account.userId) === true;
}

/** From how many missed booked sessions a line manager is shown it (never a block on booking). */
export const REPEATED_NO_SHOWS = 2;

/** The no-show counts a manager is shown: only those repeated. */
export function repeatedNoShows(counts: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...counts].filter(([, n]) => n >= REPEATED_NO_SHOWS));
}

/** A register can be kept from the start of the session (not before: nobody has come yet). */
export function registerOpen(session: { readonly startsAt: Date }, now: Date): boolean {
  return now.getTime() >= session.startsAt.getTime();
}

export type UnmatchedReason = 'no-account' | 'not-booked' | 'repeated';

export interface Unmatched {
  readonly line: number;
  readonly name: string;
  readonly email: string;
  readonly role: string;
  readonly reason: UnmatchedReason;
}

export interface AttendanceMatch {
  readonly line: number;
  readonly bookingId: string;
  readonly userId: string;
  readonly name: string;
  readonly email: string;
  readonly minutes: number | null;
}

export interface MatchResult {
  readonly matched: readonly AttendanceMatch[];
  readonly unmatched: readonly Unmatched[];
  /** People holding a place and not yet marked, who are not in the report: they would be marked no-show. */
  readonly absent: readonly { readonly bookingId: string; readonly name: string; readonly email: string }[];
}

export interface RegisterPerson {
  readonly bookingId: string;
  readonly userId: string;
  readonly name: string;
  readonly email: string;
  readonly status: string;
}

/** Match a report's participants to the register by email address (case does not matter). */
export function matchParticipants(report: Pick<TeamsReport, 'participants'>, register: readonly RegisterPerson[], accounts: ReadonlyMap<string, unknown>): MatchResult {
  const byEmail = new Map(register.map((p) => [p.email.toLowerCase(), p]));
  const seen = new Set<string>();
  const matched: AttendanceMatch[] = [];
  const unmatched: Unmatched[] = [];
  const add = (p: TeamsParticipant, reason: UnmatchedReason) => unmatched.push({ line: p.line, name: p.name, email: p.email, role: p.role, reason });
  for (const p of report.participants) {
    if (seen.has(p.email)) { add(p, 'repeated'); continue; }
    seen.add(p.email);
    const person = byEmail.get(p.email);
    if (person === undefined) { add(p, accounts.has(p.email) ? 'not-booked' : 'no-account'); continue; }
    matched.push({ line: p.line, bookingId: person.bookingId, userId: person.userId, name: person.name, email: person.email, minutes: p.minutes });
  }
  const absent = register.filter((p) => p.status === 'booked' && !seen.has(p.email.toLowerCase())).map((p) => ({ bookingId: p.bookingId, name: p.name, email: p.email }));
  return { matched, unmatched, absent };
}

export type ReportStatus = 'booked' | 'waiting' | 'attended' | 'no-show';
export const REPORT_STATUSES: readonly ReportStatus[] = ['booked', 'waiting', 'attended', 'no-show'];

export interface ReportLine {
  /** An organisation code or staff group code; '' when the person has no staff record. */
  readonly key: string;
  readonly counts: Readonly<Record<ReportStatus, number>>;
  readonly total: number;
}

export interface EventReport {
  readonly totals: Readonly<Record<ReportStatus, number>>;
  readonly byOrganisation: readonly ReportLine[];
  readonly byStaffGroup: readonly ReportLine[];
}

const zero = (): Record<ReportStatus, number> => ({ booked: 0, waiting: 0, attended: 0, 'no-show': 0 });

/** Bookings counted by status (cancelled left out), overall, by organisation and by staff group, largest first. */
export function eventReport(rows: readonly { readonly status: string; readonly organisationCode: string | null; readonly staffGroupCode: string | null; readonly n: number }[]): EventReport {
  const totals = zero();
  const orgs = new Map<string, Record<ReportStatus, number>>();
  const groups = new Map<string, Record<ReportStatus, number>>();
  for (const r of rows) {
    if (!(REPORT_STATUSES as readonly string[]).includes(r.status)) continue;
    const status = r.status as ReportStatus;
    totals[status] += r.n;
    for (const [map, key] of [[orgs, r.organisationCode ?? ''], [groups, r.staffGroupCode ?? '']] as const) {
      const counts = map.get(key) ?? zero();
      counts[status] += r.n;
      map.set(key, counts);
    }
  }
  const lines = (map: Map<string, Record<ReportStatus, number>>): ReportLine[] => [...map].map(([key, counts]) => ({ key, counts, total: REPORT_STATUSES.reduce((s, k) => s + counts[k], 0) }))
    .sort((a, b) => b.total - a.total || a.key.localeCompare(b.key));
  return { totals, byOrganisation: lines(orgs), byStaffGroup: lines(groups) };
}

/** Feedback ratings counted 1 to 5, with the mean (null when nobody answered). */
export function ratingCounts(ratings: readonly number[]): { counts: readonly { rating: number; n: number }[]; mean: number | null; total: number } {
  const counts = [1, 2, 3, 4, 5].map((rating) => ({ rating, n: ratings.filter((r) => r === rating).length }));
  const total = ratings.length;
  return { counts, total, mean: total === 0 ? null : Math.round((ratings.reduce((s, r) => s + r, 0) / total) * 10) / 10 };
}
