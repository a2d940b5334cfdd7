// A corrected module page (DPYD), "Report a problem with this page" and the
// education leads' queue, in a real headless Chromium: both languages, 1280 and
// 320 pixels wide, the form without JavaScript, axe clean, readable text, no
// sideways scroll. Screenshots go to /tmp/shots/curriculum/ for people to look at.

import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { PASSWORD, closeServer, fitsWidth, listenWithBrowser, lookAt, openServer, signedInPage, type BrowserServer } from '../support/browser.js';
import { hashPassword } from '../../src/security/passwords.js';

const SHOTS = '/tmp/shots/curriculum';
const DPYD = '/learn/pharmacogenomics-in-practice/pages/4';

describe('a corrected page, reporting a problem with it, and the queue', () => {
  let server: BrowserServer;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    server = await openServer('content');
    for (const [email, role] of [['learner@test.genomeg.test', 'learner'], ['lead@test.genomeg.test', 'education-lead']] as const) {
      await server.app.stores.users.create({ email, displayName: role === 'learner' ? 'Lowri Learner' : 'Elis Lead', passwordHash: await hashPassword(PASSWORD), grants: [{ role, organisationCode: null }] }, null);
    }
    ({ base, browser } = await listenWithBrowser(server.app));
    mkdirSync(SHOTS, { recursive: true });
  }, 120_000);
  afterAll(async () => { await closeServer(server, browser); });

  const as = (email: string, width: number, javaScriptEnabled = true): Promise<Page> => signedInPage(browser, base, email, width, { javaScriptEnabled, timeoutMs: 20_000 });

  const look = (page: Page, lang: 'en' | 'cy', name: string): Promise<void> => lookAt(page, lang, name, SHOTS);

  it('shows the DPYD page with its dose rule and the report link, in both languages and at both widths', { timeout: 300_000 }, async () => {
    for (const width of [1280, 320]) {
      const page = await as('learner@test.genomeg.test', width);
      for (const lang of ['en', 'cy'] as const) {
        await page.goto(`${base}${lang === 'cy' ? '/cy' : ''}${DPYD}`);
        const text = await page.locator('main').innerText();
        expect(text).toContain(lang === 'en' ? '50% of the usual dose' : "50% o'r dos arferol");
        expect(text).toContain(lang === 'en' ? 'Report a problem with this page' : "Rhoi gwybod am broblem gyda'r dudalen hon");
        await look(page, lang, `dpyd-${lang}-${String(width)}`);
      }
      await page.context().close();
    }
  });

  it('sends a report from the form without JavaScript', { timeout: 180_000 }, async () => {
    const page = await as('learner@test.genomeg.test', 320, false);
    await page.goto(`${base}/cy${DPYD}`);
    await page.getByRole('link', { name: "Rhoi gwybod am broblem gyda'r dudalen hon" }).click();
    await page.waitForURL((url) => url.pathname.endsWith('/report'));
    expect(await fitsWidth(page)).toBe(true);
    await page.getByRole('button', { name: 'Anfon yr adroddiad' }).click();
    expect(await page.locator('.nhsuk-error-summary').textContent()).toContain("Rhowch beth yw'r broblem");
    await page.getByLabel("Beth yw'r broblem?").fill("Mae'r tabl dos yn anodd ei ddarllen ar ffôn.\nAil linell.");
    await page.getByRole('button', { name: 'Anfon yr adroddiad' }).click();
    await page.waitForURL((url) => url.pathname.endsWith('/report/sent'));
    expect(await page.locator('h1').textContent()).toContain('Diolch');
    expect(await fitsWidth(page)).toBe(true);
    await page.context().close();
  });

  it('shows the form, its error and the thank-you page axe clean in both languages and at both widths', { timeout: 300_000 }, async () => {
    // axe needs script in the page, so the pages are checked where it has it.
    for (const width of [1280, 320]) {
      const page = await as('learner@test.genomeg.test', width);
      for (const lang of ['en', 'cy'] as const) {
        const prefix = lang === 'cy' ? '/cy' : '';
        await page.goto(`${base}${prefix}/learn/pharmacogenomics-in-practice/report?page=4`);
        await look(page, lang, `report-form-${lang}-${String(width)}`);
        await page.getByRole('button', { name: lang === 'en' ? 'Send report' : 'Anfon yr adroddiad' }).click();
        await page.waitForSelector('.nhsuk-error-summary');
        await look(page, lang, `report-form-error-${lang}-${String(width)}`);
        await page.getByLabel(lang === 'en' ? 'What is the problem?' : "Beth yw'r broblem?").fill(lang === 'en' ? `The dose list is hard to read at ${String(width)} px.` : `Mae'r rhestr dos yn anodd ei darllen ar ${String(width)} px.`);
        await page.getByRole('button', { name: lang === 'en' ? 'Send report' : 'Anfon yr adroddiad' }).click();
        await page.waitForURL((url) => url.pathname.endsWith('/report/sent'));
        if (width === 320) await look(page, lang, `report-sent-${lang}-${String(width)}`);
      }
      await page.context().close();
    }
  });

  it('shows the queue to an education lead, who marks a report dealt with, in both languages', { timeout: 300_000 }, async () => {
    for (const width of [1280, 320]) {
      const page = await as('lead@test.genomeg.test', width);
      for (const lang of ['en', 'cy'] as const) {
        await page.goto(`${base}${lang === 'cy' ? '/cy' : ''}/admin/learning/problems`);
        expect(await page.locator('main').innerText()).toContain('Lowri Learner');
        await look(page, lang, `queue-${lang}-${String(width)}`);
      }
      await page.getByRole('button', { name: /Marcio fel un yr ymdriniwyd ag ef/ }).first().click();
      await page.waitForURL((url) => url.search.includes('done=1'));
      await look(page, 'cy', `queue-done-cy-${String(width)}`);
      await page.context().close();
    }
  });
});
