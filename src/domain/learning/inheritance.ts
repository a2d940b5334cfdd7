// The inheritance-risk tool's arithmetic: for one single-gene inheritance
// pattern and each parent's status, the Punnett square (each parent's two
// copies crossed) and each child's chance of having the condition, being a
// carrier or neither, by sex where the gene is on the X chromosome. Pure: the
// web layer turns the result into a table and words in either language.
//
// The chances assume Mendelian inheritance with complete penetrance: they are
// the chances of inheriting the variant(s), which the tool's words say. A new
// (de novo) variant, reduced penetrance, mosaicism and mitochondrial
// inheritance are outside the square (mitochondrial is explained in words).

export const INHERITANCE_PATTERNS = ['autosomal-dominant', 'autosomal-recessive', 'x-linked-recessive', 'x-linked-dominant', 'mitochondrial'] as const;
export type InheritancePattern = (typeof INHERITANCE_PATTERNS)[number];
export type SquarePattern = Exclude<InheritancePattern, 'mitochondrial'>;

/** A parent's status, as the tool offers it for each pattern. */
export type ParentStatus = 'unaffected' | 'carrier' | 'affected' | 'affected-two';

/**
 * What each parent can be, per pattern. A carrier has one copy of a recessive
 * variant; "affected" with autosomal recessive means two copies; "affected-two"
 * is a mother with an X-linked recessive condition (the variant on both X).
 * A parent with a dominant condition is offered with one copy only, as is usual.
 */
export const PARENT_STATUSES: Readonly<Record<SquarePattern, { readonly mother: readonly ParentStatus[]; readonly father: readonly ParentStatus[] }>> = {
  'autosomal-dominant': { mother: ['unaffected', 'affected'], father: ['unaffected', 'affected'] },
  'autosomal-recessive': { mother: ['unaffected', 'carrier', 'affected'], father: ['unaffected', 'carrier', 'affected'] },
  'x-linked-recessive': { mother: ['unaffected', 'carrier', 'affected-two'], father: ['unaffected', 'affected'] },
  'x-linked-dominant': { mother: ['unaffected', 'affected'], father: ['unaffected', 'affected'] },
};

/** One copy a parent can pass on: the usual copy, the copy with the variant, or (from a father, X-linked) the Y. */
export type Copy = 'usual' | 'variant' | 'y';
export type ChildOutcome = 'affected' | 'carrier' | 'unaffected';
export type ChildSex = 'female' | 'male';

export interface SquareCell {
  readonly fromMother: Copy;
  readonly fromFather: Copy;
  /** Set for X-linked patterns only: a Y from the father makes a son. */
  readonly sex: ChildSex | null;
  readonly outcome: ChildOutcome;
}

/** A chance as a fraction of the children in a group, in lowest terms (0/1 and 1/1 at the ends). */
export interface Chance { readonly numerator: number; readonly denominator: number }

export interface GroupChances {
  /** 'child' for every child (autosomal patterns), or the sex (X-linked). */
  readonly group: 'child' | 'daughter' | 'son';
  readonly affected: Chance;
  readonly carrier: Chance;
  readonly unaffected: Chance;
}

export interface InheritanceResult {
  readonly pattern: SquarePattern;
  readonly mother: ParentStatus;
  readonly father: ParentStatus;
  readonly motherCopies: readonly [Copy, Copy];
  readonly fatherCopies: readonly [Copy, Copy];
  /** Rows are the mother's copies, columns the father's: cells[row][column]. */
  readonly cells: readonly (readonly SquareCell[])[];
  readonly chances: readonly GroupChances[];
}

export function isSquarePattern(value: string): value is SquarePattern {
  return value in PARENT_STATUSES;
}

function isXLinked(pattern: SquarePattern): boolean {
  return pattern === 'x-linked-recessive' || pattern === 'x-linked-dominant';
}

function copiesOf(pattern: SquarePattern, parent: 'mother' | 'father', status: ParentStatus): [Copy, Copy] {
  if (!PARENT_STATUSES[pattern][parent].includes(status)) throw new RangeError(`a ${parent} cannot be "${status}" for ${pattern}`);
  if (isXLinked(pattern) && parent === 'father') return [status === 'affected' ? 'variant' : 'usual', 'y'];
  switch (status) {
    case 'unaffected': return ['usual', 'usual'];
    case 'carrier': return ['variant', 'usual'];
    // Dominant: one copy is enough; the tool offers only the usual heterozygous parent.
    case 'affected': return pattern === 'autosomal-recessive' ? ['variant', 'variant'] : ['variant', 'usual'];
    case 'affected-two': return ['variant', 'variant'];
  }
}

function outcomeOf(pattern: SquarePattern, a: Copy, b: Copy): ChildOutcome {
  const variants = (a === 'variant' ? 1 : 0) + (b === 'variant' ? 1 : 0);
  const son = a === 'y' || b === 'y';
  switch (pattern) {
    case 'autosomal-dominant':
    case 'x-linked-dominant':
      return variants > 0 ? 'affected' : 'unaffected';
    case 'autosomal-recessive':
      return variants === 2 ? 'affected' : variants === 1 ? 'carrier' : 'unaffected';
    case 'x-linked-recessive':
      // A son has one X: its variant is enough. A daughter needs two; with one she is a carrier.
      if (son) return variants === 1 ? 'affected' : 'unaffected';
      return variants === 2 ? 'affected' : variants === 1 ? 'carrier' : 'unaffected';
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function chance(count: number, of: number): Chance {
  if (count === 0) return { numerator: 0, denominator: 1 };
  const d = gcd(count, of);
  return { numerator: count / d, denominator: of / d };
}

function chancesOf(group: GroupChances['group'], cells: readonly SquareCell[]): GroupChances {
  const count = (o: ChildOutcome) => cells.filter((c) => c.outcome === o).length;
  return { group, affected: chance(count('affected'), cells.length), carrier: chance(count('carrier'), cells.length), unaffected: chance(count('unaffected'), cells.length) };
}

/** The Punnett square and each child's chances for one pattern and the two parents' statuses. */
export function inheritanceRisk(pattern: SquarePattern, mother: ParentStatus, father: ParentStatus): InheritanceResult {
  const motherCopies = copiesOf(pattern, 'mother', mother);
  const fatherCopies = copiesOf(pattern, 'father', father);
  const xLinked = isXLinked(pattern);
  const cells = motherCopies.map((m) => fatherCopies.map((f): SquareCell => ({
    fromMother: m, fromFather: f, sex: xLinked ? (f === 'y' ? 'male' : 'female') : null, outcome: outcomeOf(pattern, m, f),
  })));
  const all = cells.flat();
  const chances = xLinked
    ? [chancesOf('daughter', all.filter((c) => c.sex === 'female')), chancesOf('son', all.filter((c) => c.sex === 'male'))]
    : [chancesOf('child', all)];
  return { pattern, mother, father, motherCopies, fatherCopies, cells, chances };
}

/** What the tool shows first for each pattern: a pairing worth seeing. */
export const DEFAULT_PARENTS: Readonly<Record<SquarePattern, { readonly mother: ParentStatus; readonly father: ParentStatus }>> = {
  'autosomal-dominant': { mother: 'unaffected', father: 'affected' },
  'autosomal-recessive': { mother: 'carrier', father: 'carrier' },
  'x-linked-recessive': { mother: 'carrier', father: 'unaffected' },
  'x-linked-dominant': { mother: 'affected', father: 'unaffected' },
};

export interface InheritanceChoice { readonly pattern: InheritancePattern; readonly mother: ParentStatus; readonly father: ParentStatus }

/**
 * The tool's state from a query string: anything missing, or not offered for the pattern, is the pattern's default,
 * and so are both parents when `shown` (the pattern the form was showing) differs from the pattern chosen.
 */
export function inheritanceQuery(query: unknown): InheritanceChoice {
  const q = (query !== null && typeof query === 'object' ? query : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const raw = text(q['pattern']);
  const pattern: InheritancePattern = (INHERITANCE_PATTERNS as readonly string[]).includes(raw) ? raw as InheritancePattern : 'autosomal-dominant';
  if (pattern === 'mitochondrial') return { pattern, mother: 'affected', father: 'unaffected' };
  const offered = PARENT_STATUSES[pattern];
  const fallback = DEFAULT_PARENTS[pattern];
  // The form says which pattern its parents' choices were for: a new pattern starts from its own defaults.
  const shown = text(q['shown']);
  if (shown !== '' && shown !== pattern) return { pattern, ...fallback };
  return {
    pattern,
    mother: offered.mother.find((s) => s === text(q['mother'])) ?? fallback.mother,
    father: offered.father.find((s) => s === text(q['father'])) ?? fallback.father,
  };
}
