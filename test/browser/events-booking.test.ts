// Booking an event in a real headless Chromium, in English and in Welsh, with
// email through a real SMTP server (test/support/smtp.ts) sent by the job
// queue: a learner books and receives the confirmation with a calendar file
// that parses (METHOD:REQUEST, the booking's UID, the start in UTC); a second
// learner joins the waiting list; the first cancels; the second is emailed an
// offer, confirms it on the event page and receives their calendar file. The
// approvals page (with a request from someone with no line manager on the
// platform, in its second section) and the edit form are looked at too (readable,
// no sideways scroll at 320 and 1280 px; axe, which does not change with the
// width, once per language: Welsh at 320 px, English at 1280 px). Pages are
// opened with a session cookie: signing in has its own tests. Screenshots go
// to /tmp/shots/events-booking/ when SHOTS=1 (never committed).

import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import type { AddressObject, ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { EventStore } from '../../src/db/stores/event-store.js';
import { buildApp } from '../../src/web/app.js';
import { expectAxeClean, fitsWidth, launchChromium, sessionPage } from '../support/browser.js';
import { expectReadableText } from '../support/readable.js';
import { eventually } from '../support/eventually.js';
import { startTestSmtp, type TestSmtp } from '../support/smtp.js';
import { parseIcs, sessionInput } from '../events/support.js';

const SHOTS = process.env['SHOTS'] === '1' ? '/tmp/shots/events-booking' : null;
const HOUR = 3_600_000;
const STRINGS = { en: JSON.parse(readFileSync('locales/en/events.json', 'utf8')) as { events: { event: Record<string, string> } }, cy: JSON.parse(readFileSync('locales/cy/events.json', 'utf8')) as { events: { event: Record<string, string> } } };

function addressesOf(to: AddressObject | AddressObject[] | undefined): string[] {
  return [to ?? []].flat().flatMap((a) => a.value.map((v) => v.address ?? ''));
}

describe('booking an event in a browser, with email through SMTP', () => {
  let smtp: TestSmtp;
  let dir: string;
  let database: DatabaseHandle;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    smtp = await startTestSmtp();
    dir = mkdtempSync(join(tmpdir(), 'genomeg-events-booking-'));
    database = openDatabase(`sqlite:${join(dir, 'test.sqlite')}`);
    await migrateToLatest(database);
    const config = loadConfig({
      NODE_ENV: 'test', LOG_LEVEL: 'silent', CONTENT_DIR: 'test/fixtures/content', PUBLIC_URL: 'http://127.0.0.1',
      SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_STARTTLS: 'off', MAIL_FROM: 'Genomeg <genomeg@test.genomeg.test>',
    });
    app = await buildApp({ config, database, logger: false });
    for (const lang of ['en', 'cy'] as const) {
      for (const who of ['first', 'second']) {
        const user = await app.stores.users.create({ email: `${who}.${lang}@test.genomeg.test`, displayName: `${who} ${lang}`, passwordHash: null, grants: [{ role: 'learner', organisationCode: null }] }, null);
        ids[`${who}.${lang}@test.genomeg.test`] = user.id;
        await database.db.updateTable('users').set({ language: lang }).where('id', '=', user.id).execute();
      }
    }
    ids['lead@test.genomeg.test'] = (await app.stores.users.create({ email: 'lead@test.genomeg.test', displayName: 'Elis Lead', passwordHash: null, grants: [{ role: 'education-lead', organisationCode: null }] }, null)).id;
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? String(address.port) : '0'}`;
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

  const mailTo = async (address: string, subject: string): Promise<ParsedMail> => {
    const find = () => smtp.received.find((m) => addressesOf(m.to).includes(address) && (m.subject ?? '').includes(subject));
    await eventually(() => find() !== undefined, 60_000);
    const mail = find();
    if (mail === undefined) throw new Error('no mail');
    return mail;
  };
  const icsOf = (mail: ParsedMail) => {
    const file = mail.attachments.find((a) => a.contentType.startsWith('text/calendar') || a.filename === 'event.ics');
    expect(file).toBeDefined();
    return parseIcs(file?.content.toString('utf8') ?? '');
  };
  /** A page at this width signed in through a session cookie (signing in is not what this file tests). */
  const signedInPage = (email: string, width: number): Promise<Page> => sessionPage(browser, app, base, ids[email] ?? '', { width, timeoutMs: 30_000 });
  /** Readable, no sideways scroll; axe when asked (once per page and language). */
  const lookAt = async (page: Page, lang: 'en' | 'cy', name: string, axe: boolean): Promise<void> => {
    if (axe) await expectAxeClean(page);
    await expectReadableText(page, lang);
    expect({ name, fits: await fitsWidth(page) }).toEqual({ name, fits: true });
    if (SHOTS !== null) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
  };
  const click = async (page: Page, name: string) => {
    await Promise.all([page.waitForURL((url) => url.search.includes('done='), { timeout: 60_000 }), page.getByRole('button', { name }).first().click()]);
  };

  for (const lang of ['en', 'cy'] as const) {
    it(`books, waits, is offered the place freed and confirms it, in ${lang === 'en' ? 'English' : 'Welsh'}`, { timeout: 400_000 }, async () => {
      const text = STRINGS[lang].events.event;
      const prefix = lang === 'cy' ? '/cy' : '';
      const store = EventStore.create(database.db);
      const start = new Date(Date.now() + 10 * 24 * HOUR);
      const { event, sessionId } = await store.createEvent({
        title: { en: `Pharmacogenomics clinic ${lang}`, cy: `Clinig ffarmacogenomeg ${lang}` }, summary: { en: 'How prescribing changes', cy: 'Sut mae rhagnodi yn newid' },
        description: { en: 'A live webinar.', cy: 'Gweminar byw.' }, topic: 'pharmacogenomics', cpdHours: 1, audienceStaffGroups: ['ahp'], literacyLevel: 'foundation',
      }, sessionInput({ capacity: 1, startsAt: start, endsAt: new Date(start.getTime() + HOUR), bookingClosesAt: start }), null);
      await store.setStatus(event.id, 'published', null);
      const title = lang === 'en' ? `Pharmacogenomics clinic ${lang}` : `Clinig ffarmacogenomeg ${lang}`;

      // The first learner books.
      const first = await signedInPage(`first.${lang}@test.genomeg.test`, 320);
      await first.goto(`${base}${prefix}/events/${event.id}`);
      await click(first, text['book'] ?? '');
      expect(await first.locator('main').innerText()).toContain(STRINGS[lang].events.event['yourBooking'] ?? '');
      await lookAt(first, lang, `booked-${lang}-320`, true);
      const confirmation = await mailTo(`first.${lang}@test.genomeg.test`, title);
      expect(confirmation.subject).toContain(lang === 'en' ? 'Booked:' : 'Wedi archebu');
      const ics = icsOf(confirmation);
      const booking = await database.db.selectFrom('event_bookings').selectAll().where('session_id', '=', sessionId).orderBy('position').executeTakeFirstOrThrow();
      expect(ics.calendar['METHOD']).toBe('REQUEST');
      expect(ics.events[0]?.['UID']).toBe(`${booking.id}@events.genomeg.wales`);
      expect(ics.events[0]?.['DTSTART']).toBe(start.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, ''));
      expect(ics.events[0]?.['SUMMARY']).toBe(title);

      // The second finds it full and joins the waiting list.
      const second = await signedInPage(`second.${lang}@test.genomeg.test`, 1280);
      await second.goto(`${base}${prefix}/events/${event.id}`);
      await click(second, text['joinWaiting'] ?? '');
      expect(await second.locator('main').innerText()).toContain(STRINGS[lang].events.event['yourBooking'] ?? '');

      // The first cancels; the second is emailed the offer and confirms it on the event page.
      await first.goto(`${base}${prefix}/events/${event.id}`);
      await click(first, text['cancelBooking'] ?? '');
      const offer = await mailTo(`second.${lang}@test.genomeg.test`, lang === 'en' ? 'A place is offered to you' : 'Cynigir lle i chi');
      expect(offer.text).toContain(`/events/${event.id}`);
      await second.goto(`${base}${prefix}/events/${event.id}`);
      await lookAt(second, lang, `offered-${lang}-1280`, true);
      await click(second, text['confirm'] ?? '');
      expect(await second.locator('main').innerText()).toContain(STRINGS[lang].events.event['done'] === undefined ? '' : (lang === 'en' ? 'Your place is confirmed' : "Mae eich lle wedi'i gadarnhau"));
      const confirmed = await mailTo(`second.${lang}@test.genomeg.test`, lang === 'en' ? 'Booked:' : 'Wedi archebu');
      const secondBooking = await database.db.selectFrom('event_bookings').selectAll().where('session_id', '=', sessionId).where('status', '=', 'booked').executeTakeFirstOrThrow();
      expect(icsOf(confirmed).events[0]?.['UID']).toBe(`${secondBooking.id}@events.genomeg.wales`);
      await first.context().close();
      await second.context().close();
    });
  }

  // axe once per page and language (Welsh at 320 px, English at 1280 px); readable and no sideways scroll at both widths.
  it('shows the approvals page and the edit form in both languages at both widths, axe clean in each language', { timeout: 400_000 }, async () => {
    const id = (await database.db.selectFrom('events').select('id').executeTakeFirstOrThrow()).id;
    // A request from someone with no line manager on the platform: the lead sees it in the page's second section.
    const store = EventStore.create(database.db);
    const approval = await store.createEvent({
      title: { en: 'Consent masterclass', cy: 'Dosbarth meistr cydsyniad' }, summary: { en: 'Consent', cy: 'Cydsyniad' }, description: { en: 'Consent.', cy: 'Cydsyniad.' },
      topic: 'pharmacogenomics', cpdHours: 1, approvalRequired: true,
    }, sessionInput(), ids['lead@test.genomeg.test'] ?? null);
    await store.setStatus(approval.event.id, 'published', null);
    expect((await store.book(approval.sessionId, ids['second.en@test.genomeg.test'] ?? '')).outcome).toBe('awaiting-approval');
    const FALLBACK = { en: 'Requests with no line manager on the platform', cy: 'Ceisiadau heb reolwr llinell ar y platfform' };
    for (const width of [320, 1280]) {
      const lead = await signedInPage('lead@test.genomeg.test', width);
      for (const lang of ['en', 'cy'] as const) {
        const prefix = lang === 'cy' ? '/cy' : '';
        await lead.goto(`${base}${prefix}/events/approvals`);
        const axe = (lang === 'cy' && width === 320) || (lang === 'en' && width === 1280);
        await lookAt(lead, lang, `approvals-${lang}-${String(width)}`, axe);
        expect(await lead.locator('#no-line-manager').innerText()).toBe(FALLBACK[lang]);
        expect(await lead.locator('main').innerText()).toContain(`second en: ${lang === 'cy' ? 'Dosbarth meistr cydsyniad' : 'Consent masterclass'}`);
        await lead.goto(`${base}${prefix}/admin/events/${id}/edit`);
        await lookAt(lead, lang, `edit-${lang}-${String(width)}`, axe);
      }
      await lead.context().close();
    }
  });
});
