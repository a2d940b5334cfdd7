// The kept insights aggregates (migration 0027): each active member of staff's
// literacy facts (insights_staff) and their counts per cell (insights_cells).
// `apply` moves people between cells by the difference between their stored
// and new facts, so it can run inside the transaction that records a
// completion; `replaceAll` is the rebuild from scratch. Readers get cells
// (people per organisation, staff group, band, job role, age band, level and
// compliance), "as at" a past day from the days levels were reached, and the
// monthly counts behind the trend. Never stores or returns a name.

import { sql, type ExpressionBuilder, type Kysely, type OnConflictDatabase, type OnConflictTables } from 'kysely';
import { LITERACY_LEVEL_CODES, type LiteracyLevelCode } from '../../domain/learning/index.js';
import { cellKey, type AggregateCell, type Compliance, type Dimension, type MonthCounts, type StaffFacts } from '../../domain/insights/index.js';
import type { Database } from '../schema.js';
import type { InsightsStaffTable } from '../schema-insights.js';
import { batchSize, engineOf } from '../dialect.js';
import type { InsightsPopulation } from './insights-store.js';

const CHUNK = 500;
const DIMENSION_COLUMNS = ['organisation_code', 'staff_group_code', 'band_code', 'job_role', 'age_band'] as const;
const LEVEL_DAY_COLUMNS = { awareness: 'awareness_on', foundation: 'foundation_on', practitioner: 'practitioner_on', advanced: 'advanced_on', specialist: 'specialist_on' } as const;
const DIMENSION_COLUMN = { organisation: 'organisation_code', staffGroup: 'staff_group_code', band: 'band_code', jobRole: 'job_role', ageBand: 'age_band' } as const;
const MODULE_MEASURE = 'module:';
/** Just after every 'module:…' measure (':' + 1 = ';'): a range an index can serve, where LIKE may not. */
const MODULE_MEASURE_END = 'module;';

/** Kept monthly counts by key (organisation, staff group, measure, month joined by \u0001). */
export type MonthTally = Map<string, number>;

/** The (organisation, staff group, measure, month) a kept person counts in: their start, each level reached, each module first completed. */
function monthKeysOf(row: InsightsStaffTable): string[] {
  const key = (measure: string, day: string) => [row.organisation_code, row.staff_group_code, measure, day.slice(0, 7)].join('\u0001');
  const keys = [key('started', row.started_on)];
  for (const level of LITERACY_LEVEL_CODES) {
    const day = row[LEVEL_DAY_COLUMNS[level]];
    if (day !== null) keys.push(key(level, day));
  }
  for (const [moduleId, day] of Object.entries(JSON.parse(row.modules_first) as Record<string, string>)) keys.push(key(`${MODULE_MEASURE}${moduleId}`, day));
  return keys;
}

function tally(into: MonthTally, row: InsightsStaffTable, by: number): void {
  for (const k of monthKeysOf(row)) into.set(k, (into.get(k) ?? 0) + by);
}

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
    modules_first: JSON.stringify(f.modulesFirstOn),
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

/** A kept person's facts replaced by the row being inserted (ON CONFLICT … DO UPDATE). */
function replacedFacts(eb: ExpressionBuilder<OnConflictDatabase<Database, 'insights_staff'>, OnConflictTables<'insights_staff'>>) {
  return {
    organisation_code: eb.ref('excluded.organisation_code'), staff_group_code: eb.ref('excluded.staff_group_code'), band_code: eb.ref('excluded.band_code'),
    job_role: eb.ref('excluded.job_role'), age_band: eb.ref('excluded.age_band'), started_on: eb.ref('excluded.started_on'), level: eb.ref('excluded.level'),
    compliance: eb.ref('excluded.compliance'), awareness_on: eb.ref('excluded.awareness_on'), foundation_on: eb.ref('excluded.foundation_on'),
    practitioner_on: eb.ref('excluded.practitioner_on'), advanced_on: eb.ref('excluded.advanced_on'), specialist_on: eb.ref('excluded.specialist_on'),
    modules_first: eb.ref('excluded.modules_first'),
  };
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
    const months: MonthTally = new Map();
    const upserts: InsightsStaffTable[] = [];
    const seen = new Set<string>();
    for (const f of facts) {
      if (seen.has(f.staffId)) continue;
      seen.add(f.staffId);
      const row = rowOfFacts(f);
      const old = stored.get(f.staffId);
      if (old !== undefined && sameRow(old, row)) continue;
      if (old !== undefined) { move(old, -1); tally(months, old, -1); }
      move(row, 1);
      tally(months, row, 1);
      upserts.push(row);
    }
    const removed = gone.filter((id) => !seen.has(id) && stored.has(id));
    for (const id of removed) { move(stored.get(id) as InsightsStaffTable, -1); tally(months, stored.get(id) as InsightsStaffTable, -1); }
    await this.addMonths(months);
    const changes = [...deltas.values()].filter((d) => d.delta !== 0);
    for (const part of chunks(changes, batchSize(8))) {
      await this.db.insertInto('insights_cells').values(part.map(({ cell, delta }) => ({
        organisation_code: cell.organisationCode, staff_group_code: cell.staffGroupCode, band_code: cell.bandCode, job_role: cell.jobRole,
        age_band: cell.ageBand, level: cell.level ?? 'none', compliance: cell.compliance, people: delta,
      }))).onConflict((oc) => oc.columns(['organisation_code', 'staff_group_code', 'band_code', 'job_role', 'age_band', 'level', 'compliance'])
        .doUpdateSet((eb) => ({ people: eb(eb.ref('insights_cells.people'), '+', eb.ref('excluded.people')) }))).execute();
    }
    if (changes.some((c) => c.delta < 0)) await this.db.deleteFrom('insights_cells').where('people', '<=', 0).execute();
    for (const part of chunks(upserts, batchSize(15))) {
      await this.db.insertInto('insights_staff').values(part).onConflict((oc) => oc.column('staff_id').doUpdateSet(replacedFacts)).execute();
    }
    for (const part of chunks(removed)) await this.db.deleteFrom('insights_staff').where('staff_id', 'in', part).execute();
    if (upserts.length > 0 || removed.length > 0) await this.bumpVersion();
  }

  /** The kept aggregates' version: raised in the same transaction as any change to them (views computed at one version are served again until it moves). */
  async version(): Promise<number> {
    const row = await this.db.selectFrom('insights_version').select('version').where('id', '=', 1).executeTakeFirst();
    return Number(row?.version ?? 0);
  }

  private async bumpVersion(): Promise<void> {
    await this.db.updateTable('insights_version').set((eb) => ({ version: eb(eb.ref('version'), '+', 1) })).where('id', '=', 1).execute();
  }

  /** The ids of everyone kept (for the refresh job: who may have left). */
  async keptStaffIds(): Promise<string[]> {
    return (await this.db.selectFrom('insights_staff').select('staff_id').execute()).map((r) => r.staff_id);
  }

  /** Add these differences to the kept monthly counts (dropping counts that reach zero). */
  private async addMonths(months: MonthTally): Promise<void> {
    const changes = [...months.entries()].filter(([, n]) => n !== 0);
    for (const part of chunks(changes, batchSize(5))) {
      await this.db.insertInto('insights_months').values(part.map(([key, people]) => {
        const [organisation_code = '', staff_group_code = '', measure = '', month = ''] = key.split('\u0001');
        return { organisation_code, staff_group_code, measure, month, people };
      })).onConflict((oc) => oc.columns(['organisation_code', 'staff_group_code', 'measure', 'month'])
        .doUpdateSet((eb) => ({ people: eb(eb.ref('insights_months.people'), '+', eb.ref('excluded.people')) }))).execute();
    }
    if (changes.some(([, n]) => n < 0)) await this.db.deleteFrom('insights_months').where('people', '<=', 0).execute();
  }

  /**
   * The rebuild, in batches so that memory stays bounded (run it all in one
   * transaction): `clearAll`, then `insertFacts` for each batch of people
   * (tallying their months), then `finishRebuild` writes the cells and months.
   */
  /**
   * Whole recounts (the rebuild, and the job's pass over everyone) one at a
   * time: on PostgreSQL a lock held to the end of the caller's transaction
   * (SQLite writes one transaction at a time already). Without it a pass
   * running while the rebuild cleared the table added people the rebuild then
   * added again (a duplicate key, and the rebuild lost).
   */
  async lockForRecount(): Promise<void> {
    if (engineOf(this.db) === 'postgres') await sql`select pg_advisory_xact_lock(hashtext('insights:recount'))`.execute(this.db);
  }

  async clearAll(): Promise<void> {
    await this.db.deleteFrom('insights_cells').execute();
    await this.db.deleteFrom('insights_months').execute();
    await this.db.deleteFrom('insights_staff').execute();
    await this.bumpVersion();
  }

  async insertFacts(facts: readonly StaffFacts[], months: MonthTally): Promise<void> {
    for (const part of chunks(facts.map(rowOfFacts), batchSize(15))) {
      for (const row of part) tally(months, row, 1);
      // A person a live update (a pass, a mark) added while the table was cleared: the rebuild's facts replace theirs.
      await this.db.insertInto('insights_staff').values(part).onConflict((oc) => oc.column('staff_id').doUpdateSet(replacedFacts)).execute();
    }
  }

  async finishRebuild(months: MonthTally): Promise<void> {
    await this.db.insertInto('insights_cells')
      .columns([...DIMENSION_COLUMNS, 'level', 'compliance', 'people'])
      .expression(this.db.selectFrom('insights_staff').select([...DIMENSION_COLUMNS, 'level', 'compliance']).select((eb) => eb.fn.countAll<number | string>().as('people'))
        .groupBy([...DIMENSION_COLUMNS, 'level', 'compliance']))
      .execute();
    await this.addMonths(months);
  }

  /** Replace every kept fact and cell with these (the rebuild of a small set; run it in a transaction). */
  async replaceAll(facts: readonly StaffFacts[]): Promise<void> {
    const months: MonthTally = new Map();
    await this.clearAll();
    await this.insertFacts(facts, months);
    await this.finishRebuild(months);
  }

  /** The kept cells in the population and filter, today. */
  async cells(population: AggregatePopulation, filter: AggregateFilter = {}, by?: Dimension): Promise<AggregateCell[]> {
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
    // Broken down by one dimension: the other three that a table ignores are summed away in the query
    // (organisation and staff group stay: targets follow the staff group, gaps need both).
    const keep = by === undefined ? DIMENSION_COLUMNS : [...new Set(['organisation_code', 'staff_group_code', DIMENSION_COLUMN[by]] as const)];
    let q = this.db.selectFrom('insights_cells')
      .select(DIMENSION_COLUMNS.map((c) => (keep.includes(c) ? sql.ref<string>(c).as(c) : sql.lit('').as(c))))
      .select(['level', 'compliance']).select((eb) => eb.fn.sum<number | string>('people').as('people'))
      .groupBy([...keep, 'level', 'compliance']);
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
  async cellsAsAt(day: string, population: AggregatePopulation, filter: AggregateFilter = {}, by?: Dimension): Promise<AggregateCell[]> {
    const levelThen = sql<string>`case ${sql.join([...LITERACY_LEVEL_CODES].reverse().map((l) => sql`when ${sql.ref(LEVEL_DAY_COLUMNS[l])} <= ${day} then ${l}`), sql` `)} else 'none' end`;
    // Broken down by one dimension: as `cells`, the others are left out of the grouping.
    const keep: readonly string[] = by === undefined ? DIMENSION_COLUMNS : ['organisation_code', 'staff_group_code', DIMENSION_COLUMN[by]];
    const dimensions = DIMENSION_COLUMNS.map((c) => (keep.includes(c) ? sql.ref<string>(c).as(c) : sql<string>`max('')`.as(c)));
    const positions = sql.raw([...DIMENSION_COLUMNS.flatMap((c, i) => (keep.includes(c) ? [String(i + 1)] : [])), '6'].join(', '));
    const run = async (ids: readonly string[] | null) => {
      let q = this.db.selectFrom('insights_staff').select(dimensions).select(levelThen.as('level')).select((eb) => eb.fn.countAll<number | string>().as('people'))
        .where('started_on', '<=', day).groupBy(positions); // by position: PostgreSQL does not match the parameterised expression
      if (ids !== null) q = q.where('staff_id', 'in', [...ids]);
      else if ('organisations' in population && population.organisations !== 'all') q = q.where('organisation_code', 'in', population.organisations.length > 0 ? [...population.organisations] : ['']);
      if (filter.organisationCode !== undefined) q = q.where('organisation_code', '=', filter.organisationCode);
      if (filter.staffGroupCode !== undefined) q = q.where('staff_group_code', '=', filter.staffGroupCode);
      return (await q.execute()).map((r) => cellOfRow({ ...r, compliance: 'none' }));
    };
    if ('staffIds' in population) return (await Promise.all(chunks(population.staffIds).map(run))).flat();
    return run(null);
  }

  /**
   * Monthly counts per staff group from `fromMonth` to `toMonth` (YYYY-MM), each as at the month's last day.
   * Whole organisations read the kept monthly counts (a few thousand rows at most); a team is counted from its people's rows.
   */
  async monthly(fromMonth: string, toMonth: string, population: AggregatePopulation, filter: AggregateFilter = {}): Promise<Map<string, MonthCounts[]>> {
    const months: string[] = [];
    for (let [y, m] = fromMonth.split('-').map(Number) as [number, number]; `${String(y)}-${String(m).padStart(2, '0')}` <= toMonth; m === 12 ? (y++, m = 1) : m++) {
      months.push(`${String(y)}-${String(m).padStart(2, '0')}`);
    }
    const measures = ['started', ...LITERACY_LEVEL_CODES] as const;
    // Per staff group, measure and month: how many people's day falls in that month ('' for any month before `fromMonth`).
    const found = new Map<string, Map<string, Map<string, number>>>();
    const add = (group: string, measure: string, month: string, n: number) => {
      const byGroup = found.get(group) ?? new Map<string, Map<string, number>>();
      const byMonth = byGroup.get(measure) ?? new Map<string, number>();
      const at = month < fromMonth ? '' : month;
      byMonth.set(at, (byMonth.get(at) ?? 0) + n);
      byGroup.set(measure, byMonth);
      found.set(group, byGroup);
    };
    if ('staffIds' in population) {
      for (const measure of measures) {
        const column = measure === 'started' ? 'started_on' : LEVEL_DAY_COLUMNS[measure];
        const month = sql<string>`substr(${sql.ref(column)}, 1, 7)`;
        const run = async (ids: readonly string[]) => {
          let q = this.db.selectFrom('insights_staff').select(['staff_group_code']).select(month.as('month')).select((eb) => eb.fn.countAll<number | string>().as('people'))
            .where(sql.ref(column), 'is not', null).where(sql.ref(column), '<=', `${toMonth}-31`).where('staff_id', 'in', [...ids]).groupBy(sql.raw('1, 2'));
          if (filter.organisationCode !== undefined) q = q.where('organisation_code', '=', filter.organisationCode);
          if (filter.staffGroupCode !== undefined) q = q.where('staff_group_code', '=', filter.staffGroupCode);
          return q.execute();
        };
        for (const r of (await Promise.all(chunks(population.staffIds).map(run))).flat()) add(r.staff_group_code, measure, r.month, Number(r.people));
      }
    } else {
      const month = sql<string>`case when month < ${fromMonth} then '' else month end`;
      const q = this.db.selectFrom('insights_months').select(['staff_group_code', 'measure']).select(month.as('month')).select((eb) => eb.fn.sum<number | string>('people').as('people'))
        .where('measure', 'in', [...measures]).where('month', '<=', toMonth).where(this.monthsWhere(population, filter)).groupBy(sql.raw('1, 2, 3'));
      for (const r of await q.execute()) add(r.staff_group_code, r.measure, r.month, Number(r.people));
    }
    const out = new Map<string, MonthCounts[]>();
    for (const [group, byMeasure] of found) {
      const running = new Map<string, number>(measures.map((c) => [c, byMeasure.get(c)?.get('') ?? 0]));
      out.set(group, months.map((month) => {
        for (const [measure, byMonth] of byMeasure) running.set(measure, (running.get(measure) ?? 0) + (byMonth.get(month) ?? 0));
        return {
          month, people: running.get('started') ?? 0,
          atOrAbove: Object.fromEntries(LITERACY_LEVEL_CODES.map((l) => [l, running.get(l) ?? 0])) as Record<LiteracyLevelCode, number>,
        };
      }));
    }
    return out;
  }

  /** Whole organisations (or all) and the drill-down filter, on the kept monthly counts. */
  private monthsWhere(population: { readonly organisations: 'all' | readonly string[] }, filter: AggregateFilter) {
    return (eb: ExpressionBuilder<Database, 'insights_months'>) => eb.and([
      ...(population.organisations === 'all' ? [] : [eb('organisation_code', 'in', population.organisations.length > 0 ? [...population.organisations] : [''])]),
      ...(filter.organisationCode === undefined ? [] : [eb('organisation_code', '=', filter.organisationCode)]),
      ...(filter.staffGroupCode === undefined ? [] : [eb('staff_group_code', '=', filter.staffGroupCode)]),
    ]);
  }

  /**
   * What moved people: per module, how many people in the population first
   * completed it (any version) in the months `fromMonth` to `toMonth`
   * (YYYY-MM, from the kept monthly counts; a team from its people's kept
   * first days); per event, how many attended a session starting in those
   * months. Largest first. `parts` leaves out the events or the modules.
   */
  async movers(population: AggregatePopulation, filter: AggregateFilter, fromMonth: string, toMonth: string, parts: 'both' | 'modules' | 'events' = 'both'): Promise<{ modules: { moduleId: string; people: number }[]; events: { eventId: string; titleEn: string; titleCy: string; people: number }[] }> {
    const since = new Date(`${fromMonth}-01T00:00:00Z`);
    const [ty = 2000, tm = 1] = toMonth.split('-').map(Number);
    const until = new Date(Date.UTC(ty, tm, 1));
    const staffFilter = (ids: readonly string[] | null) => {
      let q = this.db.selectFrom('staff').select('staff.id').where('staff.active', '=', true);
      if (ids !== null) q = q.where('staff.id', 'in', ids.length > 0 ? [...ids] : ['']);
      else if ('organisations' in population && population.organisations !== 'all') q = q.where('staff.organisation_code', 'in', population.organisations.length > 0 ? [...population.organisations] : ['']);
      if (filter.organisationCode !== undefined) q = q.where('staff.organisation_code', '=', filter.organisationCode);
      if (filter.staffGroupCode !== undefined) q = q.where('staff.staff_group_code', '=', filter.staffGroupCode);
      return q;
    };
    const moduleRows = async (): Promise<{ moduleId: string; people: number }[]> => {
      if ('staffIds' in population) {
        const counts = new Map<string, number>();
        for (const part of chunks(population.staffIds)) {
          let q = this.db.selectFrom('insights_staff').select('modules_first').where('staff_id', 'in', part);
          if (filter.organisationCode !== undefined) q = q.where('organisation_code', '=', filter.organisationCode);
          if (filter.staffGroupCode !== undefined) q = q.where('staff_group_code', '=', filter.staffGroupCode);
          for (const r of await q.execute()) {
            for (const [moduleId, day] of Object.entries(JSON.parse(r.modules_first) as Record<string, string>)) {
              if (day.slice(0, 7) >= fromMonth && day.slice(0, 7) <= toMonth) counts.set(moduleId, (counts.get(moduleId) ?? 0) + 1);
            }
          }
        }
        return [...counts.entries()].map(([moduleId, people]) => ({ moduleId, people }));
      }
      const q = this.db.selectFrom('insights_months').select('measure').select((eb) => eb.fn.sum<number | string>('people').as('people'))
        .where((eb) => (engineOf(this.db) === 'sqlite'
          // SQLite's LIKE ignores case and so cannot use the index; a range can. (PostgreSQL's collation may not sort ':' before ';' as bytes do: LIKE there.)
          ? eb.and([eb('measure', '>=', MODULE_MEASURE), eb('measure', '<', MODULE_MEASURE_END)]) : eb('measure', 'like', `${MODULE_MEASURE}%`))).where('month', '>=', fromMonth).where('month', '<=', toMonth).where(this.monthsWhere(population, filter)).groupBy('measure');
      return (await q.execute()).map((r) => ({ moduleId: r.measure.slice(MODULE_MEASURE.length), people: Number(r.people) }));
    };
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
    // The modules come from the kept counts (a view may keep them with its figures); attendance is read from the bookings each time.
    const [modules, events] = await Promise.all([parts === 'events' ? [] : moduleRows(), parts === 'modules' ? [] : eventRows(ids)]);
    return {
      modules: modules.filter((m) => m.people > 0).sort((a, b) => b.people - a.people || a.moduleId.localeCompare(b.moduleId)),
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
