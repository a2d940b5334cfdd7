// One person's literacy facts as the kept aggregates hold them: the dimensions
// they are counted under, the level reached, required-learning compliance,
// and the day each level was reached (from their completion dates), so that
// "as at" a past date and the monthly trend are counted from the records
// without replaying them. Pure: the same rules as literacyLevelOf and
// complianceOf, and so the same figures as counting people directly.

import { LITERACY_LEVEL_CODES, calendarDateIn, levelRank, requiredModulesFor, type CalendarDate, type LearningRequirement, type LiteracyLevelCode } from '../learning/index.js';
import { complianceOf, type Compliance, type FundedCredit, type LiteracyPerson } from './literacy.js';

export interface StaffFacts {
  readonly staffId: string;
  readonly organisationCode: string;
  readonly staffGroupCode: string;
  readonly bandCode: string;
  readonly jobRole: string;
  readonly ageBand: string;
  /** The assignment's start (YYYY-MM-DD): a person is counted "as at" a date from then on. */
  readonly startedOn: string;
  readonly level: LiteracyLevelCode | null;
  readonly compliance: Compliance;
  /** The day (Europe/London) each level was reached, for the levels reached. */
  readonly reachedOn: Readonly<Partial<Record<LiteracyLevelCode, CalendarDate>>>;
  /** The day (Europe/London) each module completed was first completed, by module id (for "what moved people"). */
  readonly modulesFirstOn: Readonly<Record<string, CalendarDate>>;
}

export interface FactsInput {
  readonly id: string;
  readonly organisationCode: string;
  readonly staffGroupCode: string;
  readonly bandCode: string;
  readonly jobRole: string;
  readonly ageBand: string;
  readonly assignmentStartDate: string;
}

/**
 * The day each level was reached: climbing from awareness, a level is met on
 * the earlier of the day the last of its modules was first completed and the
 * day of the first funded completion mapped to it or a higher level; it is
 * reached when it and every level below are met. A level with no module
 * offered and no funded completion stops the climb (as literacyLevelOf).
 */
export function levelsReached(
  completedAt: ReadonlyMap<string, Date>, offered: readonly { readonly id: string; readonly level: LiteracyLevelCode }[],
  credits: readonly FundedCredit[] = [],
): Partial<Record<LiteracyLevelCode, CalendarDate>> {
  const out: Partial<Record<LiteracyLevelCode, CalendarDate>> = {};
  let latest: Date | null = null;
  for (const level of LITERACY_LEVEL_CODES) {
    let byModules: Date | null = null;
    const atLevel = offered.filter((m) => m.level === level);
    if (atLevel.length > 0) {
      for (const m of atLevel) {
        const at = completedAt.get(m.id);
        if (at === undefined) { byModules = null; break; }
        if (byModules === null || at > byModules) byModules = at;
      }
    }
    let byCredit: Date | null = null;
    for (const c of credits) if (levelRank(c.level) >= levelRank(level) && (byCredit === null || c.at < byCredit)) byCredit = c.at;
    const met = byModules === null ? byCredit : byCredit === null || byModules < byCredit ? byModules : byCredit;
    if (met === null) break;
    if (latest === null || met > latest) latest = met;
    out[level] = calendarDateIn(latest);
  }
  return out;
}

/**
 * One person's facts. `attendedAt` holds the events they attended (by event
 * target, the session's start): they meet requirements naming the event
 * (issue 16) and nothing else (no level, no "what moved people" module day).
 */
export function staffFactsOf(
  staff: FactsInput, completedAt: ReadonlyMap<string, Date>, offered: readonly { readonly id: string; readonly level: LiteracyLevelCode }[],
  requirements: readonly LearningRequirement[], on: CalendarDate, credits: readonly FundedCredit[] = [],
  attendedAt: ReadonlyMap<string, Date> = new Map(),
  /** The latest completion and attendance of each (refresher periods count from it); by default the first. */
  latest: { readonly completedAt: ReadonlyMap<string, Date>; readonly attendedAt: ReadonlyMap<string, Date> } = { completedAt, attendedAt },
): StaffFacts {
  const reachedOn = levelsReached(completedAt, offered, credits);
  const reached = LITERACY_LEVEL_CODES.filter((l) => reachedOn[l] !== undefined);
  const met = attendedAt.size === 0 ? completedAt : new Map([...completedAt, ...attendedAt]);
  const metLatest = latest.attendedAt.size === 0 ? latest.completedAt : new Map([...latest.completedAt, ...latest.attendedAt]);
  return {
    staffId: staff.id, organisationCode: staff.organisationCode, staffGroupCode: staff.staffGroupCode, bandCode: staff.bandCode,
    jobRole: staff.jobRole, ageBand: staff.ageBand, startedOn: staff.assignmentStartDate,
    level: reached.at(-1) ?? null,
    compliance: complianceOf(requiredModulesFor(staff, requirements, met, on, metLatest).map((r) => r.status)),
    reachedOn,
    modulesFirstOn: Object.fromEntries([...completedAt.entries()].map(([id, at]): [string, CalendarDate] => [id, calendarDateIn(at)]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
}

/** One kept cell: people sharing every dimension, level and compliance. */
export interface AggregateCell {
  readonly organisationCode: string;
  readonly staffGroupCode: string;
  readonly bandCode: string;
  readonly jobRole: string;
  readonly ageBand: string;
  readonly level: LiteracyLevelCode | null;
  readonly compliance: Compliance;
  readonly people: number;
}

export function cellKey(c: Omit<AggregateCell, 'people'>): string {
  return [c.organisationCode, c.staffGroupCode, c.bandCode, c.jobRole, c.ageBand, c.level ?? 'none', c.compliance].join('\u0001');
}

/** The cells of a set of people's facts, one per distinct key, sorted by key. */
export function cellsOfFacts(facts: readonly Omit<AggregateCell, 'people'>[]): AggregateCell[] {
  const out = new Map<string, AggregateCell>();
  for (const f of facts) {
    const key = cellKey(f);
    const had = out.get(key);
    out.set(key, {
      organisationCode: f.organisationCode, staffGroupCode: f.staffGroupCode, bandCode: f.bandCode, jobRole: f.jobRole, ageBand: f.ageBand,
      level: f.level, compliance: f.compliance, people: (had?.people ?? 0) + 1,
    });
  }
  return [...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
}

/** Cells as weighted people for literacyTable (targets follow the staff group). */
export function peopleOfCells(cells: readonly AggregateCell[], targetOf: (staffGroupCode: string) => LiteracyLevelCode | null): LiteracyPerson[] {
  return cells.filter((c) => c.people > 0).map((c) => ({
    organisationCode: c.organisationCode, staffGroupCode: c.staffGroupCode, bandCode: c.bandCode, jobRole: c.jobRole, ageBand: c.ageBand,
    level: c.level, target: targetOf(c.staffGroupCode), compliance: c.compliance, weight: c.people,
  }));
}
