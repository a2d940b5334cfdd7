// Events in a real headless Chromium: the list, an event's page and the
// education leads' pages, in both languages, 1280 and 320 pixels wide, axe
// clean, readable, no sideways scroll; booking a place without JavaScript
// (axe needs JavaScript, so those pages are checked by their text only).
// Screenshots go to /tmp/shots/events/ for people to look at.

import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { PASSWORD, closeServer, listenWithBrowser, lookAt, openServer, signedInPage, type BrowserServer } from '../support/browser.js';
import { hashPassword } from '../../src/security/passwords.js';
import { seedDemoEvents } from '../../src/seed/demo-events.js';

const SHOTS = '/tmp/shots/events';

describe('events pages in a browser', () => {
  let server: BrowserServer;
  let browser: Browser;
  let base: string;
  let seriesId: string;

  beforeAll(async () => {
    server = await openServer('content');
    for (const [email, role] of [['learner@test.genomeg.test', 'learner'], ['lead@test.genomeg.test', 'education-lead']] as const) {
      await server.app.stores.users.create({ email, displayName: role === 'learner' ? 'Lowri Learner' : 'Elis Lead', passwordHash: await hashPassword(PASSWORD), grants: [{ role, organisationCode: null }] }, null);
    }
    await seedDemoEvents(server.database.db);
    seriesId = (await server.database.db.selectFrom('events').select('id').where('topic', '=', 'pharmacogenomics').executeTakeFirstOrThrow()).id;
    ({ base, browser } = await listenWithBrowser(server.app));
    mkdirSync(SHOTS, { recursive: true });
  }, 120_000);
  afterAll(async () => { await closeServer(server, browser); });

  const as = (email: string, width: number, javaScriptEnabled = true): Promise<Page> => signedInPage(browser, base, email, width, { javaScriptEnabled, timeoutMs: 30_000 });

  const look = (page: Page, lang: 'en' | 'cy', name: string): Promise<void> => lookAt(page, lang, name, SHOTS);

  it('shows the list, an event and the leads\' pages in both languages at both widths', { timeout: 600_000 }, async () => {
    for (const width of [1280, 320]) {
      const learner = await as('learner@test.genomeg.test', width);
      const lead = await as('lead@test.genomeg.test', width);
      for (const lang of ['en', 'cy'] as const) {
        const prefix = lang === 'cy' ? '/cy' : '';
        await learner.goto(`${base}${prefix}/events`);
        expect(await learner.locator('main').innerText()).toContain(lang === 'en' ? 'Pharmacogenomics webinar series' : 'Cyfres gweminarau ffarmacogenomeg');
        await look(learner, lang, `list-${lang}-${String(width)}`);
        await learner.goto(`${base}${prefix}/events/${seriesId}`);
        await look(learner, lang, `event-${lang}-${String(width)}`);
        await lead.goto(`${base}${prefix}/admin/events`);
        await look(lead, lang, `admin-${lang}-${String(width)}`);
        await lead.goto(`${base}${prefix}/admin/events/new`);
        await look(lead, lang, `new-${lang}-${String(width)}`);
      }
      await learner.context().close();
      await lead.context().close();
    }
  });

  it('books a place without JavaScript and shows the errors of a bad form', { timeout: 200_000 }, async () => {
    const learner = await as('learner@test.genomeg.test', 1280, false);
    await learner.goto(`${base}/events/${seriesId}`);
    await Promise.all([
      learner.waitForURL((url) => url.search.includes('done='), { timeout: 60_000 }),
      learner.getByRole('button', { name: 'Book a place' }).first().click({ timeout: 60_000 }),
    ]);
    expect(await learner.locator('main').innerText()).toContain('You have a place');
    await learner.screenshot({ path: `${SHOTS}/event-booked-nojs-en-1280.png`, fullPage: true });
    await learner.context().close();

    const lead = await as('lead@test.genomeg.test', 320, false);
    await lead.goto(`${base}/cy/admin/events/new`);
    await lead.getByRole('button', { name: 'Cadw fel drafft' }).click();
    expect(await lead.locator('.nhsuk-error-summary').innerText()).toContain('Dewiswch bwnc');
    await lead.screenshot({ path: `${SHOTS}/new-errors-nojs-cy-320.png`, fullPage: true });
    await lead.context().close();
  });
});
