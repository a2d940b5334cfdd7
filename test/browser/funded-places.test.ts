// Funded university places in a real headless Chromium, in English and Welsh:
// two people apply (one in each language), their line manager supports both
// from the emailed link, two reviewers score blind, the education lead runs
// the allocation, offers go out by email (read back from a real SMTP server on
// 127.0.0.1), the person offered declines, the reserve is offered by email and
// accepts, the lead records the outcome, and My learning shows the credits.
// Pages are axe clean, readable and fit their width. Accounts start from a
// session cookie (signing in has its own tests); screenshots go to
// /tmp/shots/funded/ when SHOTS=1, for people to look at (never committed).

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import type { ParsedMail } from 'mailparser';
import { loadConfig } from '../../src/config/env.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { FundedStore } from '../../src/db/stores/funded-store.js';
import { importStaffExtract } from '../../src/services/staff-import.js';
import { buildApp } from '../../src/web/app.js';
import { expectAxeClean, fitsWidth, launchChromium, sessionPage } from '../support/browser.js';
import { expectReadableText } from '../support/readable.js';
import { eventually } from '../support/eventually.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';
import { startTestSmtp, type TestSmtp } from '../support/smtp.js';
import { MODULE, intakeInput } from '../funded/support.js';

const SHOTS = process.env['SHOTS'] === '1' ? '/tmp/shots/funded' : null;

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

const to = (mail: ParsedMail): string[] => [mail.to ?? []].flat().flatMap((a) => a.value.map((v) => v.address ?? ''));

describe('funded university places in a browser', () => {
  let dir: string;
  let database: DatabaseHandle;
  let app: FastifyInstance;
  let browser: Browser;
  let smtp: TestSmtp;
  let base: string;
  let intakeId: string;
  const ids: Record<string, string> = {};
  const manager = buildStaffRow({ firstName: 'Mair', lastName: 'Hughes', email: 'mair.hughes@wales.nhs.uk' });
  const ceri = buildStaffRow({ firstName: 'Ceri', lastName: 'Morgan', email: 'ceri.morgan@wales.nhs.uk', jobRole: 'Pharmacist', lineManagerAssignmentNumber: manager.assignmentNumber });
  const dylan = buildStaffRow({ firstName: 'Dylan', lastName: 'Price', email: 'dylan.price@wales.nhs.uk', organisationCode: '7A1', jobRole: 'Staff Nurse', lineManagerAssignmentNumber: manager.assignmentNumber });

  /** The link in the latest email to this address whose subject matches. */
  async function linkIn(address: string, subject: RegExp): Promise<string> {
    await eventually(() => smtp.received.some((m) => to(m).includes(address) && subject.test(m.subject ?? '')), 60_000);
    const mail = smtp.received.filter((m) => to(m).includes(address) && subject.test(m.subject ?? '')).at(-1);
    const link = /https?:\/\/\S+/.exec(mail?.text ?? '')?.[0] ?? '';
    expect(link.startsWith(base)).toBe(true);
    return link;
  }

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${String(port)}`;
    smtp = await startTestSmtp();
    dir = mkdtempSync(join(tmpdir(), 'genomeg-funded-'));
    database = openDatabase(`sqlite:${join(dir, 'test.sqlite')}`);
    await migrateToLatest(database);
    const config = loadConfig({
      NODE_ENV: 'test', LOG_LEVEL: 'silent', CONTENT_DIR: 'test/fixtures/content', PUBLIC_URL: base,
      SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_STARTTLS: 'off', MAIL_FROM: 'Genomeg <genomeg@test.genomeg.test>',
    });
    app = await buildApp({ config, database, logger: false });
    await importStaffExtract(app.stores.staff, { text: staffCsv([manager, ceri, dylan]), fileName: 'seed.csv', mode: 'full', permittedOrganisations: 'all', actorUserId: null });
    for (const [row, name, language] of [[manager, 'Mair Hughes', 'en'], [ceri, 'Ceri Morgan', 'en'], [dylan, 'Dylan Price', 'cy']] as const) {
      const staffId = (await app.stores.staff.findByAssignment(row.assignmentNumber))?.id ?? null;
      const user = await app.stores.users.create({ email: row.email, displayName: name, passwordHash: null, grants: [{ role: 'learner', organisationCode: null }], staffId }, null);
      await database.db.updateTable('users').set({ language }).where('id', '=', user.id).execute();
      ids[row.email] = user.id;
    }
    ids['lead@test.genomeg.test'] = (await app.stores.users.create({ email: 'lead@test.genomeg.test', displayName: 'Elis Lead', passwordHash: null, grants: [{ role: 'education-lead', organisationCode: null }] }, null)).id;
    for (const n of [1, 2]) ids[`reviewer${String(n)}@test.genomeg.test`] = (await app.stores.users.create({ email: `reviewer${String(n)}@test.genomeg.test`, displayName: `Reviewer ${String(n)}`, passwordHash: null, grants: [{ role: 'funded-reviewer', organisationCode: null }] }, null)).id;
    const store = FundedStore.create(database.db);
    const module = await store.createModule(MODULE, null);
    intakeId = (await store.createIntake(intakeInput(module.id, { places: 1, seed: 'browser-seed' }), 'open', null)).id;
    await app.listen({ host: '127.0.0.1', port });
    browser = await launchChromium();
    if (SHOTS !== null) mkdirSync(SHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser.close();
    await app.close();
    await database.close();
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const as = (email: string, width = 1280): Promise<Page> => sessionPage(browser, app, base, ids[email] ?? '', { width });
  /** axe clean, readable text in the page's language, no sideways scroll (and a screenshot when SHOTS=1). */
  const look = async (page: Page, lang: 'en' | 'cy', name: string): Promise<void> => {
    await expectAxeClean(page);
    await expectReadableText(page, lang);
    expect({ name, fits: await fitsWidth(page) }).toEqual({ name, fits: true });
    if (SHOTS !== null) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
  };

  it('takes two applications from the form to an outcome in My learning', { timeout: 600_000 }, async () => {
    // Ceri applies in English, at 320 px.
    const ceriPage = await as(ceri.email, 320);
    await ceriPage.goto(`${base}/funded`);
    await look(ceriPage, 'en', 'list-en-320');
    await ceriPage.goto(`${base}/funded/intakes/${intakeId}`);
    await look(ceriPage, 'en', 'intake-en-320');
    await ceriPage.getByRole('link', { name: 'Start your application' }).click();
    await ceriPage.getByLabel('Personal statement').fill('I dispense medicines every day and want to use pharmacogenomic results safely.');
    await ceriPage.getByLabel('How the module will serve your service').fill('Fewer adverse drug reactions in our clinics.');
    await look(ceriPage, 'en', 'apply-en-320');
    await ceriPage.getByRole('button', { name: 'Submit your application' }).click();
    expect(await ceriPage.locator('main').innerText()).toContain('Waiting for your line manager');
    await look(ceriPage, 'en', 'application-en-320');

    // Dylan applies in Welsh.
    const dylanPage = await as(dylan.email);
    await dylanPage.goto(`${base}/cy/funded/intakes/${intakeId}/apply`);
    await dylanPage.getByLabel('Datganiad personol').fill('Rwy’n nyrs ac rwyf eisiau deall canlyniadau genomig.');
    await dylanPage.getByLabel('Sut bydd y modiwl yn gwasanaethu’ch gwasanaeth').fill('Gofal gwell i gleifion.');
    await look(dylanPage, 'cy', 'apply-cy-1280');
    await dylanPage.getByRole('button', { name: 'Cyflwyno’ch cais' }).click();
    expect(await dylanPage.locator('main').innerText()).toContain('Yn aros am eich rheolwr llinell');

    // The manager follows each emailed link and supports the application.
    const managerPage = await as(manager.email);
    for (const name of ['Ceri Morgan', 'Dylan Price']) {
      await managerPage.goto(await linkIn(manager.email, new RegExp(`^${name} asks for your support`)));
      await managerPage.getByLabel('Yes, I support it').check();
      await managerPage.getByLabel('Study time agreed').fill('Friday afternoons');
      if (name === 'Ceri Morgan') await look(managerPage, 'en', 'manager-en-1280');
      await managerPage.getByRole('button', { name: 'Send your decision' }).click();
      expect(await managerPage.locator('main').innerText()).toContain('You supported the application');
    }

    // Two reviewers score blind: one in Welsh, one in English. Ceri scores higher.
    for (const [n, lang] of [[1, 'cy'], [2, 'en']] as const) {
      const reviewer = await as(`reviewer${String(n)}@test.genomeg.test`, n === 1 ? 320 : 1280);
      const prefix = lang === 'cy' ? '/cy' : '';
      for (let i = 0; i < 2; i++) {
        await reviewer.goto(`${base}${prefix}/funded/review/${intakeId}`);
        if (i === 0) await look(reviewer, lang, `queue-${lang}`);
        await reviewer.locator('main table a').first().click();
        const text = await reviewer.locator('main').innerText();
        expect(text).not.toContain('Ceri');
        expect(text).not.toContain('Dylan');
        expect(text).not.toContain('Powys');
        const isCeri = text.includes('dispense');
        for (const legend of lang === 'cy' ? ['Angen y gwasanaeth', 'Addasrwydd i’r rôl'] : ['Service need', 'Fit with role']) {
          await reviewer.getByRole('group', { name: new RegExp(legend) }).getByLabel(isCeri ? '5' : '3', { exact: true }).check();
        }
        if (i === 0) await look(reviewer, lang, `review-${lang}`);
        await reviewer.getByRole('button', { name: lang === 'cy' ? 'Anfon eich sgorau' : 'Send your scores' }).click();
      }
      await reviewer.context().close();
    }

    // The lead allocates: one place.
    const lead = await as('lead@test.genomeg.test');
    await lead.goto(`${base}/admin/funded/intakes/${intakeId}`);
    await lead.getByRole('button', { name: 'Allocate places and send offers' }).click();
    expect(await lead.locator('main').innerText()).toContain('Places are allocated');
    await look(lead, 'en', 'allocation-en-1280');
    await lead.goto(`${base}/cy/admin/funded/intakes/${intakeId}`);
    await look(lead, 'cy', 'allocation-cy-1280');

    // Ceri is offered the place by email and declines.
    await ceriPage.goto(await linkIn(ceri.email, /^Offer of a funded place/));
    await look(ceriPage, 'en', 'offer-en-320');
    await ceriPage.getByRole('button', { name: 'Decline the place' }).click();
    expect(await ceriPage.locator('main').innerText()).toContain('You have declined the place');

    // Dylan, first on the reserve list, is offered the place in Welsh and accepts.
    await dylanPage.goto(await linkIn(dylan.email, /^Cynnig lle a ariennir/));
    await look(dylanPage, 'cy', 'offer-cy-1280');
    await dylanPage.getByRole('button', { name: 'Derbyn y lle' }).click();
    expect(await dylanPage.locator('main').innerText()).toContain('Rydych chi wedi derbyn y lle');

    // The lead records the outcome; Dylan's My learning shows the credits.
    await lead.goto(`${base}/admin/funded/intakes/${intakeId}`);
    await lead.getByLabel('Outcome', { exact: true }).selectOption('completed');
    await lead.getByRole('button', { name: 'Record the outcome', exact: true }).click();
    expect(await lead.locator('main').innerText()).toContain('The outcomes are recorded');
    await dylanPage.goto(`${base}/cy/my-learning`);
    const learning = await dylanPage.locator('main').innerText();
    expect(learning).toContain('Ffarmacogenomeg');
    expect(learning).toContain('20 credyd');
    await look(dylanPage, 'cy', 'my-learning-cy-1280');
  });
});
