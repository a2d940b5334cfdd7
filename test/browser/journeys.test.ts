// Real journeys in a real headless Chromium (Debian's package, driven by
// playwright-core), with axe-core checking every page visited against WCAG 2.2
// AA. The server is the real app listening on a real port, on SQLite. Signing
// in through the form is tested in the first two tests (and the Welsh sign-in
// page checked by axe there); the others start from a session cookie.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PASSWORD, closeServer, expectAxeClean, listenWithBrowser, openServer, signInWith, type BrowserServer } from '../support/browser.js';
import type { FastifyInstance } from 'fastify';
import { hashPassword } from '../../src/security/passwords.js';
import { SESSION_COOKIE } from '../../src/web/plugins/auth.js';
import { importStaffExtract } from '../../src/services/staff-import.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';


describe('in a browser', () => {
  let server: BrowserServer;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  const checked: string[] = [];
  const ids: Record<string, string> = {};

  /** A new context (these options) whose cookie is a session of this account: for tests whose subject is not signing in. */
  async function signedIn(email: string, options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext(options);
    const { token } = await app.stores.sessions.start(ids[email] ?? '');
    await context.addCookies([{ name: SESSION_COOKIE, value: token, url: base }]);
    return { context, page: await context.newPage() };
  }

  async function axe(page: Page): Promise<void> {
    await expectAxeClean(page);
    checked.push(new URL(page.url()).pathname);
  }

  beforeAll(async () => {
    server = await openServer('test/fixtures/content');
    ({ app } = server);
    const manager = buildStaffRow({ organisationCode: '7A7', firstName: 'Gethin', lastName: 'Bowen' });
    const report = buildStaffRow({ organisationCode: '7A7', firstName: 'Lowri', lastName: 'Pritchard', lineManagerAssignmentNumber: manager.assignmentNumber });
    await importStaffExtract(app.stores.staff, { text: staffCsv([manager, report]), fileName: 'seed.csv', mode: 'full', permittedOrganisations: 'all', actorUserId: null });
    const managerId = (await app.stores.staff.findByAssignment(manager.assignmentNumber))?.id ?? null;
    const hash = await hashPassword(PASSWORD);
    ids['admin@demo.genomeg.test'] = (await app.stores.users.create({ email: 'admin@demo.genomeg.test', displayName: 'Demo Admin', passwordHash: hash, grants: [{ role: 'platform-admin', organisationCode: null }] }, null)).id;
    ids['powys@demo.genomeg.test'] = (await app.stores.users.create({ email: 'powys@demo.genomeg.test', displayName: 'Powys Admin', passwordHash: hash, grants: [{ role: 'org-admin', organisationCode: '7A7' }] }, null)).id;
    ids['learner@demo.genomeg.test'] = (await app.stores.users.create({ email: 'learner@demo.genomeg.test', displayName: 'Catrin Learner', passwordHash: hash, grants: [{ role: 'learner', organisationCode: null }] }, null)).id;
    ids['manager@demo.genomeg.test'] = (await app.stores.users.create({ email: 'manager@demo.genomeg.test', displayName: 'Gethin Bowen', passwordHash: hash, staffId: managerId, grants: [{ role: 'line-manager', organisationCode: '7A7' }] }, null)).id;
    ({ base, browser } = await listenWithBrowser(app));
  });

  afterAll(async () => {
    await closeServer(server, browser);
  });

  it('signs in, and every page a platform administrator sees passes axe in English and Welsh', { timeout: 300_000 }, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(base);
    await axe(page);
    await signInWith(page, base, 'admin@demo.genomeg.test');
    expect(await page.locator('h1').textContent()).toContain('Hello, Demo Admin');
    for (const path of ['/', '/staff', '/staff/import', '/admin/users', '/admin/audit', '/accessibility', '/no-such-page']) {
      for (const prefix of ['', '/cy']) {
        await page.goto(`${base}${prefix}${path}`);
        await axe(page);
      }
    }
    await page.goto(`${base}/staff`);
    await page.getByRole('link', { name: /Bowen, Gethin/ }).click();
    expect(await page.locator('h1').textContent()).toContain('Gethin Bowen');
    await axe(page);
    await page.goto(`${base}/admin/users`);
    await page.getByRole('link', { name: 'Powys Admin' }).click();
    await axe(page);
    await context.close();
  });

  it('switches language on the same page, and remembers the choice at the next sign-in', { timeout: 90_000 }, async () => {
    // Signed in by cookie first; the sign-in after the language switch goes through the (Welsh) form.
    const { context, page } = await signedIn('powys@demo.genomeg.test');
    await page.goto(`${base}/staff`);
    await page.getByRole('link', { name: 'Cymraeg' }).first().click();
    await page.waitForURL(`${base}/cy/staff`);
    expect(await page.locator('html').getAttribute('lang')).toBe('cy');
    expect(await page.locator('h1').textContent()).toBe('Cyfeiriadur staff');
    await axe(page);
    await page.getByRole('button', { name: 'Allgofnodi' }).click();
    await page.waitForURL(/\/cy\/sign-in/);
    await axe(page);
    await page.getByLabel('Cyfeiriad e-bost').fill('powys@demo.genomeg.test');
    await page.getByLabel('Cyfrinair').fill(PASSWORD);
    await page.getByRole('button', { name: 'Mewngofnodi' }).click();
    await page.waitForURL(`${base}/cy`);
    expect(await page.locator('h1').textContent()).toContain('Helo, Powys Admin');
    await page.getByRole('link', { name: 'English' }).first().click();
    await page.waitForURL(`${base}/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await context.close();
  });

  it('imports a staff file through the page and shows each problem with its line and column', { timeout: 90_000 }, async () => {
    const { context, page } = await signedIn('powys@demo.genomeg.test');
    await page.goto(`${base}/staff/import`);
    await axe(page);
    const bad = staffCsv([buildStaffRow({ organisationCode: '7A7' }), buildStaffRow({ organisationCode: '7A7', band: '12', dateOfBirth: 'yesterday' })]);
    await page.setInputFiles('input[type=file]', { name: 'bad-extract.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    // The mode has no default: the administrator says whether the file is everyone or only some people.
    await page.locator('input[name="mode"][value="partial"]').check();
    await page.getByRole('button', { name: 'Import file' }).click();
    expect(await page.locator('h1').textContent()).toContain('The file was not imported');
    const rows = await page.locator('#problems ~ .app-table-scroll tbody tr').allTextContents();
    expect(rows.some((r) => r.includes('3') && r.includes('Band') && r.includes('This is not a pay band'))).toBe(true);
    expect(rows.some((r) => r.includes('Date of Birth') && r.includes('This is not a real date'))).toBe(true);
    await axe(page);

    const good = staffCsv([buildStaffRow({ organisationCode: '7A7', lastName: 'Ifans' })]);
    await page.setInputFiles('input[type=file]', { name: 'good-extract.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await page.getByLabel('Only some people').check();
    await page.getByRole('button', { name: 'Import file' }).click();
    expect(await page.locator('h1').textContent()).toContain('Staff imported');
    await axe(page);
    await context.close();
  });

  it('takes a learner through a module, a knowledge check and the assessment, in Welsh part of the way, with axe on every page', { timeout: 90_000 }, async () => {
    const { context, page } = await signedIn('learner@demo.genomeg.test');
    context.setDefaultTimeout(10_000);
    await page.goto(base);
    await page.getByRole('link', { name: 'Learn', exact: true }).first().click();
    await axe(page);
    await page.getByRole('link', { name: 'Sample: genes and DNA' }).click();
    await axe(page);
    await page.getByRole('button', { name: 'Start this module' }).click();
    expect(await page.locator('h1').textContent()).toBe('Genes');
    await axe(page);
    await page.getByLabel('A stretch of DNA with instructions').check();
    await page.getByRole('button', { name: 'Check my answer' }).click();
    expect(await page.locator('.app-check').textContent()).toContain("That's right.");
    await axe(page);
    // Switching language keeps the place.
    await page.getByRole('link', { name: 'Cymraeg' }).first().click();
    expect(await page.locator('h1').textContent()).toBe('Genynnau');
    await axe(page);
    await page.getByRole('link', { name: /Nesaf/ }).click();
    expect(page.url()).toContain('/cy/learn/sample-genomics/pages/2');
    await page.getByRole('link', { name: 'English' }).first().click();
    await page.getByRole('button', { name: 'Assessment' }).click();
    await axe(page);
    await page.getByRole('button', { name: 'Start the assessment' }).click();
    await page.getByRole('button', { name: 'Submit answers' }).click();
    expect(await page.locator('.nhsuk-error-summary').textContent()).toContain('Answer question 1');
    await axe(page);
    await page.getByLabel('DNA', { exact: true }).check();
    await page.getByLabel('A', { exact: true }).check();
    await page.getByLabel('T', { exact: true }).check();
    await page.getByRole('button', { name: 'Submit answers' }).click();
    expect(await page.locator('h1').textContent()).toContain('You passed');
    await axe(page);
    await page.getByRole('link', { name: 'My learning' }).first().click();
    expect(await page.locator('main').textContent()).toContain('Sample: genes and DNA');
    await axe(page);
    await context.close();
  });

  it('works without JavaScript at 320 pixels wide: a line manager sees their team, an import shows its problems', async () => {
    const { context: noScript, page } = await signedIn('manager@demo.genomeg.test', { javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
    await page.goto(`${base}/team`);
    expect(await page.locator('main').textContent()).toContain('Lowri');
    await page.goto(`${base}/staff`);
    expect(await page.locator('h1').textContent()).toContain('You cannot see this page');
    await noScript.close();

    const { context: adminNoScript, page: admin } = await signedIn('powys@demo.genomeg.test', { javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
    await admin.goto(`${base}/staff/import`);
    await admin.setInputFiles('input[type=file]', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(staffCsv([buildStaffRow({ organisationCode: '7A2' })])) });
    await admin.locator('input[name="mode"][value="partial"]').check();
    await admin.getByRole('button', { name: 'Import file' }).click();
    expect(await admin.locator('main').textContent()).toContain('You cannot import staff for this organisation');
    await adminNoScript.close();

    // axe needs script in the page, so the narrow team page is checked in a context that has it.
    const { context: narrow, page: checkedPage } = await signedIn('manager@demo.genomeg.test', { viewport: { width: 320, height: 640 } });
    await checkedPage.goto(`${base}/team`);
    await axe(checkedPage);
    await narrow.close();
    expect(checked.length).toBeGreaterThan(20);
  });
});
