// Events through the web, on every database engine: an education lead creates
// an event by form (errors named by field) and publishes it; a learner books
// and gets a confirmation email in their language with a calendar file that
// parses; a second learner waits and is promoted (and emailed) when the first
// cancels; the joining link is shown only to people booked, only from 30
// minutes before; cancelling the event emails everyone booked.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { parseIcs, sessionInput } from './support.js';
import { EventStore } from '../../src/db/stores/event-store.js';
import { EmailStore } from '../../src/db/stores/email-store.js';

describe.each(engines)('events on the web on $name', (engine) => {
  let t: TestApp;
  let lead: SignedIn;
  let first: SignedIn;
  let second: SignedIn;
  let third: SignedIn;
  let emails: EmailStore;
  const get = (who: SignedIn, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } });
  const post = (who: SignedIn, url: string, payload: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, headers: { cookie: who.cookie, accept: 'text/html' }, payload: { _csrf: who.csrf, ...payload } });
  const messagesTo = async (userId: string) =>
    (await t.app.database.db.selectFrom('email_messages').select('id').where('user_id', '=', userId).orderBy('created_at').execute())
      .map((r) => r.id);

  const FORM = {
    titleEn: 'Pharmacogenomics in practice', titleCy: 'Ffarmacogenomeg yn ymarferol', summaryEn: 'How prescribing changes', summaryCy: 'Sut mae rhagnodi yn newid',
    descriptionEn: 'A live webinar.', descriptionCy: 'Gweminar byw.', topic: 'pharmacogenomics', cpdHours: '1.5', 's0-date': '2031-07-01', 's0-startTime': '13:30', 's0-endTime': '14:30',
    's0-delivery': 'online', 's0-joinUrl': 'https://teams.example.test/join/abc', 's0-capacity': '1', 's0-language': 'bilingual',
  };

  beforeAll(async () => {
    t = await buildTestApp(engine);
    lead = await signedIn(t.app, [{ role: 'education-lead', organisationCode: null }]);
    first = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    second = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    third = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    await t.app.database.db.updateTable('users').set({ language: 'cy' }).where('id', '=', second.userId).execute();
    emails = EmailStore.create(t.app.database.db);
  }, 120_000);
  afterAll(async () => { await t.close(); });

  it('links the events list from the home page, in both languages', async () => {
    expect((await get(first, '/')).body).toContain('href="/events"');
    expect((await get(first, '/cy/')).body).toContain('href="/cy/events"');
  });

  it('shows a helpful empty state before any event is published', async () => {
    const page = await get(first, '/events');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('There are no events coming up yet');
    expect((await get(first, '/cy/events')).body).toContain('Does dim digwyddiadau i ddod eto');
  });

  it('refuses a bad form naming each field, and writes nothing', async () => {
    const bad = await post(lead, '/admin/events', { ...FORM, titleCy: '', 's0-capacity': '0', 's0-joinUrl': 'http://insecure.test', 's0-date': '2031-02-30' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#titleCy"');
    expect(bad.body).toContain('href="#s0-capacity"');
    expect(bad.body).toContain('href="#s0-joinUrl"');
    expect(bad.body).toContain('href="#s0-date"');
    expect(await t.app.database.db.selectFrom('events').selectAll().execute()).toHaveLength(0);
    expect((await post(lead, '/admin/events', { ...FORM, _csrf: 'wrong' })).statusCode).toBe(403);
  });

  it('creates, publishes, books, waits, promotes on cancel, with emails and a calendar file', async () => {
    expect((await post(first, '/admin/events', FORM)).statusCode).toBe(403);
    const created = await post(lead, '/admin/events', FORM);
    expect(created.statusCode).toBe(303);
    const event = await t.app.database.db.selectFrom('events').selectAll().executeTakeFirstOrThrow();
    const session = await t.app.database.db.selectFrom('event_sessions').selectAll().executeTakeFirstOrThrow();
    // 13:30 in London in July is 12:30 UTC (British Summer Time).
    expect(new Date(session.starts_at).toISOString()).toBe('2031-07-01T12:30:00.000Z');
    // A draft is not shown to staff.
    expect((await get(first, `/events/${event.id}`)).statusCode).toBe(404);
    expect((await post(lead, `/admin/events/${event.id}/publish`)).statusCode).toBe(303);

    const list = await get(first, '/events');
    expect(list.body).toContain('Pharmacogenomics in practice');
    expect(list.body).toContain('1 place left');
    expect((await get(first, '/events?delivery=in-person')).body).toContain('No upcoming sessions match these filters');

    const base = `/events/${event.id}/sessions/${session.id}`;
    const mineBefore = (await get(first, '/my-learning')).body;
    expect(mineBefore).toContain('Your events to come');
    expect(mineBefore).toContain('You have no places booked or asked for.');
    const booked = await post(first, `${base}/book`);
    expect(booked.headers.location).toContain('done=booked');
    const page = await get(first, `/events/${event.id}`);
    expect(page.body).toContain('You have a place');
    // Weeks before the start: no joining link, only when it will appear.
    expect(page.body).not.toContain('teams.example.test');
    expect(page.body).toContain('The link to join appears here from');
    // My learning lists the place, linked to its session on the event page.
    const mine = (await get(first, '/my-learning')).body;
    expect(mine).toContain(`href="/events/${event.id}#session-${session.id}">Pharmacogenomics in practice</a>, 1 Jul 2031, 13:30 (Online):`);
    expect(mine).toContain('You have a place');
    expect(mine).not.toContain('You have no places booked or asked for.');

    const [confirmationId] = await messagesTo(first.userId);
    const confirmation = await emails.get(confirmationId ?? '');
    expect(confirmation?.subject).toContain('Booked: Pharmacogenomics in practice');
    expect(confirmation?.attachments).toHaveLength(1);
    const ics = parseIcs(confirmation?.attachments[0]?.content ?? '');
    expect(ics.calendar['METHOD']).toBe('REQUEST');
    expect(ics.events).toHaveLength(1);
    const booking = await t.app.database.db.selectFrom('event_bookings').selectAll().where('user_id', '=', first.userId).executeTakeFirstOrThrow();
    expect(ics.events[0]?.['UID']).toBe(`${booking.id}@events.genomeg.wales`);
    expect(ics.events[0]?.['DTSTART']).toBe('20310701T123000Z');
    expect(ics.events[0]?.['SUMMARY']).toBe('Pharmacogenomics in practice');
    // The event page offers the same entry again as a file: the same UID and SEQUENCE, so it is the one entry.
    expect(page.body).toContain(`href="${base}/calendar.ics"`);
    expect(page.body).toContain('Add this session to your calendar (.ics file)');
    const again = await get(first, `${base}/calendar.ics`);
    expect(again.statusCode).toBe(200);
    expect(again.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(again.headers['content-disposition']).toBe('attachment; filename="event.ics"');
    const download = parseIcs(again.body);
    expect(download.calendar['METHOD']).toBe('REQUEST');
    expect(download.events[0]?.['UID']).toBe(ics.events[0]?.['UID']);
    expect(download.events[0]?.['SEQUENCE']).toMatch(/^[0-9]+$/);
    expect(download.events[0]?.['SEQUENCE']).toBe(ics.events[0]?.['SEQUENCE']);
    expect(download.events[0]?.['DTSTART']).toBe('20310701T123000Z');
    // Nobody else's: the second learner has no place (yet), and a made-up session is not found.
    expect((await get(second, `${base}/calendar.ics`)).statusCode).toBe(404);
    expect((await get(first, `/events/${event.id}/sessions/00000000-0000-0000-0000-000000000000/calendar.ics`)).statusCode).toBe(404);

    // The second learner (Welsh) finds it full and joins the waiting list.
    const cyPage = await get(second, `/cy/events/${event.id}`);
    expect(cyPage.body).toContain('Ymuno â&#39;r rhestr aros');
    expect((await post(second, `/cy${base}/book`)).headers.location).toContain('done=waiting');
    const [waitingId] = await messagesTo(second.userId);
    expect((await emails.get(waitingId ?? ''))?.subject).toContain('Ar y rhestr aros: Ffarmacogenomeg yn ymarferol');
    // A third joins behind them: each is told where they stand, on the event page and on My learning.
    expect((await post(third, `${base}/book`)).headers.location).toContain('done=waiting');
    expect((await get(second, `/cy/events/${event.id}`)).body).toContain('Rydych ar y rhestr aros: rhif 1');
    expect((await get(second, '/cy/my-learning')).body).toContain('Rydych ar y rhestr aros: rhif 1');
    expect((await get(third, `/events/${event.id}`)).body).toContain('You are on the waiting list: number 2');
    expect((await get(third, '/my-learning')).body).toContain('You are on the waiting list: number 2');

    // The first cancels: the place is offered to the second, emailed in Welsh; they confirm and get a calendar entry.
    expect((await post(first, `${base}/cancel`)).headers.location).toContain('done=cancelled');
    const ids = await messagesTo(second.userId);
    expect(ids).toHaveLength(2);
    const offered = await emails.get(ids[1] ?? '');
    expect(offered?.subject).toContain('Cynigir lle i chi: Ffarmacogenomeg yn ymarferol');
    expect(offered?.text).toContain('Cedwir y lle i chi tan');
    // The offer, with the time to confirm by, on My learning too (in Welsh), where the first learner's place is gone.
    const mineOffered = (await get(second, '/cy/my-learning')).body;
    expect(mineOffered).toContain('Eich digwyddiadau i ddod');
    expect(mineOffered).toContain('<strong>Cynigir lle i chi</strong>. Cadarnhewch y lle erbyn');
    expect(mineOffered).toContain('>Ffarmacogenomeg yn ymarferol</a>');
    expect((await get(first, '/my-learning')).body).toContain('You have no places booked or asked for.');
    // The one offered the place has left the list: the third is next.
    expect((await get(third, `/events/${event.id}`)).body).toContain('You are on the waiting list: number 1');
    const offerPage = await get(second, `/cy/events/${event.id}`);
    expect(offerPage.body).toContain('Cadarnhau fy lle');
    // Someone else cannot confirm it.
    expect((await post(first, `${base}/confirm`)).headers.location).toContain('done=not-confirmed');
    expect((await post(second, `/cy${base}/confirm`)).headers.location).toContain('done=confirmed');
    const confirmedIds = await messagesTo(second.userId);
    expect(confirmedIds).toHaveLength(3);
    const confirmedMail = await emails.get(confirmedIds[2] ?? '');
    expect(parseIcs(confirmedMail?.attachments[0]?.content ?? '').events[0]?.['SUMMARY']).toBe('Ffarmacogenomeg yn ymarferol');
    const secondPage = (await get(second, `/cy/events/${event.id}`)).body;
    expect(secondPage).toContain('Mae gennych le');
    expect(secondPage).toContain('Ychwanegu&#39;r sesiwn hon at eich calendr (ffeil .ics)');
    // The place given up is no longer in the first learner's calendar file; the second's is, in Welsh.
    expect((await get(first, `${base}/calendar.ics`)).statusCode).toBe(404);
    expect(parseIcs((await get(second, `/cy${base}/calendar.ics`)).body).events[0]?.['SUMMARY']).toBe('Ffarmacogenomeg yn ymarferol');

    // Cancelling the event emails the one booked, with a calendar file that cancels the entry.
    expect((await post(lead, `/admin/events/${event.id}/cancel`)).statusCode).toBe(303);
    const after = await messagesTo(second.userId);
    const cancelled = await emails.get(after[3] ?? '');
    expect(cancelled?.subject).toContain('Wedi\'i ganslo');
    expect(parseIcs(cancelled?.attachments[0]?.content ?? '').calendar['METHOD']).toBe('CANCEL');
    expect((await get(second, `/cy${base}/calendar.ics`)).statusCode).toBe(404);
    expect((await get(second, '/cy/my-learning')).body).toContain('Does gennych chi ddim lle wedi&#39;i archebu, na chais am le.');
    const audit = await t.app.database.db.selectFrom('audit_events').select('action').where('action', 'like', 'event.%').execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['event.booked', 'event.booking-cancelled', 'event.cancelled', 'event.created', 'event.offered', 'event.offer-confirmed', 'event.published', 'event.waiting', 'event.waiting'].sort());
  });

  it('shows the joining link to a booked person from 30 minutes before, and never to others', async () => {
    const store = EventStore.create(t.app.database.db);
    const start = new Date(Date.now() + 20 * 60_000);
    const { event, sessionId } = await store.createEvent({
      title: { en: 'Starting soon', cy: 'Yn dechrau cyn hir' }, summary: { en: 's', cy: 's' }, description: { en: 'd', cy: 'd' }, topic: 'rare-disease', cpdHours: 1,
    }, sessionInput({ startsAt: start, endsAt: new Date(start.getTime() + 3_600_000), bookingClosesAt: start, joinUrl: 'https://teams.example.test/join/soon' }), lead.userId);
    await store.setStatus(event.id, 'published', lead.userId);
    expect((await get(first, `/events/${event.id}`)).body).not.toContain('teams.example.test/join/soon');
    await post(first, `/events/${event.id}/sessions/${sessionId}/book`);
    expect((await get(first, `/events/${event.id}`)).body).toContain('href="https://teams.example.test/join/soon"');
    expect((await get(second, `/events/${event.id}`)).body).not.toContain('teams.example.test/join/soon');
  });
});
