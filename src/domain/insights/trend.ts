// The trend over time and the largest gaps, as published figures. Pure.
// The trend is counted from the day each person reached each level (kept with
// the aggregates), month by month; the gaps are the (organisation, staff
// group) groups with the smallest share meeting their staff group's target,
// from a suppressed table, so a gap is only ever a percentage already shown.

import type { LiteracyLevelCode } from '../learning/index.js';
import { literacyTable, type LiteracyPerson, type PublishedCount } from './literacy.js';

/** Per month (YYYY-MM), the people counted at its end and how many had reached each level by then. */
export interface MonthCounts {
  readonly month: string;
  readonly people: number;
  readonly atOrAbove: Readonly<Record<LiteracyLevelCode, number>>;
}

export interface TrendPoint {
  readonly month: string;
  /** People counted, to the nearest 5; "small" under 5. */
  readonly people: PublishedCount;
  /** At awareness or above, as a whole-number percentage, when shown. */
  readonly awarenessPercent: number | null;
  /** Meeting their staff group's target, as a whole-number percentage, when shown. */
  readonly meetingPercent: number | null;
}

/**
 * A share is shown only when at least 5 people are in it and at least 5 are
 * not (so neither side is a small group), and the people only to the nearest
 * 5: consecutive months cannot be subtracted to count a handful of people.
 */
function shareOf(part: number, whole: number): number | null {
  return part >= 5 && whole - part >= 5 ? Math.round((100 * part) / whole) : null;
}

export function roundedCount(n: number): PublishedCount {
  return n < 5 ? { state: 'small' } : { state: 'shown', count: Math.max(5, Math.round(n / 5) * 5) };
}

export function trendOf(byGroup: ReadonlyMap<string, readonly MonthCounts[]>, targetOf: (staffGroupCode: string) => LiteracyLevelCode | null): TrendPoint[] {
  const months = new Map<string, { people: number; awareness: number; meeting: number }>();
  for (const [group, series] of byGroup) {
    const target = targetOf(group);
    for (const m of series) {
      const at = months.get(m.month) ?? { people: 0, awareness: 0, meeting: 0 };
      at.people += m.people;
      at.awareness += m.atOrAbove.awareness;
      // No target: nobody counts as meeting one (as the table's "no target" column).
      if (target !== null) at.meeting += m.atOrAbove[target];
      months.set(m.month, at);
    }
  }
  return [...months.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([month, c]) => ({
    month, people: roundedCount(c.people), awarenessPercent: shareOf(c.awareness, c.people), meetingPercent: shareOf(c.meeting, c.people),
  }));
}

export interface Gap {
  readonly organisationCode: string;
  readonly staffGroupCode: string;
  readonly target: LiteracyLevelCode | null;
  readonly people: PublishedCount;
  readonly meetingPercent: number;
}

/**
 * The ten (organisation, staff group) groups with the smallest share meeting
 * target, among those whose share is shown. Each organisation's shares come
 * from its own table by staff group, the very table its drill-down page
 * publishes, so a gap never shows a figure that page withholds.
 */
export function largestGaps(people: readonly LiteracyPerson[], limit = 10): Gap[] {
  const byOrganisation = new Map<string, LiteracyPerson[]>();
  for (const p of people) {
    if (p.target === null) continue;
    const list = byOrganisation.get(p.organisationCode);
    if (list === undefined) byOrganisation.set(p.organisationCode, [p]);
    else list.push(p);
  }
  const targets = new Map(people.map((p) => [p.staffGroupCode, p.target]));
  const gaps: Gap[] = [];
  for (const [organisationCode, members] of byOrganisation) {
    for (const r of literacyTable(members, 'staffGroup').rows) {
      if (r.meetingPercent !== null) gaps.push({ organisationCode, staffGroupCode: r.key, target: targets.get(r.key) ?? null, people: r.people, meetingPercent: r.meetingPercent });
    }
  }
  return gaps.sort((a, b) => a.meetingPercent - b.meetingPercent || a.organisationCode.localeCompare(b.organisationCode) || a.staffGroupCode.localeCompare(b.staffGroupCode)).slice(0, limit);
}

/** Share of people at a level or above (for targets): shown under the same rule as the trend. */
export function levelShare(counts: MonthCounts, level: LiteracyLevelCode): number | null {
  return shareOf(counts.atOrAbove[level], counts.people);
}

