// What the inheritance-risk tool shows, in the request's language: the
// choices for its GET form, the Punnett square as table cells and the chances
// as words. The arithmetic is src/domain/learning/inheritance.ts; the markup is
// views/partials/inheritance-tool.njk, used by /tools/inheritance and by a
// module page holding the ::tool{id=inheritance} directive.

import {
  INHERITANCE_PATTERNS, inheritanceQuery, inheritanceRisk, PARENT_STATUSES,
  type Chance, type Copy, type InheritanceChoice, type ParentStatus, type SquarePattern,
} from '../domain/learning/inheritance.js';
import type { Translate } from './i18n.js';

export interface InheritanceToolView {
  readonly choice: InheritanceChoice;
  /** The query string that gives this state, for caching and links. */
  readonly key: string;
  readonly patterns: readonly { value: string; text: string; checked: boolean }[];
  readonly mother: readonly { value: string; text: string; selected: boolean }[];
  readonly father: readonly { value: string; text: string; selected: boolean }[];
  /** Null for mitochondrial, which is explained in words only. */
  readonly square: null | {
    readonly columns: readonly string[];
    readonly rows: readonly { readonly header: string; readonly cells: readonly { readonly text: string; readonly affected: boolean }[] }[];
  };
  readonly groups: readonly { readonly heading: string; readonly lines: readonly string[] }[];
  readonly notes: readonly string[];
}

const K = 'inheritanceTool';

function statusLabel(t: Translate, pattern: SquarePattern, parent: 'mother' | 'father', status: ParentStatus): string {
  const xLinked = pattern.startsWith('x-linked');
  switch (status) {
    case 'unaffected': return t(`${K}.status.none`);
    case 'carrier': return t(xLinked ? `${K}.status.carrierX` : `${K}.status.carrier`);
    case 'affected':
      if (pattern === 'autosomal-recessive') return t(`${K}.status.affectedTwo`);
      if (xLinked) return t(parent === 'father' ? `${K}.status.affectedFatherX` : `${K}.status.affectedOneX`);
      return t(`${K}.status.affectedOne`);
    case 'affected-two': return t(`${K}.status.affectedBothX`);
  }
}

function copyLabel(t: Translate, xLinked: boolean, copy: Copy): string {
  if (copy === 'y') return t(`${K}.copy.y`);
  return t(`${K}.copy.${xLinked ? 'x' : 'gene'}.${copy}`);
}

/** "1 in 2 (50%)", "none (0%)", "all (100%)", in the request's language. */
export function chanceText(t: Translate, c: Chance): string {
  const percent = Math.round((100 * c.numerator) / c.denominator);
  if (c.numerator === 0) return t(`${K}.chance.none`);
  if (c.numerator === c.denominator) return t(`${K}.chance.all`);
  return t(`${K}.chance.some`, { numerator: c.numerator, denominator: c.denominator, percent });
}

export function inheritanceToolView(t: Translate, query: unknown): InheritanceToolView {
  const choice = inheritanceQuery(query);
  const patterns = INHERITANCE_PATTERNS.map((p) => ({ value: p, text: t(`${K}.pattern.${p}`), checked: p === choice.pattern }));
  const key = `pattern=${choice.pattern}&mother=${choice.mother}&father=${choice.father}`;
  if (choice.pattern === 'mitochondrial') {
    return {
      choice, key, patterns, mother: [], father: [], square: null,
      groups: [], notes: [t(`${K}.mitochondrial.passing`), t(`${K}.mitochondrial.share`), t(`${K}.mitochondrial.nuclear`)],
    };
  }
  const pattern = choice.pattern;
  const xLinked = pattern.startsWith('x-linked');
  const result = inheritanceRisk(pattern, choice.mother, choice.father);
  const offered = PARENT_STATUSES[pattern];
  const outcome = (o: string, sex: string | null) => {
    const text = t(`${K}.outcome.${o}`);
    // A box on its own starts with a capital; "Daughter: has the condition" keeps the outcome's small letter.
    return sex === null ? text.charAt(0).toUpperCase() + text.slice(1) : t(`${K}.outcome.${sex}`, { outcome: text });
  };
  const dominant = pattern === 'autosomal-dominant' || pattern === 'x-linked-dominant';
  const notes = [t(`${K}.note.everyPregnancy`), t(`${K}.note.penetrance`)];
  if (xLinked) notes.push(t(`${K}.note.xLinked`));
  if (pattern === 'x-linked-recessive') notes.push(t(`${K}.note.carrierWomen`));
  if (pattern === 'x-linked-dominant') notes.push(t(`${K}.note.xDominantSeverity`));
  notes.push(t(`${K}.note.notAdvice`));
  return {
    choice, key, patterns,
    mother: offered.mother.map((s) => ({ value: s, text: statusLabel(t, pattern, 'mother', s), selected: s === choice.mother })),
    father: offered.father.map((s) => ({ value: s, text: statusLabel(t, pattern, 'father', s), selected: s === choice.father })),
    square: {
      columns: result.fatherCopies.map((c) => t(`${K}.square.fromFather`, { copy: copyLabel(t, xLinked, c) })),
      rows: result.cells.map((row, i) => ({
        header: t(`${K}.square.fromMother`, { copy: copyLabel(t, xLinked, result.motherCopies[i] ?? 'usual') }),
        cells: row.map((c) => ({ text: outcome(c.outcome, c.sex), affected: c.outcome === 'affected' })),
      })),
    },
    groups: result.chances.map((g) => ({
      heading: t(`${K}.group.${g.group}`),
      lines: [
        t(`${K}.line.affected`, { chance: chanceText(t, g.affected) }),
        ...(dominant ? [] : [t(`${K}.line.carrier`, { chance: chanceText(t, g.carrier) })]),
        t(`${K}.line.unaffected`, { chance: chanceText(t, g.unaffected) }),
      ],
    })),
    notes,
  };
}
