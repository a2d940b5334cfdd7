// The inheritance-risk tool against Punnett squares worked by hand. Each case
// writes the square out cell by cell (mother's copies down, father's across)
// and the chances a genetics textbook gives for it (MedlinePlus Genetics,
// "What are the different ways a genetic condition can be inherited?").

import { describe, expect, it } from 'vitest';
import { inheritanceQuery, inheritanceRisk, PARENT_STATUSES, type Chance, type GroupChances, type SquarePattern } from '../../../src/domain/learning/inheritance.js';

const f = (n: number, d: number): Chance => ({ numerator: n, denominator: d });

/** The square's outcomes as letters, row by row: A affected, C carrier, U unaffected; lower case for a son (X-linked). */
function letters(pattern: SquarePattern, mother: Parameters<typeof inheritanceRisk>[1], father: Parameters<typeof inheritanceRisk>[2]): string[] {
  return inheritanceRisk(pattern, mother, father).cells.map((row) => row.map((c) => {
    const l = c.outcome === 'affected' ? 'A' : c.outcome === 'carrier' ? 'C' : 'U';
    return c.sex === 'male' ? l.toLowerCase() : l;
  }).join(''));
}

function byGroup(chances: readonly GroupChances[]): Record<string, [Chance, Chance, Chance]> {
  return Object.fromEntries(chances.map((g) => [g.group, [g.affected, g.carrier, g.unaffected]]));
}

describe('autosomal dominant', () => {
  it('one affected parent: each child has a 1 in 2 chance', () => {
    // Father Vu × mother uu: Vu, uu / Vu, uu.
    expect(letters('autosomal-dominant', 'unaffected', 'affected')).toEqual(['AU', 'AU']);
    expect(byGroup(inheritanceRisk('autosomal-dominant', 'unaffected', 'affected').chances)).toEqual({ child: [f(1, 2), f(0, 1), f(1, 2)] });
    // The same whichever parent is affected.
    expect(byGroup(inheritanceRisk('autosomal-dominant', 'affected', 'unaffected').chances)).toEqual({ child: [f(1, 2), f(0, 1), f(1, 2)] });
  });

  it('two affected parents: 3 in 4 inherit at least one copy', () => {
    expect(letters('autosomal-dominant', 'affected', 'affected')).toEqual(['AA', 'AU']);
    expect(byGroup(inheritanceRisk('autosomal-dominant', 'affected', 'affected').chances)).toEqual({ child: [f(3, 4), f(0, 1), f(1, 4)] });
  });

  it('two unaffected parents: no child inherits it (a de novo variant is outside the square)', () => {
    expect(byGroup(inheritanceRisk('autosomal-dominant', 'unaffected', 'unaffected').chances)).toEqual({ child: [f(0, 1), f(0, 1), f(1, 1)] });
  });
});

describe('autosomal recessive', () => {
  it('two carriers: 1 in 4 affected, 1 in 2 carriers, 1 in 4 neither', () => {
    expect(letters('autosomal-recessive', 'carrier', 'carrier')).toEqual(['AC', 'CU']);
    expect(byGroup(inheritanceRisk('autosomal-recessive', 'carrier', 'carrier').chances)).toEqual({ child: [f(1, 4), f(1, 2), f(1, 4)] });
  });

  it('one carrier and one non-carrier: no child affected, 1 in 2 carriers', () => {
    expect(letters('autosomal-recessive', 'carrier', 'unaffected')).toEqual(['CC', 'UU']);
    expect(byGroup(inheritanceRisk('autosomal-recessive', 'carrier', 'unaffected').chances)).toEqual({ child: [f(0, 1), f(1, 2), f(1, 2)] });
  });

  it('an affected parent and a carrier: 1 in 2 affected, 1 in 2 carriers', () => {
    expect(byGroup(inheritanceRisk('autosomal-recessive', 'affected', 'carrier').chances)).toEqual({ child: [f(1, 2), f(1, 2), f(0, 1)] });
  });

  it('an affected parent and a non-carrier: every child is a carrier', () => {
    expect(letters('autosomal-recessive', 'unaffected', 'affected')).toEqual(['CC', 'CC']);
    expect(byGroup(inheritanceRisk('autosomal-recessive', 'unaffected', 'affected').chances)).toEqual({ child: [f(0, 1), f(1, 1), f(0, 1)] });
  });

  it('two affected parents: every child affected', () => {
    expect(byGroup(inheritanceRisk('autosomal-recessive', 'affected', 'affected').chances)).toEqual({ child: [f(1, 1), f(0, 1), f(0, 1)] });
  });
});

describe('X-linked recessive', () => {
  it('carrier mother, unaffected father: each son 1 in 2 affected; each daughter 1 in 2 a carrier', () => {
    // Mother XᵛX × father XY: columns X (daughters), Y (sons).
    expect(letters('x-linked-recessive', 'carrier', 'unaffected')).toEqual(['Ca', 'Uu']);
    expect(byGroup(inheritanceRisk('x-linked-recessive', 'carrier', 'unaffected').chances)).toEqual({
      daughter: [f(0, 1), f(1, 2), f(1, 2)],
      son: [f(1, 2), f(0, 1), f(1, 2)],
    });
  });

  it('affected father, non-carrier mother: every daughter a carrier, no son affected (no father-to-son passing)', () => {
    expect(letters('x-linked-recessive', 'unaffected', 'affected')).toEqual(['Cu', 'Cu']);
    expect(byGroup(inheritanceRisk('x-linked-recessive', 'unaffected', 'affected').chances)).toEqual({
      daughter: [f(0, 1), f(1, 1), f(0, 1)],
      son: [f(0, 1), f(0, 1), f(1, 1)],
    });
  });

  it('carrier mother and affected father: daughters 1 in 2 affected and 1 in 2 carriers; sons 1 in 2 affected', () => {
    expect(letters('x-linked-recessive', 'carrier', 'affected')).toEqual(['Aa', 'Cu']);
    expect(byGroup(inheritanceRisk('x-linked-recessive', 'carrier', 'affected').chances)).toEqual({
      daughter: [f(1, 2), f(1, 2), f(0, 1)],
      son: [f(1, 2), f(0, 1), f(1, 2)],
    });
  });

  it('affected mother (both X), unaffected father: every son affected, every daughter a carrier', () => {
    expect(byGroup(inheritanceRisk('x-linked-recessive', 'affected-two', 'unaffected').chances)).toEqual({
      daughter: [f(0, 1), f(1, 1), f(0, 1)],
      son: [f(1, 1), f(0, 1), f(0, 1)],
    });
  });
});

describe('X-linked dominant', () => {
  it('affected father: every daughter affected, no son', () => {
    expect(letters('x-linked-dominant', 'unaffected', 'affected')).toEqual(['Au', 'Au']);
    expect(byGroup(inheritanceRisk('x-linked-dominant', 'unaffected', 'affected').chances)).toEqual({
      daughter: [f(1, 1), f(0, 1), f(0, 1)],
      son: [f(0, 1), f(0, 1), f(1, 1)],
    });
  });

  it('affected mother (one copy): each child, son or daughter, 1 in 2', () => {
    expect(letters('x-linked-dominant', 'affected', 'unaffected')).toEqual(['Aa', 'Uu']);
    expect(byGroup(inheritanceRisk('x-linked-dominant', 'affected', 'unaffected').chances)).toEqual({
      daughter: [f(1, 2), f(0, 1), f(1, 2)],
      son: [f(1, 2), f(0, 1), f(1, 2)],
    });
  });
});

describe('every offered pairing', () => {
  it('gives chances that add up to one in every group, and a square of four cells', () => {
    for (const [pattern, offered] of Object.entries(PARENT_STATUSES) as [SquarePattern, (typeof PARENT_STATUSES)[SquarePattern]][]) {
      for (const mother of offered.mother) {
        for (const father of offered.father) {
          const result = inheritanceRisk(pattern, mother, father);
          expect(result.cells.flat()).toHaveLength(4);
          for (const g of result.chances) {
            const sum = [g.affected, g.carrier, g.unaffected].reduce((s, c) => s + c.numerator / c.denominator, 0);
            expect(sum).toBeCloseTo(1, 10);
          }
        }
      }
    }
  });

  it('refuses a status the pattern does not offer', () => {
    expect(() => inheritanceRisk('autosomal-dominant', 'carrier', 'unaffected')).toThrow(RangeError);
    expect(() => inheritanceRisk('x-linked-recessive', 'unaffected', 'carrier')).toThrow(RangeError);
  });
});

describe('the query string', () => {
  it('keeps what is offered and falls back to the pattern default for anything else', () => {
    expect(inheritanceQuery({})).toEqual({ pattern: 'autosomal-dominant', mother: 'unaffected', father: 'affected' });
    expect(inheritanceQuery({ pattern: 'autosomal-recessive', mother: 'affected', father: 'unaffected' })).toEqual({ pattern: 'autosomal-recessive', mother: 'affected', father: 'unaffected' });
    // "carrier" is not a father's status for X-linked recessive: the default is used.
    expect(inheritanceQuery({ pattern: 'x-linked-recessive', mother: 'carrier', father: 'carrier' })).toEqual({ pattern: 'x-linked-recessive', mother: 'carrier', father: 'unaffected' });
    expect(inheritanceQuery({ pattern: '<script>', mother: ['x'] })).toEqual({ pattern: 'autosomal-dominant', mother: 'unaffected', father: 'affected' });
    expect(inheritanceQuery({ pattern: 'mitochondrial' }).pattern).toBe('mitochondrial');
  });

  it('starts a newly chosen pattern from its own defaults, not the previous pattern\'s parents', () => {
    // Without JavaScript the form posts the parents it showed for autosomal dominant along with the new pattern.
    expect(inheritanceQuery({ pattern: 'autosomal-recessive', shown: 'autosomal-dominant', mother: 'unaffected', father: 'affected' }))
      .toEqual({ pattern: 'autosomal-recessive', mother: 'carrier', father: 'carrier' });
    expect(inheritanceQuery({ pattern: 'autosomal-recessive', shown: 'autosomal-recessive', mother: 'unaffected', father: 'affected' }))
      .toEqual({ pattern: 'autosomal-recessive', mother: 'unaffected', father: 'affected' });
  });
});
