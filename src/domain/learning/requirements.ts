// Learning an organisation requires of its staff, and when it is due. Pure:
// takes requirements, a person's ESR details and the modules they have
// completed, and says what they must do and whether it is overdue. A
// completion of any version of a module meets a requirement for it.

/** An ISO calendar date, YYYY-MM-DD (dates, not instants: "due by 31 March"). */
export type CalendarDate = string;

export type RequirementDue =
  | { readonly kind: 'date'; readonly date: CalendarDate }
  | { readonly kind: 'days'; readonly days: number };

export interface LearningRequirement {
  readonly id: string;
  readonly organisationCode: string;
  /** The module's IRI (module.yaml `id`), which stays the same across versions. */
  readonly moduleId: string;
  /** ESR staff group codes it applies to; empty means everyone in the organisation. */
  readonly staffGroupCodes: readonly string[];
  readonly due: RequirementDue;
  /**
   * A refresher period: the module is needed again every N years, and a
   * completion older than that no longer counts. Absent or null: once is enough.
   */
  readonly refresherYears?: number | null;
  /** Bumped on every change, so two people editing at once cannot overwrite each other. */
  readonly revision: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What the requirements need to know about a member of staff. */
export interface RequiredOf {
  readonly organisationCode: string;
  readonly staffGroupCode: string;
  /** ESR assignment start date, YYYY-MM-DD. */
  readonly assignmentStartDate: CalendarDate;
}

export type RequirementStatus = 'completed' | 'due' | 'overdue';

export interface RequiredModule {
  readonly moduleId: string;
  /** The earliest due date of the requirements that apply. */
  readonly dueDate: CalendarDate;
  readonly status: RequirementStatus;
  /** When the module (any version) was first completed, if it has been. */
  readonly completedAt: Date | null;
  readonly requirementIds: readonly string[];
  /** With a refresher period and a completion that still counts: the day it stops counting. */
  readonly renewBy?: CalendarDate;
}

/** Longest "within N days of starting" accepted: two years. */
export const MAX_DUE_DAYS = 730;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Is this a real calendar date written YYYY-MM-DD (no 31 February)? */
export function isCalendarDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (m === null) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** The same day N years on (29 February becomes 1 March). */
export function addYears(date: CalendarDate, years: number): CalendarDate {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCFullYear(at.getUTCFullYear() + years);
  return at.toISOString().slice(0, 10);
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

/** Today as a calendar date where the service runs (NHS Wales: Europe/London). */
export function calendarDateIn(instant: Date, timeZone = 'Europe/London'): CalendarDate {
  // Making a formatter costs far more than using one (insights recount every completion of every
  // member of staff): one per time zone, and each quarter hour's date remembered (time zones'
  // offsets and changes fall on quarter hours).
  const ms = instant.getTime();
  if (Number.isNaN(ms)) return dateFormatterIn(timeZone).format(instant);
  const key = `${timeZone}\u0001${String(Math.floor(ms / 900_000))}`;
  const known = quarterHourDates.get(key);
  if (known !== undefined) return known;
  if (quarterHourDates.size >= 50_000) quarterHourDates.clear();
  const date = dateFormatterIn(timeZone).format(instant);
  quarterHourDates.set(key, date);
  return date;
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();
const quarterHourDates = new Map<string, CalendarDate>();

function dateFormatterIn(timeZone: string): Intl.DateTimeFormat {
  let formatter = dateFormatters.get(timeZone);
  if (formatter === undefined) {
    // en-CA formats as YYYY-MM-DD.
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormatters.set(timeZone, formatter);
  }
  return formatter;
}

export function appliesTo(requirement: LearningRequirement, person: Pick<RequiredOf, 'organisationCode' | 'staffGroupCode'>): boolean {
  return requirement.organisationCode === person.organisationCode
    && (requirement.staffGroupCodes.length === 0 || requirement.staffGroupCodes.includes(person.staffGroupCode));
}

/**
 * When a requirement falls due for one person. "Within N days of starting"
 * counts from the assignment start date, but never from before the day the
 * requirement was set: someone who started years ago gets N days from then,
 * rather than being overdue the moment the requirement appears.
 */
export function dueDateFor(requirement: LearningRequirement, person: Pick<RequiredOf, 'assignmentStartDate'>): CalendarDate {
  if (requirement.due.kind === 'date') return requirement.due.date;
  const set = calendarDateIn(requirement.createdAt);
  const start = isCalendarDate(person.assignmentStartDate) && person.assignmentStartDate > set ? person.assignmentStartDate : set;
  return addDays(start, requirement.due.days);
}

/**
 * The modules a person must complete, one entry per module (several
 * requirements for the same module: the earliest due date counts), overdue
 * first, then by due date. Overdue means the due date has passed: a module due
 * today is still due.
 */
export function requiredModulesFor(
  person: RequiredOf,
  requirements: readonly LearningRequirement[],
  completedAt: ReadonlyMap<string, Date>,
  today: CalendarDate,
  /** The latest completion of each module, for refresher periods; by default `completedAt`. */
  latestCompletedAt: ReadonlyMap<string, Date> = completedAt,
): RequiredModule[] {
  const byModule = new Map<string, { dueDate: CalendarDate; ids: string[]; refresherYears: number | null }>();
  for (const requirement of requirements) {
    if (!appliesTo(requirement, person)) continue;
    const due = dueDateFor(requirement, person);
    const refresher = requirement.refresherYears ?? null;
    const entry = byModule.get(requirement.moduleId);
    if (entry === undefined) byModule.set(requirement.moduleId, { dueDate: due, ids: [requirement.id], refresherYears: refresher });
    else {
      entry.ids.push(requirement.id);
      if (due < entry.dueDate) entry.dueDate = due;
      // Several requirements with refresher periods: the shortest counts.
      if (refresher !== null && (entry.refresherYears === null || refresher < entry.refresherYears)) entry.refresherYears = refresher;
    }
  }
  const rank: Record<RequirementStatus, number> = { overdue: 0, due: 1, completed: 2 };
  return [...byModule].map(([moduleId, { dueDate: setDue, ids, refresherYears }]): RequiredModule => {
    let done = completedAt.get(moduleId) ?? null;
    let dueDate = setDue;
    let renewBy: CalendarDate | undefined;
    if (refresherYears !== null) {
      const latest = latestCompletedAt.get(moduleId) ?? done;
      const expires = latest === null ? null : addYears(calendarDateIn(latest), refresherYears);
      // An expired completion no longer counts; the module falls due again the day it expired (or at the set date, if later).
      done = expires !== null && expires > today ? latest : null;
      if (done === null && expires !== null && expires > dueDate) dueDate = expires;
      if (done !== null && expires !== null) renewBy = expires;
    }
    const status: RequirementStatus = done !== null ? 'completed' : today > dueDate ? 'overdue' : 'due';
    return { moduleId, dueDate, status, completedAt: done, requirementIds: ids, ...(renewBy === undefined ? {} : { renewBy }) };
  }).sort((a, b) => rank[a.status] - rank[b.status] || a.dueDate.localeCompare(b.dueDate) || a.moduleId.localeCompare(b.moduleId));
}

export function overdueCount(required: readonly RequiredModule[]): number {
  return required.filter((r) => r.status === 'overdue').length;
}
