// Literacy insights in a real headless Chromium, in English and Welsh, for
// each scope (Wales for an education lead, an organisation for its
// administrator, a team for its line manager): axe clean, readable text, no
// sideways scroll at 320 px, and no count under 5 on the page. Each page is
// opened with a session cookie (signing in has its own tests). Screenshots go
// to /tmp/shots/insights when SHOTS=1 (never committed).

import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { closeServer, expectAxeClean, listenWithBrowser, openServer, resizeTo, sessionPage, type BrowserServer } from '../support/browser.js';
import { expectReadableText } from '../support/readable.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';
import { importStaffExtract } from '../../src/services/staff-import.js';
import { offeredOf, refreshInsights } from '../../src/services/insights/aggregates.js';
import { seedDemoTargets } from '../../src/seed/demo-targets.js';

const SAMPLE = 'https://genomeg.wales/xapi/activities/module/sample-genomics';
const SHOTS = process.env['SHOTS'] === '1';

/** Numbers shown in the tables' cells, other than percentages: none may be under 5. */
async function shownCounts(page: Page): Promise<number[]> {
  const cells = await page.locator('table td').allTextContents();
  return cells.map((c) => c.trim()).filter((c) => /^\d[\d,]*$/.test(c)).map((c) => Number(c.replace(/,/g, '')));
}

describe('genomic literacy insights in a browser', () => {
  let server: BrowserServer;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    server = await openServer('test/fixtures/content');
    ({ app } = server);
    const boss = buildStaffRow({ organisationCode: '7A7', firstName: 'Gethin', lastName: 'Bowen', staffGroup: 'Administrative and Clerical', jobRole: 'Ward Manager' });
    const rows = [boss];
    const groups = ['Administrative and Clerical', 'Nursing and Midwifery Registered', 'Healthcare Scientists', 'Allied Health Professionals'];
    for (const [o, org] of ['7A7', '7A1', '7A4'].entries()) {
      for (let i = 0; i < 40 + o * 15; i++) {
        rows.push(buildStaffRow({ organisationCode: org, firstName: `P${String(i)}`, lastName: 'Test', staffGroup: groups[i % groups.length] ?? 'Administrative and Clerical',
          band: String(3 + (i % 5)), jobRole: i % 3 === 0 ? 'Staff Nurse' : 'Administrator', lineManagerAssignmentNumber: org === '7A7' && i < 14 ? boss.assignmentNumber : '' }));
      }
    }
    await importStaffExtract(app.stores.staff, { text: staffCsv(rows), fileName: 'x.csv', mode: 'partial', permittedOrganisations: 'all', actorUserId: null });
    // Two in three have completed the awareness module.
    for (const [i, row] of rows.entries()) {
      if (i % 3 === 0) continue;
      const staff = await app.stores.staff.findByAssignment(row.assignmentNumber);
      const user = await app.stores.users.create({ email: `l${String(i)}@demo.genomeg.test`, displayName: 'L', passwordHash: null, grants: [{ role: 'learner', organisationCode: null }], staffId: staff?.id ?? null }, null);
      await app.database.db.insertInto('module_completions').values({ user_id: user.id, module_id: SAMPLE, module_version: '1.0.0', attempt_id: `a${String(i)}`, score: 1, cpd_hours: 0.5, language: 'en', completed_at: new Date() }).execute();
    }
    const bossId = (await app.stores.staff.findByAssignment(boss.assignmentNumber))?.id ?? null;
    ids['lead'] = (await app.stores.users.create({ email: 'lead@demo.genomeg.test', displayName: 'Lead', passwordHash: null, grants: [{ role: 'education-lead', organisationCode: null }] }, null)).id;
    ids['admin'] = (await app.stores.users.create({ email: 'admin@demo.genomeg.test', displayName: 'Admin', passwordHash: null, grants: [{ role: 'org-admin', organisationCode: '7A7' }] }, null)).id;
    ids['manager'] = (await app.stores.users.create({ email: 'manager@demo.genomeg.test', displayName: 'Manager', passwordHash: null, grants: [{ role: 'line-manager', organisationCode: '7A7' }], staffId: bossId }, null)).id;
    await seedDemoTargets(app.database.db);
    await refreshInsights(app.database.db, offeredOf(app.content.modules));
    ({ base, browser } = await listenWithBrowser(app));
    if (SHOTS) await mkdir('/tmp/shots/insights', { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await closeServer(server, browser);
  });

  for (const lang of ['en', 'cy'] as const) {
    const prefix = lang === 'cy' ? '/cy' : '';
    it(`shows each scope, axe clean and readable, without sideways scroll at 320 px (${lang})`, { timeout: 180_000 }, async () => {
      const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      const scopes = [['wales', 'lead', '/insights'], ['organisation', 'admin', '/insights'], ['team', 'manager', '/insights'], ['drill', 'lead', '/insights?org=7A7'],
        ['as-at', 'lead', `/insights?by=band&asAt=${yesterday}`], ['targets-wales', 'lead', '/insights/targets'], ['targets-organisation', 'admin', '/insights/targets'], ['targets-team', 'manager', '/insights/targets']] as const;
      for (const [who, email, path] of scopes) {
        const page = await sessionPage(browser, app, base, ids[email] ?? '', { width: 1280 });
        await page.goto(`${base}${prefix}${path}`);
        expect(await page.locator('html').getAttribute('lang')).toBe(lang);
        const heading = who.startsWith('targets') ? (lang === 'cy' ? 'Targedau llythrennedd' : 'Literacy targets') : (lang === 'cy' ? 'Mewnwelediadau llythrennedd genomig' : 'Genomic literacy insights');
        expect(await page.locator('h1').textContent()).toBe(heading);
        await expectAxeClean(page);
        await expectReadableText(page, lang);
        for (const n of await shownCounts(page)) expect(n).toBeGreaterThanOrEqual(5);
        // Wales by organisation: the chart of the share meeting target, a named image, with its table under it.
        if (who === 'wales') expect(await page.locator('figure svg[role="img"]').first().getAttribute('aria-label')).toContain(lang === 'cy' ? 'targed' : 'target');
        if (SHOTS) await page.screenshot({ path: `/tmp/shots/insights/${who}-${lang}-1280.png`, fullPage: true });
        await resizeTo(page, 320, 800);
        if (SHOTS) await page.screenshot({ path: `/tmp/shots/insights/${who}-${lang}-320.png`, fullPage: true });
        const wide = await page.evaluate<string[]>(`[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 5).map((e) => e.tagName + '.' + e.className + ':' + (e.textContent || '').slice(0, 40))`);
        expect({ who, fits: await page.evaluate<boolean>('document.documentElement.scrollWidth <= document.documentElement.clientWidth'), wide }).toMatchObject({ fits: true });
        await page.context().close();
      }
    });
  }
});
