// Attendance and after the event through the web, on every database engine:
// the register (one person, "all present"), a Teams attendance report
// (UTF-16LE, tab separated, with its header blocks) checked then confirmed,
// with its unmatched rows named by line and absent people marked no-show; a
// file with a bad row rejected whole; the xAPI `attended` statement written
// once; CPD on My learning; the certificate; feedback; the report and its CSV;
// no-shows on the line manager's team page; and learners refused.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, multipart, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { sessionInput, HOUR } from './support.js';
import { EventStore } from '../../src/db/stores/event-store.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';
import { importStaffExtract } from '../../src/services/staff-import.js';

const utf16 = readFileSync('test/fixtures/teams-attendance-utf16.csv');
const utf8 = readFileSync('test/fixtures/teams-attendance-utf8.csv');
const bad = readFileSync('test/fixtures/teams-attendance-bad.csv');

describe.each(engines)('attendance on the web on $name', (engine) => {
  let t: TestApp;
  let lead: SignedIn;
  let ceri: SignedIn;
  let dylan: SignedIn;
  let learner: SignedIn;
  let manager: SignedIn;
  let eventId: string;
  let pastSession: string;
  let secondSession: string;
  let futureSession: string;
  const get = (who: SignedIn, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } });
  const post = (who: SignedIn, url: string, payload: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, headers: { cookie: who.cookie, accept: 'text/html' }, payload: { _csrf: who.csrf, ...payload } });
  const upload = (who: SignedIn, url: string, content: Buffer, filename = 'attendance.csv') => {
    const body = multipart({ _csrf: who.csrf }, { name: 'file', filename, content, type: 'text/csv' });
    return t.app.inject({ method: 'POST', url, headers: { cookie: who.cookie, accept: 'text/html', ...body.headers }, payload: body.payload });
  };
  const statusOf = async (userId: string, sessionId: string) =>
    (await t.app.database.db.selectFrom('event_bookings').select('status').where('user_id', '=', userId).where('session_id', '=', sessionId).executeTakeFirstOrThrow()).status;
  const statementsAbout = async (id: string) =>
    Number((await t.app.database.db.selectFrom('xapi_statements').select((eb) => eb.fn.countAll().as('n')).where('object_activity_id', '=', `https://genomeg.nhs.wales/events/${id}`).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    t = await buildTestApp(engine);
    const db = t.app.database.db;
    lead = await signedIn(t.app, [{ role: 'education-lead', organisationCode: null }], { displayName: 'Elis Lead' });
    ceri = await signedIn(t.app, [{ role: 'learner', organisationCode: null }], { displayName: 'Ceri Attendee' });
    // Dylan is a Powys nurse whose line manager has an account.
    const boss = buildStaffRow({ organisationCode: '7A7', staffGroup: 'Nursing and Midwifery Registered', jobRole: 'Ward Manager', band: '7' });
    const nurse = buildStaffRow({ organisationCode: '7A7', firstName: 'Dylan', lastName: 'Attendee', staffGroup: 'Nursing and Midwifery Registered', jobRole: 'Staff Nurse', band: '5', lineManagerAssignmentNumber: boss.assignmentNumber });
    await importStaffExtract(t.app.stores.staff, { text: staffCsv([boss, nurse]), fileName: 'x.csv', mode: 'partial', permittedOrganisations: 'all', actorUserId: null });
    const staffId = async (row: { assignmentNumber: string }) => (await t.app.stores.staff.findByAssignment(row.assignmentNumber))?.id ?? '';
    dylan = await signedIn(t.app, [{ role: 'learner', organisationCode: null }], { displayName: 'Dylan Attendee', staffId: await staffId(nurse) });
    manager = await signedIn(t.app, [{ role: 'line-manager', organisationCode: '7A7' }], { staffId: await staffId(boss) });
    learner = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    for (const [who, email] of [[lead, 'lead@events.genomeg.test'], [ceri, 'ceri.attendee@events.genomeg.test'], [dylan, 'dylan.attendee@events.genomeg.test']] as const) {
      await db.updateTable('users').set({ email }).where('id', '=', who.userId).execute();
    }
    const store = EventStore.create(db);
    const past = new Date(Date.now() - 3 * 24 * HOUR);
    const { event, sessionId } = await store.createEvent({
      title: { en: 'Pharmacogenomics in practice', cy: 'Ffarmacogenomeg yn ymarferol' }, summary: { en: 'S', cy: 'S' }, description: { en: 'D', cy: 'D' }, topic: 'pharmacogenomics', cpdHours: 1.5,
    }, sessionInput({ startsAt: past, endsAt: new Date(past.getTime() + HOUR), bookingOpensAt: new Date(past.getTime() - 10 * 24 * HOUR), bookingClosesAt: past }), lead.userId);
    eventId = event.id;
    pastSession = sessionId;
    const second = new Date(Date.now() - 2 * 24 * HOUR);
    secondSession = await store.addSession(eventId, sessionInput({ startsAt: second, endsAt: new Date(second.getTime() + HOUR), bookingOpensAt: new Date(past.getTime() - 10 * 24 * HOUR), bookingClosesAt: second }), null);
    futureSession = await store.addSession(eventId, sessionInput(), null);
    await store.setStatus(eventId, 'published', null);
    const before = new Date(past.getTime() - 24 * HOUR);
    for (const who of [ceri, dylan]) {
      await store.book(pastSession, who.userId, before);
      await store.book(secondSession, who.userId, before);
      await store.book(futureSession, who.userId);
    }
  }, 120_000);
  afterAll(async () => { await t.close(); });

  it("lets an event's facilitator keep its register without any role, and only that event's", async () => {
    const facilitator = await signedIn(t.app, [{ role: 'learner', organisationCode: null }], { displayName: 'Ffion Facilitator' });
    const store = EventStore.create(t.app.database.db);
    const past = new Date(Date.now() - 3 * 24 * HOUR);
    const { event: theirs, sessionId } = await store.createEvent({
      title: { en: 'Facilitated webinar', cy: 'Gweminar a hwylusir' }, summary: { en: 'S', cy: 'S' }, description: { en: 'D', cy: 'D' }, topic: 'pharmacogenomics', cpdHours: 1,
    }, sessionInput({ startsAt: past, endsAt: new Date(past.getTime() + HOUR), bookingOpensAt: new Date(past.getTime() - 10 * 24 * HOUR), bookingClosesAt: past }), lead.userId, [facilitator.userId]);
    await store.setStatus(theirs.id, 'published', null);
    expect((await get(facilitator, `/admin/events/${theirs.id}/attendance`)).statusCode).toBe(200);
    expect((await get(facilitator, `/admin/events/${theirs.id}/attendance/${sessionId}`)).statusCode).toBe(200);
    const page = await get(facilitator, `/events/${theirs.id}`);
    expect(page.body).toContain(`/admin/events/${theirs.id}/attendance`);
    // Not a facilitator of the other event, nor does a learner see the link on it.
    expect((await get(facilitator, `/admin/events/${eventId}/attendance`)).statusCode).toBe(403);
    expect((await get(learner, `/events/${theirs.id}`)).body).not.toContain(`/admin/events/${theirs.id}/attendance`);
  });

  it('refuses learners the register, the import and the report', async () => {
    for (const url of [`/admin/events/${eventId}/attendance`, `/admin/events/${eventId}/attendance/${pastSession}`, `/admin/events/${eventId}/report`, `/admin/events/${eventId}/report.csv`]) {
      expect((await get(learner, url)).statusCode, url).toBe(403);
    }
    expect((await post(learner, `/admin/events/${eventId}/attendance/${pastSession}/all-present`)).statusCode).toBe(403);
    expect(await statusOf(ceri.userId, pastSession)).toBe('booked');
  });

  it('keeps the register closed until the session starts', async () => {
    const page = await get(lead, `/admin/events/${eventId}/attendance/${futureSession}`);
    expect(page.body).toContain('The register opens when the session starts');
    expect((await post(lead, `/admin/events/${eventId}/attendance/${futureSession}/all-present`)).statusCode).toBe(409);
    expect(await statusOf(ceri.userId, futureSession)).toBe('booked');
  });

  it('rejects a file with a bad row whole, naming the line, and changes nothing', async () => {
    const response = await upload(lead, `/admin/events/${eventId}/attendance/${pastSession}/import`, bad, 'bad.csv');
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('Line 3');
    expect(response.body).toContain('not-an-address');
    expect(await statusOf(ceri.userId, pastSession)).toBe('booked');
  });

  it('checks a Teams report (UTF-16, tab separated) showing matches, unmatched rows by line and absent people, then applies it on confirm', async () => {
    const check = await upload(lead, `/admin/events/${eventId}/attendance/${pastSession}/import`, utf16, 'meetingAttendanceReport.csv');
    expect(check.statusCode).toBe(200);
    const body = check.body;
    expect(body).toContain('1 person will be marked as attended');
    expect(body).toContain('Line 12: Ceri Attendee');
    expect(body).toMatch(/Line 11: Elis Lead \(lead@events.genomeg.test\), Organizer: this person has no place in this session/);
    expect(body).toMatch(/Line 13: Guest Speaker \(External\) \(guest@example.org\), Presenter: no account has this email address/);
    expect(body).toContain('Dylan Attendee');
    // Nothing changes until the confirm.
    expect(await statusOf(ceri.userId, pastSession)).toBe('booked');
    const pending = /name="pending" value="([^"]+)"/.exec(body)?.[1] ?? '';
    const confirmed = await post(lead, `/admin/events/${eventId}/attendance/${pastSession}/import/confirm`, { pending });
    expect(confirmed.statusCode).toBe(303);
    expect(await statusOf(ceri.userId, pastSession)).toBe('attended');
    expect(await statusOf(dylan.userId, pastSession)).toBe('no-show');
    const minutes = await t.app.database.db.selectFrom('event_attendance').innerJoin('event_bookings', 'event_bookings.id', 'event_attendance.booking_id')
      .select(['event_attendance.minutes', 'event_attendance.source', 'event_attendance.statement_id']).where('event_bookings.user_id', '=', ceri.userId).where('event_bookings.session_id', '=', pastSession).executeTakeFirstOrThrow();
    expect(minutes).toMatchObject({ minutes: 58, source: 'teams' });
    expect(minutes.statement_id).not.toBeNull();
    expect(await statementsAbout(eventId)).toBe(1);
    // A confirm used once cannot be used again.
    expect((await post(lead, `/admin/events/${eventId}/attendance/${pastSession}/import/confirm`, { pending })).statusCode).toBe(400);
    const audit = await t.app.database.db.selectFrom('audit_events').select(['action', 'actor_user_id']).where('action', '=', 'event.attendance-marked').execute();
    expect(audit.length).toBe(2);
    expect(audit.every((a) => a.actor_user_id === lead.userId)).toBe(true);
  });

  it('marks one person on the register, and "all present" marks only those not yet marked', async () => {
    const register = await get(lead, `/admin/events/${eventId}/attendance/${secondSession}`);
    expect(register.statusCode).toBe(200);
    expect(register.body).toContain('Ceri Attendee');
    const dylanBooking = (await t.app.database.db.selectFrom('event_bookings').select('id').where('user_id', '=', dylan.userId).where('session_id', '=', secondSession).executeTakeFirstOrThrow()).id;
    expect((await post(lead, `/admin/events/${eventId}/attendance/${secondSession}`, { [`mark-${dylanBooking}`]: 'no-show' })).statusCode).toBe(303);
    expect(await statusOf(dylan.userId, secondSession)).toBe('no-show');
    expect(await statusOf(ceri.userId, secondSession)).toBe('booked');
    expect((await post(lead, `/admin/events/${eventId}/attendance/${secondSession}/all-present`)).statusCode).toBe(303);
    expect(await statusOf(ceri.userId, secondSession)).toBe('attended');
    expect(await statusOf(dylan.userId, secondSession)).toBe('no-show');
    // Ceri attended twice: two statements for the event, and marking again writes no more.
    expect(await statementsAbout(eventId)).toBe(2);
    const ceriBooking = (await t.app.database.db.selectFrom('event_bookings').select('id').where('user_id', '=', ceri.userId).where('session_id', '=', secondSession).executeTakeFirstOrThrow()).id;
    await post(lead, `/admin/events/${eventId}/attendance/${secondSession}`, { [`mark-${ceriBooking}`]: 'no-show' });
    await post(lead, `/admin/events/${eventId}/attendance/${secondSession}`, { [`mark-${ceriBooking}`]: 'attended' });
    expect(await statementsAbout(eventId)).toBe(2);
  });

  it('reads a plain UTF-8 comma CSV too', async () => {
    const check = await upload(lead, `/admin/events/${eventId}/attendance/${secondSession}/import`, utf8);
    expect(check.statusCode).toBe(200);
    expect(check.body).toContain('2 people will be marked as attended');
    expect(check.body).toContain('Line 2: Ceri Attendee');
    expect(check.body).toContain('Line 3: Dylan Attendee');
  });

  it('shows the attendee their CPD hours on My learning, in both languages, and gives the certificate as a PDF', async () => {
    const mine = await get(ceri, '/my-learning');
    expect(mine.body).toContain('Events attended');
    expect(mine.body).toContain('Pharmacogenomics in practice');
    expect(mine.body).toContain(`CPD hours from events attended in ${String(new Date().getUTCFullYear())}: 3`);
    const welsh = await get(ceri, '/cy/my-learning');
    expect(welsh.body).toContain('Digwyddiadau a fynychwyd');
    expect(welsh.body).toContain('Ffarmacogenomeg yn ymarferol');
    const pdf = await get(ceri, `/events/${eventId}/certificate.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toContain('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.rawPayload.toString('latin1')).toContain('(Ceri Attendee)');
    // Someone who did not attend gets no certificate and no feedback form.
    expect((await get(learner, `/events/${eventId}/certificate.pdf`)).statusCode).toBe(404);
    expect((await post(learner, `/events/${eventId}/feedback`, { rating: '5' })).statusCode).toBe(403);
  });

  it('takes feedback from an attendee (the rating is required) and shows the lead the counts and a CSV', async () => {
    const badFeedback = await post(ceri, `/events/${eventId}/feedback`, { rating: '9', useful: 'x' });
    expect(badFeedback.statusCode).toBe(400);
    expect(badFeedback.body).toContain('href="#rating"');
    expect((await post(ceri, `/cy/events/${eventId}/feedback`, { rating: '4', useful: '=HYPERLINK("x") Yr achosion' })).statusCode).toBe(303);
    const page = await get(lead, `/admin/events/${eventId}/attendance`);
    expect(page.body).toContain('1 person answered. Average rating: 4 out of 5.');
    const csv = await get(lead, `/admin/events/${eventId}/feedback.csv`);
    expect(csv.body).toContain(`"'=HYPERLINK(""x"") Yr achosion"`);
  });

  it('shows recording and slides to attendees, and to everyone (and in the catalogue) once offered on demand', async () => {
    expect((await get(learner, '/learn')).body).not.toContain('Recordings on demand');
    expect((await post(lead, `/admin/events/${eventId}/resources`, { recordingUrl: 'http://insecure.test', slidesUrl: '' })).statusCode).toBe(400);
    expect((await post(lead, `/admin/events/${eventId}/resources`, { recordingUrl: 'https://stream.example.test/recording', slidesUrl: 'https://files.example.test/slides.pdf' })).statusCode).toBe(303);
    expect((await get(ceri, `/events/${eventId}/after`)).body).toContain('https://stream.example.test/recording');
    expect((await get(learner, `/events/${eventId}/after`)).body).not.toContain('https://stream.example.test/recording');
    await post(lead, `/admin/events/${eventId}/resources`, { recordingUrl: 'https://stream.example.test/recording', slidesUrl: '', onDemand: '1' });
    expect((await get(learner, `/events/${eventId}/after`)).body).toContain('https://stream.example.test/recording');
    const catalogue = await get(learner, '/learn');
    expect(catalogue.body).toContain('Recordings on demand');
    expect(catalogue.body).toContain(`/events/${eventId}/after`);
    expect((await get(learner, '/cy/learn')).body).toContain('Recordiadau ar alw');
  });

  it('reports bookings by status with a CSV safe from formulas', async () => {
    const page = await get(lead, `/admin/events/${eventId}/report`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('No staff record');
    expect(page.body).toContain('Powys Teaching Health Board');
    expect(page.body).toContain('Nursing and Midwifery Registered');
    const csv = await get(lead, `/admin/events/${eventId}/report.csv`);
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    // Total: booked 2 (the future session), waiting 0, attended 2, no-shows 2.
    expect(lines.at(-1)).toBe('Total,Pharmacogenomics in practice,2,0,2,2');
  });

  it('shows a line manager a report\'s repeated no-shows, without blocking their booking', async () => {
    const team = await get(manager, '/team');
    expect(team.body).toContain('Did not attend 2 booked events');
    expect((await get(manager, '/cy/team')).body).toContain('Heb ddod i 2 ddigwyddiad a archebwyd');
    // Still booked on the session to come.
    expect(await statusOf(dylan.userId, futureSession)).toBe('booked');
  });

  it('applies a report confirmed twice at once (a double click, two tabs) exactly once, and says so to the second', async () => {
    // A session of its own (the tests after this one count the other sessions' marks).
    const store = EventStore.create(t.app.database.db);
    const at = new Date(Date.now() - 36 * HOUR);
    const session = await store.addSession(eventId, sessionInput({ startsAt: at, endsAt: new Date(at.getTime() + HOUR), bookingOpensAt: new Date(at.getTime() - 10 * 24 * HOUR), bookingClosesAt: at }), null);
    for (const who of [ceri, dylan]) await store.book(session, who.userId, new Date(at.getTime() - 24 * HOUR));
    const check = await upload(lead, `/admin/events/${eventId}/attendance/${session}/import`, utf8);
    const pending = /name="pending" value="([^"]+)"/.exec(check.body)?.[1] ?? '';
    const marksBefore = await t.app.database.db.selectFrom('audit_events').select('entity_id').where('action', '=', 'event.attendance-marked').execute();
    const both = await Promise.all([1, 2].map(() => post(lead, `/admin/events/${eventId}/attendance/${session}/import/confirm`, { pending })));
    expect(both.map((r) => r.statusCode).sort()).toEqual([303, 400]);
    // Two people in the report: one mark each, not two.
    const marksAfter = await t.app.database.db.selectFrom('audit_events').select('entity_id').where('action', '=', 'event.attendance-marked').execute();
    expect(marksAfter.length - marksBefore.length).toBe(2);
    expect(await statusOf(dylan.userId, session)).toBe('attended');
    expect(await statusOf(ceri.userId, session)).toBe('attended');
  });
});
