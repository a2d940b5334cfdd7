// The learning record store's client page in a real headless Chromium (Debian's
// package, driven by playwright-core): an administrator creates a client, the
// key and secret shown once work against /xapi, and revoking it shuts it out,
// in English and in Welsh, with axe-core checking every page against WCAG 2.2 AA.
// Revoking asks first, on a page of its own, and then says it is done; with
// SHOTS_DIR set, each page is saved there at 1280 and 320 px (never committed).
// The administrator starts from a session cookie: signing in has its own tests.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { closeServer, expectAxeClean, listenWithBrowser, openServer, resizeTo, type BrowserServer } from '../support/browser.js';
import { expectReadableText } from '../support/readable.js';
import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE } from '../../src/web/plugins/auth.js';


interface Wording {
  readonly prefix: '' | '/cy';
  readonly name: string;
  readonly organisation: string;
  readonly create: string;
  readonly created: string;
  readonly revoke: string;
  readonly revoked: string;
  readonly important: string;
  readonly write: string;
  readonly readMine: string;
  readonly confirm: string;
  readonly revokedBanner: string;
  readonly endpoint: string;
}

const ENGLISH: Wording = { prefix: '', name: 'Name', organisation: 'Organisation', create: 'Create client', created: 'Copy the secret now', revoke: 'Revoke', revoked: 'Revoked', important: 'Important',
  write: 'Send statements: record learning', readMine: 'Read only the statements it sent', confirm: 'Revoke client', revokedBanner: 'Client revoked', endpoint: 'Give each supplier this address' };
const WELSH: Wording = { prefix: '/cy', name: 'Enw', organisation: 'Sefydliad', create: 'Creu cleient', created: 'Copïwch y gyfrinach nawr', revoke: 'Dirymu', revoked: "Wedi'i ddirymu", important: 'Pwysig',
  write: 'Anfon datganiadau: cofnodi dysgu', readMine: 'Darllen y datganiadau a anfonodd yn unig', confirm: "Dirymu'r cleient", revokedBanner: "Cleient wedi'i ddirymu", endpoint: "Rhowch y cyfeiriad hwn i bob cyflenwr" };

/** With SHOTS_DIR set: the page at 1280 and at 320 px wide, full length. */
async function shoot(page: Page, name: string): Promise<void> {
  const dir = process.env['SHOTS_DIR'];
  if (dir === undefined) return;
  mkdirSync(dir, { recursive: true });
  for (const width of [1280, 320]) {
    await resizeTo(page, width);
    await page.screenshot({ path: join(dir, `${name}-${String(width)}.png`), fullPage: true });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe('learning record store clients in a browser', () => {
  let server: BrowserServer;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  let adminId = '';

  const statement = { actor: { mbox: 'mailto:learner@example.org' }, verb: { id: 'http://adlnet.gov/expapi/verbs/attempted' }, object: { id: 'https://genomeg.nhs.wales/modules/intro' } };
  const postStatement = (key: string, secret: string) => fetch(`${base}/xapi/statements`, {
    method: 'POST', body: JSON.stringify(statement),
    headers: { authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`, 'x-experience-api-version': '1.0.3', 'content-type': 'application/json' },
  });

  beforeAll(async () => {
    server = await openServer('test/fixtures/content');
    ({ app } = server);
    adminId = (await app.stores.users.create({ email: 'powys@demo.genomeg.test', displayName: 'Powys Admin', passwordHash: null, grants: [{ role: 'org-admin', organisationCode: '7A7' }] }, null)).id;
    ({ base, browser } = await listenWithBrowser(app));
  });

  afterAll(async () => {
    await closeServer(server, browser);
  });

  for (const words of [ENGLISH, WELSH]) {
    it(`creates a client whose key and secret work, then revokes it (${words.prefix === '' ? 'English' : 'Welsh'})`, { timeout: 60_000 }, async () => {
      const context = await browser.newContext();
      await context.addCookies([{ name: SESSION_COOKIE, value: (await app.stores.sessions.start(adminId)).token, url: base }]);
      const page = await context.newPage();
      await page.goto(`${base}${words.prefix}/admin/xapi-clients`);
      expect(await page.locator('html').getAttribute('lang')).toBe(words.prefix === '' ? 'en' : 'cy');
      await expectAxeClean(page);
      await expectReadableText(page, words.prefix === '' ? 'en' : 'cy');
      expect(await page.locator('main').textContent()).toContain(words.endpoint);
      expect(await page.locator('.app-endpoint code').textContent()).toMatch(/^https?:\/\/[^/]+\/xapi\/$/);

      // Nothing chosen: the form says what is missing and keeps the page accessible.
      await page.getByRole('button', { name: words.create }).click();
      expect(await page.locator('.nhsuk-error-summary').count()).toBe(1);
      await expectAxeClean(page);

      const name = `Moodle ${words.prefix === '' ? 'Cardiff' : 'Bangor'}`;
      await page.getByLabel(words.name, { exact: true }).fill(name);
      await page.getByLabel(words.organisation, { exact: true }).selectOption('7A7');
      await page.getByLabel(words.write).check();
      await page.getByLabel(words.readMine).check();
      await page.getByRole('button', { name: words.create }).click();
      const callout = page.locator('.nhsuk-card--warning');
      await callout.waitFor();
      expect(await callout.textContent()).toContain(words.created);
      expect(await callout.locator('.nhsuk-u-visually-hidden').first().textContent()).toContain(words.important);
      await expectAxeClean(page);
      const codes = await callout.locator('code').allTextContents();
      const key = codes.find((c) => /^[0-9a-f]{24}$/.test(c)) ?? '';
      const secret = codes.find((c) => /^[A-Za-z0-9_-]{43}$/.test(c)) ?? '';
      expect((await postStatement(key, secret)).status).toBe(200);

      await shoot(page, `clients-${words.prefix === '' ? 'en' : 'cy'}`);
      const row = page.locator('.app-client', { hasText: name });
      // Revoke asks first, on a page of its own (a link: no JavaScript needed).
      await row.getByRole('link', { name: `${words.revoke} ${name}` }).click();
      await page.waitForURL(/\/revoke$/);
      await expectAxeClean(page);
      await expectReadableText(page, words.prefix === '' ? 'en' : 'cy');
      await shoot(page, `revoke-${words.prefix === '' ? 'en' : 'cy'}`);
      expect((await postStatement(key, secret)).status).toBe(200);
      await page.getByRole('button', { name: words.confirm }).click();
      await page.waitForURL(/\?revoked=/);
      expect(await page.locator('.nhsuk-notification-banner--success').textContent()).toContain(words.revokedBanner);
      expect(await page.locator('.app-client', { hasText: name }).textContent()).toContain(words.revoked);
      await expectAxeClean(page);
      await shoot(page, `revoked-${words.prefix === '' ? 'en' : 'cy'}`);
      expect((await postStatement(key, secret)).status).toBe(401);
      await context.close();
    });
  }
});
