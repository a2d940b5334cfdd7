// A corrected module page (DPYD), "Report a problem with this page" and the
// education leads' queue, in a real headless Chromium: both languages, 1280 and
// 320 pixels wide, the form without JavaScript, readable text and no sideways
// scroll at both widths; axe, which does not change with the width, once per
// page and language (English at 1280 px, Welsh at 320 px; the thank-you page,
// opened only at 320 px, in both). Accounts start from a session cookie
// (signing in has its own tests). Screenshots go to /tmp/shots/curriculum/
// when SHOTS=1, for people to look at (never committed).

import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { closeServer, expectAxeClean, fitsWidth, listenWithBrowser, openServer, sessionPage, type BrowserServer } from '../support/browser.js';
import { expectReadableText } from '../support/readable.js';

const SHOTS = process.env['SHOTS'] === '1' ? '/tmp/shots/curriculum' : null;
const DPYD = '/learn/pharmacogenomics-in-practice/pages/4';

describe('a corrected page, reporting a problem with it, and the queue', () => {
  let server: BrowserServer;
  let browser: Browser;
  let base: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    server = await openServer('content');
    for (const [email, role] of [['learner@test.genomeg.test', 'learner'], ['lead@test.genomeg.test', 'education-lead']] as const) {
      ids[email] = (await server.app.stores.users.create({ email, displayName: role === 'learner' ? 'Lowri Learner' : 'Elis Lead', passwordHash: null, grants: [{ role, organisationCode: null }] }, null)).id;
    }
    ({ base, browser } = await listenWithBrowser(server.app));
    if (SHOTS !== null) mkdirSync(SHOTS, { recursive: true });
  }, 120_000);
  afterAll(async () => { await closeServer(server, browser); });

  /** A page signed in through a session cookie. */
  const as = (email: string, width: number, javaScriptEnabled = true): Promise<Page> => sessionPage(browser, server.app, base, ids[email] ?? '', { width, timeoutMs: 20_000, javaScriptEnabled });

  /** Readable text and no sideways scroll at every width; axe in English at 1280 px and in Welsh at 320 px, or always when asked. */
  const look = async (page: Page, lang: 'en' | 'cy', width: number, name: string, alwaysAxe = false): Promise<void> => {
    if (alwaysAxe || (lang === 'en' && width === 1280) || (lang === 'cy' && width === 320)) await expectAxeClean(page);
    await expectReadableText(page, lang);
    expect({ name, fits: await fitsWidth(page) }).toEqual({ name, fits: true });
    if (SHOTS !== null) await page.screenshot({ path: `${SHOTS}/${name}-${lang}-${String(width)}.png`, fullPage: true });
  };

  it('shows the DPYD page with its dose rule and the report link, in both languages and at both widths', { timeout: 300_000 }, async () => {
    for (const width of [1280, 320]) {
      const page = await as('learner@test.genomeg.test', width);
      for (const lang of ['en', 'cy'] as const) {
        await page.goto(`${base}${lang === 'cy' ? '/cy' : ''}${DPYD}`);
        const text = await page.locator('main').innerText();
        expect(text).toContain(lang === 'en' ? '50% of the usual dose' : "50% o'r dos arferol");
        expect(text).toContain(lang === 'en' ? 'Report a problem with this page' : "Rhoi gwybod am broblem gyda'r dudalen hon");
        await look(page, lang, width, 'dpyd');
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

  it('shows the form, its error and the thank-you page in both languages and at both widths, axe clean in each language', { timeout: 300_000 }, async () => {
    // axe needs script in the page, so the pages are checked where it has it.
    for (const width of [1280, 320]) {
      const page = await as('learner@test.genomeg.test', width);
      for (const lang of ['en', 'cy'] as const) {
        const prefix = lang === 'cy' ? '/cy' : '';
        await page.goto(`${base}${prefix}/learn/pharmacogenomics-in-practice/report?page=4`);
        await look(page, lang, width, 'report-form');
        await page.getByRole('button', { name: lang === 'en' ? 'Send report' : 'Anfon yr adroddiad' }).click();
        await page.waitForSelector('.nhsuk-error-summary');
        await look(page, lang, width, 'report-form-error');
        await page.getByLabel(lang === 'en' ? 'What is the problem?' : "Beth yw'r broblem?").fill(lang === 'en' ? `The dose list is hard to read at ${String(width)} px.` : `Mae'r rhestr dos yn anodd ei darllen ar ${String(width)} px.`);
        await page.getByRole('button', { name: lang === 'en' ? 'Send report' : 'Anfon yr adroddiad' }).click();
        await page.waitForURL((url) => url.pathname.endsWith('/report/sent'));
        if (width === 320) await look(page, lang, width, 'report-sent', true);
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
        await look(page, lang, width, 'queue');
      }
      await page.getByRole('button', { name: /Marcio fel un yr ymdriniwyd ag ef/ }).first().click();
      await page.waitForURL((url) => url.search.includes('done=1'));
      await look(page, 'cy', width, 'queue-done');
      await page.context().close();
    }
  });
});
