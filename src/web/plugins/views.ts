// Pages are Nunjucks templates built from nhsuk-frontend's macros. Every page
// gets the translator, the language, the path of its twin in the other
// language, the signed-in person and the form token.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import nunjucks from 'nunjucks';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { can, PERMISSIONS, type Permission } from '../../domain/auth/index.js';
import { ORGANISATIONS, PAY_BANDS, STAFF_GROUPS } from '../../domain/staff/index.js';
import { projectRoot } from '../paths.js';
import { localisedParams } from '../component-defaults.js';
import { localPath } from './language.js';
import { principalOf } from './auth.js';
import { formatContractWte, formatFigure, formatNumber } from '../../domain/number-format.js';

declare module 'fastify' {
  interface FastifyReply {
    render(template: string, context?: Record<string, unknown>): FastifyReply;
    /**
     * Renders a page that is the same for everyone with the same key, language
     * and menu once, keeps it, and fills in each person's own parts: their name,
     * form token, the nonce, the twin address, and \`own\` (HTML by stand-in
     * name, for the template's \`standIn(...)\` calls). A null key renders
     * without keeping.
     */
    renderKept(key: string | null, template: string, context: Record<string, unknown>, own: Readonly<Record<string, string>>, stamp?: string): FastifyReply;
  }
}

/** `reload`: compile each template afresh on every render (VIEWS_RELOAD, for editing templates); otherwise once. */
export function createViewEnvironment(reload: boolean): nunjucks.Environment {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader([join(projectRoot, 'src', 'web', 'views'), join(projectRoot, 'node_modules', 'nhsuk-frontend', 'dist')], { noCache: reload }),
    { autoescape: true, throwOnUndefined: false },
  );
  // nunjucks' own trim is a regular expression that takes time quadratic in a
  // run of spaces; nhsuk-frontend's macros trim every block they render.
  env.addFilter('trim', (value: string | number | nunjucks.runtime.SafeString | null | undefined) => {
    const trimmed = value === undefined || value === null ? '' : String(value).trim();
    return value instanceof nunjucks.runtime.SafeString ? new nunjucks.runtime.SafeString(trimmed) : trimmed;
  });
  env.addGlobal('localisedParams', localisedParams);
  env.addGlobal('standIn', (name: string) => new nunjucks.runtime.SafeString(standIn(name)));
  // One rule for numbers on every page (src/domain/number-format.ts): counts whole, figures to one place, never "-0".
  env.addFilter('number', (value: number, lang: 'en' | 'cy' = 'en') => formatNumber(value, lang));
  env.addFilter('figure', (value: number, lang: 'en' | 'cy' = 'en') => formatFigure(value, lang));
  env.addFilter('contractWte', (value: number, lang: 'en' | 'cy' = 'en') => formatContractWte(value, lang));
  env.addFilter('numberList', (values: readonly number[], lang: 'en' | 'cy' = 'en') => values.map((v) => formatNumber(v, lang)).join(' · '));
  const dateTimes = {
    en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/London' }),
    cy: new Intl.DateTimeFormat('cy-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/London' }),
  };
  const dates = {
    en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'Europe/London' }),
    cy: new Intl.DateTimeFormat('cy-GB', { dateStyle: 'long', timeZone: 'Europe/London' }),
  };
  env.addFilter('datetime', (value: Date | null, lang: 'en' | 'cy' = 'en') => (value === null ? '' : dateTimes[lang].format(value)));
  env.addFilter('date', (value: string | Date | null, lang: 'en' | 'cy' = 'en') =>
    (value === null ? '' : dates[lang].format(typeof value === 'string' ? new Date(value) : value)));
  return env;
}

// The menu sections, most specific first: the one a page's path falls under is shown as active.
const NAV_SECTIONS = ['/staff/import', '/learn', '/my-learning', '/team', '/staff', '/admin/users', '/plan', '/admin/xapi-clients', '/admin/learning-records', '/admin/audit'] as const;

export function activeNavSection(path: string): string {
  if (path === '/') return '/';
  return NAV_SECTIONS.find((section) => path === section || path.startsWith(`${section}/`) || path.startsWith(`${section}.`) || path.startsWith(section)) ?? '';
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * A stand-in for a per-person part of a page that is rendered once and kept for
 * many people: control characters that no escaping changes and no real value
 * contains, replaced on every request by fillStandIns.
 */
export function standIn(name: string): string {
  return `\u0001${name}\u0001`;
}

// eslint-disable-next-line no-control-regex -- the stand-ins are control characters on purpose
const STAND_INS = /\u0001([a-z0-9-]+)\u0001/g;

/**
 * Puts each person's own values (HTML, escaped already) in place of the
 * stand-ins, in one pass: a value put in is never read again as a stand-in.
 * A stand-in without a value is left out.
 */
export function fillStandIns(html: string, values: Readonly<Record<string, string>>): string {
  return html.replace(STAND_INS, (_, name: string) => values[name] ?? '');
}

/**
 * A page with stand-ins, split once: its text between the stand-ins already
 * encoded as UTF-8 (a kept page is sent as bytes, never re-encoded), and the
 * stand-ins' names in order.
 */
interface SplitPage { readonly text: readonly Buffer[]; readonly names: readonly string[]; readonly bytes: number }

/**
 * Split once, and with the templates' indentation and blank lines taken out
 * (a quarter of a module page): runs of white space between tags show as one
 * space, so nothing changes on screen. A page with preformatted text keeps it all.
 */
function splitStandIns(html: string): SplitPage {
  const compact = /<(pre|textarea)\b/i.test(html) ? html : html.replace(/\n[ \t\n]+/g, '\n');
  const parts = compact.split(STAND_INS);
  const text = parts.filter((_, i) => i % 2 === 0).map((part) => Buffer.from(part, 'utf8'));
  return { text, names: parts.filter((_, i) => i % 2 === 1), bytes: text.reduce((sum, b) => sum + b.length, 0) };
}

/** fillStandIns for a page split once and filled many times: the person's few values encoded, the rest copied as bytes. */
function fillSplit(page: SplitPage, values: Readonly<Record<string, string>>): Buffer {
  const chunks: Buffer[] = [];
  let bytes = page.bytes;
  page.text.forEach((text, i) => {
    chunks.push(text);
    const name = page.names[i];
    if (name === undefined) return;
    const value = Buffer.from(values[name] ?? '', 'utf8');
    bytes += value.length;
    chunks.push(value);
  });
  return Buffer.concat(chunks, bytes);
}

const PERSON = { name: standIn('name'), csrf: standIn('csrf'), twin: standIn('twin'), nonce: standIn('nonce') } as const;

interface ChromeContext { lang: 'en' | 'cy'; signedIn: boolean; can: Partial<Record<Permission, boolean>>; activeNav: string; t: unknown; url: (path: string) => string; otherLang: string }

/** The menu a person sees, as a key: the permissions they hold, in a fixed order. */
function menuKey(can: Partial<Record<Permission, boolean>>): string {
  return PERMISSIONS.filter((p) => can[p] === true).join(',');
}

/**
 * The header and footer are the costliest part of every page to render
 * (nhsuk-frontend's macros), yet they vary only by language, the menu items a
 * person may see and the active one. Each variant is rendered once with
 * stand-ins for the person's name, form token and the page's twin address,
 * which are filled in on every page.
 */
export class PageChrome {
  private readonly cache = new Map<string, { header: string; footer: string }>();

  constructor(private readonly env: nunjucks.Environment) {}

  /** The variant with its stand-ins still in place. */
  variant(context: ChromeContext): { header: string; footer: string } {
    const key = `${context.lang}|${String(context.signedIn)}|${menuKey(context.can)}|${context.activeNav}`;
    let variant = this.cache.get(key);
    if (variant === undefined) {
      const shared = { ...context, user: context.signedIn ? { displayName: PERSON.name } : null, csrfToken: PERSON.csrf, twinUrl: PERSON.twin };
      variant = { header: this.env.render('partials/header.njk', shared), footer: this.env.render('partials/footer.njk', shared) };
      this.cache.set(key, variant);
    }
    return variant;
  }

  render(context: ChromeContext, person: { name: string; csrfToken: string; twinUrl: string }): { header: string; footer: string } {
    const variant = this.variant(context);
    const values = { name: escapeHtml(person.name), csrf: escapeHtml(person.csrfToken), twin: escapeHtml(person.twinUrl) };
    return { header: fillStandIns(variant.header, values), footer: fillStandIns(variant.footer, values) };
  }
}

/** Pages kept whole, by key: a module version's page is the same for everyone who sees the same menu. */
const KEPT_PAGES_MAX = 2_000;

export function installViews(app: FastifyInstance, env: nunjucks.Environment): void {
  const chrome = new PageChrome(env);
  const kept = new Map<string, SplitPage>();
  /** The stamp a kept page was rendered under, when its caller gave one: another stamp renders it afresh in its place. */
  const keptStamps = new Map<string, string>();
  const organisationNames = new Map(ORGANISATIONS.map((o) => [o.code, o.name]));
  const staffGroupNames = new Map(STAFF_GROUPS.map((g) => [g.code, g.name]));
  const bandNames = new Map(PAY_BANDS.map((b) => [b.code, b.name]));
  const nonces = new NoncePool();
  const helpers = {
    orgName: (lang: 'en' | 'cy') => (code: string) => organisationNames.get(code)?.[lang] ?? code,
    staffGroupName: (lang: 'en' | 'cy') => (code: string) => staffGroupNames.get(code)?.[lang] ?? code,
    bandName: (lang: 'en' | 'cy') => (code: string) => bandNames.get(code)?.[lang] ?? code,
  };

  /** What every page is rendered with, and the person's own values for the stand-ins. */
  const prepare = (reply: FastifyReply, context: Record<string, unknown>) => {
    const request = reply.request;
    const lang = request.lang;
    const other = lang === 'en' ? 'cy' : 'en';
    const user = request.user;
    const permissions: Partial<Record<Permission, boolean>> = {};
    if (user !== null) for (const p of PERMISSIONS) permissions[p] = can(principalOf(user), p);
    // The page template's one inline script runs under this nonce; no other inline script can.
    const cspNonce = nonces.next();
    reply.header('Content-Security-Policy', `default-src 'self'; script-src 'self' 'nonce-${cspNonce}'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`);
    const url = (path: string) => localPath(lang, path);
    // A page shown in answer to a form names the page to switch to (its GET address).
    const twinUrl = localPath(other, typeof context['canonicalPath'] === 'string' ? context['canonicalPath'] : request.pagePath);
    const activeNav = activeNavSection(request.pagePath);
    const chromeContext: ChromeContext = { lang, signedIn: user !== null, can: permissions, activeNav, t: request.t, url, otherLang: other };
    const shared = {
      ...context, t: request.t, lang, otherLang: other, url, currentPath: request.pagePath, can: permissions,
      orgName: helpers.orgName(lang), staffGroupName: helpers.staffGroupName(lang), bandName: helpers.bandName(lang),
    };
    const values = { name: escapeHtml(user?.displayName ?? ''), csrf: escapeHtml(request.csrfToken), twin: escapeHtml(twinUrl), nonce: cspNonce };
    return { shared, chromeContext, values, user, twinUrl, key: `${lang}|${String(user !== null)}|${menuKey(permissions)}|${activeNav}` };
  };

  app.decorateReply('render', function render(this: FastifyReply, template: string, context: Record<string, unknown> = {}) {
    const { shared, chromeContext, values, user, twinUrl } = prepare(this, context);
    const csrfToken = this.request.csrfToken;
    const html = env.render(template, {
      cspNonce: values.nonce, ...shared, twinUrl, user, csrfToken,
      chrome: chrome.render(chromeContext, { name: user?.displayName ?? '', csrfToken, twinUrl }),
    });
    return this.type('text/html; charset=utf-8').send(html);
  });

  app.decorateReply('renderKept', function renderKept(this: FastifyReply, key: string | null, template: string, context: Record<string, unknown>, own: Readonly<Record<string, string>>, stamp?: string) {
    const { shared, chromeContext, values, key: variant } = prepare(this, context);
    const fullKey = key === null ? null : `${key}|${variant}`;
    let page = fullKey === null || (stamp !== undefined && keptStamps.get(fullKey) !== stamp) ? undefined : kept.get(fullKey);
    if (page === undefined) {
      // Rendered with stand-ins for everything personal: the template sees the
      // person's name only as a stand-in, and must take anything else of theirs
      // through \`standIn\`.
      page = splitStandIns(env.render(template, {
        ...shared, cspNonce: PERSON.nonce, twinUrl: PERSON.twin, csrfToken: PERSON.csrf,
        user: chromeContext.signedIn ? { displayName: PERSON.name } : null, chrome: chrome.variant(chromeContext),
      }));
      if (fullKey !== null) {
        if (kept.size >= KEPT_PAGES_MAX) {
          kept.clear();
          keptStamps.clear();
        }
        kept.set(fullKey, page);
        if (stamp === undefined) keptStamps.delete(fullKey);
        else keptStamps.set(fullKey, stamp);
      }
    }
    return this.type('text/html; charset=utf-8').send(fillSplit(page, { ...own, ...values }));
  });
}

/**
 * CSP nonces, 128 random bits each, drawn from a buffer filled 256 at a time:
 * one system call for many pages rather than one a page.
 */
class NoncePool {
  private buffer = Buffer.alloc(0);
  private offset = 0;

  next(): string {
    if (this.offset >= this.buffer.length) {
      this.buffer = randomBytes(16 * 256);
      this.offset = 0;
    }
    const nonce = this.buffer.toString('base64', this.offset, this.offset + 16);
    this.offset += 16;
    return nonce;
  }
}
