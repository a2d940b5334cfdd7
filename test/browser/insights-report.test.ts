// The board report in a browser, in English and Welsh at 320 px and desktop:
// the form and the report page are axe clean, readable in their language and
// never scroll sideways; screenshots to look at.

import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { PASSWORD, closeServer, listenWithBrowser, lookAt, openServer, signedInPage, type BrowserServer } from '../support/browser.js';
import { hashPassword } from '../../src/security/passwords.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';
import { importStaffExtract } from '../../src/services/staff-import.js';
import { offeredOf, refreshInsights } from '../../src/services/insights/aggregates.js';
import { calendarDateIn } from '../../src/domain/learning/index.js';
import { quarterKey, recentQuarters } from '../../src/services/insights/board-report.js';

const SHOTS = process.env['SHOTS_DIR'] ?? '/tmp/shots/insights-report';
const SAMPLE = 'https://genomeg.wales/xapi/activities/module/sample-genomics';

describe('the board report in a browser', () => {
  let server: BrowserServer;
  let browser: Browser;
  let base: string;
  const key = quarterKey(recentQuarters(calendarDateIn(new Date()))[0] ?? { year: 2026, quarter: 1 });

  beforeAll(async () => {
    server = await openServer('content');
    await server.app.stores.users.create({ email: 'lead@report.genomeg.test', displayName: 'Elis Lead', passwordHash: await hashPassword(PASSWORD), grants: [{ role: 'education-lead', organisationCode: null }] }, null);
    const rows = [
      ...Array.from({ length: 14 }, (_, i) => buildStaffRow({ organisationCode: '7A7', firstName: `Admin${String(i)}`, lastName: 'Jones', staffGroup: 'Administrative and Clerical', jobRole: 'Administrator', band: '4' })),
      ...Array.from({ length: 9 }, (_, i) => buildStaffRow({ organisationCode: '7A7', firstName: `Nurse${String(i)}`, lastName: 'Evans', staffGroup: 'Nursing and Midwifery Registered', jobRole: 'Staff Nurse', band: '5' })),
    ];
    await importStaffExtract(server.app.stores.staff, { text: staffCsv(rows), fileName: 'x.csv', mode: 'partial', permittedOrganisations: 'all', actorUserId: null });
    for (const [i, row] of rows.slice(0, 9).entries()) {
      const staffId = (await server.app.stores.staff.findByAssignment(row.assignmentNumber))?.id ?? '';
      const user = await server.app.stores.users.create({ email: `done${String(i)}@report.genomeg.test`, displayName: 'Done', passwordHash: null, grants: [{ role: 'learner', organisationCode: null }], staffId }, null);
      await server.database.db.insertInto('module_completions').values({ user_id: user.id, module_id: SAMPLE, module_version: '1.0.0', attempt_id: `b${String(i)}`, score: 1, cpd_hours: 0.5, language: 'en', completed_at: new Date() }).execute();
    }
    await refreshInsights(server.database.db, offeredOf(server.app.content.modules));
    ({ base, browser } = await listenWithBrowser(server.app));
    mkdirSync(SHOTS, { recursive: true });
  }, 120_000);
  afterAll(async () => { await closeServer(server, browser); });

  for (const lang of ['en', 'cy'] as const) {
    for (const width of [320, 1280]) {
      it(`shows the form and the report in ${lang} at ${String(width)} px`, async () => {
        const page = await signedInPage(browser, base, 'lead@report.genomeg.test', width, { timeoutMs: 60_000 });
        const prefix = lang === 'cy' ? '/cy' : '';
        await page.goto(`${base}${prefix}/insights/report`);
        await lookAt(page, lang, `form-${lang}-${String(width)}`, SHOTS);
        await page.goto(`${base}${prefix}/insights/report/view?org=7A7&quarter=${key}`);
        await lookAt(page, lang, `report-${lang}-${String(width)}`, SHOTS);
        await page.context().close();
      }, 120_000);
    }
  }
});
