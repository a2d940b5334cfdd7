// Insights required-learning compliance for a requirement that names an event
// (issue 16), on every database engine: a person required to attend a
// published event by a past date counts as overdue in the kept aggregates;
// the facilitator marks them attended on the session's register and, in the
// same request, they count as complete (and insights_version has moved, so no
// cached view is served from before); a correction to no-show makes them
// overdue again; a confirmed Teams report moves everyone it marks. The
// rebuild agrees at every step. While the event is a draft
// or cancelled, the requirement is left out, as on the team page.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, multipart, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { linkStaff, sessionInput, HOUR } from '../events/support.js';
import { EventStore } from '../../src/db/stores/event-store.js';
import { InsightsAggregateStore } from '../../src/db/stores/insights-aggregate-store.js';
import { eventTargetOf, RequirementStore } from '../../src/db/stores/requirement-store.js';
import { offeredOf, rebuildInsights, refreshInsights } from '../../src/services/insights/aggregates.js';
import { addDays, calendarDateIn } from '../../src/domain/learning/index.js';

describe.each(engines)('insights compliance with an event requirement on $name', (engine) => {
  let t: TestApp;
  let lead: SignedIn;
  let learner: SignedIn;
  let staffId: string;
  let eventId: string;
  let sessionId: string;
  let bookingId: string;
  /** Two more people required to attend, both booked: one in the Teams report, one not. */
  let present: { userId: string; staffId: string; email: string };
  let absent: { userId: string; staffId: string; email: string };
  const aggregates = () => InsightsAggregateStore.create(t.app.database.db);
  /** The learner's compliance as the kept aggregates hold it (what every insights view reads). */
  const compliance = async (who = staffId) => (await aggregates().cells({ staffIds: [who] })).filter((c) => c.people > 0).map((c) => c.compliance);
  /** The same, rebuilt from scratch (the rebuild replaces the kept figures: it must agree with them). */
  const rebuilt = async () => {
    await rebuildInsights(t.app.database.db, offeredOf(t.app.content.modules));
    return compliance();
  };
  const mark = (status: 'attended' | 'no-show') => t.app.inject({
    method: 'POST', url: `/admin/events/${eventId}/attendance/${sessionId}`,
    headers: { cookie: lead.cookie, accept: 'text/html' }, payload: { _csrf: lead.csrf, [`mark-${bookingId}`]: status },
  });

  beforeAll(async () => {
    t = await buildTestApp(engine);
    const db = t.app.database.db;
    lead = await signedIn(t.app, [{ role: 'education-lead', organisationCode: null }]);
    learner = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    staffId = await linkStaff(db, learner.userId, { organisationCode: '7A7', assignmentNumber: '40001-1' });
    const store = EventStore.create(db);
    const start = new Date(Date.now() - 2 * 24 * HOUR);
    const created = await store.createEvent({
      title: { en: 'Pharmacogenomics webinar', cy: 'Gweminar ffarmacogenomeg' }, summary: { en: 'S', cy: 'S' }, description: { en: 'D', cy: 'D' }, topic: 'pharmacogenomics', cpdHours: 1,
    }, sessionInput({ startsAt: start, endsAt: new Date(start.getTime() + HOUR), bookingOpensAt: new Date(start.getTime() - 10 * 24 * HOUR), bookingClosesAt: start }), lead.userId);
    eventId = created.event.id;
    sessionId = created.sessionId;
    await store.setStatus(eventId, 'published', null);
    const booked = await store.book(sessionId, learner.userId, new Date(start.getTime() - 24 * HOUR));
    if (booked.outcome !== 'booked') throw new Error(`not booked: ${booked.outcome}`);
    bookingId = booked.booking.id;
    const another = async (assignmentNumber: string) => {
      const person = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
      const id = await linkStaff(db, person.userId, { organisationCode: '7A7', assignmentNumber });
      await store.book(sessionId, person.userId, new Date(start.getTime() - 24 * HOUR));
      const { email } = await db.selectFrom('users').select('email').where('id', '=', person.userId).executeTakeFirstOrThrow();
      return { userId: person.userId, staffId: id, email };
    };
    present = await another('40002-1');
    absent = await another('40003-1');
    // Required of everyone in 7A7, by yesterday.
    await RequirementStore.create(db).add({
      organisationCode: '7A7', moduleId: eventTargetOf(eventId), staffGroupCodes: [], due: { kind: 'date', date: addDays(calendarDateIn(new Date()), -1) },
    }, null);
    await rebuildInsights(db, offeredOf(t.app.content.modules));
  }, 120_000);
  afterAll(async () => { await t.close(); });

  it('counts the person overdue, complete once the register marks them attended, and overdue again when corrected to no-show', async () => {
    expect(await compliance()).toEqual(['overdue']);

    const before = await aggregates().version();
    expect((await mark('attended')).statusCode).toBe(303);
    expect(await compliance()).toEqual(['complete']);
    expect(await aggregates().version()).toBeGreaterThan(before);
    expect(await rebuilt()).toEqual(['complete']);

    const attended = await aggregates().version();
    expect((await mark('no-show')).statusCode).toBe(303);
    expect(await compliance()).toEqual(['overdue']);
    expect(await aggregates().version()).toBeGreaterThan(attended);
    expect(await rebuilt()).toEqual(['overdue']);

    // And back: the register corrected to attended.
    expect((await mark('attended')).statusCode).toBe(303);
    expect(await compliance()).toEqual(['complete']);
  });

  it('moves everyone a confirmed Teams report marks, in the confirm: the attendee complete, the absent still overdue', async () => {
    expect(await compliance(present.staffId)).toEqual(['overdue']);
    expect(await compliance(absent.staffId)).toEqual(['overdue']);
    const report = [
      '1. Summary', 'Meeting title\tPharmacogenomics webinar', 'Attended participants\t1', '',
      '2. Participants', 'Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole',
      `Present Person\t07/12/2026, 13:01:40\t07/12/2026, 13:59:52\t58m 12s\t${present.email}\t${present.email}\tAttendee`, '',
    ].join('\r\n');
    const body = multipart({ _csrf: lead.csrf }, { name: 'file', filename: 'meetingAttendanceReport.csv', content: Buffer.from(report, 'utf8'), type: 'text/csv' });
    const check = await t.app.inject({ method: 'POST', url: `/admin/events/${eventId}/attendance/${sessionId}/import`, headers: { cookie: lead.cookie, accept: 'text/html', ...body.headers }, payload: body.payload });
    expect(check.statusCode).toBe(200);
    const pending = /name="pending" value="([^"]+)"/.exec(check.body)?.[1] ?? '';
    const version = await aggregates().version();
    const confirmed = await t.app.inject({ method: 'POST', url: `/admin/events/${eventId}/attendance/${sessionId}/import/confirm`, headers: { cookie: lead.cookie, accept: 'text/html' }, payload: { _csrf: lead.csrf, pending } });
    expect(confirmed.statusCode).toBe(303);
    expect(await compliance(present.staffId)).toEqual(['complete']);
    expect(await compliance(absent.staffId)).toEqual(['overdue']);
    expect(await compliance()).toEqual(['complete']);
    expect(await aggregates().version()).toBeGreaterThan(version);
    await rebuildInsights(t.app.database.db, offeredOf(t.app.content.modules));
    expect([await compliance(present.staffId), await compliance(absent.staffId)]).toEqual([['complete'], ['overdue']]);
  });

  it('leaves the requirement out while its event is cancelled, from the job\'s next pass and in the rebuild', async () => {
    expect((await mark('no-show')).statusCode).toBe(303);
    expect(await compliance()).toEqual(['overdue']);
    const db = t.app.database.db;
    // The refresh job has run since the requirement was set (it keeps the fingerprint it compares with).
    await refreshInsights(db, offeredOf(t.app.content.modules));
    await EventStore.create(db).setStatus(eventId, 'cancelled', null);
    const result = await refreshInsights(db, offeredOf(t.app.content.modules));
    expect(result.scope).toBe('all');
    expect(await compliance()).toEqual(['none']);
    expect(await rebuilt()).toEqual(['none']);
    // A mark of a cancelled event's register moves nothing in insights.
    const version = await aggregates().version();
    expect((await mark('attended')).statusCode).toBe(303);
    expect(await aggregates().version()).toBe(version);
    expect(await compliance()).toEqual(['none']);
  });
});
