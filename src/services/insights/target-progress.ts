// Progress against each literacy target, for a reader's population: the share
// of the target's staff group at its level or above, month by month over the
// last 24 months (the trend's rule: shown only when at least 5 people are on
// each side), and the straight line needed from this month's share to the
// target by its date. Text in the reader's language, for the page and exports.

import { levelShare, trajectory, type LiteracyTarget } from '../../domain/insights/index.js';
import type { InsightsAggregateStore } from '../../db/stores/insights-aggregate-store.js';
import type { InsightsPopulation } from '../../db/stores/insights-store.js';
import { dayLabel, monthLabel, monthsBefore, populationKey } from './dashboard.js';
import { cachedRead } from './read-cache.js';
import { labelOf } from './literacy-view.js';

type Translate = (key: string, params?: Readonly<Record<string, string | number>>) => string;

export interface TargetRow { readonly month: string; readonly label: string; readonly actual: number | null; readonly needed: number | null; readonly actualText: string; readonly neededText: string }

export interface TargetProgress {
  readonly target: LiteracyTarget;
  readonly heading: string;
  readonly now: number | null;
  readonly nowText: string;
  readonly rows: readonly TargetRow[];
}

export async function targetProgress(store: InsightsAggregateStore, targets: readonly LiteracyTarget[], population: InsightsPopulation, today: string, lang: 'en' | 'cy', t: Translate): Promise<TargetProgress[]> {
  const thisMonth = today.slice(0, 7);
  const percent = (p: number | null) => (p === null ? t('insights.notShown') : t('insights.percent', { percent: p }));
  const out: TargetProgress[] = [];
  // Each staff group's months, once per version of the kept aggregates (read-cache.ts).
  const version = await store.version();
  for (const target of targets) {
    const series = await cachedRead(store, ['target-months', String(version), today, populationKey(population), target.staffGroupCode].join('\u0001'),
      async () => (await store.monthly(monthsBefore(thisMonth, 23), thisMonth, population, { staffGroupCode: target.staffGroupCode })).get(target.staffGroupCode) ?? []);
    const actual = new Map(series.map((m) => [m.month, levelShare(m, target.level)]));
    const now = actual.get(thisMonth) ?? null;
    const needed = new Map(now === null ? [] : trajectory(target, thisMonth, now).map((p) => [p.month, p.needed]));
    const months = [...new Set([...actual.keys(), ...needed.keys()])].sort();
    out.push({
      target,
      heading: t('insights.targets.heading', { group: labelOf('staffGroup', target.staffGroupCode, lang, t), percent: target.percent, level: t(`insights.level.${target.level}`), date: dayLabel(target.dueOn, lang) }),
      now, nowText: percent(now),
      rows: months.map((month) => {
        const a = actual.get(month) ?? null;
        const n = needed.get(month) ?? null;
        return { month, label: monthLabel(month, lang), actual: a, needed: n, actualText: actual.has(month) ? percent(a) : '', neededText: needed.has(month) ? percent(n) : '' };
      }),
    });
  }
  return out;
}
