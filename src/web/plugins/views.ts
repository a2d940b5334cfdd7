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
import { localPath } from './language.js';
import { principalOf } from './auth.js';

declare module 'fastify' {
  interface FastifyReply {
    render(template: string, context?: Record<string, unknown>): FastifyReply;
  }
}

export function createViewEnvironment(production: boolean): nunjucks.Environment {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader([join(projectRoot, 'src', 'web', 'views'), join(projectRoot, 'node_modules', 'nhsuk-frontend', 'dist')], { noCache: !production }),
    { autoescape: true, throwOnUndefined: false },
  );
  // nunjucks' own trim is a regular expression that takes time quadratic in a
  // run of spaces; nhsuk-frontend's macros trim every block they render.
  env.addFilter('trim', (value: string | number | nunjucks.runtime.SafeString | null | undefined) => {
    const trimmed = value === undefined || value === null ? '' : String(value).trim();
    return value instanceof nunjucks.runtime.SafeString ? new nunjucks.runtime.SafeString(trimmed) : trimmed;
  });
  const numberFormats = { en: new Intl.NumberFormat('en-GB'), cy: new Intl.NumberFormat('cy-GB') };
  env.addFilter('number', (value: number, lang: 'en' | 'cy' = 'en') => numberFormats[lang].format(value));
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
const NAV_SECTIONS = ['/staff/import', '/learn', '/my-learning', '/team', '/staff', '/admin/users', '/plan', '/admin/xapi-clients', '/admin/audit'] as const;

export function activeNavSection(path: string): string {
  if (path === '/') return '/';
  return NAV_SECTIONS.find((section) => path === section || path.startsWith(`${section}/`) || path.startsWith(`${section}.`) || path.startsWith(section)) ?? '';
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

// Stand-ins for the per-person parts of the cached header and footer: control
// characters that no escaping changes and no real value contains.
const NAME = '\u0001name\u0001';
const TOKEN = '\u0001csrf\u0001';
const TWIN = '\u0001twin\u0001';

/**
 * The header and footer are the costliest part of every page to render
 * (nhsuk-frontend's macros), yet they vary only by language, the menu items a
 * person may see and the active one. Each variant is rendered once with
 * stand-ins for the person's name, form token and the page's twin address,
 * then the stand-ins are replaced, escaped, on every page.
 */
export class PageChrome {
  private readonly cache = new Map<string, { header: string; footer: string }>();

  constructor(private readonly env: nunjucks.Environment) {}

  render(context: { lang: 'en' | 'cy'; signedIn: boolean; can: Partial<Record<Permission, boolean>>; activeNav: string; t: unknown; url: (path: string) => string; otherLang: string }, person: { name: string; csrfToken: string; twinUrl: string }): { header: string; footer: string } {
    const menu = PERMISSIONS.filter((p) => context.can[p] === true).join(',');
    const key = `${context.lang}|${String(context.signedIn)}|${menu}|${context.activeNav}`;
    let variant = this.cache.get(key);
    if (variant === undefined) {
      const shared = { ...context, user: context.signedIn ? { displayName: NAME } : null, csrfToken: TOKEN, twinUrl: TWIN };
      variant = { header: this.env.render('partials/header.njk', shared), footer: this.env.render('partials/footer.njk', shared) };
      this.cache.set(key, variant);
    }
    const fill = (html: string) => html.replaceAll(NAME, escapeHtml(person.name)).replaceAll(TOKEN, escapeHtml(person.csrfToken)).replaceAll(TWIN, escapeHtml(person.twinUrl));
    return { header: fill(variant.header), footer: fill(variant.footer) };
  }
}

export function installViews(app: FastifyInstance, env: nunjucks.Environment): void {
  const chrome = new PageChrome(env);
  const organisationNames = new Map(ORGANISATIONS.map((o) => [o.code, o.name]));
  const staffGroupNames = new Map(STAFF_GROUPS.map((g) => [g.code, g.name]));
  const bandNames = new Map(PAY_BANDS.map((b) => [b.code, b.name]));
  app.decorateReply('render', function render(this: FastifyReply, template: string, context: Record<string, unknown> = {}) {
    const request = this.request;
    const lang = request.lang;
    const other = lang === 'en' ? 'cy' : 'en';
    const user = request.user;
    const permissions: Partial<Record<Permission, boolean>> = {};
    if (user !== null) for (const p of PERMISSIONS) permissions[p] = can(principalOf(user), p);
    // The page template's one inline script runs under this nonce; no other inline script can.
    const cspNonce = randomBytes(16).toString('base64');
    this.header('Content-Security-Policy', `default-src 'self'; script-src 'self' 'nonce-${cspNonce}'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`);
    const url = (path: string) => localPath(lang, path);
    // A page shown in answer to a form names the page to switch to (its GET address).
    const twinUrl = localPath(other, typeof context['canonicalPath'] === 'string' ? context['canonicalPath'] : request.pagePath);
    const html = env.render(template, {
      cspNonce,
      ...context,
      t: request.t,
      lang,
      otherLang: other,
      url,
      twinUrl,
      currentPath: request.pagePath,
      user,
      can: permissions,
      csrfToken: request.csrfToken,
      chrome: chrome.render(
        { lang, signedIn: user !== null, can: permissions, activeNav: activeNavSection(request.pagePath), t: request.t, url, otherLang: other },
        { name: user?.displayName ?? '', csrfToken: request.csrfToken, twinUrl },
      ),
      orgName: (code: string) => organisationNames.get(code)?.[lang] ?? code,
      staffGroupName: (code: string) => staffGroupNames.get(code)?.[lang] ?? code,
      bandName: (code: string) => bandNames.get(code)?.[lang] ?? code,
    });
    return this.type('text/html; charset=utf-8').send(html);
  });
}
