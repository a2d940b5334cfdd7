// The accounts pages as people see them: the single sign-on button, the page
// for a person not in the staff directory, the password page (forced after a
// one-time password) and an administrator's account page; English and Welsh,
// 1280 and 320 px wide: readable text, no sideways scroll, axe clean.
// Screenshots go to /tmp/shots/accounts/ for a person to look at.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { buildApp } from '../../src/web/app.js';
import { SESSION_COOKIE } from '../../src/web/plugins/auth.js';
import { expectAxeClean, listenWithBrowser } from '../support/browser.js';
import { expectReadableText } from '../support/readable.js';

const SHOTS = '/tmp/shots/accounts';

describe('accounts pages in a browser', () => {
  let dir: string;
  let database: DatabaseHandle;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  const tokens: Record<string, string> = {};
  let targetId = '';

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'genomeg-accounts-'));
    database = openDatabase(`sqlite:${join(dir, 'test.sqlite')}`);
    await migrateToLatest(database);
    // Single sign-on configured (the provider is never reached by these pages).
    app = await buildApp({ config: loadConfig({
      NODE_ENV: 'test', LOG_LEVEL: 'silent', CONTENT_DIR: 'test/fixtures/content',
      OIDC_ISSUER_URL: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0', OIDC_CLIENT_ID: 'genomeg', OIDC_CLIENT_SECRET: 'not-used-here',
    }), database, logger: false });
    const stranger = await app.stores.users.create({ email: 'new.starter@wales.nhs.uk', displayName: 'New Starter', passwordHash: null, grants: [{ role: 'learner', organisationCode: null }] }, null);
    const forced = await app.stores.users.create({ email: 'first.admin@wales.nhs.uk', displayName: 'First Admin', passwordHash: 'x', grants: [{ role: 'platform-admin', organisationCode: null }] }, null);
    await app.stores.accounts.requirePasswordChange(forced.id);
    const admin = await app.stores.users.create({ email: 'org.admin@wales.nhs.uk', displayName: 'Gareth Price', passwordHash: null, grants: [{ role: 'org-admin', organisationCode: '7A7' }] }, null);
    const target = await app.stores.users.create({ email: 'rhian.morgan@wales.nhs.uk', displayName: 'Rhian Morgan', passwordHash: null, grants: [{ role: 'line-manager', organisationCode: '7A7' }] }, null);
    await app.stores.accounts.recordSignIn(target.id, 'password');
    targetId = target.id;
    for (const [name, id] of [['stranger', stranger.id], ['forced', forced.id], ['admin', admin.id]] as const) tokens[name] = (await app.stores.sessions.start(id)).token;
    ({ base, browser } = await listenWithBrowser(app));
  }, 120_000);

  afterAll(async () => {
    await browser.close();
    await app.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const pages = [
    { name: 'sso-button', path: '/sign-in', who: null },
    { name: 'not-in-directory', path: '/account/not-in-directory', who: 'stranger' },
    { name: 'password-forced', path: '/account/password', who: 'forced' },
    { name: 'admin-account', path: () => `/admin/users/${targetId}/account`, who: 'admin' },
  ] as const;

  it('shows each page readable, without sideways scroll and axe clean, in English and Welsh at 1280 and 320 px', async () => {
    for (const p of pages) {
      for (const lang of ['en', 'cy'] as const) {
        for (const width of [1280, 320]) {
          const context = await browser.newContext({ viewport: { width, height: 900 } });
          if (p.who !== null) await context.addCookies([{ name: SESSION_COOKIE, value: tokens[p.who] ?? '', url: base }]);
          const page = await context.newPage();
          const path = typeof p.path === 'function' ? p.path() : p.path;
          const response = await page.goto(`${base}${lang === 'cy' ? '/cy' : ''}${path}`);
          expect({ page: p.name, status: response?.status() }).toEqual({ page: p.name, status: 200 });
          await expectReadableText(page, lang);
          const sideways = await page.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth');
          expect({ page: p.name, lang, width, sideways }).toEqual({ page: p.name, lang, width, sideways: false });
          if (width === 1280) await expectAxeClean(page);
          await page.screenshot({ path: join(SHOTS, `${p.name}-${lang}-${String(width)}.png`), fullPage: true });
          await context.close();
        }
      }
    }
    const signIn = await browser.newPage();
    await signIn.goto(`${base}/cy/sign-in`);
    expect(await signIn.getByRole('button', { name: 'Mewngofnodi gyda’ch cyfrif GIG Cymru' }).count()).toBe(1);
    await signIn.close();
  }, 300_000);
});
