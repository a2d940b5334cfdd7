// What a person reads on a page, checked the way axe cannot: the visible text
// (innerText, which includes visually hidden text for screen readers) and the
// accessible names written in attributes must hold no markup, no character
// entities, no raw interface keys and no stand-ins; a Welsh page must not carry
// the English that nhsuk-frontend's macros and our own code have leaked before.
// Use it on any page: `await expectReadableText(page, 'cy')`.

import { expect } from 'vitest';
import type { Page } from 'playwright-core';

/** Markup or escaping shown as text: a tag, a character entity, an interface key, a renderer's placeholder. */
export const MARKUP_PATTERNS: readonly RegExp[] = [
  /<\/?[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>/i,
  /&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/i,
  /\[[a-z][a-zA-Z0-9]*(?:\.[a-zA-Z0-9-]+)+\]/,
  /GNM[A-Z]+\d*GNMEND/,
  // eslint-disable-next-line no-control-regex -- a kept page's stand-in left unfilled
  /\u0001/,
];

/**
 * English seen on Welsh pages before now: nhsuk-frontend's default hidden
 * prefixes and labels, the module renderer's, and Vega's chart titles.
 */
export const ENGLISH_LEAKS: readonly string[] = ['Information:', 'Example:', 'Error:', 'Important:', 'Support links', 'Pagination', 'Reference ', 'Title text',
  'Choose file', 'No file chosen', 'or drop file', 'There is a problem'];

export interface ReadableText {
  /** The page's visible text, hidden text for screen readers included. */
  readonly text: string;
  /** Accessible names and descriptions written in attributes, and SVG titles. */
  readonly names: readonly string[];
}

/** The text a person (or their screen reader) gets from the page as it is now. */
export function readableText(page: Page): Promise<ReadableText> {
  // A string, run in the page: this project's TypeScript has no DOM types.
  return page.evaluate<ReadableText>(`(() => {
    const names = [];
    for (const element of document.querySelectorAll('[aria-label], [aria-description], [aria-roledescription], [title], [alt], [placeholder]')) {
      for (const attribute of ['aria-label', 'aria-description', 'aria-roledescription', 'title', 'alt', 'placeholder']) {
        const value = element.getAttribute(attribute);
        if (value !== null && value.trim() !== '') names.push(value);
      }
    }
    for (const title of document.querySelectorAll('svg title')) names.push(title.textContent ?? '');
    names.push(document.title);
    return { text: document.body.innerText, names };
  })()`);
}

/** The problems a reader would meet in this text, each with a little of what surrounds it. */
export function readabilityProblems(readable: ReadableText, lang: 'en' | 'cy'): string[] {
  const problems: string[] = [];
  const around = (text: string, index: number, length: number) => text.slice(Math.max(0, index - 30), index + length + 30).replace(/\s+/g, ' ');
  const sources: readonly [string, string][] = [['text', readable.text], ...readable.names.map((n): [string, string] => ['attribute', n])];
  for (const [where, text] of sources) {
    for (const pattern of MARKUP_PATTERNS) {
      const match = pattern.exec(text);
      if (match !== null) problems.push(`${where}: markup or a raw key "${match[0]}" in "…${around(text, match.index, match[0].length)}…"`);
    }
    if (lang === 'cy') {
      for (const leak of ENGLISH_LEAKS) {
        const index = text.indexOf(leak);
        if (index >= 0) problems.push(`${where}: English "${leak.trim()}" on a Welsh page in "…${around(text, index, leak.length)}…"`);
      }
    }
  }
  return problems;
}

/** Fails, naming the page and every problem, when what a person reads holds markup, a raw key or (in Welsh) known English. */
export async function expectReadableText(page: Page, lang: 'en' | 'cy'): Promise<void> {
  const problems = readabilityProblems(await readableText(page), lang);
  expect({ url: page.url(), problems }).toEqual({ url: page.url(), problems: [] });
}
