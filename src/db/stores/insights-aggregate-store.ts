// The kept insights aggregates (migration 0027): each active member of staff's
// literacy facts (insights_staff) and their counts per cell (insights_cells).
// `apply` moves people between cells by the difference between their stored
// and new facts, so it can run inside the transaction that records a
// completion; `replaceAll` is the rebuild from scratch. Readers get cells
// (people per organisation, staff group, band, job role, age band, level and
// compliance), "as at" a past day from the days levels were reached, and the
// monthly counts behind the trend. Never stores or returns a name.

import { sql, type Kysely } from 'kysely';
import { LITERACY_LEVEL_CODES, type LiteracyLevelCode } from '../../domain/learning/index.js';
import { cellKey, type AggregateCell, type Compliance, type MonthCounts, type StaffFacts } from '../../domain/insights/index.js';
import type { Database } from '../schema.js';
import type { InsightsStaffTable } from '../schema-insights.js';
import { batchSize } from '../dialect.js';
import type { InsightsPopulation } from './insights-store.js';

const CHUNK = 500;
const DIMENSION_COLUMNS = ['organisation_code', 'staff_group_code', 'band_code', 'job_role', 'age_band'] as const;
const LEVEL_DAY_COLUMNS = { awareness: 'awareness_on', foundation: 'foundation_on', practitioner: 'practitioner_on', advanced: 'advanced_on', specialist: 'specialist_on' } as const;

/** Which kept people a reader's figures count: whole organisations (or all), or named staff (a team). */
export type AggregatePopulation = InsightsPopulation;

export interface AggregateFilter {
  readonly organisationCode?: string | undefined;
  readonly staffGroupCode?: string | undefined;
}

function rowOfFacts(f: StaffFacts): InsightsStaffTable {
  return {
    staff_id: f.staffId, organisation_code: f.organisationCode, staff_group_code: f.staffGroupCode, band_code: f.bandCode, job_role: f.jobRole,
    age_band: f.ageBand, started_on: f.startedOn, level: f.level ?? 'none', compliance: f.compliance,
    awareness_on: f.reachedOn.awareness ?? null, foundation_on: f.reachedOn.foundation ?? null, practitioner_on: f.reachedOn.practitioner ?? null,
    advanced_on: f.reachedOn.advanced ?? null, specialist_on: f.reachedOn.specialist ?? null,
  };
}

function cellOfRow(r: { organisation_code: string; staff_group_code: string; band_code: string; job_role: string; age_band: string; level: string; compliance: string; people: number | string | bigint }): AggregateCell {
  return {
    organisationCode: r.organisation_code, staffGroupCode: r.staff_group_code, bandCode: r.band_code, jobRole: r.job_role, ageBand: r.age_band,
    level: r.level === 'none' ? null : r.level as LiteracyLevelCode, compliance: r.compliance as Compliance, people: Number(r.people),
  };
}

function sameRow(a: InsightsStaffTable, b: InsightsStaffTable): boolean {
  return (Object.keys(b) as (keyof InsightsStaffTable)[]).every((k) => a[k] === b[k]);
}

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class InsightsAggregateStore {
  private constructor(private readonly db: Kysely<Database>) {}

  static create(db: Kysely<Database>): InsightsAggregateStore {
    return new InsightsAggregateStore(db);
  }

  /**
   * Bring these people's kept facts and the cells up to date: `facts` for
   * people who count now, `gone` for people who no longer do (left, or no
   * longer active). Call inside the transaction that changed their records.
   */
  async apply(facts: readonly StaffFacts[], gone: readonly string[] = []): Promise<void> {
    const ids = [...new Set([...facts.map((f) => f.staffId), ...gone])];
    if (ids.length === 0) return;
    const stored = new Map<string, InsightsStaffTable>();
    for (const part of chunks(ids)) {
      for (const row of await this.db.selectFrom('insights_staff').selectAll().where('staff_id', 'in', part).execute()) stored.set(row.staff_id, row);
    }
    const deltas = new Map<string, { cell: Omit<AggregateCell, 'people'>; delta: number }>();
    const move = (row: InsightsStaffTable, by: number) => {
      const cell = cellOfRow({ ...row, people: 0 });
      const key = cellKey(cell);
      const had = deltas.get(key);
      deltas.set(key, { cell, delta: (had?.delta ?? 0) + by });
    };
    const upserts: InsightsStaffTable[] = [];
    const seen = new Set<string>();
    for (const f of facts) {
      if (seen.has(f.staffId)) continue;
      seen.add(f.staffId);
      const row = rowOfFacts(f);
      const old = stored.get(f.staffId);
      if (old !== undefined && sameRow(old, row)) continue;
      if (old !== undefined) move(old, -1);
      move(row, 1);
      upserts.push(row);
    }
    const removed = gone.filter((id) => !seen.has(id) && stored.has(id));
    for (const id of removed) move(stored.get(id) as InsightsStaffTable, -1);
    const changes = [...deltas.values()].filter((d) => d.delta !== 0);
    for (const part of chunks(changes, batchSize(8))) {
      await this.db.insertInto('insights_cells').values(part.map(({ cell, delta }) => ({
        organisation_code: cell.organisationCode, staff_group_code: cell.staffGroupCode, band_code: cell.bandCode, job_role: cell.jobRole,
        age_band: cell.ageBand, level: cell.level ?? 'none', compliance: cell.compliance, people: delta,
      }))).onConflict((oc) => oc.columns(['organisation_code', 'staff_group_code', 'band_code', 'job_role', 'age_band', 'level', 'compliance'])
        .doUpdateSet((eb) => ({ people: eb(eb.ref('insights_cells.people'), '+', eb.ref('excluded.people')) }))).execute();
    }
    if (changes.some((c) => c.delta < 0)) await this.db.deleteFrom('insights_cells').where('people', '<=', 0).execute();
    for (const part of chunks(upserts, batchSize(14))) {
      await this.db.insertInto('insights_staff').values(part).onConflict((oc) => oc.column('staff_id').doUpdateSet((eb) => ({
        organisation_code: eb.ref('excluded.organisation_code'), staff_group_code: eb.ref('excluded.staff_group_code'), band_code: eb.ref('excluded.band_code'),
        job_role: eb.ref('excluded.job_role'), age_band: eb.ref('excluded.age_band'), started_on: eb.ref('excluded.started_on'), level: eb.ref('excluded.level'),
        compliance: eb.ref('excluded.compliance'), awareness_on: eb.ref('excluded.awareness_on'), foundation_on: eb.ref('excluded.foundation_on'),
        practitioner_on: eb.ref('excluded.practitioner_on'), advanced_on: eb.ref('excluded.advanced_on'), specialist_on: eb.ref('excluded.specialist_on'),
      }))).execute();
    }
    for (const part of chunks(removed)) await this.db.deleteFrom('insights_staff').where('staff_id', 'in', part).execute();
  }

  /** The ids of everyone kept (for the refresh job: who may have left). */
  async keptStaffIds(): Promise<string[]> {
    return (await this.db.selectFrom('insights_staff').select('staff_id').execute()).map((r) => r.staff_id);
  }

  /** Replace every kept fact and cell with these (the rebuild; run it in a transaction). */
  async replaceAll(facts: readonly StaffFacts[]): Promise<void> {
    await this.db.deleteFrom('insights_cells').execute();
    await this.db.deleteFrom('insights_staff').execute();
    for (const part of chunks(facts.map(rowOfFacts), batchSize(14))) await this.db.insertInto('insights_staff').values(part).execute();
    await this.db.insertInto('insights_cells')
      .columns([...DIMENSION_COLUMNS, 'level', 'compliance', 'people'])
      .expression(this.db.selectFrom('insights_staff').select([...DIMENSION_COLUMNS, 'level', 'compliance']).select((eb) => eb.fn.countAll<number | string>().as('people'))
        .groupBy([...DIMENSION_COLUMNS, 'level', 'compliance']))
      .execute();
  }

  /** The kept cells in the population and filter, today. */
  async cells(population: AggregatePopulation, filter: AggregateFilter = {}): Promise<AggregateCell[]> {
    if ('staffIds' in population) {
      const out: AggregateCell[] = [];
      for (const part of chunks(population.staffIds)) {
        let q = this.db.selectFrom('insights_staff').select([...DIMENSION_COLUMNS, 'level', 'compliance']).select((eb) => eb.fn.countAll<number | string>().as('people'))
          .where('staff_id', 'in', part).groupBy([...DIMENSION_COLUMNS, 'level', 'compliance']);
        if (filter.organisationCode !== undefined) q = q.where('organisation_code', '=', filter.organisationCode);
        if (filter.staffGroupCode !== undefined) q = q.where('staff_group_code', '=', filter.staffGroupCode);
        out.push(...(await q.execute()).map(cellOfRow));
      }
      return out;
    }
    let q = this.db.selectFrom('insights_cells').selectAll();
    if (population.organisations !== 'all') q = q.where('organisation_code', 'in', population.organisations.length > 0 ? [...population.organisations] : ['']);
    if (filter.organisationCode !== undefined) q = q.where('organisation_code', '=', filter.organisationCode);
    if (filter.staffGroupCode !== undefined) q = q.where('staff_group_code', '=', filter.staffGroupCode);
    return (await q.execute()).map(cellOfRow);
  }

  /**
   * The cells as at the end of a past day: people whose assignment had started
   * by then, at the highest level reached by then. Compliance is not kept for
   * past days: every cell's compliance is 'none'.
   */
  async cellsAsAt(day: string, population: AggregatePopulation, filter: AggregateFilter = {}): Promise<AggregateCell[]> {
    const levelThen = sql<string>`case ${sql.join([...LITERACY_LEVEL_CODES].reverse().map((l) => sql`when ${sql.ref(LEVEL_DAY_COLUMNS[l])} <= ${day} then ${l}`), sql` `)} else 'none' end`;
    const run = async (ids: readonly string[] | null) => {
      let q = this.db.selectFrom('insights_staff').select([...DIMENSION_COLUMNS]).select(levelThen.as('level')).select((eb) => eb.fn.countAll<number | string>().as('people'))
        .where('started_on', '<=', day).groupBy(sql.raw('1, 2, 3, 4, 5, 6')); // by position: PostgreSQL does not match the parameterised expression
      if (ids !== null) q = q.where('staff_id', 'in', [...ids]);
      else if ('organisations' in population && population.organisations !== 'all') q = q.where('organisation_code', 'in', population.organisations.length > 0 ? [...population.organisations] : ['']);
      if (filter.organisationCode !== undefined) q = q.where('organisation_code', '=', filter.organisationCode);
      if (filter.staffGroupCode !== undefined) q = q.where('staff_group_code', '=', filter.staffGroupCode);
      return (await q.execute()).map((r) => cellOfRow({ ...r, compliance: 'none' }));
    };
    if ('staffIds' in population) return (await Promise.all(chunks(population.staffIds).map(run))).flat();
    return run(null);
  }

  /** Monthly counts per staff group from `fromMonth` to `toMonth` (YYYY-MM), each as at the month's last day. */
  async monthly(fromMonth: string, toMonth: string, population: AggregatePopulation, filter: AggregateFilter = {}): Promise<Map<string, MonthCounts[]>> {
    const months: string[] = [];
    for (let [y, m] = fromMonth.split('-').map(Number) as [number, number]; `${String(y)}-${String(m).padStart(2, '0')}` <= toMonth; m === 12 ? (y++, m = 1) : m++) {
      months.push(`${String(y)}-${String(m).padStart(2, '0')}`);
    }
    const columns = ['started_on', ...LITERACY_LEVEL_CODES.map((l) => LEVEL_DAY_COLUMNS[l])] as const;
    // Per column, staff group and month: how many people's day falls in that month.
    const found = new Map<string, Map<string, Map<string, number>>>();
    for (const column of columns) {
      const month = sql<string>`substr(${sql.ref(column)}, 1, 7)`;
      const run = async (ids: readonly string[] | null) => {
        let q = this.db.selectFrom('insights_staff').select(['staff_group_code']).select(month.as('month')).select((eb) => eb.fn.countAll<number | string>().as('people'))
          .where(sql.ref(column), 'is not', null).where(sql.ref(column), '<=', `${toMonth}-31`).groupBy(sql.raw('1, 2'));
        if (ids !== null) q = q.where('staff_id', 'in', [...ids]);
        else if ('organisations' in population && population.organisations !== 'all') q = q.where('organisation_code', 'in', population.organisations.length > 0 ? [...population.organisations] : ['']);
        if (filter.organisationCode !== undefined) q = q.where('organisation_code', '=', filter.organisationCode);
        if (filter.staffGroupCode !== undefined) q = q.where('staff_group_code', '=', filter.staffGroupCode);
        return q.execute();
      };
      const rows = 'staffIds' in population ? (await Promise.all(chunks(population.staffIds).map(run))).flat() : await run(null);
      for (const r of rows) {
        const byGroup = found.get(r.staff_group_code) ?? new Map<string, Map<string, number>>();
        const byMonth = byGroup.get(column) ?? new Map<string, number>();
        byMonth.set(r.month, (byMonth.get(r.month) ?? 0) + Number(r.people));
        byGroup.set(column, byMonth);
        found.set(r.staff_group_code, byGroup);
      }
    }
    const out = new Map<string, MonthCounts[]>();
    for (const [group, byColumn] of found) {
      const running = new Map<string, number>(columns.map((c) => [c, 0]));
      // Everything before the first month counts towards it.
      for (const [column, byMonth] of byColumn) for (const [m, n] of byMonth) if (m < (months[0] ?? '')) running.set(column, (running.get(column) ?? 0) + n);
      out.set(group, months.map((month) => {
        for (const [column, byMonth] of byColumn) running.set(column, (running.get(column) ?? 0) + (byMonth.get(month) ?? 0));
        return {
          month, people: running.get('started_on') ?? 0,
          atOrAbove: Object.fromEntries(LITERACY_LEVEL_CODES.map((l) => [l, running.get(LEVEL_DAY_COLUMNS[l]) ?? 0])) as Record<LiteracyLevelCode, number>,
        };
      }));
    }
    return out;
  }

  /**
   * What moved people: per module, how many people in the population first
   * completed it (any version) from `since`; per event, how many attended a
   * session starting from `since`. Largest first.
   */
  async movers(population: AggregatePopulation, filter: AggregateFilter, since: Date, until: Date): Promise<{ modules: { moduleId: string; people: number }[]; events: { eventId: string; titleEn: string; titleCy: string; people: number }[] }> {
    const staffFilter = (ids: readonly string[] | null) => {
      let q = this.db.selectFrom('staff').select('staff.id').where('staff.active', '=', true);
      if (ids !== null) q = q.where('staff.id', 'in', [...ids]);
      else if ('organisations' in population && population.organisations !== 'all') q = q.where('staff.organisation_code', 'in', population.organisations.length > 0 ? [...population.organisations] : ['']);
      if (filter.organisationCode !== undefined) q = q.where('staff.organisation_code', '=', filter.organisationCode);
      if (filter.staffGroupCode !== undefined) q = q.where('staff.staff_group_code', '=', filter.staffGroupCode);
      return q;
    };
    const moduleRows = async (ids: readonly string[] | null) => this.db.selectFrom('module_completions')
      .innerJoin('users', 'users.id', 'module_completions.user_id')
      .select('module_completions.module_id as moduleId').select((eb) => eb.fn.count<number | string>('users.staff_id').distinct().as('people'))
      .where('module_completions.completed_at', '>=', since).where('module_completions.completed_at', '<', until)
      .where('users.staff_id', 'in', staffFilter(ids))
      .groupBy('module_completions.module_id').execute();
    const eventRows = async (ids: readonly string[] | null) => this.db.selectFrom('event_bookings')
      .innerJoin('event_sessions', 'event_sessions.id', 'event_bookings.session_id')
      .innerJoin('events', 'events.id', 'event_sessions.event_id')
      .innerJoin('users', 'users.id', 'event_bookings.user_id')
      .select(['events.id as eventId', 'events.title_en as titleEn', 'events.title_cy as titleCy']).select((eb) => eb.fn.count<number | string>('users.staff_id').distinct().as('people'))
      .where('event_bookings.status', '=', 'attended').where('event_sessions.starts_at', '>=', since).where('event_sessions.starts_at', '<', until)
      .where('users.staff_id', 'in', staffFilter(ids))
      .groupBy(['events.id', 'events.title_en', 'events.title_cy']).execute();
    // A team is small: its ids go in one list (no two chunks can count one person twice).
    const ids = 'staffIds' in population ? population.staffIds : null;
    const [modules, events] = await Promise.all([moduleRows(ids), eventRows(ids)]);
    return {
      modules: modules.map((r) => ({ moduleId: r.moduleId, people: Number(r.people) })).sort((a, b) => b.people - a.people || a.moduleId.localeCompare(b.moduleId)),
      events: events.map((r) => ({ eventId: r.eventId, titleEn: r.titleEn, titleCy: r.titleCy, people: Number(r.people) })).sort((a, b) => b.people - a.people || a.eventId.localeCompare(b.eventId)),
    };
  }

  async refreshState(): Promise<{ refreshedAt: Date; refreshedOn: string; requirementsFingerprint: string } | undefined> {
    const row = await this.db.selectFrom('insights_refresh').selectAll().where('id', '=', 1).executeTakeFirst();
    return row === undefined ? undefined : { refreshedAt: new Date(row.refreshed_at), refreshedOn: row.refreshed_on, requirementsFingerprint: row.requirements_fingerprint };
  }

  async setRefreshState(refreshedAt: Date, refreshedOn: string, requirementsFingerprint: string): Promise<void> {
    await this.db.insertInto('insights_refresh').values({ id: 1, refreshed_at: refreshedAt, refreshed_on: refreshedOn, requirements_fingerprint: requirementsFingerprint })
      .onConflict((oc) => oc.column('id').doUpdateSet({ refreshed_at: refreshedAt, refreshed_on: refreshedOn, requirements_fingerprint: requirementsFingerprint })).execute();
  }
}
