// A published literacy table as text, in the reader's language: the one
// rendering that both the page and the CSV export use, so an export can never
// show a cell the page withholds. Each count is a number, "fewer than 5" or
// "withheld" (docs/insights.md).

import {
  COMPLIANCE_COLUMNS, LEVEL_COLUMNS, TARGET_COLUMNS, drillsTo,
  type Dimension, type InsightsFilter, type LiteracyRow, type LiteracyTable, type PublishedCount,
} from '../../domain/insights/index.js';
import { AGE_BANDS, ORGANISATIONS, PAY_BANDS, STAFF_GROUPS } from '../../domain/staff/index.js';

type Translate = (key: string, params?: Readonly<Record<string, string | number>>) => string;

export interface TableSection {
  readonly id: 'levels' | 'target' | 'compliance';
  readonly headers: readonly string[];
}

export interface ViewRow {
  readonly label: string;
  /** A shorter name for the chart's axis (an organisation's short name), else the label. */
  readonly shortLabel: string;
  /** Meeting target as a percentage, when shown (for the chart). */
  readonly meetingPercent: number | null;
  /** Where the row drills down to (a path with query), or null. */
  readonly href: string | null;
  readonly people: string;
  readonly levels: readonly string[];
  readonly target: readonly string[];
  readonly compliance: readonly string[];
}

export interface LiteracyView {
  readonly by: Dimension;
  readonly sections: readonly TableSection[];
  readonly rows: readonly ViewRow[];
  readonly total: ViewRow;
}

/** The order rows are listed in for each dimension (reference data's own order); job roles alphabetically. */
export function orderOf(by: Dimension): readonly string[] {
  switch (by) {
    case 'organisation': return ORGANISATIONS.map((o) => o.code);
    case 'staffGroup': return STAFF_GROUPS.map((g) => g.code);
    case 'band': return [...PAY_BANDS].sort((a, b) => a.order - b.order).map((b) => b.code);
    case 'ageBand': return AGE_BANDS;
    case 'jobRole': return [];
  }
}

export function labelOf(by: Dimension, key: string, lang: 'en' | 'cy', t: Translate): string {
  switch (by) {
    case 'organisation': return ORGANISATIONS.find((o) => o.code === key)?.name[lang] ?? key;
    case 'staffGroup': return STAFF_GROUPS.find((g) => g.code === key)?.name[lang] ?? key;
    case 'band': return PAY_BANDS.find((b) => b.code === key)?.name[lang] ?? key;
    case 'ageBand': return (AGE_BANDS as readonly string[]).includes(key) ? t(`ageBands.${key}`) : key;
    case 'jobRole': return key;
  }
}

export function countText(cell: PublishedCount, lang: 'en' | 'cy', t: Translate): string {
  if (cell.state !== 'shown') return t(cell.state === 'small' ? 'insights.fewerThan5' : 'insights.withheld');
  return cell.count.toLocaleString(lang === 'cy' ? 'cy-GB' : 'en-GB');
}

function percentText(percent: number | null, t: Translate): string {
  return percent === null ? t('insights.notShown') : t('insights.percent', { percent });
}

export function literacyView(table: LiteracyTable, filter: InsightsFilter, lang: 'en' | 'cy', t: Translate): LiteracyView {
  const drill = drillsTo(filter, table.by);
  const text = (c: PublishedCount) => countText(c, lang, t);
  const rowOf = (row: LiteracyRow, label: string, href: string | null): ViewRow => ({
    label, href, shortLabel: table.by === 'organisation' ? ORGANISATIONS.find((o) => o.code === row.key)?.shortName[lang] ?? label : label, people: text(row.people), meetingPercent: row.meetingPercent,
    levels: LEVEL_COLUMNS.map((c) => text(row.levels[c])),
    target: [...TARGET_COLUMNS.map((c) => text(row.target[c])), percentText(row.meetingPercent, t)],
    compliance: [...COMPLIANCE_COLUMNS.map((c) => text(row.compliance[c])), percentText(row.overduePercent, t)],
  });
  const hrefOf = (key: string): string | null => {
    if (drill === 'organisation') return `/insights?${new URLSearchParams({ org: key }).toString()}`;
    if (drill === 'staffGroup' && filter.organisationCode !== undefined) return `/insights?${new URLSearchParams({ org: filter.organisationCode, group: key }).toString()}`;
    return null;
  };
  return {
    by: table.by,
    sections: [
      { id: 'levels', headers: LEVEL_COLUMNS.map((c) => t(`insights.level.${c}`)) },
      { id: 'target', headers: [...TARGET_COLUMNS.map((c) => t(`insights.target.${c}`)), t('insights.target.meetingPercent')] },
      { id: 'compliance', headers: [...COMPLIANCE_COLUMNS.map((c) => t(`insights.compliance.${c}`)), t('insights.compliance.overduePercent')] },
    ],
    rows: table.rows.map((r) => rowOf(r, labelOf(table.by, r.key, lang, t), hrefOf(r.key))),
    total: rowOf(table.total, t('insights.total'), null),
  };
}

/** Every cell of the view as CSV records: a header, one record per row, the total last. */
export function literacyCsvRecords(view: LiteracyView, t: Translate): string[][] {
  const header = [t(`insights.by.${view.by}`), t('insights.people'), ...view.sections.flatMap((s) => s.headers)];
  const record = (r: ViewRow) => [r.label, r.people, ...r.levels, ...r.target, ...r.compliance];
  return [header, ...view.rows.map(record), record(view.total)];
}
