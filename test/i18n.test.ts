// Every string in English and Welsh: a key missing or empty in either fails,
// and so does a key used in a template or in code that neither file has.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flattenMessages, isPluralNode, loadMessages, translator, type Messages } from '../src/web/i18n.js';
import { ERROR_CODES } from '../src/domain/errors.js';
import { ESR_ISSUE_CODES, ESR_COLUMNS } from '../src/domain/staff/index.js';
import { ROLES } from '../src/domain/auth/index.js';
import { AGE_BANDS } from '../src/domain/staff/index.js';

const en = loadMessages('en');
const cy = loadMessages('cy');

function pluralNodes(messages: Messages, prefix = ''): Map<string, Messages> {
  const out = new Map<string, Messages>();
  for (const [key, value] of Object.entries(messages)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'string') continue;
    if (isPluralNode(value)) out.set(path, value);
    else for (const [k, v] of pluralNodes(value, path)) out.set(k, v);
  }
  return out;
}

function files(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, ext) : path.endsWith(ext) ? [path] : [];
  });
}

function resolves(key: string): boolean {
  return translator('en')(key, { count: 1 }) !== `[${key}]` && translator('cy')(key, { count: 1 }) !== `[${key}]`;
}

describe('interface strings', () => {
  const enKeys = new Set([...flattenMessages(en).keys()].map((k) => k.replace(/\.(zero|one|two|few|many|other)$/, '')));
  const cyKeys = new Set([...flattenMessages(cy).keys()].map((k) => k.replace(/\.(zero|one|two|few|many|other)$/, '')));

  it('has every English key in Welsh and every Welsh key in English', () => {
    expect([...enKeys].filter((k) => !cyKeys.has(k))).toEqual([]);
    expect([...cyKeys].filter((k) => !enKeys.has(k))).toEqual([]);
  });

  it('has no empty string in either language', () => {
    for (const messages of [en, cy]) {
      expect([...flattenMessages(messages)].filter(([, v]) => v.trim() === '').map(([k]) => k)).toEqual([]);
    }
  });

  it('gives Welsh counts all six plural forms and English one and other', () => {
    for (const [key, node] of pluralNodes(cy)) expect({ key, forms: Object.keys(node).sort() }).toEqual({ key, forms: ['few', 'many', 'one', 'other', 'two', 'zero'] });
    for (const [key, node] of pluralNodes(en)) expect({ key, one: 'one' in node, other: 'other' in node }).toEqual({ key, one: true, other: true });
  });

  it('picks the Welsh plural form by count', () => {
    const t = translator('cy');
    expect(t('staff.count', { count: 0 })).toBe('Ni chafwyd hyd i staff');
    expect(t('staff.count', { count: 2 })).toBe('Cafwyd hyd i 2 berson');
    expect(t('staff.count', { count: 3 })).toBe('Cafwyd hyd i 3 pherson');
    expect(t('staff.count', { count: 6 })).toBe('Cafwyd hyd i 6 pherson');
    expect(t('staff.count', { count: 7 })).toBe('Cafwyd hyd i 7 o bobl');
  });

  it('keeps the same placeholders in both languages', () => {
    const enFlat = flattenMessages(en);
    const cyFlat = flattenMessages(cy);
    const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, value] of enFlat) {
      const base = key.replace(/\.(zero|one|two|few|many|other)$/, '');
      const welsh = cyFlat.get(key) ?? cyFlat.get(`${base}.other`);
      if (welsh === undefined) continue;
      const expected = holes(value).filter((h) => h !== 'count');
      expect({ key, holes: holes(welsh).filter((h) => h !== 'count') }).toEqual({ key, holes: expected });
    }
  });

  it('has a string for every key a template or the code asks for', () => {
    const used = new Set<string>();
    for (const file of [...files('src/web/views', '.njk'), ...files('src', '.ts')]) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*["']([a-zA-Z][\w.-]*)["']/g)) if (m[1] !== undefined && !m[1].endsWith('.')) used.add(m[1]);
      for (const m of text.matchAll(/\bkey:\s*'([a-zA-Z][\w.-]*\.[\w.-]+)'/g)) if (m[1] !== undefined) used.add(m[1]);
      for (const m of text.matchAll(/formError: '([\w.]+)'/g)) if (m[1] !== undefined) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(50);
    expect([...used].filter((k) => !resolves(k))).toEqual([]);
  });

  it('has a string for every key built from a code: errors, import problems, roles, age bands, columns', () => {
    const dynamic = [
      ...Object.keys(ERROR_CODES).map((c) => `errors.${c}.title`),
      ...ESR_ISSUE_CODES.map((c) => `staffImport.issues.${c}`),
      ...ROLES.map((r) => `roles.${r}`),
      ...AGE_BANDS.map((b) => `ageBands.${b}`),
      ...ESR_COLUMNS.map((c) => `staffImport.columns.${c.field}`),
      ...['not-found', 'forbidden', 'server-error', 'problem'].flatMap((p) => [`errors.pages.${p}.title`, `errors.pages.${p}.body`]),
    ];
    expect(dynamic.filter((k) => !resolves(k))).toEqual([]);
  });

  it('has a string for every audit action the stores write', () => {
    const actions = new Set<string>();
    for (const file of files('src', '.ts')) {
      // `action: 'x.y'`, `action: 'x.y.z'`, and a default given as `action ?? 'x.y'`.
      for (const m of readFileSync(file, 'utf8').matchAll(/action(?::|[^,;\n]*\?\?) '([a-z-]+(?:\.[a-z-]+)+)'/g)) if (m[1] !== undefined) actions.add(m[1]);
    }
    expect(actions.size).toBeGreaterThan(5);
    expect([...actions].filter((a) => !resolves(`audit.actions.${a}`))).toEqual([]);
  });
});
