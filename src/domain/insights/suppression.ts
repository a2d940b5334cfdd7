// Small-number suppression for published tables of counts of people. Pure:
// takes a grid of counts with its totals and the sums that tie them together,
// returns which cells may be shown. It never decides who may see a table.
//
// The rule (docs/insights.md): every count under 5 (0 included) is withheld as
// "fewer than 5" (primary suppression). Then, while any withheld count could be
// worked out exactly from the published ones by adding and subtracting along
// the table's sums (row totals, column totals, a row's groups of columns), one
// more cell on a sum through it is withheld too (secondary suppression), the
// smallest such cell, counts before totals and other counts before headline ones. A withheld cell is determined
// exactly when it is not touched by any solution of the homogeneous system of
// the sums restricted to the withheld cells; that is checked by reducing the
// system to row echelon form.

export const THRESHOLD = 5;

export type CellState = 'shown' | 'small' | 'withheld';

/** A linear sum among cells: Σ coefficient × value = 0 (coefficients ±1 in our tables). */
export type Relation = readonly (readonly [cell: number, coefficient: number])[];

export interface SuppressionInput {
  /** Every cell's true count. */
  readonly values: readonly number[];
  /** Cells that are totals: chosen for secondary suppression only after the counts they sum. */
  readonly isTotal: readonly boolean[];
  /** The sums a reader could use; the values satisfy each of them. */
  readonly relations: readonly Relation[];
  /**
   * Cells a reader knows without being told (a count that is zero by definition, such as "no
   * target" in a staff group that has one): shown as fewer than 5 all the same, but treated as
   * known when deciding what else could be worked out, and never chosen to withhold.
   */
  readonly known?: readonly boolean[];
  /** Headline cells (meeting target, overdue): chosen for secondary suppression after the others of their kind. */
  readonly headline?: readonly boolean[];
}

const EPSILON = 1e-9;

/**
 * Which withheld cells a reader could work out exactly from the published ones.
 * Reduces the relations restricted to the withheld cells to reduced row echelon
 * form: a withheld cell is determined when it is a pivot whose row has no other
 * withheld (free) cell left in it (so its unit vector is in the row space,
 * whichever pivots are chosen). Sparse: each sum touches one row or column of
 * the grid, so rows are kept as maps of their non-zero cells, each pivot is the
 * shortest row holding its cell, and it is eliminated only from the rows that
 * hold that cell.
 */
export function determinedCells(relations: readonly Relation[], withheld: ReadonlySet<number>): number[] {
  const rows: Map<number, number>[] = [];
  // Which rows hold each cell.
  const holders = new Map<number, Set<number>>();
  for (const relation of relations) {
    const row = new Map<number, number>();
    for (const [cell, coefficient] of relation) {
      if (!withheld.has(cell)) continue;
      const v = (row.get(cell) ?? 0) + coefficient;
      if (Math.abs(v) <= EPSILON) row.delete(cell);
      else row.set(cell, v);
    }
    if (row.size === 0) continue;
    const index = rows.length;
    rows.push(row);
    for (const cell of row.keys()) {
      const set = holders.get(cell);
      if (set === undefined) holders.set(cell, new Set([index]));
      else set.add(index);
    }
  }
  const pivotRows = new Set<number>();
  const pivots: { row: number; cell: number }[] = [];
  // Any order of pivots gives the same answer; cells on fewest sums first keep the rows short.
  for (const cell of [...holders.keys()].sort((a, b) => (holders.get(a)?.size ?? 0) - (holders.get(b)?.size ?? 0) || a - b)) {
    const holding = holders.get(cell);
    if (holding === undefined) continue;
    let best = -1;
    for (const i of holding) {
      if (pivotRows.has(i)) continue;
      const row = rows[i];
      const chosen = best === -1 ? undefined : rows[best];
      if (row === undefined) continue;
      if (chosen === undefined || row.size < chosen.size || (row.size === chosen.size && i < best)) best = i;
    }
    if (best === -1) continue;
    const pivotRow = rows[best] ?? new Map<number, number>();
    const p = pivotRow.get(cell) ?? 1;
    for (const [k, v] of pivotRow) pivotRow.set(k, v / p);
    pivotRow.set(cell, 1);
    for (const i of [...holding]) {
      if (i === best) continue;
      const row = rows[i];
      if (row === undefined) continue;
      const f = row.get(cell) ?? 0;
      for (const [k, v] of pivotRow) {
        const next = (row.get(k) ?? 0) - f * v;
        if (k === cell || Math.abs(next) <= EPSILON) {
          row.delete(k);
          holders.get(k)?.delete(i);
        } else {
          if (!row.has(k)) {
            const set = holders.get(k);
            if (set === undefined) holders.set(k, new Set([i]));
            else set.add(i);
          }
          row.set(k, next);
        }
      }
    }
    pivotRows.add(best);
    pivots.push({ row: best, cell });
  }
  return pivots.filter(({ row, cell }) => {
    const r = rows[row];
    return r !== undefined && r.size === 1 && r.has(cell);
  }).map(({ cell }) => cell).sort((a, b) => a - b);
}

/** Each cell's state: shown, withheld as fewer than 5, or withheld so a small count cannot be worked out. */
export function suppress(input: SuppressionInput): CellState[] {
  const state: CellState[] = input.values.map((v) => (v < THRESHOLD ? 'small' : 'shown'));
  // Known cells, and any cell the sums pin down from them alone with nothing published (a total of
  // zeros that are zero by definition), are public knowledge: never unknowns, never chosen to withhold.
  const known = new Set(input.values.flatMap((_, i) => (input.known?.[i] === true ? [i] : [])));
  for (const cell of determinedCells(input.relations, new Set(input.values.flatMap((_, i) => (known.has(i) ? [] : [i]))))) known.add(cell);
  const withheld = new Set(state.flatMap((s, i) => (s === 'shown' || known.has(i) ? [] : [i])));
  const through = new Map<number, Relation[]>();
  for (const relation of input.relations) {
    for (const [cell] of relation) {
      const list = through.get(cell);
      if (list === undefined) through.set(cell, [relation]);
      else list.push(relation);
    }
  }
  const order = (a: number, b: number) => Number(input.isTotal[a]) - Number(input.isTotal[b])
    || Number(input.headline?.[a] === true) - Number(input.headline?.[b] === true)
    || (input.values[a] ?? 0) - (input.values[b] ?? 0) || a - b;

  // Each round withholds one more cell for every determined one; the loop ends because cells run out.
  for (let round = 0; round <= input.values.length; round++) {
    const determined = determinedCells(input.relations, withheld);
    if (determined.length === 0) return state;
    let added = false;
    for (const cell of determined) {
      const candidates = (through.get(cell) ?? []).flatMap((relation) => relation.map(([c]) => c)).filter((c) => !withheld.has(c) && !known.has(c)).sort(order);
      const next = candidates[0];
      if (next === undefined) continue;
      withheld.add(next);
      state[next] = 'withheld';
      added = true;
    }
    if (!added) break;
  }
  // Nothing on any sum through a determined cell is left to withhold: withhold the whole table.
  if (determinedCells(input.relations, withheld).length > 0) return state.map((s) => (s === 'shown' ? 'withheld' : s));
  return state;
}
