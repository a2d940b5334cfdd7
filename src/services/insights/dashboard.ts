// Everything one insights view shows, gathered from the kept aggregates for a
// reader's population and rendered to text in their language: the breakdown
// table (today or "as at" a past day), the monthly trend, the groups furthest
// below target and what moved people. The page, the CSV and the XLSX exports
// all come from this one object, so an export never shows a cell the page
// withholds.

import { createHash } from 'node:crypto';
import { DEFAULT_REQUIRED_LEVEL, addDays, type LiteracyLevelCode } from '../../domain/learning/index.js';
import {
  largestGaps, literacyTable, peopleOfCells, trendOf,
  type AggregateCell, type Dimension, type InsightsFilter, type TrendPoint,
} from '../../domain/insights/index.js';
import { STAFF_GROUPS } from '../../domain/staff/index.js';
import type { InsightsAggregateStore } from '../../db/stores/insights-aggregate-store.js';
import type { InsightsPopulation } from '../../db/stores/insights-store.js';
import { cachedRead } from './read-cache.js';
import { countText, labelOf, literacyCsvRecords, literacyView, orderOf, type LiteracyView } from './literacy-view.js';

type Translate = (key: string, params?: Readonly<Record<string, string | number>>) => string;

const targetByGroup = new Map(STAFF_GROUPS.map((g) => [g.code, DEFAULT_REQUIRED_LEVEL[g.name.en] ?? null]));
export function staffGroupTarget(code: string): LiteracyLevelCode | null {
  return targetByGroup.get(code) ?? null;
}

export interface DashboardRequest {
  readonly population: InsightsPopulation | null;
  readonly filter: InsightsFilter;
  /** The filter the view's links are made for (a team's view links nowhere). */
  readonly linkFilter: InsightsFilter;
  readonly by: Dimension;
  /** YYYY-MM-DD in the past, or null for today. */
  readonly asAt: string | null;
  readonly today: string;
  /** Whether to look for the largest gaps (not for a team: too few groups). */
  readonly gaps: boolean;
  readonly lang: 'en' | 'cy';
  readonly t: Translate;
}

export interface TrendRow { readonly month: string; readonly label: string; readonly people: string; readonly awareness: string; readonly meeting: string; readonly point: TrendPoint }
export interface GapRow { readonly organisation: string; readonly staffGroup: string; readonly target: string; readonly people: string; readonly meeting: string; readonly href: string }
export interface MoverRow { readonly label: string; readonly people: string }

export interface Dashboard {
  readonly view: LiteracyView;
  readonly trend: readonly TrendRow[];
  readonly gaps: readonly GapRow[] | null;
  readonly modules: readonly MoverRow[];
  readonly events: readonly MoverRow[];
  /** The twelve months the movers are counted over, as text. */
  readonly moversPeriod: string;
}

export function monthLabel(month: string, lang: 'en' | 'cy'): string {
  return new Date(`${month}-15T12:00:00Z`).toLocaleDateString(lang === 'cy' ? 'cy-GB' : 'en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
}

export function dayLabel(day: string, lang: 'en' | 'cy'): string {
  return new Date(`${day}T12:00:00Z`).toLocaleDateString(lang === 'cy' ? 'cy-GB' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

export function monthsBefore(month: string, n: number): string {
  const [y = 2000, m = 1] = month.split('-').map(Number);
  const index = y * 12 + (m - 1) - n;
  return `${String(Math.floor(index / 12))}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** A population as part of a cache key: whole organisations by code, a team by a digest of its people's ids. */
export function populationKey(population: InsightsPopulation): string {
  if ('organisations' in population) return population.organisations === 'all' ? 'all' : `orgs:${[...population.organisations].sort().join(',')}`;
  return `team:${createHash('sha256').update([...population.staffIds].sort().join(',')).digest('hex')}`;
}

export async function dashboardOf(store: InsightsAggregateStore, modules: readonly { readonly manifest: { readonly id: string; readonly title: { readonly en: string; readonly cy: string } } }[], r: DashboardRequest): Promise<Dashboard> {
  const { t, lang } = r;
  const percent = (p: number | null) => (p === null ? t('insights.notShown') : t('insights.percent', { percent: p }));
  if (r.population === null) {
    return { view: literacyView(literacyTable([], r.by, orderOf(r.by)), r.linkFilter, lang, t), trend: [], gaps: null, modules: [], events: [], moversPeriod: '' };
  }
  const population = r.population;
  const day = r.asAt ?? r.today;
  // Every figure below is computed once per version of the kept aggregates, reader's population,
  // drill-down, day and dimension (read-cache.ts), then served again until the aggregates change.
  const base = [String(await store.version()), r.today, populationKey(population), r.filter.organisationCode ?? '', r.filter.staffGroupCode ?? '', r.asAt ?? ''].join('\u0001');
  const cellsBy = (by: Dimension) => (r.asAt === null ? store.cells(population, r.filter, by) : store.cellsAsAt(r.asAt, population, r.filter, by));
  // Any breakdown's cells keep organisation and staff group, all the gaps need: they are counted from the view's cells when these were just read.
  let viewCells: Promise<AggregateCell[]> | null = null;
  const table = await cachedRead(store, `table\u0001${base}\u0001${r.by}`, async () => {
    viewCells = cellsBy(r.by);
    return literacyTable(peopleOfCells(await viewCells, staffGroupTarget), r.by, orderOf(r.by));
  });
  const full = literacyView(table, r.linkFilter, lang, t);
  // Required learning is kept for today only.
  const view = r.asAt === null ? full : { ...full, sections: full.sections.filter((s) => s.id !== 'compliance') };

  const toMonth = day.slice(0, 7);
  const trendPoints = await cachedRead(store, `trend\u0001${base}`, async () => trendOf(await store.monthly(monthsBefore(toMonth, 23), toMonth, population, r.filter), staffGroupTarget));
  const trend = trendPoints.map((p): TrendRow => ({
    month: p.month, label: monthLabel(p.month, lang), people: countText(p.people, lang, t), awareness: percent(p.awarenessPercent), meeting: percent(p.meetingPercent), point: p,
  }));

  // The gaps need only organisation and staff group (any breakdown's cells keep both): one computation for every dimension.
  const gaps = !r.gaps ? null : (await cachedRead(store, `gaps\u0001${base}`, async () => largestGaps(peopleOfCells(await (viewCells ?? cellsBy('staffGroup')), staffGroupTarget)))).map((g): GapRow => ({
    organisation: labelOf('organisation', g.organisationCode, lang, t), staffGroup: labelOf('staffGroup', g.staffGroupCode, lang, t),
    target: g.target === null ? '' : t(`insights.level.${g.target}`), people: countText(g.people, lang, t), meeting: percent(g.meetingPercent),
    href: `/insights?${new URLSearchParams({ org: g.organisationCode, group: g.staffGroupCode }).toString()}`,
  }));

  // The twelve calendar months up to today's month; "as at" a past day, up to the last month complete by then.
  const moversTo = r.asAt === null || addDays(day, 1).slice(0, 7) !== toMonth ? toMonth : monthsBefore(toMonth, 1);
  const moversFrom = monthsBefore(moversTo, 11);
  const moversUntil = r.asAt === null ? day : addDays(`${monthsBefore(moversTo, -1)}-01`, -1);
  // Modules from the kept monthly counts (kept with the version); event attendance is not in the aggregates, so read each time.
  const [movedModules, movedEvents] = await Promise.all([
    cachedRead(store, `movers\u0001${base}\u0001${moversFrom}\u0001${moversTo}`, async () => (await store.movers(population, r.filter, moversFrom, moversTo, 'modules')).modules),
    store.movers(population, r.filter, moversFrom, moversTo, 'events').then((m) => m.events),
  ]);
  const moved = { modules: movedModules, events: movedEvents };
  const titles = new Map(modules.map((m) => [m.manifest.id, m.manifest.title[lang]]));
  // Each count alone: under 5 is "fewer than 5"; no totals are published beside them.
  const moverCount = (n: number) => countText(n < 5 ? { state: 'small' } : { state: 'shown', count: n }, lang, t);
  return {
    view, trend, gaps,
    modules: moved.modules.slice(0, 10).map((m) => ({ label: titles.get(m.moduleId) ?? m.moduleId, people: moverCount(m.people) })),
    events: moved.events.slice(0, 10).map((e) => ({ label: lang === 'cy' ? e.titleCy : e.titleEn, people: moverCount(e.people) })),
    moversPeriod: t('insights.movers.period', { from: dayLabel(`${moversFrom}-01`, lang), to: dayLabel(moversUntil, lang) }),
  };
}

/** The dashboard's parts as sheets of text: the table, the trend, the gaps, modules and events. */
export function dashboardSheets(d: Dashboard, t: Translate): { name: string; records: string[][] }[] {
  const sheets = [
    { name: t('insights.sheet.table'), records: literacyCsvRecords(d.view, t) },
    { name: t('insights.sheet.trend'), records: [[t('insights.trend.month'), t('insights.people'), t('insights.trend.awareness'), t('insights.trend.meeting')], ...d.trend.map((r) => [r.label, r.people, r.awareness, r.meeting])] },
  ];
  if (d.gaps !== null) {
    sheets.push({ name: t('insights.sheet.gaps'), records: [[t('insights.by.organisation'), t('insights.by.staffGroup'), t('insights.gaps.target'), t('insights.people'), t('insights.target.meetingPercent')], ...d.gaps.map((g) => [g.organisation, g.staffGroup, g.target, g.people, g.meeting])] });
  }
  sheets.push({ name: t('insights.sheet.modules'), records: [[t('insights.movers.module'), t('insights.movers.people')], ...d.modules.map((m) => [m.label, m.people])] });
  sheets.push({ name: t('insights.sheet.events'), records: [[t('insights.movers.event'), t('insights.movers.attended')], ...d.events.map((m) => [m.label, m.people])] });
  return sheets;
}
