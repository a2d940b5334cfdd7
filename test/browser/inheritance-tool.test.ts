// The inheritance-risk tool in a real headless Chromium: in Welsh and English,
// at 320 and 1280 pixels, axe clean, readable and without sideways scroll.
// Without JavaScript the form's button brings the answer back; with it, a
// change of pattern alone redraws the parents' choices and the square, and the
// address keeps the choice; axe and the width check run with JavaScript. Screenshots go to /tmp/shots/inheritance/.

import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { PASSWORD, closeServer, listenWithBrowser, lookAt, openServer, signedInPage, type BrowserServer } from '../support/browser.js';
import { hashPassword } from '../../src/security/passwords.js';

const SHOTS = '/tmp/shots/inheritance';
const EMAIL = 'learner@test.genomeg.test';

describe('the inheritance-risk tool in a browser', () => {
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
  const words = async (page: Page) => (await page.locator('[data-inheritance-result]').innerText()).replace(/\s+/g, ' ');

  it('answers without JavaScript, in Welsh, at 320 pixels, on its own page and in the module', { timeout: 240_000 }, async () => {
    const page = await as(320, false);
    await page.goto(`${base}/cy/tools/inheritance`);
    await page.getByLabel('Awtosomaidd enciliol').check();
    await page.getByRole('button', { name: 'Dangos y siawns' }).click();
    // The pattern changed, so the parents' choices are the new pattern's defaults: two carriers.
    expect(await words(page)).toContain('Siawns o gael y cyflwr: 1 mewn 4 (25%)');
    // axe and the width check run scripts in the page; here only a screenshot (the JavaScript run below checks both).
    await page.screenshot({ path: `${SHOTS}/tool-cy-320-nojs.png`, fullPage: true });
    await page.locator('[data-inheritance-result]').screenshot({ path: `${SHOTS}/tool-cy-320-nojs-square.png` });
    await page.goto(`${base}/cy/learn/family-history-and-inheritance/pages/4?pattern=x-linked-recessive&mother=carrier&father=unaffected`);
    expect(await words(page)).toContain('Pob mab');
    await page.screenshot({ path: `${SHOTS}/module-page-cy-320-nojs.png`, fullPage: true });
    await page.context().close();
  });

  it('is live with JavaScript: a change redraws the square and keeps the choice in the address', { timeout: 240_000 }, async () => {
    for (const [width, lang] of [[320, 'cy'], [1280, 'en']] as const) {
      const page = await as(width);
      const prefix = lang === 'cy' ? '/cy' : '';
      await page.goto(`${base}${prefix}/learn/family-history-and-inheritance/pages/4`);
      expect(await words(page)).toContain(lang === 'cy' ? '1 mewn 2 (50%)' : '1 in 2 (50%)');
      await page.getByLabel(lang === 'cy' ? 'Enciliol cysylltiedig ag X' : 'X-linked recessive').check();
      await expect.poll(() => words(page)).toContain(lang === 'cy' ? 'Pob mab' : 'Each son');
      expect(page.url()).toContain('pattern=x-linked-recessive');
      // The father's choices are now the X-linked ones; choosing "has the condition" redraws the result only.
      await page.getByLabel(lang === 'cy' ? 'Tad biolegol' : 'Biological father').selectOption('affected');
      await expect.poll(() => words(page)).toContain(lang === 'cy' ? 'Merch: â\'r cyflwr' : 'Daughter: has the condition');
      await expect.poll(() => page.locator('[data-inheritance-status]').innerText()).toContain(lang === 'cy' ? 'Pob merch' : 'Each daughter');
      await lookAt(page, lang, `module-page-${lang}-${String(width)}-live`, SHOTS);
      await page.goto(`${base}${prefix}/tools/inheritance?pattern=mitochondrial`);
      await lookAt(page, lang, `tool-${lang}-${String(width)}-mitochondrial`, SHOTS);
      await page.context().close();
    }
  });
});
