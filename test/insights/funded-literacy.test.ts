import { describe, expect, it } from 'vitest';
import { levelsReached, literacyLevelOf, personLiteracy } from '../../src/domain/insights/index.js';
import type { LiteracyLevelCode } from '../../src/domain/learning/index.js';

// The rule for funded university modules in the literacy level
// (docs/funded-places.md, "Outcomes and literacy"): a module completed with
// credits at level L meets L and every level below it, from the day the
// outcome was recorded; Genomeg modules carry the climb on above it.

const OFFERED: { id: string; level: LiteracyLevelCode; competencies: string[] }[] = [
  { id: 'a1', level: 'awareness', competencies: ['genomic-literacy-basics'] }, { id: 'a2', level: 'awareness', competencies: ['genomics-in-practice'] },
  { id: 'f1', level: 'foundation', competencies: ['pharmacogenomics-foundations'] }, { id: 'p1', level: 'practitioner', competencies: ['not-in-framework'] },
  { id: 's1', level: 'specialist', competencies: [] },
];
const day = (d: string) => new Date(`${d}T12:00:00Z`);

describe('funded modules in the literacy level', () => {
  it('credits the module\'s level and every level below it, with no Genomeg module done', () => {
    expect(literacyLevelOf(new Set(), OFFERED, [{ level: 'foundation' }])).toBe('foundation');
    expect(literacyLevelOf(new Set(), OFFERED, [{ level: 'awareness' }, { level: 'practitioner' }])).toBe('practitioner');
  });

  it('lets Genomeg modules carry the climb on above the credited level, but not across a level with no module', () => {
    expect(literacyLevelOf(new Set(['p1']), OFFERED, [{ level: 'foundation' }])).toBe('practitioner');
    // advanced has no module offered: only a funded module at advanced or above gets past it.
    expect(literacyLevelOf(new Set(['a1', 'a2', 'f1', 'p1', 's1']), OFFERED)).toBe('practitioner');
    expect(literacyLevelOf(new Set(['s1']), OFFERED, [{ level: 'advanced' }])).toBe('specialist');
  });

  it('is unchanged by no credits (the old rule)', () => {
    expect(literacyLevelOf(new Set(['a1', 'a2']), OFFERED, [])).toBe('awareness');
    expect(literacyLevelOf(new Set(['a1']), OFFERED)).toBeNull();
  });

  it('dates each level by the earlier of its modules and the funded outcome, never before a lower level', () => {
    const completed = new Map([['a1', day('2025-01-10')], ['a2', day('2025-02-01')], ['p1', day('2025-03-01')]]);
    expect(levelsReached(completed, OFFERED, [{ level: 'foundation', at: day('2025-06-15') }])).toEqual({
      awareness: '2025-02-01', foundation: '2025-06-15', practitioner: '2025-06-15',
    });
    // A funded completion before the modules: everything up to its level from that day.
    expect(levelsReached(completed, OFFERED, [{ level: 'practitioner', at: day('2024-12-01') }])).toEqual({
      awareness: '2024-12-01', foundation: '2024-12-01', practitioner: '2024-12-01',
    });
    // Two credits: each level takes the first that covers it.
    expect(levelsReached(new Map(), OFFERED, [{ level: 'advanced', at: day('2025-09-01') }, { level: 'awareness', at: day('2025-04-01') }])).toEqual({
      awareness: '2025-04-01', foundation: '2025-09-01', practitioner: '2025-09-01', advanced: '2025-09-01',
    });
  });

  it('covers the competencies of modules and funded modules completed, framework ids only, in the framework\'s order', () => {
    const mine = personLiteracy(new Set(['f1', 'a1', 'p1']), OFFERED, [
      { level: null, competencies: ['cancer-genomics', 'made-up'] }, { level: 'awareness', competencies: ['genomic-literacy-basics'] },
    ]);
    // a2 is not done, but the funded module at awareness meets awareness; f1 and p1 carry it on.
    expect(mine).toEqual({ level: 'practitioner', competencies: ['genomic-literacy-basics', 'pharmacogenomics-foundations', 'cancer-genomics'] });
    expect(personLiteracy(new Set(), OFFERED, [])).toEqual({ level: null, competencies: [] });
  });
});
