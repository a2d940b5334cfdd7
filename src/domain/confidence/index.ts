// Confidence self-assessment (issue 18): the training-needs segments of the
// Genomics Education Programme a learner rates each competency of a module in,
// before and after it, and the published table of those ratings: per module,
// competency and staff group, how many people gave each segment before and
// after, with the insights suppression rule (domain/insights/suppression.ts).
// Pure.

import { suppress, type CellState, type Relation } from '../insights/index.js';

export const SEGMENTS = ['competent', 'specific-need', 'unsure', 'not-relevant'] as const;
export type Segment = (typeof SEGMENTS)[number];
export const PHASES = ['before', 'after'] as const;
export type Phase = (typeof PHASES)[number];

export const isSegment = (v: unknown): v is Segment => typeof v === 'string' && (SEGMENTS as readonly string[]).includes(v);
export const isPhase = (v: unknown): v is Phase => typeof v === 'string' && (PHASES as readonly string[]).includes(v);

/** One person's latest rating of one competency of one module in one phase. */
export interface ConfidenceFact {
  readonly moduleId: string;
  readonly competencyId: string;
  readonly staffGroupCode: string;
  readonly phase: Phase;
  readonly segment: Segment;
}

export type ConfidenceCell = { readonly state: 'shown'; readonly count: number; readonly percent: number | null } | { readonly state: 'small' | 'withheld' };

export interface ConfidenceRow {
  readonly moduleId: string;
  readonly competencyId: string;
  readonly staffGroupCode: string;
  /** Per phase: a cell per segment, then the people who rated. */
  readonly before: { readonly segments: readonly ConfidenceCell[]; readonly total: ConfidenceCell };
  readonly after: { readonly segments: readonly ConfidenceCell[]; readonly total: ConfidenceCell };
  /** The change in each segment's share, in percentage points, where both shares are shown. */
  readonly change: readonly (number | null)[];
}

const S = SEGMENTS.length;

/** The sums a reader could use in one row: each phase's segments add up to its total. */
function rowRelations(): Relation[] {
  return [0, S + 1].map((start) => [...SEGMENTS.map((_, i): readonly [number, number] => [start + i, 1]), [start + S, -1] as const]);
}

/** Rows for every module, competency and staff group that has any rating, in the order given. No total across rows is published. */
export function confidenceTable(facts: readonly ConfidenceFact[], moduleOrder: readonly string[] = []): ConfidenceRow[] {
  const counts = new Map<string, { moduleId: string; competencyId: string; staffGroupCode: string; values: number[] }>();
  for (const f of facts) {
    const key = `${f.moduleId}\u0000${f.competencyId}\u0000${f.staffGroupCode}`;
    const entry = counts.get(key) ?? { moduleId: f.moduleId, competencyId: f.competencyId, staffGroupCode: f.staffGroupCode, values: new Array<number>(2 * (S + 1)).fill(0) };
    const start = f.phase === 'before' ? 0 : S + 1;
    const values = entry.values;
    values[start + SEGMENTS.indexOf(f.segment)] = (values[start + SEGMENTS.indexOf(f.segment)] ?? 0) + 1;
    values[start + S] = (values[start + S] ?? 0) + 1;
    counts.set(key, entry);
  }
  const rank = (m: string) => { const i = moduleOrder.indexOf(m); return i === -1 ? moduleOrder.length : i; };
  const rows = [...counts.values()].sort((a, b) => rank(a.moduleId) - rank(b.moduleId) || a.moduleId.localeCompare(b.moduleId)
    || a.competencyId.localeCompare(b.competencyId) || a.staffGroupCode.localeCompare(b.staffGroupCode));
  return rows.map((r) => {
    const states: CellState[] = suppress({ values: r.values, isTotal: r.values.map((_, i) => i === S || i === 2 * S + 1), relations: rowRelations() });
    const cell = (i: number, total: number): ConfidenceCell => {
      const state = states[i] ?? 'small';
      const count = r.values[i] ?? 0;
      if (state !== 'shown') return { state };
      const totalShown = states[total] === 'shown';
      return { state, count, percent: totalShown && (r.values[total] ?? 0) > 0 ? Math.round((1000 * count) / (r.values[total] ?? 1)) / 10 : null };
    };
    const phase = (start: number) => {
      const total = cell(start + S, start + S);
      return { segments: SEGMENTS.map((_, i) => cell(start + i, start + S)), total: total.state === 'shown' ? { ...total, percent: null } : total };
    };
    const before = phase(0);
    const after = phase(S + 1);
    const change = SEGMENTS.map((_, i) => {
      const b = before.segments[i];
      const a = after.segments[i];
      return b?.state === 'shown' && a?.state === 'shown' && b.percent !== null && a.percent !== null ? Math.round(10 * (a.percent - b.percent)) / 10 : null;
    });
    return { moduleId: r.moduleId, competencyId: r.competencyId, staffGroupCode: r.staffGroupCode, before, after, change };
  });
}
