// Widening-participation figures for funded places: applications and offers
// by pay band and by hours (part-time under 1.0 WTE, full-time), each table
// with small-number suppression by the insights rule (domain/insights/
// suppression.ts): a count under 5 is shown as "fewer than 5", and another
// withheld where it could otherwise be worked out from the totals. The staff
// directory records no Welsh-language skill, so there is no table for it.

import { suppress, type CellState } from '../insights/suppression.js';

export interface WideningCell {
  readonly value: number;
  readonly state: CellState;
}

export interface WideningLine {
  readonly key: string;
  readonly applications: WideningCell;
  readonly offered: WideningCell;
}

export interface WideningTable {
  readonly lines: readonly WideningLine[];
  readonly total: { readonly applications: WideningCell; readonly offered: WideningCell };
}

export function hoursOf(wte: number): 'full-time' | 'part-time' {
  return wte >= 1 ? 'full-time' : 'part-time';
}

/** One table: a line per key (in the order given), applications and offers, and the total; suppressed. */
export function wideningTable(keys: readonly string[], people: readonly { readonly key: string; readonly offered: boolean }[]): WideningTable {
  const counts = keys.map((key) => {
    const mine = people.filter((p) => p.key === key);
    return [mine.length, mine.filter((p) => p.offered).length] as const;
  });
  const values = [...counts.flat(), people.length, people.filter((p) => p.offered).length];
  const n = keys.length;
  const isTotal = values.map((_, i) => i >= 2 * n);
  const relations = [0, 1].map((column) => [...keys.map((_, i) => [2 * i + column, 1] as const), [2 * n + column, -1] as const]);
  const states = suppress({ values, isTotal, relations });
  const cell = (i: number): WideningCell => ({ value: values[i] ?? 0, state: states[i] ?? 'withheld' });
  return {
    lines: keys.map((key, i) => ({ key, applications: cell(2 * i), offered: cell(2 * i + 1) })),
    total: { applications: cell(2 * n), offered: cell(2 * n + 1) },
  };
}
