// The Welsh glossary of terms (content/terms.yaml): one preferred Welsh term
// per concept, with the forms to avoid (other words for the same concept, and
// forms that break the mutation policy for genom/genomeg). The content check
// flags every avoided form in a module's Welsh, naming the file and the line or
// field, so that one concept has one name across modules, reference data and
// scenarios. Pure: the loader reads the file, this matches text.

import { z } from 'zod';

export const WelshTermSchema = z.object({
  concept: z.string().trim().min(1),
  preferred: z.string().trim().min(1),
  avoid: z.array(z.string().trim().min(1)).default([]),
  note: z.string().trim().min(1).optional(),
  source: z.string().trim().min(1).optional(),
}).strict();
export type WelshTerm = z.infer<typeof WelshTermSchema>;

export const WelshTermsSchema = z.object({ terms: z.array(WelshTermSchema).min(1) }).strict();
export type WelshTerms = z.infer<typeof WelshTermsSchema>;

export interface NonPreferredUse {
  /** The form found, as written. */
  readonly found: string;
  readonly preferred: string;
  readonly concept: string;
  /** Offset in the text. */
  readonly index: number;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/['’]/g, "['’]").replace(/\s+/g, '\\s+');
}

// Welsh initial mutations (soft, nasal, aspirate) of a word's first consonant:
// "cynghorydd" is also written "gynghorydd", "nghynghorydd" and "chynghorydd".
const MUTATIONS: readonly (readonly [string, readonly string[]])[] = [
  ['ll', ['l']], ['rh', ['r']], ['c', ['g', 'ngh', 'ch']], ['p', ['b', 'mh', 'ph']], ['t', ['d', 'nh', 'th']],
  ['g', ['', 'ng']], ['b', ['f', 'm']], ['d', ['dd', 'n']], ['m', ['f']],
];

/** The form as written and with its first consonant mutated. */
function mutatedForms(form: string): string[] {
  const lower = form.toLowerCase();
  const rule = MUTATIONS.find(([radical]) => lower.startsWith(radical));
  if (rule === undefined) return [form];
  const [radical, mutated] = rule;
  return [form, ...mutated.map((m) => m + form.slice(radical.length))];
}

/** Matchers for the avoided forms, mutated too: whole words, any case, straight or curly apostrophes. */
export function termMatchers(terms: WelshTerms): readonly { readonly pattern: RegExp; readonly term: WelshTerm }[] {
  return terms.terms.flatMap((term) => term.avoid.map((form) => ({
    pattern: new RegExp(`(?<![\\p{L}\\p{N}])(?:${mutatedForms(form).map(escape).join('|')})(?![\\p{L}\\p{N}])`, 'giu'),
    term,
  })));
}

/** Every avoided form in a Welsh text, in the order they appear. */
export function nonPreferredTerms(text: string, matchers: ReturnType<typeof termMatchers>): NonPreferredUse[] {
  const found: NonPreferredUse[] = [];
  for (const { pattern, term } of matchers) {
    for (const match of text.matchAll(pattern)) found.push({ found: match[0], preferred: term.preferred, concept: term.concept, index: match.index });
  }
  return found.sort((a, b) => a.index - b.index);
}
