// The platform administrator's page for requests about a person's learning
// records, in a real headless Chromium (Debian's package, driven by
// playwright-core), in English and in Welsh, with axe-core checking every state
// of it against WCAG 2.2 AA: the empty form, its errors, the records found, the
// download, the confirmation and its error, and the erasure done.
// The administrator starts from a session cookie: signing in has its own tests.

import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { closeServer, expectAxeClean, listenWithBrowser, openServer, type BrowserServer } from '../support/browser.js';
import { SESSION_COOKIE } from '../../src/web/plugins/auth.js';
import { recordStatements } from '../../src/services/xapi/record.js';

interface Wording {
  readonly prefix: '' | '/cy';
  readonly email: string;
  readonly find: string;
  readonly download: string;
  readonly erase: string;
  readonly confirm: string;
  readonly eraseConfirm: string;
  readonly erased: string;
}

const ENGLISH: Wording = {
  prefix: '', email: 'Email address', find: 'Find records', download: 'Download (JSON)', erase: 'Erase',
  confirm: 'I confirm that this erasure has been approved', eraseConfirm: 'Erase records', erased: 'Records erased',
};
const WELSH: Wording = {
  prefix: '/cy', email: 'Cyfeiriad e-bost', find: 'Dod o hyd i gofnodion', download: 'Lawrlwytho (JSON)', erase: 'Dileu',
  confirm: "Rwy'n cadarnhau bod y dileu hwn wedi'i gymeradwyo", eraseConfirm: 'Dileu cofnodion', erased: "Cofnodion wedi'u dileu",
};

describe('requests about a person\'s learning records in a browser', () => {
  let server: BrowserServer;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  let adminId = '';

  beforeAll(async () => {
    server = await openServer('test/fixtures/content');
    ({ app } = server);
    adminId = (await app.stores.users.create({ email: 'dpo@demo.genomeg.test', displayName: 'Platform Admin', passwordHash: null, grants: [{ role: 'platform-admin', organisationCode: null }] }, null)).id;
    for (const who of ['english', 'welsh']) {
      const verb = { id: 'http://adlnet.gov/expapi/verbs/completed' };
      const outcome = await recordStatements(app.database.db, [
        { actor: { mbox: `mailto:${who}.subject@example.org` }, verb, object: { id: 'https://lms.example.org/course/1' } },
        { actor: { mbox: `mailto:${who}.subject@example.org` }, verb, object: { id: 'https://lms.example.org/course/2' } },
      ], undefined, { organisationCode: '7A7', clientId: 'browser-test' });
      expect(outcome.status).toBe('stored');
    }
    ({ base, browser } = await listenWithBrowser(app));
  });

  afterAll(async () => {
    await closeServer(server, browser);
  });

  for (const words of [ENGLISH, WELSH]) {
    const who = words.prefix === '' ? 'english' : 'welsh';
    it(`finds, downloads and erases a person's records (${who === 'english' ? 'English' : 'Welsh'})`, { timeout: 90_000 }, async () => {
      const context = await browser.newContext({ acceptDownloads: true });
      await context.addCookies([{ name: SESSION_COOKIE, value: (await app.stores.sessions.start(adminId)).token, url: base }]);
      const page = await context.newPage();
      await page.goto(`${base}${words.prefix}/admin/learning-records`);
      expect(await page.locator('html').getAttribute('lang')).toBe(words.prefix === '' ? 'en' : 'cy');
      await expectAxeClean(page);

      await page.getByRole('button', { name: words.find }).click();
      await page.locator('.nhsuk-error-summary').waitFor();
      await expectAxeClean(page);

      await page.getByLabel(words.email, { exact: true }).fill(`${who}.subject@example.org`);
      await page.getByRole('button', { name: words.find }).click();
      const row = page.locator('tbody tr');
      await row.first().waitFor();
      expect(await row.count()).toBe(1);
      expect(await row.locator('td').nth(2).textContent()).toBe('2');
      await expectAxeClean(page);

      const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: new RegExp(`^${words.download.replace(/[()]/g, '\\$&')}`) }).click()]);
      const path = await download.path();
      const exported = JSON.parse(await readFile(path, 'utf8')) as { organisationCode: string; statements: unknown[] };
      expect([exported.organisationCode, exported.statements.length]).toEqual(['7A7', 2]);

      await row.getByRole('button', { name: new RegExp(`^${words.erase}`) }).click();
      await page.getByRole('button', { name: words.eraseConfirm }).waitFor();
      await expectAxeClean(page);
      await page.getByRole('button', { name: words.eraseConfirm }).click();
      await page.locator('.nhsuk-error-summary').waitFor();
      await expectAxeClean(page);
      await page.getByLabel(words.confirm).check();
      await page.getByRole('button', { name: words.eraseConfirm }).click();
      await page.locator('.nhsuk-notification-banner--success').waitFor();
      expect(await page.locator('.nhsuk-notification-banner--success').textContent()).toContain(words.erased);
      await expectAxeClean(page);
      const left = await app.database.db.selectFrom('xapi_statements').select('actor_key').where('actor_key', '=', `mbox:mailto:${who}.subject@example.org`).execute();
      expect(left).toEqual([]);
      await context.close();
    });
  }
});
