// Genomic literacy across a population of staff, as published tables: the
// share at each literacy level, how many meet their staff group's target, and
// required-learning compliance, broken down by one dimension at a time (with a
// drill-down Wales → organisation → staff group → job role). Pure: takes one
// row per active member of staff with their level and compliance already
// worked out, returns tables with every cell's suppression decided
// (suppression.ts). It never names a person and never decides who may see
// which people: the route chooses the population.

import { COMPETENCIES, LITERACY_LEVEL_CODES, levelRank, type LiteracyLevelCode, type RequirementStatus } from '../learning/index.js';
import { suppress, type CellState, type Relation } from './suppression.js';

export const DIMENSIONS = ['organisation', 'staffGroup', 'band', 'jobRole', 'ageBand'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** What insights need of one active member of staff. */
export interface LiteracyPerson {
  readonly organisationCode: string;
  readonly staffGroupCode: string;
  readonly bandCode: string;
  readonly jobRole: string;
  readonly ageBand: string;
  /** The highest level reached (literacyLevelOf), or null before awareness. */
  readonly level: LiteracyLevelCode | null;
  /** The level their staff group is expected to reach, or null when it has none. */
  readonly target: LiteracyLevelCode | null;
  readonly compliance: Compliance;
  /** How many people this row stands for (kept aggregates: one row per cell); 1 when absent. */
  readonly weight?: number;
}

/** A person's required learning as one word: anything overdue, else anything due, else all complete; or nothing required. */
export type Compliance = 'overdue' | 'due' | 'complete' | 'none';

export const LEVEL_COLUMNS = ['none', ...LITERACY_LEVEL_CODES] as const;
export const TARGET_COLUMNS = ['meeting', 'below', 'noTarget'] as const;
export const COMPLIANCE_COLUMNS = ['complete', 'due', 'overdue', 'none'] as const;
export type LevelColumn = (typeof LEVEL_COLUMNS)[number];
export type TargetColumn = (typeof TARGET_COLUMNS)[number];
export type ComplianceColumn = (typeof COMPLIANCE_COLUMNS)[number];

/** A published count: the number, or why it is not shown. */
export type PublishedCount = { readonly state: 'shown'; readonly count: number } | { readonly state: 'small' | 'withheld' };

export interface LiteracyRow {
  /** The dimension's value (organisation code, staff group code, band code, job role, age band); '' for the total row. */
  readonly key: string;
  readonly people: PublishedCount;
  readonly levels: Readonly<Record<LevelColumn, PublishedCount>>;
  readonly target: Readonly<Record<TargetColumn, PublishedCount>>;
  readonly compliance: Readonly<Record<ComplianceColumn, PublishedCount>>;
  /** Meeting target as a whole-number percentage of the row's people, when both counts are shown. */
  readonly meetingPercent: number | null;
  /** Overdue as a whole-number percentage of the row's people, when both counts are shown. */
  readonly overduePercent: number | null;
}

export interface LiteracyTable {
  readonly by: Dimension;
  readonly rows: readonly LiteracyRow[];
  readonly total: LiteracyRow;
}

/** Where in the drill-down a view is: Wales, one organisation, or one staff group within one. */
export interface InsightsFilter {
  readonly organisationCode?: string | undefined;
  readonly staffGroupCode?: string | undefined;
}

/**
 * A funded university module completed with credits (an outcome "completed"),
 * where the module maps to a literacy level: evidence that the person has
 * reached that level (docs/funded-places.md, "Outcomes and literacy").
 */
export interface FundedCredit {
  readonly level: LiteracyLevelCode;
  /** When the outcome was recorded. */
  readonly at: Date;
}

/** A funded university module completed with credits, whatever it maps to (level null: none). */
export interface FundedCompletion {
  readonly level: LiteracyLevelCode | null;
  readonly competencies: readonly string[];
  readonly at: Date;
}

/** What one person has reached: their literacy level and the framework's competencies their learning covers. */
export interface PersonLiteracy {
  readonly level: LiteracyLevelCode | null;
  /** Framework competency ids, in the framework's order. */
  readonly competencies: readonly string[];
}

/**
 * A person's level (literacyLevelOf, funded completions counted) and the
 * competencies covered: those of every Genomeg module completed (any version)
 * and of every funded module completed with credits; ids not in the framework
 * are left out.
 */
export function personLiteracy(
  completed: ReadonlySet<string>,
  offered: readonly { readonly id: string; readonly level: LiteracyLevelCode; readonly competencies?: readonly string[] }[],
  funded: readonly { readonly level: LiteracyLevelCode | null; readonly competencies: readonly string[] }[],
): PersonLiteracy {
  const credits = funded.flatMap((f) => (f.level === null ? [] : [{ level: f.level }]));
  const covered = new Set<string>([
    ...offered.filter((m) => completed.has(m.id)).flatMap((m) => m.competencies ?? []),
    ...funded.flatMap((f) => f.competencies),
  ]);
  return { level: literacyLevelOf(completed, offered, credits), competencies: COMPETENCIES.filter((c) => covered.has(c.id)).map((c) => c.id) };
}

/** The highest level any funded completion credits, or null. */
export function creditedLevel(credits: readonly { readonly level: LiteracyLevelCode }[]): LiteracyLevelCode | null {
  let best: LiteracyLevelCode | null = null;
  for (const c of credits) if (best === null || levelRank(c.level) > levelRank(best)) best = c.level;
  return best;
}

/**
 * A person's literacy level: climbing from awareness, the highest level for
 * which every level up to it is met. A level is met when every module offered
 * at it has been completed (any version), or when a funded university module
 * mapped to that level or a higher one was completed with credits. A level
 * with no module offered and no funded completion stops the climb: nobody can
 * be credited with a level there is no learning for. null means not yet at
 * awareness.
 */
export function literacyLevelOf(
  completed: ReadonlySet<string>, offered: readonly { readonly id: string; readonly level: LiteracyLevelCode }[],
  credits: readonly { readonly level: LiteracyLevelCode }[] = [],
): LiteracyLevelCode | null {
  const credited = creditedLevel(credits);
  let reached: LiteracyLevelCode | null = null;
  for (const level of LITERACY_LEVEL_CODES) {
    const byCredit = credited !== null && levelRank(level) <= levelRank(credited);
    const atLevel = offered.filter((m) => m.level === level);
    if (!byCredit && (atLevel.length === 0 || !atLevel.every((m) => completed.has(m.id)))) break;
    reached = level;
  }
  return reached;
}

export function complianceOf(statuses: readonly RequirementStatus[]): Compliance {
  if (statuses.length === 0) return 'none';
  if (statuses.includes('overdue')) return 'overdue';
  if (statuses.includes('due')) return 'due';
  return 'complete';
}

export function meetsTarget(level: LiteracyLevelCode | null, target: LiteracyLevelCode): boolean {
  return level !== null && levelRank(level) >= levelRank(target);
}

export function keyOf(person: LiteracyPerson, by: Dimension): string {
  switch (by) {
    case 'organisation': return person.organisationCode;
    case 'staffGroup': return person.staffGroupCode;
    case 'band': return person.bandCode;
    case 'jobRole': return person.jobRole;
    case 'ageBand': return person.ageBand;
  }
}

/** The dimension a drill-down step breaks a view down by, unless the reader chose another. */
export function defaultDimension(filter: InsightsFilter): Dimension {
  if (filter.organisationCode === undefined) return 'organisation';
  if (filter.staffGroupCode === undefined) return 'staffGroup';
  return 'jobRole';
}

/** The dimension a row's link drills into, or null when the row is as far down as the view goes. */
export function drillsTo(filter: InsightsFilter, by: Dimension): 'organisation' | 'staffGroup' | null {
  if (by === 'organisation' && filter.organisationCode === undefined) return 'organisation';
  if (by === 'staffGroup' && filter.organisationCode !== undefined && filter.staffGroupCode === undefined) return 'staffGroup';
  return null;
}

export function within(people: readonly LiteracyPerson[], filter: InsightsFilter): LiteracyPerson[] {
  return people.filter((p) => (filter.organisationCode === undefined || p.organisationCode === filter.organisationCode)
    && (filter.staffGroupCode === undefined || p.staffGroupCode === filter.staffGroupCode));
}

const COLUMN_GROUPS = [LEVEL_COLUMNS.length, TARGET_COLUMNS.length, COMPLIANCE_COLUMNS.length] as const;
const WIDTH = 1 + COLUMN_GROUPS.reduce((a, b) => a + b, 0);

function countsOf(people: readonly LiteracyPerson[]): number[] {
  const out = new Array<number>(WIDTH).fill(0);
  for (const p of people) {
    const weight = p.weight ?? 1;
    const bump = (i: number) => { out[i] = (out[i] ?? 0) + weight; };
    bump(0);
    bump(1 + LEVEL_COLUMNS.indexOf(p.level ?? 'none'));
    const target: TargetColumn = p.target === null ? 'noTarget' : meetsTarget(p.level, p.target) ? 'meeting' : 'below';
    bump(1 + LEVEL_COLUMNS.length + TARGET_COLUMNS.indexOf(target));
    bump(1 + LEVEL_COLUMNS.length + TARGET_COLUMNS.length + COMPLIANCE_COLUMNS.indexOf(p.compliance));
  }
  return out;
}

/**
 * The relations a reader has between the cells of a grid of rows (the last
 * row being the total): in each row, each group of columns sums to the row's
 * people; in each column, the rows sum to the total row.
 */
export function gridRelations(rowCount: number): Relation[] {
  const cell = (r: number, c: number) => r * WIDTH + c;
  const relations: Relation[] = [];
  const totalRow = rowCount - 1;
  for (let r = 0; r < rowCount; r++) {
    let start = 1;
    for (const size of COLUMN_GROUPS) {
      relations.push([[cell(r, 0), -1], ...Array.from({ length: size }, (_, k): [number, number] => [cell(r, start + k), 1])]);
      start += size;
    }
  }
  // A table with no rows but its total has no column sums (nobody to add up).
  for (let c = 0; c < WIDTH && totalRow > 0; c++) {
    relations.push([[cell(totalRow, c), -1], ...Array.from({ length: totalRow }, (_, r): [number, number] => [cell(r, c), 1])]);
  }
  return relations;
}

/**
 * What a reader knows of a row whose people all share one target (a single staff group: targets
 * are public): meeting target is the sum of the levels at or above it, and "no target" is zero;
 * or, with no target, "meeting" and "below" are zero.
 */
export function targetRelations(members: readonly (readonly LiteracyPerson[])[]): { relations: Relation[]; known: boolean[] } {
  const known = new Array<boolean>(members.length * WIDTH).fill(false);
  const relations: Relation[] = [];
  const targetStart = 1 + LEVEL_COLUMNS.length;
  members.forEach((row, r) => {
    const targets = new Set(row.map((p) => p.target));
    if (targets.size !== 1) return;
    const [target] = [...targets];
    const cell = (c: number) => r * WIDTH + c;
    if (target === null || target === undefined) {
      known[cell(targetStart)] = true;
      known[cell(targetStart + 1)] = true;
      return;
    }
    known[cell(targetStart + 2)] = true;
    const atOrAbove = LEVEL_COLUMNS.flatMap((level, k): [number, number][] => (level !== 'none' && levelRank(level) >= levelRank(target) ? [[cell(1 + k), 1]] : []));
    relations.push([[cell(targetStart), -1], ...atOrAbove]);
  });
  return { relations, known };
}

function published(value: number, state: CellState): PublishedCount {
  return state === 'shown' ? { state, count: value } : { state };
}

function percent(part: PublishedCount, whole: PublishedCount): number | null {
  return part.state === 'shown' && whole.state === 'shown' && whole.count > 0 ? Math.round((100 * part.count) / whole.count) : null;
}

function rowOf(key: string, values: readonly number[], states: readonly CellState[]): LiteracyRow {
  const at = (i: number) => published(values[i] ?? 0, states[i] ?? 'withheld');
  const record = <C extends string>(columns: readonly C[], offset: number) =>
    Object.fromEntries(columns.map((c, k) => [c, at(offset + k)])) as Record<C, PublishedCount>;
  const levels = record(LEVEL_COLUMNS, 1);
  const target = record(TARGET_COLUMNS, 1 + LEVEL_COLUMNS.length);
  const compliance = record(COMPLIANCE_COLUMNS, 1 + LEVEL_COLUMNS.length + TARGET_COLUMNS.length);
  const people = at(0);
  return { key, people, levels, target, compliance, meetingPercent: percent(target.meeting, people), overduePercent: percent(compliance.overdue, people) };
}

/**
 * The published table for these people broken down by one dimension: one row
 * per value present (in the order given by `order`, unknown values last,
 * alphabetically), and a total row, with small counts suppressed.
 */
export function literacyTable(people: readonly LiteracyPerson[], by: Dimension, order: readonly string[] = []): LiteracyTable {
  const groups = new Map<string, LiteracyPerson[]>();
  for (const p of people) {
    const key = keyOf(p, by);
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [p]);
    else list.push(p);
  }
  const rank = (key: string) => { const i = order.indexOf(key); return i === -1 ? order.length : i; };
  const keys = [...groups.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b, 'en-GB'));
  const members = [...keys.map((k) => groups.get(k) ?? []), people];
  const grid = members.map(countsOf);
  const values = grid.flat();
  const isTotal = grid.flatMap((row, r) => row.map((_, c) => c === 0 || r === grid.length - 1));
  const { relations, known } = targetRelations(members);
  const meetingColumn = 1 + LEVEL_COLUMNS.length;
  const overdueColumn = 1 + LEVEL_COLUMNS.length + TARGET_COLUMNS.length + COMPLIANCE_COLUMNS.indexOf('overdue');
  const headline = values.map((_, i) => i % WIDTH === meetingColumn || i % WIDTH === overdueColumn);
  const states = suppress({ values, isTotal, relations: [...gridRelations(grid.length), ...relations], known, headline });
  const rowAt = (r: number, key: string) => rowOf(key, values.slice(r * WIDTH, (r + 1) * WIDTH), states.slice(r * WIDTH, (r + 1) * WIDTH));
  return { by, rows: keys.map((k, r) => rowAt(r, k)), total: rowAt(keys.length, '') };
}

/** Every count of a table in order (people, levels, target, compliance), row by row, total last: for tests and exports. */
export function cellsOf(row: LiteracyRow): PublishedCount[] {
  return [row.people, ...LEVEL_COLUMNS.map((c) => row.levels[c]), ...TARGET_COLUMNS.map((c) => row.target[c]), ...COMPLIANCE_COLUMNS.map((c) => row.compliance[c])];
}
