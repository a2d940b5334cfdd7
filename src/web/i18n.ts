// Interface strings in English and Welsh, from locales/en.json and
// locales/cy.json. A key is a dotted path; a value may hold {name} placeholders
// and, for counts, an object of CLDR plural categories (Welsh uses all six).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Language } from '../domain/i18n.js';
import { projectRoot } from './paths.js';

export type Messages = { readonly [key: string]: string | Messages };
export type Params = Readonly<Record<string, string | number>>;
export type Translate = (key: string, params?: Params) => string;

/**
 * locales/LANG.json holds the platform's strings; each capability may keep its
 * own in locales/LANG/NAME.json, whose top-level keys must not clash with
 * another file's.
 */
export function loadMessages(language: Language): Messages {
  const merged: Record<string, string | Messages> = JSON.parse(readFileSync(join(projectRoot, 'locales', `${language}.json`), 'utf8')) as Messages;
  const dir = join(projectRoot, 'locales', language);
  if (existsSync(dir)) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const part = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Messages;
      for (const [key, value] of Object.entries(part)) {
        if (key in merged) throw new Error(`locales/${language}/${file}: top-level key "${key}" is already defined`);
        merged[key] = value;
      }
    }
  }
  return merged;
}

/** Every leaf key, dotted, with plural forms as key.category. */
export function flattenMessages(messages: Messages, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(messages)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flattenMessages(value, path)) out.set(k, v);
  }
  return out;
}

const PLURAL_CATEGORIES = new Set(['zero', 'one', 'two', 'few', 'many', 'other']);

export function isPluralNode(node: Messages): boolean {
  const keys = Object.keys(node);
  return keys.length > 0 && keys.every((k) => PLURAL_CATEGORIES.has(k));
}

/** Every key that resolves to a string or a set of plural forms, flattened once for O(1) lookups. */
function indexMessages(messages: Messages, prefix = '', out = new Map<string, string | Messages>()): Map<string, string | Messages> {
  for (const [key, value] of Object.entries(messages)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'string' || isPluralNode(value)) out.set(path, value);
    else indexMessages(value, path, out);
  }
  return out;
}

const catalogues = new Map<Language, Map<string, string | Messages>>();
const pluralRules: Record<Language, Intl.PluralRules> = { en: new Intl.PluralRules('en'), cy: new Intl.PluralRules('cy') };

export function translator(language: Language): Translate {
  let index = catalogues.get(language);
  if (index === undefined) {
    index = indexMessages(loadMessages(language));
    catalogues.set(language, index);
  }
  const catalogue = index;
  return (key, params = {}) => {
    let node = catalogue.get(key);
    if (node !== undefined && typeof node !== 'string' && isPluralNode(node)) {
      const count = Number(params['count'] ?? 0);
      // An explicit "zero" form wins for 0 in any language (English has no zero category of its own).
      const category = count === 0 && 'zero' in node ? 'zero' : pluralRules[language].select(count);
      node = node[category] ?? node['other'];
    }
    // A missing key shows itself, so a test or a reviewer sees it at once.
    if (typeof node !== 'string') return `[${key}]`;
    return node.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      return value === undefined ? whole : String(value);
    });
  };
}
