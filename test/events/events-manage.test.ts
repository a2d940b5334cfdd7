// Running events through the web, on every database engine: the form with
// more than one session (added and removed without JavaScript), what the event
// is for (audience, level, competencies, modules before and after),
// facilitators, a booking window; editing it; moving a session's time (people
// booked get a calendar entry that replaces theirs: same UID, higher
// SEQUENCE, METHOD:REQUEST, in their language); the month filter; events on
// the catalogue's "for your role"; a line manager approving and declining.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { EmailStore } from '../../src/db/stores/email-store.js';
import { linkStaff, parseIcs } from './support.js';

describe.each(engines)('running events on $name', (engine) => {
  let t: TestApp;
  let lead: SignedIn;
  let learner: SignedIn;
  let welsh: SignedIn;
  let facilitator: SignedIn;
  let emails: EmailStore;
  const get = (who: SignedIn, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } });
  const post = (who: SignedIn, url: string, payload: Record<string, string | string[]> = {}) =>
    t.app.inject({ method: 'POST', url, headers: { cookie: who.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams([['_csrf', who.csrf], ...Object.entries(payload).flatMap(([k, v]): [string, string][] => (Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v]]))]).toString() });
  const mails = async (userId: string) => {
    const rows = await t.app.database.db.selectFrom('email_messages').select('id').where('user_id', '=', userId).orderBy('created_at').execute();
    return Promise.all(rows.map(async (r) => emails.get(r.id)));
  };

  const session = (i: number, date: string, extra: Record<string, string> = {}) => ({
    [`s${String(i)}-date`]: date, [`s${String(i)}-startTime`]: '10:00', [`s${String(i)}-endTime`]: '11:00', [`s${String(i)}-delivery`]: 'online',
    [`s${String(i)}-joinUrl`]: 'https://teams.example.test/join/x', [`s${String(i)}-capacity`]: '1', [`s${String(i)}-language`]: 'en',
    ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [`s${String(i)}-${k}`, v])),
  });
  const EVENT = {
    titleEn: 'Rare disease study day', titleCy: 'Diwrnod astudio clefydau prin', summaryEn: 'Diagnosis', summaryCy: 'Diagnosis', descriptionEn: 'A study day.', descriptionCy: 'Diwrnod astudio.',
    topic: 'rare-disease', cpdHours: '3',
  };

  beforeAll(async () => {
    t = await buildTestApp(engine);
    lead = await signedIn(t.app, [{ role: 'education-lead', organisationCode: null }]);
    learner = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    welsh = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    facilitator = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    await t.app.database.db.updateTable('users').set({ language: 'cy' }).where('id', '=', welsh.userId).execute();
    emails = EmailStore.create(t.app.database.db);
  }, 120_000);
  afterAll(async () => { await t.close(); });

  it('adds and removes sessions on the form without saving anything', async () => {
    const added = await post(lead, '/admin/events', { ...EVENT, sessionCount: '1', ...session(0, '2031-03-10'), action: 'add-session' });
    expect(added.statusCode).toBe(200);
    expect(added.body).toContain('id="s1-date"');
    expect(added.body).toContain('value="2031-03-10"');
    expect(added.body).toContain('value="remove-1"');
    const removed = await post(lead, '/admin/events', { ...EVENT, sessionCount: '2', ...session(0, '2031-03-10'), ...session(1, '2031-04-10'), action: 'remove-0' });
    expect(removed.body).not.toContain('id="s1-date"');
    expect(removed.body).toContain('value="2031-04-10"');
    expect((await t.app.database.db.selectFrom('events').selectAll().execute())).toHaveLength(0);
  });

  it('names each problem of a session and an unknown facilitator', async () => {
    const bad = await post(lead, '/admin/events', {
      ...EVENT, sessionCount: '2', ...session(0, '2031-03-10'), ...session(1, '2031-04-10', { capacity: '0', closesDate: '2031-05-01', 'quotaOrg-0': '7A1', 'quotaPlaces-0': 'x' }),
      facilitators: 'nobody@nowhere.test', action: 'save',
    });
    expect(bad.statusCode).toBe(400);
    for (const id of ['s1-capacity', 's1-closesDate', 's1-quotaPlaces-0', 's1-quotaUntil-0', 'facilitators']) expect(bad.body).toContain(`href="#${id}"`);
    expect(bad.body).toContain('Session 2: ');
  });

  it('creates an event with two sessions and everything it is for, shown on its page; edits it; a moved session sends a replacing calendar entry', async () => {
    const facilitatorEmail = (await t.app.database.db.selectFrom('users').select('email').where('id', '=', facilitator.userId).executeTakeFirstOrThrow()).email;
    const created = await post(lead, '/admin/events', {
      ...EVENT, sessionCount: '2', ...session(0, '2031-03-10'), ...session(1, '2031-06-10', { delivery: 'in-person', venueName: 'Ysbyty Gwynedd', venueAddressEn: 'Bangor', venueAddressCy: 'Bangor', opensDate: '2031-01-01', opensTime: '09:00' }),
      audience: ['ahp', 'healthcare-scientists'], literacyLevel: 'foundation', competencies: ['genomics-in-practice'], modulesBefore: ['sample-genomics'],
      facilitators: facilitatorEmail.toUpperCase(), approvalRequired: '', action: 'save',
    });
    expect(created.statusCode).toBe(303);
    const event = await t.app.database.db.selectFrom('events').selectAll().executeTakeFirstOrThrow();
    const sessions = await t.app.database.db.selectFrom('event_sessions').selectAll().where('event_id', '=', event.id).orderBy('starts_at').execute();
    expect(sessions).toHaveLength(2);
    // Booking opens at 09:00 UK time on 1 January (GMT) for the second; the first opened on saving and closes at its start.
    expect(new Date(sessions[1]!.booking_opens_at).toISOString()).toBe('2031-01-01T09:00:00.000Z');
    expect(new Date(sessions[0]!.booking_closes_at).toISOString()).toBe(new Date(sessions[0]!.starts_at).toISOString());
    expect(await t.app.database.db.selectFrom('event_facilitators').selectAll().execute()).toEqual([{ event_id: event.id, account_id: facilitator.userId }]);
    await post(lead, `/admin/events/${event.id}/publish`);

    const page = await get(learner, `/events/${event.id}`);
    expect(page.body).toContain('Allied Health Professionals, Healthcare Scientists');
    expect(page.body).toContain('Foundation');
    expect(page.body).toContain('Recognise where genomics touches everyday care');
    expect(page.body).toContain('href="/learn/sample-genomics"');
    expect(page.body).toMatch(/Facilitators[\s\S]*Test/);
    expect((await get(welsh, `/cy/events/${event.id}`)).body).toContain('href="/cy/learn/sample-genomics"');

    // The learner books the first session; the Welsh learner waits for it.
    const first = sessions[0]!;
    await post(learner, `/events/${event.id}/sessions/${first.id}/book`);
    await post(welsh, `/cy/events/${event.id}/sessions/${first.id}/book`);
    const confirmation = (await mails(learner.userId))[0];
    const before = parseIcs(confirmation?.attachments[0]?.content ?? '').events[0] ?? {};

    // The edit form shows the event as saved.
    const form = await get(lead, `/admin/events/${event.id}/edit`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="2031-03-10"');
    expect(form.body).toContain(`value="${first.id}"`);
    // Moving the first session to 14:00 on 12 March.
    const moved = await post(lead, `/admin/events/${event.id}`, {
      ...EVENT, titleEn: 'Rare disease study day (moved)', 's0-id': first.id, ...session(0, '2031-03-12', { startTime: '14:00', endTime: '15:00' }),
      's1-id': sessions[1]!.id, ...session(1, '2031-06-10', { delivery: 'in-person', venueName: 'Ysbyty Gwynedd', venueAddressEn: 'Bangor', venueAddressCy: 'Bangor', opensDate: '2031-01-01', opensTime: '09:00', 'quotaOrg-0': '7A1', 'quotaPlaces-0': '1', 'quotaUntil-0': '2031-05-01' }),
      sessionCount: '3', ...session(2, '2031-02-20'),
      audience: 'ahp', facilitators: facilitatorEmail, action: 'save',
    });
    expect(moved.statusCode).toBe(303);
    // The quota is kept on the session it was given for, and a third session was added.
    const quotas = await t.app.database.db.selectFrom('event_session_quotas').selectAll().execute();
    expect(quotas.map((q) => [q.session_id, q.organisation_code, q.places])).toEqual([[sessions[1]!.id, '7A1', 1]]);
    expect(await t.app.database.db.selectFrom('event_sessions').selectAll().where('event_id', '=', event.id).execute()).toHaveLength(3);
    const learnerMails = await mails(learner.userId);
    expect(learnerMails).toHaveLength(2);
    expect(learnerMails[1]?.subject).toContain('New time: Rare disease study day (moved)');
    const ics = parseIcs(learnerMails[1]?.attachments[0]?.content ?? '');
    expect(ics.calendar['METHOD']).toBe('REQUEST');
    expect(ics.events[0]?.['UID']).toBe(before['UID']);
    expect(Number(ics.events[0]?.['SEQUENCE'])).toBeGreaterThan(Number(before['SEQUENCE']));
    expect(ics.events[0]?.['DTSTART']).toBe('20310312T140000Z');
    // The Welsh learner, waiting, is told in Welsh (no calendar entry: they have none to replace).
    const welshMails = await mails(welsh.userId);
    expect(welshMails.at(-1)?.subject).toContain('Amser newydd: Diwrnod astudio clefydau prin');
    expect(welshMails.at(-1)?.attachments).toHaveLength(0);
    const audit = await t.app.database.db.selectFrom('audit_events').select('action').where('entity_id', '=', event.id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['event.updated', 'event.session-moved']));

    // A session someone has booked cannot be removed.
    const removeHeld = await post(lead, `/admin/events/${event.id}`, {
      ...EVENT, sessionCount: '1', 's0-id': sessions[1]!.id, ...session(0, '2031-06-10', { delivery: 'in-person', venueName: 'V', venueAddressEn: 'A', venueAddressCy: 'A' }), action: 'save',
    });
    expect(removeHeld.statusCode).toBe(409);
    expect((await t.app.database.db.selectFrom('event_sessions').selectAll().where('event_id', '=', event.id).execute())).toHaveLength(3);
  });

  it('filters by month and shows events for the person\'s staff group on the catalogue', async () => {
    const soon = new Date(Date.now() + 40 * 86_400_000);
    const month = `${String(soon.getUTCFullYear())}-${String(soon.getUTCMonth() + 1).padStart(2, '0')}`;
    const date = `${month}-${String(soon.getUTCDate()).padStart(2, '0')}`;
    await post(lead, '/admin/events', { ...EVENT, titleEn: 'Genomics for physiotherapists', sessionCount: '1', ...session(0, date), audience: 'ahp', action: 'save' });
    const event = await t.app.database.db.selectFrom('events').selectAll().where('title_en', '=', 'Genomics for physiotherapists').executeTakeFirstOrThrow();
    await post(lead, `/admin/events/${event.id}/publish`);
    expect((await get(learner, `/events?month=${month}`)).body).toContain('Genomics for physiotherapists');
    const otherMonth = new Date(soon.getTime() + 62 * 86_400_000);
    expect((await get(learner, `/events?month=${String(otherMonth.getUTCFullYear())}-${String(otherMonth.getUTCMonth() + 1).padStart(2, '0')}`)).body).not.toContain('Genomics for physiotherapists');

    await linkStaff(t.app.database.db, learner.userId, { organisationCode: '7A1', assignmentNumber: `C${engine.name}-1`, staffGroupCode: 'ahp' });
    await linkStaff(t.app.database.db, welsh.userId, { organisationCode: '7A1', assignmentNumber: `D${engine.name}-1`, staffGroupCode: 'medical-dental' });
    const catalogue = await get(learner, '/learn');
    expect(catalogue.body).toContain('Events for your role');
    expect(catalogue.body).toContain(`href="/events/${event.id}"`);
    expect((await get(welsh, '/cy/learn')).body).not.toContain(`/events/${event.id}`);
  });

  it('asks the line manager, who approves or declines with a reason; the learner is told', async () => {
    const manager = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    const asker = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    const other = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    await linkStaff(t.app.database.db, manager.userId, { organisationCode: '7A2', assignmentNumber: `M${engine.name}-1` });
    await linkStaff(t.app.database.db, asker.userId, { organisationCode: '7A2', assignmentNumber: `A${engine.name}-1`, lineManager: `M${engine.name}-1` });
    await linkStaff(t.app.database.db, other.userId, { organisationCode: '7A2', assignmentNumber: `O${engine.name}-1`, lineManager: `M${engine.name}-1` });
    await post(lead, '/admin/events', { ...EVENT, titleEn: 'Approval masterclass', sessionCount: '1', ...session(0, '2031-09-09', { capacity: '5' }), approvalRequired: '1', action: 'save' });
    const event = await t.app.database.db.selectFrom('events').selectAll().where('title_en', '=', 'Approval masterclass').executeTakeFirstOrThrow();
    const s = await t.app.database.db.selectFrom('event_sessions').selectAll().where('event_id', '=', event.id).executeTakeFirstOrThrow();
    await post(lead, `/admin/events/${event.id}/publish`);
    expect((await get(asker, `/events/${event.id}`)).body).toContain('Ask for a place');
    expect((await post(asker, `/events/${event.id}/sessions/${s.id}/book`)).headers.location).toContain('done=awaiting-approval');
    await post(other, `/events/${event.id}/sessions/${s.id}/book`);
    const request = (await mails(manager.userId)).find((m) => m?.subject.includes('Approval asked'));
    expect(request?.text).toContain('/events/approvals');

    // Their home page says so, in words, with the way to the requests.
    const home = await get(manager, '/');
    expect(home.body).toContain('href="/events/approvals"');
    expect(home.body).toContain('2 requests for event places wait for your approval');
    expect((await get(asker, '/')).body).not.toContain('href="/events/approvals"');
    const list = await get(manager, '/events/approvals');
    expect(list.body).toContain('Approval masterclass');
    // The education lead does not see requests that have a line manager on the platform.
    const leads = await get(lead, '/events/approvals');
    expect(leads.body).toContain('Requests with no line manager on the platform');
    expect(leads.body).not.toContain('Approval masterclass');
    const [mine, theirs] = await t.app.database.db.selectFrom('event_bookings').selectAll().where('session_id', '=', s.id).orderBy('position').execute();
    // Someone who is not their manager cannot decide.
    expect((await post(lead, `/events/approvals/${mine!.id}`, { decision: 'approve' })).headers.location).toContain('decided-already');
    // Declining needs a reason.
    const noReason = await post(manager, `/events/approvals/${theirs!.id}`, { decision: 'decline', reason: '' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain(`href="#reason-${theirs!.id}"`);
    expect((await post(manager, `/events/approvals/${theirs!.id}`, { decision: 'decline', reason: 'Clinic that day' })).headers.location).toContain('done=declined');
    expect((await post(manager, `/events/approvals/${mine!.id}`, { decision: 'approve' })).headers.location).toContain('done=approved');
    expect((await mails(asker.userId)).at(-1)?.subject).toContain('Booked: Approval masterclass');
    expect((await mails(other.userId)).at(-1)?.text).toContain('Clinic that day');
    expect((await get(other, `/events/${event.id}`)).body).toContain('Not approved by your line manager: Clinic that day');
  });
});
