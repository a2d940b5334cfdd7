// A line manager's team and where each person stands with the learning their
// organisation requires: which modules are overdue and since when, filtered
// and sorted as the manager asks, and written out as CSV. Pure: takes the
// people and their required modules (requirements.ts), returns rows. It never
// decides who may see whom; the route does that (only the manager's reports).

import type { CalendarDate, RequiredModule } from './requirements.js';

/** What the team view needs of a member of staff. */
export interface TeamMember {
  readonly id: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly jobRole: string;
  readonly bandCode: string;
  readonly organisationCode: string;
}

export interface TeamRow<M extends TeamMember = TeamMember> {
  readonly member: M;
  readonly required: readonly RequiredModule[];
  /** Overdue modules, longest overdue first. */
  readonly overdue: readonly RequiredModule[];
  /** Required modules not yet completed and not yet overdue. */
  readonly outstanding: number;
  readonly completed: number;
  /** Days the longest-overdue module has been overdue; 0 when nothing is. */
  readonly daysOverdue: number;
}

export const TEAM_SHOWS = ['all', 'overdue', 'outstanding', 'complete'] as const;
export type TeamShow = (typeof TEAM_SHOWS)[number];
export const TEAM_SORTS = ['name', 'overdue', 'job'] as const;
export type TeamSort = (typeof TEAM_SORTS)[number];

export interface TeamQuery {
  readonly show: TeamShow;
  readonly sort: TeamSort;
  /** Part of a name, any case. */
  readonly search: string;
}

export const DEFAULT_TEAM_QUERY: TeamQuery = { show: 'all', sort: 'overdue', search: '' };

/** A query from the page's address, anything unknown falling back to the default. */
export function teamQueryFrom(raw: Readonly<Record<string, unknown>>): TeamQuery {
  const pick = <T extends string>(value: unknown, allowed: readonly T[], fallback: T): T =>
    typeof value === 'string' && (allowed as readonly string[]).includes(value) ? value as T : fallback;
  const search = typeof raw['q'] === 'string' ? raw['q'].trim().slice(0, 100) : '';
  return { show: pick(raw['show'], TEAM_SHOWS, DEFAULT_TEAM_QUERY.show), sort: pick(raw['sort'], TEAM_SORTS, DEFAULT_TEAM_QUERY.sort), search };
}

/** Whole days from a due date to today: a module due yesterday is 1 day overdue. */
export function daysOverdue(dueDate: CalendarDate, today: CalendarDate): number {
  const ms = Date.parse(`${today}T00:00:00Z`) - Date.parse(`${dueDate}T00:00:00Z`);
  return Math.max(0, Math.round(ms / 86_400_000));
}

/** The overdue date itself: the day after the module was due. */
export function overdueSince(dueDate: CalendarDate): CalendarDate {
  const at = new Date(`${dueDate}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + 1);
  return at.toISOString().slice(0, 10);
}

export function teamRow<M extends TeamMember>(member: M, required: readonly RequiredModule[], today: CalendarDate): TeamRow<M> {
  const overdue = required.filter((r) => r.status === 'overdue').sort((a, b) => a.dueDate.localeCompare(b.dueDate));
  const first = overdue[0];
  return {
    member, required, overdue,
    outstanding: required.filter((r) => r.status === 'due').length,
    completed: required.filter((r) => r.status === 'completed').length,
    daysOverdue: first === undefined ? 0 : daysOverdue(first.dueDate, today),
  };
}

const byName = (a: TeamRow, b: TeamRow) => a.member.lastName.localeCompare(b.member.lastName, 'en-GB') || a.member.firstName.localeCompare(b.member.firstName, 'en-GB');

/** The rows the manager asked for, in the order they asked for. */
export function selectTeam<R extends TeamRow>(rows: readonly R[], query: TeamQuery): R[] {
  const needle = query.search.toLocaleLowerCase('en-GB');
  const shown = rows.filter((r) => {
    if (needle !== '' && !`${r.member.firstName} ${r.member.lastName}`.toLocaleLowerCase('en-GB').includes(needle)) return false;
    switch (query.show) {
      case 'all': return true;
      case 'overdue': return r.overdue.length > 0;
      case 'outstanding': return r.overdue.length === 0 && r.outstanding > 0;
      case 'complete': return r.overdue.length === 0 && r.outstanding === 0;
    }
  });
  const order: Record<TeamSort, (a: R, b: R) => number> = {
    name: byName,
    overdue: (a, b) => b.daysOverdue - a.daysOverdue || b.overdue.length - a.overdue.length || byName(a, b),
    job: (a, b) => a.member.jobRole.localeCompare(b.member.jobRole, 'en-GB') || byName(a, b),
  };
  return [...shown].sort(order[query.sort]);
}

/**
 * One CSV field: quoted when it must be, and a cell a spreadsheet would read as
 * a formula (=, +, -, @, tab, carriage return) made plain text with a leading
 * apostrophe, since names and job titles come from an ESR extract.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
