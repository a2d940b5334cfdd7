// Events in a real headless Chromium: the list, an event's page and the
// education leads' pages, in both languages, 1280 and 320 pixels wide,
// readable, no sideways scroll; axe (which does not change with the width) once
// per page and language: English at 1280 px, Welsh at 320 px. Booking a place
// without JavaScript (axe needs JavaScript, so those pages are checked by their
// text only). The pages are opened with a session cookie: signing in has its
// own tests. Screenshots go to /tmp/shots/events/ when SHOTS=1, for people to
// look at (never committed).

import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { closeServer, expectAxeClean, fitsWidth, listenWithBrowser, openServer, sessionPage, type BrowserServer } from '../support/browser.js';
import { expectReadableText } from '../support/readable.js';
import { seedDemoEvents } from '../../src/seed/demo-events.js';

const SHOTS = process.env['SHOTS'] === '1' ? '/tmp/shots/events' : null;

describe('events pages in a browser', () => {
  let server: BrowserServer;
  let browser: Browser;
  let base: string;
  let seriesId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    server = await openServer('content');
    for (const [email, role] of [['learner@test.genomeg.test', 'learner'], ['lead@test.genomeg.test', 'education-lead']] as const) {
      ids[email] = (await server.app.stores.users.create({ email, displayName: role === 'learner' ? 'Lowri Learner' : 'Elis Lead', passwordHash: null, grants: [{ role, organisationCode: null }] }, null)).id;
    }
    await seedDemoEvents(server.database.db);
    seriesId = (await server.database.db.selectFrom('events').select('id').where('topic', '=', 'pharmacogenomics').executeTakeFirstOrThrow()).id;
    ({ base, browser } = await listenWithBrowser(server.app));
    if (SHOTS !== null) mkdirSync(SHOTS, { recursive: true });
  }, 120_000);
  afterAll(async () => { await closeServer(server, browser); });

  /** A page signed in through a session cookie (signing in is not what these tests are about). */
  const as = (email: string, width: number, javaScriptEnabled = true): Promise<Page> => sessionPage(browser, server.app, base, ids[email] ?? '', { width, timeoutMs: 30_000, javaScriptEnabled });

  /** Readable and no sideways scroll at every width; axe in English at 1280 px and in Welsh at 320 px. */
  const look = async (page: Page, lang: 'en' | 'cy', width: number, name: string): Promise<void> => {
    if ((lang === 'en' && width === 1280) || (lang === 'cy' && width === 320)) await expectAxeClean(page);
    await expectReadableText(page, lang);
    expect({ name, fits: await fitsWidth(page) }).toEqual({ name, fits: true });
    if (SHOTS !== null) await page.screenshot({ path: `${SHOTS}/${name}-${lang}-${String(width)}.png`, fullPage: true });
  };

  it('shows the list, an event and the leads\' pages in both languages at both widths', { timeout: 600_000 }, async () => {
    for (const width of [1280, 320]) {
      const learner = await as('learner@test.genomeg.test', width);
      const lead = await as('lead@test.genomeg.test', width);
      for (const lang of ['en', 'cy'] as const) {
        const prefix = lang === 'cy' ? '/cy' : '';
        await learner.goto(`${base}${prefix}/events`);
        expect(await learner.locator('main').innerText()).toContain(lang === 'en' ? 'Pharmacogenomics webinar series' : 'Cyfres gweminarau ffarmacogenomeg');
        await look(learner, lang, width, 'list');
        await learner.goto(`${base}${prefix}/events/${seriesId}`);
        await look(learner, lang, width, 'event');
        await lead.goto(`${base}${prefix}/admin/events`);
        await look(lead, lang, width, 'admin');
        await lead.goto(`${base}${prefix}/admin/events/new`);
        await look(lead, lang, width, 'new');
      }
      await learner.context().close();
      await lead.context().close();
    }
  });

  it('shows a session with two organisations\' reserved places on the Welsh form at 320 px', { timeout: 200_000 }, async () => {
    const lead = await as('lead@test.genomeg.test', 320);
    await lead.goto(`${base}/cy/admin/events/new`);
    await lead.locator('#s0-quotaOrg-0').selectOption('7A1');
    await Promise.all([
      lead.waitForURL(`${base}/cy/admin/events`, { timeout: 60_000 }),
      lead.getByRole('button', { name: 'Ychwanegu sefydliad arall i sesiwn 1' }).click({ timeout: 60_000 }),
    ]);
    expect(await lead.locator('#s0-quotaOrg-0').inputValue()).toBe('7A1');
    expect((await lead.locator('.app-event-quota legend').allTextContents()).map((x) => x.replace(/\s+/g, ' ').trim())).toEqual(['Sefydliad 1, Sesiwn 1', 'Sefydliad 2, Sesiwn 1']);
    await look(lead, 'cy', 320, 'new-quotas');
    await lead.context().close();
  });

  it('books a place without JavaScript and shows the errors of a bad form', { timeout: 200_000 }, async () => {
    const learner = await as('learner@test.genomeg.test', 1280, false);
    await learner.goto(`${base}/events/${seriesId}`);
    await Promise.all([
      learner.waitForURL((url) => url.search.includes('done='), { timeout: 60_000 }),
      learner.getByRole('button', { name: 'Book a place' }).first().click({ timeout: 60_000 }),
    ]);
    expect(await learner.locator('main').innerText()).toContain('You have a place');
    if (SHOTS !== null) await learner.screenshot({ path: `${SHOTS}/event-booked-nojs-en-1280.png`, fullPage: true });
    await learner.context().close();

    const lead = await as('lead@test.genomeg.test', 320, false);
    await lead.goto(`${base}/cy/admin/events/new`);
    await lead.getByRole('button', { name: 'Cadw fel drafft' }).click();
    expect(await lead.locator('.nhsuk-error-summary').innerText()).toContain('Dewiswch bwnc');
    if (SHOTS !== null) await lead.screenshot({ path: `${SHOTS}/new-errors-nojs-cy-320.png`, fullPage: true });
    await lead.context().close();
  });
});
