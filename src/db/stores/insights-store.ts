// The per-person facts insights are counted from: active staff with only the
// fields the tables break down by (never names), and which modules each has
// completed (and which funded university modules, with the literacy level
// each maps to), for a set of organisations or for named staff. Read-only; no
// aggregate tables: the figures are counted from these rows on each request
// (docs/insights.md says why and what comes next).

import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { toDate } from '../dialect.js';
import type { FundedCompletion, FundedCredit } from '../../domain/insights/index.js';
import { LITERACY_LEVEL_CODES, type LiteracyLevelCode } from '../../domain/learning/index.js';
import { eventTargetOf } from './requirement-store.js';

export interface InsightsStaff {
  readonly id: string;
  readonly organisationCode: string;
  readonly staffGroupCode: string;
  readonly bandCode: string;
  readonly jobRole: string;
  readonly ageBand: string;
  readonly assignmentStartDate: string;
}

export type InsightsPopulation = { readonly organisations: 'all' | readonly string[] } | { readonly staffIds: readonly string[] };

const CHUNK = 500;

export class InsightsStore {
  private constructor(private readonly db: Kysely<Database>) {}

  static create(db: Kysely<Database>): InsightsStore {
    return new InsightsStore(db);
  }

  /** Active staff in the population. */
  async activeStaff(population: InsightsPopulation): Promise<InsightsStaff[]> {
    const base = this.db.selectFrom('staff')
      .select(['id', 'organisation_code', 'staff_group_code', 'band_code', 'job_role', 'age_band', 'assignment_start_date'])
      .where('active', '=', true);
    const rows = 'staffIds' in population
      ? (await Promise.all(chunks(population.staffIds).map((ids) => base.where('id', 'in', ids).execute()))).flat()
      : population.organisations === 'all' ? await base.execute()
        : await base.where('organisation_code', 'in', population.organisations.length > 0 ? [...population.organisations] : ['']).execute();
    return rows.map((r) => ({
      id: r.id, organisationCode: r.organisation_code, staffGroupCode: r.staff_group_code, bandCode: r.band_code,
      jobRole: r.job_role, ageBand: r.age_band, assignmentStartDate: r.assignment_start_date,
    }));
  }

  /** When each active member of staff in the population first completed each module (any version), by staff id. */
  async completedModules(population: InsightsPopulation): Promise<Map<string, Map<string, Date>>> {
    return (await this.completionTimes(population)).first;
  }

  /**
   * When each active member of staff in the population first and latest
   * completed each module (any version; the latest counts a version passed
   * again, `renewed_at`), by staff id: levels count from the first, refresher
   * periods from the latest.
   */
  async completionTimes(population: InsightsPopulation): Promise<{ first: Map<string, Map<string, Date>>; latest: Map<string, Map<string, Date>> }> {
    const base = this.db.selectFrom('module_completions')
      .innerJoin('users', 'users.id', 'module_completions.user_id')
      .innerJoin('staff', 'staff.id', 'users.staff_id')
      .select(['staff.id as staffId', 'module_completions.module_id as moduleId', 'module_completions.completed_at as completedAt', 'module_completions.renewed_at as renewedAt'])
      .where('staff.active', '=', true);
    const rows = 'staffIds' in population
      ? (await Promise.all(chunks(population.staffIds).map((ids) => base.where('staff.id', 'in', ids).execute()))).flat()
      : population.organisations === 'all' ? await base.execute()
        : await base.where('staff.organisation_code', 'in', population.organisations.length > 0 ? [...population.organisations] : ['']).execute();
    const first = new Map<string, Map<string, Date>>();
    const latest = new Map<string, Map<string, Date>>();
    for (const row of rows) {
      const at = toDate(row.completedAt);
      const last = row.renewedAt === null || row.renewedAt === undefined ? at : toDate(row.renewedAt);
      const mine = first.get(row.staffId) ?? new Map<string, Date>();
      const earlier = mine.get(row.moduleId);
      if (earlier === undefined || at < earlier) mine.set(row.moduleId, at);
      first.set(row.staffId, mine);
      const mineLatest = latest.get(row.staffId) ?? new Map<string, Date>();
      const later = mineLatest.get(row.moduleId);
      if (later === undefined || last > later) mineLatest.set(row.moduleId, last);
      latest.set(row.staffId, mineLatest);
    }
    return { first, latest };
  }

  /**
   * When each active member of staff in the population first and latest attended each of
   * these events (an attended booking at any session; the date is the
   * session's start, as RequirementStore.attendanceByStaff), keyed by the
   * event's target (what a requirement naming it stores), by staff id. Only
   * the events named: the ones required learning may name (issue 16).
   */
  async attendedEvents(population: InsightsPopulation, eventIds: readonly string[]): Promise<{ first: Map<string, Map<string, Date>>; latest: Map<string, Map<string, Date>> }> {
    const out = new Map<string, Map<string, Date>>();
    const latest = new Map<string, Map<string, Date>>();
    if (eventIds.length === 0) return { first: out, latest };
    const base = this.db.selectFrom('event_bookings')
      .innerJoin('event_sessions', 'event_sessions.id', 'event_bookings.session_id')
      .innerJoin('users', 'users.id', 'event_bookings.user_id')
      .innerJoin('staff', 'staff.id', 'users.staff_id')
      .select(['staff.id as staffId', 'event_sessions.event_id as eventId'])
      .select((eb) => eb.fn.min('event_sessions.starts_at').as('firstAt'))
      .select((eb) => eb.fn.max('event_sessions.starts_at').as('latestAt'))
      .where('event_bookings.status', '=', 'attended').where('staff.active', '=', true)
      .where('event_sessions.event_id', 'in', [...eventIds])
      .groupBy(['staff.id', 'event_sessions.event_id']);
    const rows = 'staffIds' in population
      ? (await Promise.all(chunks(population.staffIds).map((ids) => base.where('staff.id', 'in', ids).execute()))).flat()
      : population.organisations === 'all' ? await base.execute()
        : await base.where('staff.organisation_code', 'in', population.organisations.length > 0 ? [...population.organisations] : ['']).execute();
    for (const row of rows) {
      const mine = out.get(row.staffId) ?? new Map<string, Date>();
      mine.set(eventTargetOf(row.eventId), toDate(row.firstAt));
      out.set(row.staffId, mine);
      const mineLatest = latest.get(row.staffId) ?? new Map<string, Date>();
      mineLatest.set(eventTargetOf(row.eventId), toDate(row.latestAt));
      latest.set(row.staffId, mineLatest);
    }
    return { first: out, latest };
  }

  /**
   * Funded university modules completed with credits (outcome "completed") by
   * active staff in the population: the literacy level the module maps to (or
   * null), its competencies and when the outcome was recorded, by staff id
   * (through the applicant's account, as module completions). A later
   * correction of the outcome removes it here.
   */
  async fundedCompletions(population: InsightsPopulation): Promise<Map<string, FundedCompletion[]>> {
    const base = this.db.selectFrom('funded_applications')
      .innerJoin('funded_intakes', 'funded_intakes.id', 'funded_applications.intake_id')
      .innerJoin('funded_modules', 'funded_modules.id', 'funded_intakes.module_id')
      .innerJoin('users', 'users.id', 'funded_applications.user_id')
      .innerJoin('staff', 'staff.id', 'users.staff_id')
      .select(['staff.id as staffId', 'funded_modules.literacy_level as level', 'funded_modules.competencies as competencies', 'funded_applications.outcome_at as at'])
      .where('funded_applications.outcome', '=', 'completed')
      .where('staff.active', '=', true);
    const rows = 'staffIds' in population
      ? (await Promise.all(chunks(population.staffIds).map((ids) => base.where('staff.id', 'in', ids).execute()))).flat()
      : population.organisations === 'all' ? await base.execute()
        : await base.where('staff.organisation_code', 'in', population.organisations.length > 0 ? [...population.organisations] : ['']).execute();
    const out = new Map<string, FundedCompletion[]>();
    for (const row of rows) {
      if (row.at === null) continue;
      const mine = out.get(row.staffId) ?? [];
      mine.push({ level: fundedLevel(row.level), competencies: row.competencies === '' ? [] : row.competencies.split(','), at: toDate(row.at) });
      out.set(row.staffId, mine);
    }
    return out;
  }

  /** The funded completions that credit a literacy level (fundedCompletions with a level), by staff id. */
  async fundedCredits(population: InsightsPopulation): Promise<Map<string, FundedCredit[]>> {
    const out = new Map<string, FundedCredit[]>();
    for (const [staffId, list] of await this.fundedCompletions(population)) {
      const credits = list.flatMap((c) => (c.level === null ? [] : [{ level: c.level, at: c.at }]));
      if (credits.length > 0) out.set(staffId, credits);
    }
    return out;
  }
}

/** A funded module's literacy level as stored ('' when it maps to none). */
export function fundedLevel(stored: string): LiteracyLevelCode | null {
  return (LITERACY_LEVEL_CODES as readonly string[]).includes(stored) ? stored as LiteracyLevelCode : null;
}

function chunks(ids: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(ids.slice(i, i + CHUNK));
  return out;
}
