// The two languages every page, form, email and error exists in.

export const LANGUAGES = ['en', 'cy'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return value === 'en' || value === 'cy';
}

/**
 * Welsh plural categories (CLDR): zero, one, two, few, many, other.
 * 0 → zero, 1 → one, 2 → two, 3 → few, 6 → many, everything else → other.
 */
export type PluralCategory = 'zero' | 'one' | 'two' | 'few' | 'many' | 'other';
