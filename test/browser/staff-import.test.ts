// The staff import page in a real headless Chromium: an organisation
// administrator checks a full extract that would mark most of the organisation
// as leavers, sees the warning with the names, and imports the checked file
// without choosing it again, once confirmed; in English and in Welsh, at 1280
// and 320 px, with axe-core and the readable-text check on every page. Pictures
// go to /tmp/shots/import for people to look at (never committed).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { PASSWORD, closeServer, expectAxeClean, listenWithBrowser, openServer, resizeTo, signInWith, type BrowserServer } from '../support/browser.js';
import { expectReadableText } from '../support/readable.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';
import { hashPassword } from '../../src/security/passwords.js';
import { importStaffExtract } from '../../src/services/staff-import.js';

const SHOTS = process.env['SHOTS_DIR'] ?? '/tmp/shots/import';

describe('the staff import page in a browser', () => {
  let server: BrowserServer;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  let file: string;

  beforeAll(async () => {
    server = await openServer('test/fixtures/content');
    ({ app } = server);
    await app.stores.users.create({ email: 'powys@demo.genomeg.test', displayName: 'Powys Admin', passwordHash: await hashPassword(PASSWORD), grants: [{ role: 'org-admin', organisationCode: '7A7' }] }, null);
    const names = ['Siân Prosser', 'Llŷr Evans', 'Gwenllïan Hughes', 'Dafydd Morgan', 'Angharad Price', 'Rhys Bowen', 'Eleri Jones', 'Owain Davies', 'Ffion Rees', 'Iolo Williams', 'Catrin Lloyd', 'Geraint Thomas'];
    const everyone = names.map((n) => { const [first = '', last = ''] = n.split(' '); return buildStaffRow({ organisationCode: '7A7', firstName: first, lastName: last }); });
    await importStaffExtract(app.stores.staff, { text: staffCsv(everyone), fileName: 'powys-november.csv', mode: 'full', permittedOrganisations: 'all', actorUserId: null });
    const dir = join(tmpdir(), `genomeg-import-${String(process.pid)}`);
    mkdirSync(dir, { recursive: true });
    file = join(dir, 'powys-team.csv');
    // A header spelt as people spell it, and a column the import does not use.
    const lines = staffCsv(everyone.slice(0, 3)).replace('Email Address', 'E-mail Address').split(/\r?\n/).filter((l) => l !== '');
    writeFileSync(file, `${lines.map((l, i) => `${l},${i === 0 ? 'Notes' : ''}`).join('\r\n')}\r\n`);
    mkdirSync(SHOTS, { recursive: true });
    ({ base, browser } = await listenWithBrowser(app));
  }, 120_000);

  afterAll(async () => { await closeServer(server, browser); }, 120_000);

  async function shoot(page: Page, name: string): Promise<void> {
    for (const width of [1280, 320]) {
      await resizeTo(page, width);
      await page.screenshot({ path: join(SHOTS, `${name}-${String(width)}.png`), fullPage: true });
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      expect({ name, width, overflow }).toEqual({ name, width, overflow: 0 });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  for (const lang of ['en', 'cy'] as const) {
    const prefix = lang === 'cy' ? '/cy' : '';
    it(`checks a full extract, warns about the leavers by name, and imports the checked file once confirmed (${lang})`, { timeout: 180_000 }, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await signInWith(page, base, 'powys@demo.genomeg.test');
      await page.goto(`${base}${prefix}/staff/import`);
      await expectAxeClean(page);
      await expectReadableText(page, lang);
      await shoot(page, `form-${lang}`);

      await page.locator('input[name="mode"][value="full"]').check();
      await page.locator('input[name="dryRun"]').check();
      await page.setInputFiles('input[name="file"]', file);
      await page.locator('form[action$="/staff/import"] button[type="submit"]').click();
      await page.waitForLoadState('load');
      const body = await page.locator('main').innerText();
      expect(body).toContain(lang === 'en' ? 'Confirm the leavers before you import' : 'Cadarnhewch y rhai sydd wedi gadael cyn i chi fewnforio');
      expect(body).toContain(lang === 'en' ? '9 of the 12 active staff in Powys Teaching Health Board' : "9 o'r 12 aelod o staff");
      expect(body).toContain('Notes');
      await expectAxeClean(page);
      await expectReadableText(page, lang);
      await page.locator('details summary').first().click();
      await shoot(page, `check-leavers-${lang}`);

      if (lang === 'cy') {
        // Importing without confirming is refused with an error; confirming imports.
        await page.locator('form[action$="/staff/import/confirm"] button[type="submit"]').click();
        await page.waitForLoadState('load');
        expect(await page.locator('.nhsuk-error-summary').innerText()).toContain('Cadarnhewch fod y bobl hyn wedi gadael');
        await expectAxeClean(page);
        await page.locator('input[name="confirmLeavers"]').check();
        await page.locator('form[action$="/staff/import/confirm"] button[type="submit"]').click();
        await page.waitForLoadState('load');
        expect(await page.locator('main').innerText()).toContain("Mae'r staff wedi'u mewnforio");
        await expectAxeClean(page);
        await expectReadableText(page, lang);
        await shoot(page, `applied-${lang}`);
      }
      await context.close();
    });
  }
});
