// Organisation requirements and module versions in a real headless Chromium,
// with axe-core checking every page against WCAG 2.2 AA, in English and Welsh,
// and the requirement form used with JavaScript turned off. Each account starts
// from a session cookie: signing in has its own tests.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { closeServer, expectAxeClean, listenWithBrowser, openServer, type BrowserServer } from '../support/browser.js';
import { SESSION_COOKIE } from '../../src/web/plugins/auth.js';
import type { FastifyInstance } from 'fastify';
import { importStaffExtract } from '../../src/services/staff-import.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';


describe('requirements and module versions in a browser', () => {
  let server: BrowserServer;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  const ids: Record<string, string> = {};

  /** A page in a new context (JavaScript on unless asked) with a session of this account in its cookie. */
  async function signedIn(email: string, javaScriptEnabled = true): Promise<Page> {
    const context = await browser.newContext({ javaScriptEnabled });
    const { token } = await app.stores.sessions.start(ids[email] ?? '');
    await context.addCookies([{ name: SESSION_COOKIE, value: token, url: base }]);
    return context.newPage();
  }

  /** The page and its Welsh twin, both through axe. */
  async function bothLanguages(page: Page, path: string): Promise<void> {
    await page.goto(`${base}${path}`);
    await expectAxeClean(page);
    await page.goto(`${base}/cy${path}`);
    await expectAxeClean(page);
  }

  beforeAll(async () => {
    server = await openServer('test/fixtures/content');
    ({ app } = server);
    const manager = buildStaffRow({ organisationCode: '7A7', firstName: 'Gethin', lastName: 'Bowen', staffGroup: 'Nursing and Midwifery Registered', jobRole: 'Ward Manager' });
    const report = buildStaffRow({ organisationCode: '7A7', firstName: 'Lowri', lastName: 'Pritchard', staffGroup: 'Nursing and Midwifery Registered', jobRole: 'Staff Nurse', lineManagerAssignmentNumber: manager.assignmentNumber });
    await importStaffExtract(app.stores.staff, { text: staffCsv([manager, report]), fileName: 'seed.csv', mode: 'full', permittedOrganisations: 'all', actorUserId: null });
    const staffId = async (row: { assignmentNumber: string }) => (await app.stores.staff.findByAssignment(row.assignmentNumber))?.id ?? null;
    ids['powys@demo.genomeg.test'] = (await app.stores.users.create({ email: 'powys@demo.genomeg.test', displayName: 'Powys Admin', passwordHash: null, grants: [{ role: 'org-admin', organisationCode: '7A7' }] }, null)).id;
    ids['lead@demo.genomeg.test'] = (await app.stores.users.create({ email: 'lead@demo.genomeg.test', displayName: 'Education Lead', passwordHash: null, grants: [{ role: 'education-lead', organisationCode: null }] }, null)).id;
    ids['lowri@demo.genomeg.test'] = (await app.stores.users.create({ email: 'lowri@demo.genomeg.test', displayName: 'Lowri Pritchard', passwordHash: null, staffId: await staffId(report), grants: [{ role: 'learner', organisationCode: null }] }, null)).id;
    ids['gethin@demo.genomeg.test'] = (await app.stores.users.create({ email: 'gethin@demo.genomeg.test', displayName: 'Gethin Bowen', passwordHash: null, staffId: await staffId(manager), grants: [{ role: 'line-manager', organisationCode: '7A7' }] }, null)).id;
    ({ base, browser } = await listenWithBrowser(app));
  });

  afterAll(async () => {
    await closeServer(server, browser);
  });

  it('lets an organisation administrator add a requirement without JavaScript, with errors named first', { timeout: 120_000 }, async () => {
    // axe runs in the page, so it checks pages in a context with JavaScript; the form is used in one without.
    const checking = await signedIn('powys@demo.genomeg.test');
    checking.setDefaultTimeout(10_000);
    await bothLanguages(checking, '/admin/learning/requirements');
    await bothLanguages(checking, '/admin/learning/requirements/new');

    const page = await signedIn('powys@demo.genomeg.test', false);
    const context = page.context();
    page.setDefaultTimeout(10_000);
    await page.goto(`${base}/admin/learning/requirements/new`);
    await page.getByRole('button', { name: 'Save requirement' }).click();
    expect(await page.locator('.nhsuk-error-summary').innerText()).toContain('Choose a module');

    await page.getByLabel('Module').selectOption({ label: 'Sample: genes and DNA' });
    await page.getByLabel('By a date', { exact: true }).check();
    await page.getByLabel('Day', { exact: true }).fill('1');
    await page.getByLabel('Month', { exact: true }).fill('2');
    await page.getByLabel('Year', { exact: true }).fill('2024');
    await page.getByRole('button', { name: 'Save requirement' }).click();
    await page.waitForURL((url) => url.pathname === '/admin/learning/requirements');
    expect(await page.locator('main').innerText()).toContain('By 1 February 2024');
    const change = await page.getByRole('link', { name: /^Change/ }).getAttribute('href');
    await context.close();

    await checking.goto(`${base}/admin/learning/requirements/new`);
    await checking.getByRole('button', { name: 'Save requirement' }).click();
    await checking.locator('.nhsuk-error-summary').waitFor();
    await expectAxeClean(checking);
    await bothLanguages(checking, '/admin/learning/requirements?done=added');
    await bothLanguages(checking, change ?? '');
    await bothLanguages(checking, `${change ?? ''}/remove`);
  });

  it('shows the learner and their manager what is overdue, and the lead the module versions, all passing axe', { timeout: 120_000 }, async () => {
    const learner = await signedIn('lowri@demo.genomeg.test');
    await bothLanguages(learner, '/learn');
    expect(await learner.locator('main').innerText()).toContain('Yn ofynnol gan eich sefydliad');
    await bothLanguages(learner, '/learn?duration=15&language=cy-reviewed');
    await bothLanguages(learner, '/my-learning/required');
    expect(await learner.locator('main').innerText()).toContain('Mae 1 modiwl yn hwyr.');
    await bothLanguages(learner, '/my-learning');

    const manager = await signedIn('gethin@demo.genomeg.test');
    await bothLanguages(manager, '/team');
    expect(await manager.locator('main').innerText()).toContain('1 yn hwyr');

    const lead = await signedIn('lead@demo.genomeg.test');
    await bothLanguages(lead, '/admin/learning/modules');
    await lead.goto(`${base}/admin/learning/modules`);
    await lead.getByRole('button', { name: /Publish version 1\.0\.0/ }).click();
    await lead.waitForURL((url) => url.searchParams.get('published') === 'sample-genomics');
    expect(await lead.locator('main').innerText()).toContain('Learners now get Sample: genes and DNA, version 1.0.0.');
    await expectAxeClean(lead);
  });
});
