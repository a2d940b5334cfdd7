// Issue 15 in Welsh, in a real Chromium:
//   - "Password reset end to end by email, in Welsh": a Welsh-speaking person
//     asks for a reset on /cy; the email is read from a real SMTP server on
//     127.0.0.1 (mailparser) and is in Welsh only; its link opens the Welsh
//     reset page; the new password is set and signs in; the session she had
//     in another browser has ended, and the old password no longer works.
//   - Accepting an invitation by single sign-on, in Welsh: the invitation page
//     offers the provider's button; another email is refused with a clear
//     page; the invited person's account is linked to the staff record.
//   - An administrator sees, on a person's account page, that emails to them
//     are failing.
// Pages are looked at (axe, readable Welsh, no sideways scroll) at 320 px and
// on a desktop, with screenshots in a temporary folder (SHOTS_DIR keeps them).

import { createServer } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
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
import { PASSWORD, launchChromium, lookAt } from '../support/browser.js';
import { eventually } from '../support/eventually.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';
import { startTestProvider, type TestProvider } from '../support/oidc-provider.js';
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

describe('accounts in Welsh in a browser: password reset by email, an invitation accepted by single sign-on', () => {
  let dir: string;
  let shots: string;
  let database: DatabaseHandle;
  let app: FastifyInstance;
  let browser: Browser;
  let smtp: TestSmtp;
  let provider: TestProvider;
  let base: string;
  const SIAN = 'sian.morgan@wales.nhs.uk';
  const NEW_PASSWORD = 'dyfrgi mynydd llusern';
  const invited = buildStaffRow({ organisationCode: '7A7', firstName: 'Gwen', lastName: 'Jones', email: 'gwen.jones@wales.nhs.uk' });

  async function pageAt(width: number): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    context.setDefaultTimeout(20_000);
    return context.newPage();
  }

  async function signInCy(page: Page, email: string, password: string): Promise<void> {
    await page.goto(`${base}/cy/sign-in`);
    await page.getByLabel('Cyfeiriad e-bost').fill(email);
    await page.getByLabel('Cyfrinair', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Mewngofnodi', exact: true }).click();
  }

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${String(port)}`;
    smtp = await startTestSmtp();
    provider = await startTestProvider(`${base}/sign-in/sso/callback`, `${base}/sign-in?signedOut=1`);
    dir = mkdtempSync(join(tmpdir(), 'genomeg-accounts-welsh-'));
    shots = process.env['SHOTS_DIR'] ?? join(dir, 'shots');
    mkdirSync(shots, { recursive: true });
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
    app = await buildApp({ config, database, logger: false, singleSignOn: SingleSignOn.create(settings, { fetch: (url, options) => provider.fetch(url, options) }) });
    await importStaffExtract(app.stores.staff, { text: staffCsv([invited]), fileName: 'seed.csv', mode: 'full', permittedOrganisations: 'all', actorUserId: null });
    await app.stores.users.create({ email: SIAN, displayName: 'Siân Morgan', passwordHash: await hashPassword(PASSWORD), language: 'cy' }, null);
    provider.accounts.set('sub-gwen', { email: 'Gwen.Jones@wales.nhs.uk', name: 'G Jones', email_verified: true });
    provider.accounts.set('sub-other', { email: 'rhywun.arall@wales.nhs.uk', name: 'Rhywun Arall', email_verified: true });
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

  it('resets a Welsh speaker’s password by email in Welsh: the link works once, the new password signs in, the old session has ended', { timeout: 180_000 }, async () => {
    // Siân is signed in on another computer.
    const elsewhere = await pageAt(1280);
    await signInCy(elsewhere, SIAN, PASSWORD);
    await elsewhere.waitForURL((url) => !url.pathname.includes('sign-in'));
    expect(await elsewhere.locator('h1').textContent()).toContain('Siân Morgan');

    // She asks for a reset on the Welsh sign-in page.
    const page = await pageAt(320);
    await page.goto(`${base}/cy/sign-in`);
    await page.getByRole('link', { name: 'Wedi anghofio eich cyfrinair?' }).click();
    expect(await page.locator('h1').textContent()).toContain('Wedi anghofio eich cyfrinair');
    await lookAt(page, 'cy', 'forgot-password-cy-320', shots);
    await page.getByLabel('Cyfeiriad e-bost').fill('Sian.Morgan@wales.nhs.uk');
    await page.getByRole('button', { name: 'Anfon y ddolen' }).click();
    expect(await page.locator('h1').textContent()).toContain('Gwiriwch eich e-bost');
    await lookAt(page, 'cy', 'forgot-password-sent-cy-320', shots);

    // The email, from the SMTP server: to her, in Welsh only.
    await eventually(() => smtp.received.some((m) => addressesOf(m.to).includes(SIAN)), 60_000);
    const mail = smtp.received.find((m) => addressesOf(m.to).includes(SIAN));
    expect(addressesOf(mail?.to)).toEqual([SIAN]);
    expect(mail?.subject).toBe('Ailosod eich cyfrinair Genomeg');
    expect(mail?.text).toContain('Gofynnodd rhywun am ailosod cyfrinair eich cyfrif Genomeg');
    expect(mail?.text).not.toContain('Someone asked');
    expect(String(mail?.html)).toContain('lang="cy"');
    expect(String(mail?.html)).toContain('Dewis cyfrinair newydd');
    const link = /href="([^"]*\/reset-password\/[^"]+)"/.exec(String(mail?.html))?.[1] ?? '';
    expect(link.startsWith(`${base}/cy/reset-password/`)).toBe(true);
    expect(mail?.text).toContain(link);

    // The link opens the Welsh page; she chooses a new password.
    await page.goto(link);
    expect(await page.locator('h1').textContent()).toContain('Dewis cyfrinair newydd');
    await lookAt(page, 'cy', 'reset-password-cy-320', shots);
    await page.locator('#newPassword').fill(NEW_PASSWORD);
    await page.locator('#confirmPassword').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Cadw’r cyfrinair newydd' }).click();
    expect(await page.locator('h1').textContent()).toContain('Mae eich cyfrinair wedi’i newid');
    await lookAt(page, 'cy', 'reset-done-cy-320', shots);

    // The link works once.
    await page.goto(link);
    expect(await page.locator('h1').textContent()).toContain('Mae’r ddolen hon wedi dod i ben neu wedi’i defnyddio’n barod');

    // The session on the other computer has ended: its next page asks her to sign in.
    await elsewhere.goto(`${base}/cy/my-learning`);
    expect(`${new URL(elsewhere.url()).pathname} ${await elsewhere.locator('h1').textContent() ?? ''}`).toBe('/cy/sign-in Mewngofnodi');

    // The old password no longer works; the new one does.
    await signInCy(page, SIAN, PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/cy/sign-in');
    expect(await page.locator('.nhsuk-error-summary').textContent()).toContain('Nid yw eich cyfeiriad e-bost neu eich cyfrinair yn gywir');
    await signInCy(page, SIAN, NEW_PASSWORD);
    await page.waitForURL((url) => !url.pathname.includes('sign-in'));
    expect(await page.locator('h1').textContent()).toContain('Siân Morgan');
    await page.context().close();
    await elsewhere.context().close();
  });

  it('accepts an invitation by single sign-on in Welsh, refusing another organisation account first', { timeout: 180_000 }, async () => {
    const staffId = (await app.stores.staff.findByAssignment(invited.assignmentNumber))?.id ?? '';
    const admin = await app.stores.users.create({ email: 'powys.admin@wales.nhs.uk', displayName: 'Gareth Price', passwordHash: null, grants: [{ role: 'org-admin', organisationCode: '7A7' }] }, null);
    const token = await app.stores.accounts.issueInvitation({ staffId, email: invited.email, language: 'cy', organisationCode: '7A7' }, admin.id, 7 * 24 * 3600_000);

    for (const width of [1280, 320]) {
      const look = await pageAt(width);
      await look.goto(`${base}/cy/invitation/${token}`);
      await lookAt(look, 'cy', `invitation-sso-cy-${String(width)}`, shots);
      await look.goto(`${base}/invitation/${token}`);
      await lookAt(look, 'en', `invitation-sso-en-${String(width)}`, shots);
      await look.context().close();
    }

    const atProvider = async (page: Page, login: string): Promise<void> => {
      await page.goto(`${base}/cy/invitation/${token}`);
      await page.getByRole('button', { name: 'Mewngofnodi gyda’ch cyfrif GIG Cymru' }).click();
      await page.waitForURL((url) => url.origin === provider.issuer);
      await page.locator('input[name="login"]').fill(login);
      await page.locator('input[name="password"]').fill('any');
      await page.locator('button[type="submit"]').first().click();
      await page.waitForURL((url) => url.origin === base);
    };

    // Signed in at the provider as someone else: a clear Welsh page, nothing created.
    const wrong = await pageAt(320);
    await atProvider(wrong, 'sub-other');
    expect(await wrong.locator('h1').textContent()).toContain('Gwnaethoch fewngofnodi gyda chyfeiriad e-bost gwahanol i’r un a wahoddwyd');
    expect(await wrong.locator('main').textContent()).toContain(invited.email);
    await lookAt(wrong, 'cy', 'invitation-sso-refused-cy-320', shots);
    expect(await app.stores.users.findByEmail('rhywun.arall@wales.nhs.uk')).toBeUndefined();
    await wrong.context().close();

    // The invited person: signed in, linked to her staff record.
    const right = await pageAt(1280);
    await atProvider(right, 'sub-gwen');
    expect(await right.locator('h1').textContent()).toContain('Gwen Jones');
    const user = await app.stores.users.findByEmail(invited.email);
    expect(user?.staffId).toBe(staffId);
    expect(user?.ssoLinked).toBe(true);
    await right.goto(`${base}/cy/invitation/${token}`);
    expect(await right.locator('h1').textContent()).toContain('Mae’r gwahoddiad hwn wedi dod i ben neu wedi’i ddefnyddio’n barod');
    await right.context().close();
  });

  it('shows an administrator that emails to a person are failing, readable in Welsh at 320 px and on a desktop', { timeout: 120_000 }, async () => {
    const sian = await app.stores.users.findByEmail(SIAN);
    await app.stores.users.create({ email: 'platform.admin@wales.nhs.uk', displayName: 'Eleri Admin', passwordHash: await hashPassword(PASSWORD), grants: [{ role: 'platform-admin', organisationCode: null }], language: 'cy' }, null);
    await app.email.store.recordFailedAddress(SIAN, '550 5.1.1 No such mailbox', null);
    for (const width of [320, 1280]) {
      const page = await pageAt(width);
      await signInCy(page, 'platform.admin@wales.nhs.uk', PASSWORD);
      await page.waitForURL((url) => !url.pathname.includes('sign-in'));
      await page.goto(`${base}/cy/admin/users/${sian?.id ?? ''}/account`);
      expect(await page.locator('main').textContent()).toContain('Mae negeseuon e-bost i’r cyfeiriad hwn yn methu');
      await lookAt(page, 'cy', `admin-account-email-failing-cy-${String(width)}`, shots);
      await page.context().close();
    }
  });
});
