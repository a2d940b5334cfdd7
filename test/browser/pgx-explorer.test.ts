// The genotype-to-phenotype explorer in a real headless Chromium: live with
// JavaScript (the answer changes as the choices do and says what the server
// says), a GET form without it, axe clean, no sideways scroll at 320 px, in
// English and Welsh. Screenshots go to /tmp/shots/pgx-explorer/.

import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { PASSWORD, closeServer, expectAxeClean, fitsWidth, listenWithBrowser, lookAt, openServer, signedInPage, type BrowserServer } from '../support/browser.js';
import { hashPassword } from '../../src/security/passwords.js';

const SHOTS = '/tmp/shots/pgx-explorer';
const EMAIL = 'learner@test.genomeg.test';

describe('the genotype-to-phenotype explorer in a browser', () => {
  let server: BrowserServer;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    server = await openServer('content');
    await server.app.stores.users.create({ email: EMAIL, displayName: 'Lowri Learner', passwordHash: await hashPassword(PASSWORD), grants: [{ role: 'learner', organisationCode: null }] }, null);
    ({ base, browser } = await listenWithBrowser(server.app));
    mkdirSync(SHOTS, { recursive: true });
  }, 120_000);
  afterAll(async () => { await closeServer(server, browser); });

  const as = (width: number, javaScriptEnabled = true): Promise<Page> => signedInPage(browser, base, EMAIL, width, { javaScriptEnabled, timeoutMs: 20_000 });
  const result = (page: Page) => page.locator('[data-pgx-result]').innerText();

  it('updates live with JavaScript, in Welsh at 320 px, and says what the server says', { timeout: 300_000 }, async () => {
    const page = await as(320);
    await page.goto(`${base}/cy/tools/pgx-explorer`);
    await page.selectOption('#pgx-gene', 'CYP2D6');
    await page.selectOption('#pgx-a1', '*1');
    await page.selectOption('#pgx-a2', '*10');
    const live = await result(page);
    expect(live).toContain('1 + 0.25 = 1.25');
    expect(live).toContain('Metaboleiddiwr normal');
    expect(await page.locator('#pgx-a1 option').count()).toBe(12);
    expect(await fitsWidth(page)).toBe(true);
    await expectAxeClean(page);
    await lookAt(page, 'cy', 'explorer-cy-320-live', SHOTS);

    const server = await as(320, false);
    await server.goto(`${base}/cy/tools/pgx-explorer?gene=CYP2D6&a1=*1&a2=*10`);
    expect((await result(server)).replace(/\s+/g, ' ')).toBe(live.replace(/\s+/g, ' '));
    await page.context().close();
    await server.context().close();
  });

  it('works as a form without JavaScript, from the module page, in both languages', { timeout: 300_000 }, async () => {
    for (const lang of ['en', 'cy'] as const) {
      const page = await as(320, false);
      const prefix = lang === 'cy' ? '/cy' : '';
      await page.goto(`${base}${prefix}/learn/pharmacogenomics-beyond-the-first-four/pages/2`);
      await page.selectOption('#pgx-a1', '*2');
      await page.selectOption('#pgx-a2', '*17');
      await page.locator('.app-pgx-explorer form button').click();
      await page.waitForURL(/\/tools\/pgx-explorer\?/);
      expect(page.url()).toContain('back=2');
      expect(await result(page)).toContain(lang === 'en' ? 'Intermediate metaboliser' : 'Metaboleiddiwr canolradd');
      expect(await fitsWidth(page)).toBe(true);
      await page.context().close();
    }
  });

  it('is axe clean and fits at 320 px in the module page and with an answer, in both languages (screenshots)', { timeout: 300_000 }, async () => {
    for (const lang of ['en', 'cy'] as const) {
      const page = await as(320);
      const prefix = lang === 'cy' ? '/cy' : '';
      await page.goto(`${base}${prefix}/learn/pharmacogenomics-beyond-the-first-four/pages/2`);
      await lookAt(page, lang, `module-page-${lang}-320`, SHOTS);
      await page.goto(`${base}${prefix}/tools/pgx-explorer?back=2&gene=CYP2C19&a1=*2&a2=*17`);
      await lookAt(page, lang, `explorer-${lang}-320-answer`, SHOTS);
      await page.context().close();
    }
    const wide = await as(1280);
    await wide.goto(`${base}/cy/tools/pgx-explorer?gene=SLCO1B1&a1=*1&a2=*5`);
    expect(await result(wide)).toContain('Swyddogaeth is');
    await lookAt(wide, 'cy', 'explorer-cy-1280', SHOTS);
    await wide.context().close();
  });
});
