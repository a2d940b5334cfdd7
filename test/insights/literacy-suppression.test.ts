import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  cellsOf, complianceOf, gridRelations, targetRelations, literacyLevelOf, literacyTable, suppress, within, defaultDimension, drillsTo,
  type LiteracyPerson, type Relation,
} from '../../src/domain/insights/index.js';
import { LITERACY_LEVEL_CODES, type LiteracyLevelCode } from '../../src/domain/learning/index.js';

// An oracle independent of the code under test: exact rank over the integers
// modulo a prime. A withheld cell x can be worked out from the published
// figures exactly when the unit vector e_x lies in the row space of the sums
// restricted to the withheld cells, i.e. adding it does not raise the rank.
const P = 1_000_003;
function rankModP(matrix: number[][]): number {
  const m = matrix.map((row) => row.map((v) => ((v % P) + P) % P));
  let rank = 0;
  const width = m[0]?.length ?? 0;
  for (let c = 0; c < width && rank < m.length; c++) {
    const pivot = m.findIndex((row, i) => i >= rank && row[c] !== 0);
    if (pivot === -1) continue;
    [m[rank], m[pivot]] = [m[pivot]!, m[rank]!];
    const inv = modInverse(m[rank]![c]!);
    m[rank] = m[rank]!.map((v) => (v * inv) % P);
    for (let i = 0; i < m.length; i++) {
      if (i === rank || m[i]![c] === 0) continue;
      const f = m[i]![c]!;
      m[i] = m[i]!.map((v, k) => (((v - f * m[rank]![k]!) % P) + P) % P);
    }
    rank++;
  }
  return rank;
}
function modInverse(a: number): number {
  let [r0, r1, s0, s1] = [a, P, 1, 0];
  while (r1 !== 0) { const q = Math.floor(r0 / r1); [r0, r1] = [r1, r0 - q * r1]; [s0, s1] = [s1, s0 - q * s1]; }
  return ((s0 % P) + P) % P;
}
function derivable(relations: readonly Relation[], withheld: readonly number[], cell: number): boolean {
  const rows = relations.map((rel) => withheld.map((w) => rel.filter(([c]) => c === w).reduce((s, [, k]) => s + k, 0))).filter((r) => r.some((v) => v !== 0));
  if (rows.length === 0) return false;
  const unit = withheld.map((w) => (w === cell ? 1 : 0));
  return rankModP([...rows, unit]) === rankModP(rows);
}

const person = (over: Partial<LiteracyPerson> = {}): LiteracyPerson => ({
  organisationCode: '7A1', staffGroupCode: 'admin-clerical', bandCode: '5', jobRole: 'Administrator', ageBand: '35-44',
  level: 'awareness', target: 'awareness', compliance: 'complete', ...over,
});
const many = (n: number, over: Partial<LiteracyPerson> = {}) => Array.from({ length: n }, () => person(over));

describe('literacy level and compliance of one person', () => {
  const offered = [{ id: 'a1', level: 'awareness' as const }, { id: 'a2', level: 'awareness' as const }, { id: 'f1', level: 'foundation' as const }];
  it('is the highest level whose modules, and every lower level\'s, are all completed', () => {
    expect(literacyLevelOf(new Set(), offered)).toBeNull();
    expect(literacyLevelOf(new Set(['a1']), offered)).toBeNull();
    expect(literacyLevelOf(new Set(['a1', 'a2']), offered)).toBe('awareness');
    expect(literacyLevelOf(new Set(['a1', 'a2', 'f1']), offered)).toBe('foundation');
    expect(literacyLevelOf(new Set(['f1']), offered)).toBeNull();
  });
  it('stops at a level with no module offered', () => {
    expect(literacyLevelOf(new Set(['p1']), [{ id: 'p1', level: 'practitioner' }])).toBeNull();
  });
  it('calls a person overdue if anything is overdue, else due if anything is due', () => {
    expect(complianceOf([])).toBe('none');
    expect(complianceOf(['completed', 'due', 'overdue'])).toBe('overdue');
    expect(complianceOf(['completed', 'due'])).toBe('due');
    expect(complianceOf(['completed'])).toBe('complete');
  });
});

describe('drill-down', () => {
  it('goes Wales → organisation → staff group → job role', () => {
    expect(defaultDimension({})).toBe('organisation');
    expect(defaultDimension({ organisationCode: '7A1' })).toBe('staffGroup');
    expect(defaultDimension({ organisationCode: '7A1', staffGroupCode: 'admin-clerical' })).toBe('jobRole');
    expect(drillsTo({}, 'organisation')).toBe('organisation');
    expect(drillsTo({ organisationCode: '7A1' }, 'staffGroup')).toBe('staffGroup');
    expect(drillsTo({ organisationCode: '7A1', staffGroupCode: 'x' }, 'jobRole')).toBeNull();
    expect(within([person(), person({ organisationCode: '7A2' })], { organisationCode: '7A2' })).toHaveLength(1);
  });
});

describe('small-number suppression (hand-worked)', () => {
  it('shows a count of 5 and withholds a count of 4 as fewer than 5', () => {
    // A staff group with no target, so "meeting" and "below" are zero by definition.
    const table = literacyTable([...many(5, { target: null }), ...many(4, { level: null, target: null })], 'organisation');
    expect(table.total.levels.awareness).toEqual({ state: 'shown', count: 5 });
    expect(table.total.levels.none).toEqual({ state: 'small' });
    expect(table.total.people).toEqual({ state: 'shown', count: 9 });
  });

  it('withholds a second cell in a column when one small cell could be worked out from the column total', () => {
    // Two organisations: in 7A1 3 people have no level; in 7A2 10 have none. The total (13) and
    // 7A2's 10 would give away 7A1's 3, so 7A2's "none" is withheld too.
    const people = [
      ...many(3, { organisationCode: '7A1', level: null }), ...many(20, { organisationCode: '7A1' }),
      ...many(10, { organisationCode: '7A2', level: null }), ...many(15, { organisationCode: '7A2' }),
    ];
    const table = literacyTable(people, 'organisation', ['7A1', '7A2']);
    expect(table.rows[0]?.levels.none).toEqual({ state: 'small' });
    expect(table.rows[1]?.levels.none).toEqual({ state: 'withheld' });
    expect(table.total.levels.none).toEqual({ state: 'shown', count: 13 });
  });

  it('withholds a whole row of a group of fewer than 5, and enough else that its size cannot be worked out', () => {
    const people = [...many(3, { organisationCode: '7A1' }), ...many(30, { organisationCode: '7A2' }), ...many(12, { organisationCode: '7A3' })];
    const table = literacyTable(people, 'organisation', ['7A1', '7A2', '7A3']);
    expect(table.rows[0]?.people).toEqual({ state: 'small' });
    const published = [table.rows[1]?.people, table.rows[2]?.people, table.total.people].filter((c) => c?.state === 'shown');
    expect(published.length).toBeLessThan(3);
  });

  it('withholds the people meeting target when it and the group size would give away how many are below it', () => {
    // 9 people with an awareness target, 5 meeting it: 9 − 5 would tell a reader that 4 are below.
    const table = literacyTable([...many(5), ...many(4, { level: null })], 'organisation');
    expect(table.total.target.below).toEqual({ state: 'small' });
    expect([table.total.people.state, table.total.target.meeting.state]).toContain('withheld');
  });

  it('gives a percentage only where both its counts are shown', () => {
    const table = literacyTable([...many(8), ...many(5, { level: null })], 'organisation');
    expect(table.total.meetingPercent).toBe(62);
    expect(literacyTable(many(3), 'organisation').total.meetingPercent).toBeNull();
  });
});

describe('small-number suppression (properties)', () => {
  // Targets follow the staff group, as in the service, so rows of one staff group carry the target sums.
  const TARGETS: Record<string, LiteracyLevelCode | null> = { 'admin-clerical': 'awareness', 'medical-dental': 'foundation', 'nursing-midwifery': null };
  const personArb = fc.record({
    organisationCode: fc.constantFrom('7A1', '7A2', '7A3', '7A4'),
    staffGroupCode: fc.constantFrom('admin-clerical', 'medical-dental', 'nursing-midwifery'),
    bandCode: fc.constantFrom('3', '5', '7'),
    jobRole: fc.constantFrom('Nurse', 'Administrator'),
    ageBand: fc.constantFrom('25-34', '45-54'),
    level: fc.constantFrom(null, ...LITERACY_LEVEL_CODES.slice(0, 3)),
    compliance: fc.constantFrom('overdue' as const, 'due' as const, 'complete' as const, 'none' as const),
  }).map((p): LiteracyPerson => ({ ...p, target: TARGETS[p.staffGroupCode] ?? null }));

  it('never shows a count under 5, shows every other count truly, and leaves no withheld count derivable from the sums', { timeout: 120_000 }, () => {
    fc.assert(fc.property(fc.array(personArb, { maxLength: 80 }), fc.constantFrom('organisation' as const, 'staffGroup' as const, 'band' as const, 'jobRole' as const), (people, by) => {
      const table = literacyTable(people, by);
      const rows = [...table.rows, table.total];
      const published = rows.flatMap(cellsOf);
      for (const cell of published) if (cell.state === 'shown') expect(cell.count).toBeGreaterThanOrEqual(5);
      // Every shown count of people is the true number in its group.
      const keyOf = (p: LiteracyPerson) => ({ organisation: p.organisationCode, staffGroup: p.staffGroupCode, band: p.bandCode, jobRole: p.jobRole })[by];
      for (const r of table.rows) if (r.people.state === 'shown') expect(r.people.count).toBe(people.filter((p) => keyOf(p) === r.key).length);
      if (table.total.people.state === 'shown') expect(table.total.people.count).toBe(people.length);
      // No withheld cell can be worked out exactly from the published cells and the table's sums,
      // the target sums of rows of one staff group included (their structural zeros are known).
      const members = [...table.rows.map((r) => people.filter((p) => keyOf(p) === r.key)), people];
      const extra = targetRelations(members);
      const relations = [...gridRelations(rows.length), ...extra.relations];
      // Cells pinned by the sums from the known zeros alone, with nothing published, are public knowledge too.
      const unpublished = published.flatMap((_, i) => (extra.known[i] === true ? [] : [i]));
      const structural = new Set(unpublished.filter((cell) => derivable(relations, unpublished, cell)));
      const withheld = published.flatMap((c, i) => (c.state === 'shown' || extra.known[i] === true || structural.has(i) ? [] : [i]));
      for (const cell of withheld) expect(derivable(relations, withheld, cell)).toBe(false);
    }), { numRuns: 100 });
  });

  it('leaves no withheld cell derivable in any grid of counts with row and column totals', { timeout: 120_000 }, () => {
    const grid = fc.array(fc.array(fc.nat({ max: 12 }), { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 4 })
      .filter((g) => g.every((r) => r.length === g[0]?.length));
    fc.assert(fc.property(grid, (body) => {
      const cols = body[0]?.length ?? 0;
      const full = [...body.map((r) => [...r, r.reduce((a, b) => a + b, 0)])];
      full.push(Array.from({ length: cols + 1 }, (_, c) => full.reduce((s, r) => s + (r[c] ?? 0), 0)));
      const width = cols + 1;
      const relations: Relation[] = [];
      full.forEach((_, r) => relations.push([[r * width + cols, -1], ...Array.from({ length: cols }, (_, c): [number, number] => [r * width + c, 1])]));
      for (let c = 0; c < width; c++) relations.push([[(full.length - 1) * width + c, -1], ...body.map((_, r): [number, number] => [r * width + c, 1])]);
      const values = full.flat();
      const states = suppress({ values, isTotal: values.map((_, i) => i % width === cols || i >= (full.length - 1) * width), relations });
      states.forEach((s, i) => { if (s === 'shown') expect(values[i]).toBeGreaterThanOrEqual(5); });
      const withheld = states.flatMap((s, i) => (s === 'shown' ? [] : [i]));
      for (const cell of withheld) expect(derivable(relations, withheld, cell)).toBe(false);
    }), { numRuns: 300 });
  });
});
