// Attendance in a real headless Chromium, in English and in Welsh: the
// facilitator (an education lead, until events have facilitators) imports the
// Teams attendance report (the UTF-16 file Teams gives) through the upload
// form, checks it and confirms; the attendee sees the CPD hours on My
// learning and downloads the certificate of attendance, a PDF naming them
// and the event. Every page on the way is looked at (readable text in the
// page's language, no sideways scroll) at 1280 and at 320 pixels, and the
// register and the "after the event" page too. axe, which does not change with
// the width, checks the attendance, import and report pages once per language
// (English at 1280 px, Welsh at 320 px) and every other page each time.
// Accounts start from a session cookie (signing in has its own tests).
// Screenshots go to $SHOTS_DIR when it is set (never committed).

import { mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { closeServer, expectAxeClean, fitsWidth, listenWithBrowser, openServer, sessionPage, type BrowserServer } from '../support/browser.js';
import { expectReadableText } from '../support/readable.js';
import { EventStore } from '../../src/db/stores/event-store.js';

const SHOTS = process.env['SHOTS_DIR'] ?? null;
const HOUR = 3_600_000;
const FIXTURE = 'test/fixtures/teams-attendance-utf16.csv';

describe('attendance in a browser', () => {
  let server: BrowserServer;
  let browser: Browser;
  let base: string;
  const ids: Record<string, string> = {};
  /** One event per language, each with a session that has ended. */
  const events: Record<'en' | 'cy', { eventId: string; sessionId: string }> = { en: { eventId: '', sessionId: '' }, cy: { eventId: '', sessionId: '' } };

  beforeAll(async () => {
    server = await openServer('content');
    const users = server.app.stores.users;
    for (const [email, role, name] of [
      ['lead@events.genomeg.test', 'education-lead', 'Elis Lead'],
      ['ceri.attendee@events.genomeg.test', 'learner', 'Ceri Attendee'],
      ['dylan.attendee@events.genomeg.test', 'learner', 'Dylan Attendee'],
    ] as const) {
      ids[email] = (await users.create({ email, displayName: name, passwordHash: null, grants: [{ role, organisationCode: null }] }, null)).id;
    }
    const store = EventStore.create(server.database.db);
    for (const [lang, days] of [['en', 3], ['cy', 2]] as const) {
      const start = new Date(Date.now() - days * 24 * HOUR);
      const { event, sessionId } = await store.createEvent({
        title: { en: `Pharmacogenomics in practice (${lang})`, cy: `Ffarmacogenomeg yn ymarferol (${lang})` },
        summary: { en: 'How prescribing changes.', cy: 'Sut mae rhagnodi yn newid.' }, description: { en: 'A live webinar.', cy: 'Gweminar byw.' }, topic: 'pharmacogenomics', cpdHours: 1.5,
      }, {
        startsAt: start, endsAt: new Date(start.getTime() + HOUR), delivery: 'online', joinUrl: 'https://teams.example.test/join/1', venueName: null, venueAddress: null,
        capacity: 20, bookingOpensAt: new Date(start.getTime() - 10 * 24 * HOUR), bookingClosesAt: start, language: 'bilingual',
      }, null);
      await store.setStatus(event.id, 'published', null);
      for (const email of ['ceri.attendee@events.genomeg.test', 'dylan.attendee@events.genomeg.test']) await store.book(sessionId, ids[email] ?? '', new Date(start.getTime() - 24 * HOUR));
      events[lang] = { eventId: event.id, sessionId };
    }
    ({ base, browser } = await listenWithBrowser(server.app));
    if (SHOTS !== null) mkdirSync(SHOTS, { recursive: true });
  }, 120_000);
  afterAll(async () => { await closeServer(server, browser); });

  const as = (email: string, width: number): Promise<Page> => sessionPage(browser, server.app, base, ids[email] ?? '', { width, timeoutMs: 60_000 });

  /** Readable text and no sideways scroll; axe unless the page is checked at the other width in this language. */
  const lookAt = async (page: Page, lang: 'en' | 'cy', name: string, axe = true): Promise<void> => {
    if (axe) await expectAxeClean(page);
    await expectReadableText(page, lang);
    expect({ name, fits: await fitsWidth(page) }).toEqual({ name, fits: true });
    if (SHOTS !== null) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
  };

  for (const lang of ['en', 'cy'] as const) {
    it(`imports a Teams report and gives the attendee CPD hours and a certificate (${lang})`, { timeout: 400_000 }, async () => {
      const prefix = lang === 'cy' ? '/cy' : '';
      const { eventId, sessionId } = events[lang];
      const lead = await as('lead@events.genomeg.test', 1280);
      await lead.goto(`${base}${prefix}/admin/events/${eventId}/attendance`);
      await lookAt(lead, lang, `attendance-${lang}-1280`, lang === 'en');
      await lead.goto(`${base}${prefix}/admin/events/${eventId}/attendance/${sessionId}/import`);
      await lookAt(lead, lang, `import-${lang}-1280`, lang === 'en');
      await lead.locator('input[type=file]').setInputFiles(FIXTURE);
      await lead.getByRole('button', { name: lang === 'en' ? 'Check the file' : 'Gwirio\'r ffeil' }).click();
      await lead.waitForURL(/\/import$/);
      const check = await lead.locator('main').innerText();
      expect(check).toContain(lang === 'en' ? '1 person will be marked as attended' : 'Bydd 1 person yn cael ei farcio\'n bresennol');
      expect(check).toContain(lang === 'en' ? 'Line 13: Guest Speaker (External)' : 'Llinell 13: Guest Speaker (External)');
      expect(check).toContain('Dylan Attendee');
      await lookAt(lead, lang, `import-check-${lang}-1280`);
      await lead.getByRole('button', { name: lang === 'en' ? 'Import the attendance' : 'Mewnforio\'r presenoldeb' }).click();
      await lead.waitForURL(/done=imported/);
      const register = await lead.locator('main').innerText();
      expect(register).toContain(lang === 'en' ? 'Attended: 1. Did not attend: 1.' : 'Yn bresennol: 1. Heb ddod: 1.');
      await lookAt(lead, lang, `register-${lang}-1280`);
      await lead.goto(`${base}${prefix}/admin/events/${eventId}/report`);
      await lookAt(lead, lang, `report-${lang}-1280`, lang === 'en');
      await lead.context().close();

      // The register on a small screen (a tablet held upright is wider; 320 px is the narrowest we support).
      const narrowLead = await as('lead@events.genomeg.test', 320);
      await narrowLead.goto(`${base}${prefix}/admin/events/${eventId}/attendance/${sessionId}`);
      expect(await fitsWidth(narrowLead)).toBe(true);
      await lookAt(narrowLead, lang, `register-${lang}-320`);
      await narrowLead.goto(`${base}${prefix}/admin/events/${eventId}/attendance`);
      await lookAt(narrowLead, lang, `attendance-${lang}-320`, lang === 'cy');
      await narrowLead.goto(`${base}${prefix}/admin/events/${eventId}/attendance/${sessionId}/import`);
      await lookAt(narrowLead, lang, `import-${lang}-320`, lang === 'cy');
      await narrowLead.goto(`${base}${prefix}/admin/events/${eventId}/report`);
      await lookAt(narrowLead, lang, `report-${lang}-320`, lang === 'cy');
      await narrowLead.context().close();

      const ceri = await as('ceri.attendee@events.genomeg.test', 320);
      await ceri.goto(`${base}${prefix}/my-learning`);
      const mine = await ceri.locator('main').innerText();
      expect(mine).toContain(lang === 'en' ? `CPD hours from events attended in ${String(new Date().getUTCFullYear())}: 1.5` : 'Oriau DPP o ddigwyddiadau a fynychwyd');
      expect(mine).toContain(lang === 'en' ? 'Pharmacogenomics in practice (en)' : 'Ffarmacogenomeg yn ymarferol (cy)');
      await lookAt(ceri, lang, `my-learning-${lang}-320`);
      await ceri.goto(`${base}${prefix}/events/${eventId}/after`);
      await lookAt(ceri, lang, `after-${lang}-320`);
      const [download] = await Promise.all([
        ceri.waitForEvent('download'),
        ceri.getByRole('link', { name: lang === 'en' ? 'Download your certificate of attendance' : 'Lawrlwytho eich tystysgrif presenoldeb' }).click(),
      ]);
      const pdf = readFileSync(await download.path());
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      // The document's title and subject name the event and the person (PDF strings escape their brackets).
      const raw = pdf.toString('latin1').replace(/\\([()\\])/g, '$1');
      expect(raw).toContain('(Ceri Attendee)');
      expect(raw).toContain(`Pharmacogenomics in practice (${lang})`);
      expect(raw).toContain(`Ffarmacogenomeg yn ymarferol (${lang})`);
      await ceri.context().close();
    });
  }
});
