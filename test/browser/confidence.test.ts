// The confidence self-rating page and /insights/confidence in a real headless
// Chromium, in English and Welsh, at 320 px and on a desktop: axe clean,
// readable text, no sideways scroll; the rating form works without
// JavaScript. Screenshots go to /tmp/shots/confidence.

import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { PASSWORD, closeServer, listenWithBrowser, lookAt, openServer, signedInPage, type BrowserServer } from '../support/browser.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';
import { hashPassword } from '../../src/security/passwords.js';
import { importStaffExtract } from '../../src/services/staff-import.js';
import { ConfidenceStore } from '../../src/db/stores/confidence-store.js';

const SAMPLE = 'https://genomeg.wales/xapi/activities/module/sample-genomics';
const SHOTS = '/tmp/shots/confidence';

describe('confidence self-assessment in a browser', () => {
  let server: BrowserServer;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    server = await openServer('test/fixtures/content');
    ({ app } = server);
    const rows = Array.from({ length: 14 }, (_, i) => buildStaffRow({ organisationCode: '7A7', firstName: `P${String(i)}`, lastName: 'Test', staffGroup: i < 11 ? 'Administrative and Clerical' : 'Healthcare Scientists' }));
    await importStaffExtract(app.stores.staff, { text: staffCsv(rows), fileName: 'x.csv', mode: 'partial', permittedOrganisations: 'all', actorUserId: null });
    const store = ConfidenceStore.create(app.database.db);
    for (const [i, row] of rows.entries()) {
      const staff = await app.stores.staff.findByAssignment(row.assignmentNumber);
      const user = await app.stores.users.create({ email: `r${String(i)}@demo.genomeg.test`, displayName: 'R', passwordHash: null, grants: [{ role: 'learner', organisationCode: null }], staffId: staff?.id ?? null }, null);
      const learner = { userId: user.id, displayName: 'R', language: 'en' as const };
      await store.rate(learner, SAMPLE, 'before', [{ competencyId: 'genomic-literacy-basics', segment: i % 2 === 0 ? 'specific-need' : 'unsure' }]);
      await store.rate(learner, SAMPLE, 'after', [{ competencyId: 'genomic-literacy-basics', segment: i < 9 ? 'competent' : 'specific-need' }]);
    }
    const hash = await hashPassword(PASSWORD);
    await app.stores.users.create({ email: 'lead@demo.genomeg.test', displayName: 'Lead', passwordHash: hash, grants: [{ role: 'education-lead', organisationCode: null }] }, null);
    await app.stores.users.create({ email: 'learner@demo.genomeg.test', displayName: 'Learner', passwordHash: hash, grants: [{ role: 'learner', organisationCode: null }] }, null);
    ({ base, browser } = await listenWithBrowser(app));
    await mkdir(SHOTS, { recursive: true });
  }, 180_000);

  afterAll(async () => { await closeServer(server, browser); });

  for (const lang of ['en', 'cy'] as const) {
    for (const width of [320, 1280]) {
      it(`shows the rating page and the insights table in ${lang} at ${String(width)} px`, async () => {
        const prefix = lang === 'cy' ? '/cy' : '';
        const page = await signedInPage(browser, base, 'learner@demo.genomeg.test', width);
        await page.goto(`${base}${prefix}/learn/sample-genomics/confidence?when=before`);
        await lookAt(page, lang, `rate-${lang}-${String(width)}`, SHOTS);
        await page.context().close();
        const lead = await signedInPage(browser, base, 'lead@demo.genomeg.test', width);
        await lead.goto(`${base}${prefix}/insights/confidence`);
        await lookAt(lead, lang, `insights-${lang}-${String(width)}`, SHOTS);
        await lead.context().close();
      }, 120_000);
    }
  }

  it('saves a rating without JavaScript and goes on into the module', async () => {
    const page = await signedInPage(browser, base, 'learner@demo.genomeg.test', 320, { javaScriptEnabled: false });
    await page.goto(`${base}/learn/sample-genomics`);
    await page.getByRole('link', { name: 'Before you start: rate your confidence (optional)' }).click();
    await page.getByLabel('My role needs this and I need more learning on it').check();
    await page.getByRole('button', { name: 'Save my answers' }).click();
    expect(new URL(page.url()).pathname).toBe('/learn/sample-genomics/pages/1');
    const rows = await app.database.db.selectFrom('confidence_ratings').innerJoin('users', 'users.id', 'confidence_ratings.user_id')
      .select('confidence_ratings.segment').where('users.email', '=', 'learner@demo.genomeg.test').execute();
    expect(rows.map((r) => r.segment)).toEqual(['specific-need']);
    await page.context().close();
  }, 120_000);
});
