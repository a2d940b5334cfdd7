// Attending an event counts toward its competencies (issue 16), as completing
// a module counts toward the module's, on every database engine: the
// facilitator marks one person attended and another did not attend; the
// attendee's My learning (English and Welsh) and their line manager's page for
// them show the event's competency covered by the event; the no-show's do not.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';
import { importStaffExtract } from '../../src/services/staff-import.js';
import { sessionInput, HOUR } from './support.js';
import { EventStore } from '../../src/db/stores/event-store.js';
import { competenciesCovered } from '../../src/domain/learning/index.js';

const SAMPLE = 'https://genomeg.wales/xapi/activities/module/sample-genomics';

describe('competenciesCovered', () => {
  it('lists framework competencies in framework order with modules then events, and leaves out unknown ids', () => {
    const covered = competenciesCovered([
      { kind: 'event', id: 'e1', title: { en: 'Webinar', cy: 'Gweminar' }, competencies: ['safe-prescribing-genomics', 'genomic-literacy-basics', 'no-such-competency'] },
      { kind: 'module', id: 'm1', title: { en: 'Module', cy: 'Modiwl' }, competencies: ['genomic-literacy-basics'] },
    ]);
    expect(covered.map((c) => [c.competency.id, c.by.map((a) => a.id)])).toEqual([
      ['genomic-literacy-basics', ['m1', 'e1']],
      ['safe-prescribing-genomics', ['e1']],
    ]);
    expect(competenciesCovered([])).toEqual([]);
  });
});

describe.each(engines)('event competencies on $name', (engine) => {
  let t: TestApp;
  let lead: SignedIn;
  let attendee: SignedIn;
  let absentee: SignedIn;
  let manager: SignedIn;
  let attendeeStaffId: string;
  let absenteeStaffId: string;
  let eventId: string;
  let sessionId: string;
  const get = (who: SignedIn, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } });
  const post = (who: SignedIn, url: string, payload: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, headers: { cookie: who.cookie, accept: 'text/html' }, payload: { _csrf: who.csrf, ...payload } });
  const competencySection = (html: string) => {
    const start = html.indexOf('id="competencies"');
    expect(start).toBeGreaterThan(-1);
    const end = html.indexOf('<h2', start);
    return html.slice(start, end === -1 ? undefined : end);
  };

  beforeAll(async () => {
    t = await buildTestApp(engine);
    const db = t.app.database.db;
    lead = await signedIn(t.app, [{ role: 'education-lead', organisationCode: null }]);
    const boss = buildStaffRow({ organisationCode: '7A7', staffGroup: 'Nursing and Midwifery Registered', jobRole: 'Ward Manager', band: '7' });
    const one = buildStaffRow({ organisationCode: '7A7', firstName: 'Nia', lastName: 'Nurse', staffGroup: 'Nursing and Midwifery Registered', band: '5', lineManagerAssignmentNumber: boss.assignmentNumber });
    const two = buildStaffRow({ organisationCode: '7A7', firstName: 'Owain', lastName: 'Absent', staffGroup: 'Nursing and Midwifery Registered', band: '5', lineManagerAssignmentNumber: boss.assignmentNumber });
    await importStaffExtract(t.app.stores.staff, { text: staffCsv([boss, one, two]), fileName: 'x.csv', mode: 'partial', permittedOrganisations: 'all', actorUserId: null });
    const staffId = async (row: { assignmentNumber: string }) => (await t.app.stores.staff.findByAssignment(row.assignmentNumber))?.id ?? '';
    attendeeStaffId = await staffId(one);
    absenteeStaffId = await staffId(two);
    attendee = await signedIn(t.app, [{ role: 'learner', organisationCode: null }], { staffId: attendeeStaffId, displayName: 'Nia Nurse' });
    absentee = await signedIn(t.app, [{ role: 'learner', organisationCode: null }], { staffId: absenteeStaffId, displayName: 'Owain Absent' });
    manager = await signedIn(t.app, [{ role: 'line-manager', organisationCode: '7A7' }], { staffId: await staffId(boss) });
    // Both completed the sample module (competency genomic-literacy-basics).
    for (const [i, who] of [attendee, absentee].entries()) {
      await db.insertInto('module_completions').values({ user_id: who.userId, module_id: SAMPLE, module_version: '1.0.0', attempt_id: `c${String(i)}`, score: 1, cpd_hours: 0.5, language: 'en', completed_at: new Date() }).execute();
    }

    const store = EventStore.create(db);
    const start = new Date(Date.now() - 2 * 24 * HOUR);
    const created = await store.createEvent({
      title: { en: 'Prescribing with pharmacogenomics', cy: 'Rhagnodi gyda ffarmacogenomeg' }, summary: { en: 'S', cy: 'S' }, description: { en: 'D', cy: 'D' }, topic: 'pharmacogenomics', cpdHours: 1,
      competencies: ['safe-prescribing-genomics'],
    }, sessionInput({ startsAt: start, endsAt: new Date(start.getTime() + HOUR), bookingOpensAt: new Date(start.getTime() - 10 * 24 * HOUR), bookingClosesAt: start }), lead.userId);
    eventId = created.event.id;
    sessionId = created.sessionId;
    await store.setStatus(eventId, 'published', null);
    const at = new Date(start.getTime() - 24 * HOUR);
    await store.book(sessionId, attendee.userId, at);
    await store.book(sessionId, absentee.userId, at);
  }, 120_000);
  afterAll(async () => { await t.close(); });

  it('shows no competency from the event before the register is marked', async () => {
    const mine = competencySection((await get(attendee, '/my-learning')).body);
    expect(mine).toContain('Explain what genes, DNA and the genome are');
    expect(mine).not.toContain('Act on a pharmacogenomic result within guidance');
  });

  it("counts the event's competency for the person marked attended, and not for the no-show", async () => {
    const register = (await get(lead, `/admin/events/${eventId}/attendance/${sessionId}`)).body;
    const bookingOf = async (userId: string) => (await t.app.database.db.selectFrom('event_bookings').select('id').where('session_id', '=', sessionId).where('user_id', '=', userId).executeTakeFirstOrThrow()).id;
    expect(register).toContain('Nia Nurse');
    const saved = await post(lead, `/admin/events/${eventId}/attendance/${sessionId}`, {
      [`mark-${await bookingOf(attendee.userId)}`]: 'attended', [`mark-${await bookingOf(absentee.userId)}`]: 'no-show',
    });
    expect(saved.statusCode).toBe(303);

    const mine = competencySection((await get(attendee, '/my-learning')).body);
    expect(mine).toContain('Act on a pharmacogenomic result within guidance');
    expect(mine).toContain('event attended: Prescribing with pharmacogenomics');
    expect(mine).toContain('Explain what genes, DNA and the genome are');
    const cymraeg = competencySection((await get(attendee, '/cy/my-learning')).body);
    expect(cymraeg).toContain('Gweithredu ar ganlyniad ffarmacogenomig o fewn canllawiau');
    expect(cymraeg).toContain('digwyddiad a fynychwyd: Rhagnodi gyda ffarmacogenomeg');

    const theirs = competencySection((await get(absentee, '/my-learning')).body);
    expect(theirs).toContain('Explain what genes, DNA and the genome are');
    expect(theirs).not.toContain('Act on a pharmacogenomic result within guidance');

    const team = competencySection((await get(manager, `/team/${attendeeStaffId}`)).body);
    expect(team).toContain('Act on a pharmacogenomic result within guidance');
    expect(team).toContain('event attended: Prescribing with pharmacogenomics');
    const teamAbsent = competencySection((await get(manager, `/team/${absenteeStaffId}`)).body);
    expect(teamAbsent).not.toContain('Act on a pharmacogenomic result within guidance');
    expect(teamAbsent).toContain('Explain what genes, DNA and the genome are');
  });
});
