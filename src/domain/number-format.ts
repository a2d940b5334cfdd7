// How numbers are shown, in one place: the pages (the `number` and `figure`
// filters), the planner's report and the command line all format through here.
// The rule (docs/number-format.md):
// - counts (people, statements, runs, rows) are whole numbers: 1,234;
// - workforce figures (WTE, supply, demand, gaps and their percentiles) are
//   shown to one decimal place, always: 13.0, 13.2, −10.4, never 13.96;
// - a person's contracted WTE (the staff record) keeps ESR's two places: 0.75;
// - no number is ever shown as "-0": a value that rounds to zero is 0 (0.0).
// Pure: Intl only, no I/O.

export type NumberLanguage = 'en' | 'cy';

/** Decimal places of a workforce figure (WTE and everything measured in it). */
export const FIGURE_DIGITS = 1;

const cache = new Map<string, Intl.NumberFormat>();

/**
 * A formatter for `lang` with at most `digits` decimal places (exactly that
 * many when `fixed`). Negative zero, and negatives that round to zero, carry no
 * sign (signDisplay 'negative').
 */
export function numberFormatter(lang: NumberLanguage, digits = 0, fixed = false): Intl.NumberFormat {
  const key = `${lang}:${digits}:${fixed ? 1 : 0}`;
  let format = cache.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(lang === 'cy' ? 'cy-GB' : 'en-GB', {
      maximumFractionDigits: digits, minimumFractionDigits: fixed ? digits : 0, signDisplay: 'negative',
    });
    cache.set(key, format);
  }
  return format;
}

/** A count, or any number shown without a fixed precision (at most one decimal place): 1,234. */
export function formatNumber(value: number, lang: NumberLanguage = 'en'): string {
  return numberFormatter(lang, FIGURE_DIGITS).format(value);
}

/** A workforce figure (WTE, supply, demand, a gap): one decimal place, always. */
export function formatFigure(value: number, lang: NumberLanguage = 'en'): string {
  return numberFormatter(lang, FIGURE_DIGITS, true).format(value);
}

/** A person's contracted WTE: two decimal places, as ESR holds it (0.75 is not rounded to 0.8). */
export function formatContractWte(value: number, lang: NumberLanguage = 'en'): string {
  return numberFormatter(lang, 2, true).format(value);
}

/** A number for a machine-readable file (CSV): `digits` places, no separators, and "0.0000", never "-0.0000". */
export function plainFixed(value: number, digits: number): string {
  const text = value.toFixed(digits);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}
