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

export function installViews(app: FastifyInstance, env: nunjucks.Environment): void {
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
    const html = env.render(template, {
      cspNonce,
      ...context,
      t: request.t,
      lang,
      otherLang: other,
      url: (path: string) => localPath(lang, path),
      // A page shown in answer to a form names the page to switch to (its GET address).
      twinUrl: localPath(other, typeof context['canonicalPath'] === 'string' ? context['canonicalPath'] : request.pagePath),
      currentPath: request.pagePath,
      user,
      can: permissions,
      csrfToken: request.csrfToken,
      orgName: (code: string) => organisationNames.get(code)?.[lang] ?? code,
      staffGroupName: (code: string) => staffGroupNames.get(code)?.[lang] ?? code,
      bandName: (code: string) => bandNames.get(code)?.[lang] ?? code,
    });
    return this.type('text/html; charset=utf-8').send(html);
  });
}
