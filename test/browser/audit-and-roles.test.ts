// The audit log and the role-removal question as people see them, in English
// and Welsh, at 1280 and 320 px: no markup or raw keys in the visible text, no
// sideways scroll; axe clean, checked once per page and language since it does
// not change with the width (English at 1280 px, Welsh at 320 px). The
// administrator starts from a session cookie (signing in has its own tests).
// With SHOTS_DIR set, each view is saved as a screenshot there (never committed).

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { closeServer, expectAxeClean, listenWithBrowser, openServer, sessionPage, type BrowserServer } from '../support/browser.js';
import { expectReadableText } from '../support/readable.js';

const SHOTS = process.env['SHOTS_DIR'];

describe('the audit log and removing a role in the browser', () => {
  let server: BrowserServer;
  let browser: Browser;
  let base = '';
  let targetId = '';
  let adminId = '';

  beforeAll(async () => {
    server = await openServer('test/fixtures/content');
    const { app } = server;
    const admin = await app.stores.users.create({ email: 'admin@demo.genomeg.test', displayName: 'Demo Admin', passwordHash: null, grants: [{ role: 'platform-admin', organisationCode: null }] }, null);
    const target = await app.stores.users.create({ email: 'rhiannon.ap.gwyn.with.a.long.address@powys.demo.genomeg.test', displayName: 'Rhiannon ap Gwyn', passwordHash: null, grants: [] }, admin.id);
    targetId = target.id;
    adminId = admin.id;
    await app.stores.users.grant(target.id, { role: 'line-manager', organisationCode: '7A7' }, admin.id);
    await app.stores.users.grant(target.id, { role: 'org-admin', organisationCode: '7A7' }, admin.id);
    await app.stores.users.revoke(target.id, { role: 'org-admin', organisationCode: '7A7' }, admin.id);
    ({ base, browser } = await listenWithBrowser(app));
  }, 120_000);
  afterAll(async () => { await closeServer(server, browser); });

  /** Readable text and no sideways scroll; axe unless the page is checked at the other width in this language. */
  async function look(page: Page, name: string, lang: 'en' | 'cy', axe = true): Promise<void> {
    if (axe) await expectAxeClean(page);
    await expectReadableText(page, lang);
    const width = await page.evaluate<{ scroll: number; view: number }>('({ scroll: document.documentElement.scrollWidth, view: window.innerWidth })');
    expect({ name, ...width }).toEqual({ name, scroll: width.view, view: width.view });
    if (SHOTS !== undefined) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    }
  }

  it('shows the filtered log with names, before and after, at 1280 and 320 px in both languages', async () => {
    const page = await sessionPage(browser, server.app, base, adminId);
    const context = page.context();
    for (const width of [1280, 320]) {
      await page.setViewportSize({ width, height: 900 });
      for (const lang of ['en', 'cy'] as const) {
        await page.goto(`${base}${lang === 'cy' ? '/cy' : ''}/admin/audit?organisation=7A7`);
        await page.locator('details summary').first().click();
        expect(await page.locator('tbody').innerText()).toContain('Rhiannon ap Gwyn');
        await look(page, `audit-${lang}-${String(width)}`, lang, (lang === 'en') === (width === 1280));
      }
    }
    await context.close();
  }, 240_000);

  it('asks before removing a role, at 1280 and 320 px in both languages, and says it is done', async () => {
    const page = await sessionPage(browser, server.app, base, adminId);
    const context = page.context();
    for (const width of [1280, 320]) {
      await page.setViewportSize({ width, height: 900 });
      for (const lang of ['en', 'cy'] as const) {
        await page.goto(`${base}${lang === 'cy' ? '/cy' : ''}/admin/users/${targetId}/roles/remove?role=line-manager&organisationCode=7A7`);
        await look(page, `role-remove-${lang}-${String(width)}`, lang, (lang === 'en') === (width === 1280));
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${base}/admin/users/${targetId}`);
    await page.getByRole('link', { name: /Remove/ }).first().click();
    await page.getByRole('button', { name: 'Yes, remove the role' }).click();
    await page.waitForURL(/done=revoke/);
    expect(await page.locator('.nhsuk-notification-banner').innerText()).toContain('has been removed');
    await look(page, 'role-removed-en-1280', 'en');
    await context.close();
  }, 240_000);
});
