// Issue 15's journey end to end in a real Chromium: an organisation
// administrator invites a person from the staff directory; the invitation is
// sent by the job queue to a real SMTP server on 127.0.0.1 and read back with
// mailparser; the person follows the link, sets a password, signs in and
// completes a module. Then another person signs in by single sign-on (a real
// `oidc-provider` on 127.0.0.1) for the first time and their new account is
// linked to their staff record. axe and readable text on the account pages.

import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import type { AddressObject } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { hashPassword } from '../../src/security/passwords.js';
import { SingleSignOn, singleSignOnSettings } from '../../src/services/auth/oidc.js';
import { importStaffExtract } from '../../src/services/staff-import.js';
import { buildApp } from '../../src/web/app.js';
import { PASSWORD, expectAxeClean, launchChromium, signInWith } from '../support/browser.js';
import { eventually } from '../support/eventually.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';
import { startTestProvider, type TestProvider } from '../support/oidc-provider.js';
import { expectReadableText } from '../support/readable.js';
import { startTestSmtp, type TestSmtp } from '../support/smtp.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => { resolve(port); });
    });
  });
}

function addressesOf(to: AddressObject | AddressObject[] | undefined): string[] {
  return [to ?? []].flat().flatMap((a) => a.value.map((v) => v.address ?? ''));
}

describe('accounts journey in a browser: invitation by email, a module, single sign-on', () => {
  let dir: string;
  let database: DatabaseHandle;
  let app: FastifyInstance;
  let browser: Browser;
  let smtp: TestSmtp;
  let provider: TestProvider;
  let base: string;
  const invitee = buildStaffRow({ organisationCode: '7A7', firstName: 'Dafydd', lastName: 'Owen', email: 'dafydd.owen@wales.nhs.uk' });
  const ssoPerson = buildStaffRow({ organisationCode: '7A7', firstName: 'Nia', lastName: 'Evans', email: 'nia.evans@wales.nhs.uk' });
  const NEW_PASSWORD = 'kestrel harbour lantern';

  async function checked(page: Page, lang: 'en' | 'cy' = 'en'): Promise<void> {
    await expectReadableText(page, lang);
    await expectAxeClean(page);
  }

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${String(port)}`;
    smtp = await startTestSmtp();
    provider = await startTestProvider(`${base}/sign-in/sso/callback`, `${base}/sign-in?signedOut=1`);
    dir = mkdtempSync(join(tmpdir(), 'genomeg-accounts-journey-'));
    database = openDatabase(`sqlite:${join(dir, 'test.sqlite')}`);
    await migrateToLatest(database);
    const config = loadConfig({
      NODE_ENV: 'test', LOG_LEVEL: 'silent', CONTENT_DIR: 'test/fixtures/content', PUBLIC_URL: base,
      SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_STARTTLS: 'off', MAIL_FROM: 'Genomeg <genomeg@test.genomeg.test>',
      OIDC_ISSUER_URL: provider.issuer, OIDC_CLIENT_ID: provider.clientId, OIDC_CLIENT_SECRET: provider.clientSecret,
      OIDC_ALLOWED_EMAIL_DOMAINS: 'wales.nhs.uk',
    });
    const settings = singleSignOnSettings(config);
    if (settings === null) throw new Error('single sign-on is not configured');
    // The app works its own jobs (JOBS_WORK_IN_WEB, on by default): the email-send job delivers the invitation.
    app = await buildApp({ config, database, logger: false, singleSignOn: SingleSignOn.create(settings, { fetch: (url, options) => provider.fetch(url, options) }) });
    await importStaffExtract(app.stores.staff, { text: staffCsv([invitee, ssoPerson]), fileName: 'seed.csv', mode: 'full', permittedOrganisations: 'all', actorUserId: null });
    await app.stores.users.create({ email: 'powys.admin@wales.nhs.uk', displayName: 'Gareth Price', passwordHash: await hashPassword(PASSWORD), grants: [{ role: 'org-admin', organisationCode: '7A7' }] }, null);
    provider.accounts.set('sub-nia', { email: 'Nia.Evans@wales.nhs.uk', name: 'Nia E', email_verified: true });
    await app.listen({ host: '127.0.0.1', port });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser.close();
    await app.close();
    await database.close();
    await provider.close();
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('invites a person from the directory, who follows the emailed link, sets a password, signs in and completes a module', { timeout: 180_000 }, async () => {
    const staffId = (await app.stores.staff.findByAssignment(invitee.assignmentNumber))?.id ?? '';
    expect(staffId).not.toBe('');

    // The administrator invites Dafydd from his staff record.
    const adminContext = await browser.newContext();
    adminContext.setDefaultTimeout(20_000);
    const admin = await adminContext.newPage();
    await signInWith(admin, base, 'powys.admin@wales.nhs.uk');
    await admin.goto(`${base}/staff/${staffId}`);
    await admin.getByRole('button', { name: 'Invite to Genomeg' }).click();
    expect(await admin.locator('h1').textContent()).toContain('Invitation sent');
    await checked(admin);
    await adminContext.close();

    // The email arrives at the SMTP server, sent by the job queue.
    await eventually(() => smtp.received.some((m) => addressesOf(m.to).includes(invitee.email)), 60_000);
    const mail = smtp.received.find((m) => addressesOf(m.to).includes(invitee.email));
    expect(mail?.subject).toContain('You are invited to Genomeg');
    expect(mail?.text).toContain('Gareth Price');
    const link = /href="([^"]*\/invitation\/[^"]+)"/.exec(String(mail?.html))?.[1] ?? '';
    expect(link.startsWith(`${base}/`)).toBe(true);
    expect(mail?.text).toContain(link);

    // Dafydd follows the link and sets a password.
    const context = await browser.newContext();
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await page.goto(link);
    expect(await page.locator('h1').textContent()).toMatch(/Set up your Genomeg account|Sefydlu eich cyfrif Genomeg/);
    const lang = new URL(page.url()).pathname.startsWith('/cy/') ? 'cy' : 'en';
    await checked(page, lang);
    await page.locator('#newPassword').fill(NEW_PASSWORD);
    await page.locator('#confirmPassword').fill(NEW_PASSWORD);
    await page.locator('form[action*="/invitation/"] button').click();
    await page.waitForURL((url) => !url.pathname.includes('/invitation/'));
    const user = await app.stores.users.findByEmail(invitee.email);
    expect(user?.staffId).toBe(staffId);
    await context.close();

    // He signs in with the new password and completes the sample module.
    const learnerContext = await browser.newContext();
    learnerContext.setDefaultTimeout(20_000);
    const learner = await learnerContext.newPage();
    await signInWith(learner, base, invitee.email, NEW_PASSWORD);
    expect(await learner.locator('h1').textContent()).toContain('Dafydd Owen');
    await learner.getByRole('link', { name: 'Learn', exact: true }).first().click();
    await learner.getByRole('link', { name: 'Sample: genes and DNA' }).click();
    await learner.getByRole('button', { name: 'Start this module' }).click();
    expect(await learner.locator('h1').textContent()).toBe('Genes');
    await learner.getByLabel('A stretch of DNA with instructions').check();
    await learner.getByRole('button', { name: 'Check my answer' }).click();
    expect(await learner.locator('.app-check').textContent()).toContain("That's right.");
    await learner.getByRole('link', { name: /Next/ }).click();
    await learner.getByRole('button', { name: 'Assessment' }).click();
    await learner.getByRole('button', { name: 'Start the assessment' }).click();
    await learner.getByLabel('DNA', { exact: true }).check();
    await learner.getByLabel('A', { exact: true }).check();
    await learner.getByLabel('T', { exact: true }).check();
    await learner.getByRole('button', { name: 'Submit answers' }).click();
    expect(await learner.locator('h1').textContent()).toContain('You passed');
    await learner.getByRole('link', { name: 'My learning' }).first().click();
    expect(await learner.locator('main').textContent()).toContain('Sample: genes and DNA');
    await learnerContext.close();
  });

  it('signs another person in by single sign-on for the first time and links the new account to their staff record', { timeout: 120_000 }, async () => {
    const staff = await app.stores.staff.findByAssignment(ssoPerson.assignmentNumber);
    expect(await app.stores.users.findByEmail(ssoPerson.email)).toBeUndefined();
    const context = await browser.newContext();
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await page.goto(`${base}/sign-in`);
    await page.getByRole('button', { name: 'Sign in with your NHS Wales account' }).click();
    // The provider's development login form.
    await page.waitForURL((url) => url.origin === provider.issuer);
    await page.locator('input[name="login"]').fill('sub-nia');
    await page.locator('input[name="password"]').fill('any');
    await page.locator('button[type="submit"]').first().click();
    await page.waitForURL((url) => url.origin === base && !url.pathname.includes('sign-in'));
    expect(await page.locator('h1').textContent()).toContain('Nia');
    await checked(page);
    const user = await app.stores.users.findByEmail(ssoPerson.email);
    expect(user?.staffId).toBe(staff?.id);
    await context.close();

    // An administrator sees the staff link on the new account.
    const adminContext = await browser.newContext();
    adminContext.setDefaultTimeout(20_000);
    const admin = await adminContext.newPage();
    await signInWith(admin, base, 'powys.admin@wales.nhs.uk');
    await admin.goto(`${base}/admin/users/${user?.id ?? ''}`);
    const row = admin.locator('.nhsuk-summary-list__row', { hasText: 'Staff record' });
    expect(await row.textContent()).toContain(ssoPerson.assignmentNumber);
    await checked(admin);
    await adminContext.close();
  });
});
