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

/** The character entities a browser would turn into characters; any other left in the text is reported as shown. */
const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', ndash: '–', mdash: '—', hellip: '…', lsquo: '‘', rsquo: '’',
  ldquo: '“', rdquo: '”', middot: '·', bull: '•', times: '×', copy: '©', pound: '£', euro: '€', deg: '°', plusmn: '±', ge: '≥', le: '≤',
  micro: 'µ', shy: '\u00ad', zwj: '\u200d', zwnj: '\u200c', rarr: '→', larr: '←', minus: '−',
};

/** Turns the entities of one run of HTML text into characters, once, as a browser's parser does. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return ENTITIES[name] ?? whole;
  });
}

/** One tag: quoted attribute values may hold ">". */
const TAG = /<(?:!--[\s\S]*?--|(?:"[^"]*"|'[^']*'|[^'">])*)>/g;
const ATTRIBUTE = /([a-zA-Z:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/g;
const NAMED = new Set(['aria-label', 'aria-description', 'aria-roledescription', 'title', 'alt', 'placeholder']);

/**
 * What a person reads from a page's HTML as the server sent it, without a
 * browser: every text node (script and style content left out) with its
 * entities turned into characters once, and the accessible names written in
 * attributes, SVG titles and the document title. Stricter than innerText: text
 * a stylesheet hides is read too. For walks over many pages where a browser per
 * page would be slow; the pages' own browser tests read innerText.
 */
export function readableTextOfHtml(html: string): ReadableText {
  const body = html.replace(/<(script|style|template)\b[\s\S]*?<\/\1\s*>/gi, ' ');
  const names: string[] = [];
  for (const tag of body.match(TAG) ?? []) {
    if (tag.startsWith('<!--') || tag.startsWith('</')) continue;
    for (const m of tag.matchAll(ATTRIBUTE)) {
      const name = (m[1] ?? '').toLowerCase();
      const value = m[2] ?? m[3] ?? m[4] ?? '';
      if (NAMED.has(name) && value.trim() !== '') names.push(decodeEntities(value));
    }
  }
  for (const m of body.matchAll(/<title\b[^>]*>([\s\S]*?)<\/title>/gi)) names.push(decodeEntities((m[1] ?? '').replace(TAG, ' ')).trim());
  const bodyOnly = /<body\b[^>]*>([\s\S]*)<\/body>/i.exec(body)?.[1] ?? body;
  const text = bodyOnly.replace(/<title\b[^>]*>[\s\S]*?<\/title>/gi, ' ').split(TAG).map(decodeEntities).join(' ').replace(/[ \t\r\n]+/g, ' ');
  return { text, names };
}
