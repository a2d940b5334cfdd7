// The demo's events: a pharmacogenomics webinar series (two sessions past,
// with attendance recorded; two to come, one full with a waiting list), an
// in-person study day, and a masterclass needing approval (requests waiting
// for a line manager and for the education team). The people booked are synthetic accounts with no
// password (no one can sign in as them), and every event is marked
// illustrative, shown as such on its pages. The past sessions' attendance is
// marked through the register's own code path (so each attendee has an xAPI
// `attended` statement and CPD hours on My learning), with illustrative
// feedback and a recording and slides link (example.test addresses).

import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { EventStore, type SessionInput } from '../db/stores/event-store.js';
import { UserStore } from '../db/stores/user-store.js';
import { EventAttendanceStore } from '../db/stores/event-attendance-store.js';
import { markAttendance } from '../services/events/attendance.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** 12:30 UTC on the day `days` from `now` (13:30 in London in summer, 12:30 in winter). */
function at(now: Date, days: number, hourUtc = 12, minute = 30): Date {
  const d = new Date(now.getTime() + days * DAY);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hourUtc, minute));
}

function online(startsAt: Date, capacity: number, language: SessionInput['language']): SessionInput {
  return {
    startsAt, endsAt: new Date(startsAt.getTime() + HOUR), delivery: 'online', joinUrl: 'https://teams.example.test/l/meetup-join/illustrative',
    venueName: null, venueAddress: null, capacity, bookingOpensAt: new Date(startsAt.getTime() - 60 * DAY), bookingClosesAt: startsAt, language,
  };
}

export interface DemoEventsResult {
  readonly events: number;
  readonly bookings: number;
}

export async function seedDemoEvents(db: Kysely<Database>, now: Date = new Date(), emailDomain = 'demo.genomeg.test'): Promise<DemoEventsResult> {
  const store = EventStore.create(db);
  const users = UserStore.create(db);
  const people: string[] = [];
  for (let i = 1; i <= 14; i++) {
    const user = await users.create({ email: `event-attendee-${String(i)}@${emailDomain}`, displayName: `Illustrative attendee ${String(i)}`, passwordHash: null, grants: [{ role: 'learner', organisationCode: null }], staffId: null }, null);
    people.push(user.id);
  }

  const { event: series, sessionId: pastOne } = await store.createEvent({
    title: { en: 'Pharmacogenomics webinar series', cy: 'Cyfres gweminarau ffarmacogenomeg' },
    summary: { en: 'How genetic variation changes how medicines work, and what it means for prescribing in Wales.', cy: 'Sut mae amrywiad genetig yn newid sut mae meddyginiaethau\'n gweithio, a beth mae hynny\'n ei olygu i ragnodi yng Nghymru.' },
    description: {
      en: 'A series of one-hour webinars for pharmacists, prescribers and nurses, first run during Genomics Literacy Week.\n\nEach session stands alone: an introduction, a case, and questions to the panel. This is an illustrative example in the demo data set.',
      cy: 'Cyfres o weminarau awr o hyd ar gyfer fferyllwyr, rhagnodwyr a nyrsys, a gynhaliwyd gyntaf yn ystod Wythnos Llythrennedd Genomeg.\n\nMae pob sesiwn yn sefyll ar ei phen ei hun: cyflwyniad, achos, a chwestiynau i\'r panel. Enghraifft ddarluniadol yn y set ddata demo yw hon.',
    },
    topic: 'pharmacogenomics', cpdHours: 1, illustrative: true,
    audienceStaffGroups: ['medical-dental', 'nursing-midwifery', 'add-prof-sci-tech'], literacyLevel: 'foundation',
    competencies: ['pharmacogenomics-foundations', 'safe-prescribing-genomics'],
    modulesBefore: ['pharmacogenomics-in-practice'], modulesAfter: ['pharmacogenomics-beyond-the-first-four'],
  }, online(at(now, -28), 40, 'bilingual'), null);
  const pastTwo = await store.addSession(series.id, online(at(now, -7), 40, 'en'), null);
  const fullSoon = await store.addSession(series.id, online(at(now, 9), 8, 'bilingual'), null);
  const later = await store.addSession(series.id, online(at(now, 37), 60, 'cy'), null);
  await store.setStatus(series.id, 'published', null);

  const { event: studyDay, sessionId: dayId } = await store.createEvent({
    title: { en: 'Genomic testing study day', cy: 'Diwrnod astudio profion genomig' },
    summary: { en: 'A day in person on ordering, consent and results for the Wales genomic test directory.', cy: 'Diwrnod wyneb yn wyneb ar archebu, cydsyniad a chanlyniadau ar gyfer cyfeiriadur profion genomig Cymru.' },
    description: { en: 'Talks and small-group cases. Lunch is provided. This is an illustrative example in the demo data set.', cy: 'Sgyrsiau ac achosion mewn grwpiau bach. Darperir cinio. Enghraifft ddarluniadol yn y set ddata demo yw hon.' },
    topic: 'genomic-testing', cpdHours: 5.5, illustrative: true,
    audienceStaffGroups: ['nursing-midwifery', 'healthcare-scientists', 'medical-dental'], literacyLevel: 'foundation',
    competencies: ['genomics-in-practice', 'genomic-testing-consent'],
    modulesBefore: ['genomic-testing-in-wales'], modulesAfter: ['consent-and-communicating-results'],
  }, {
    startsAt: at(now, 23, 9, 0), endsAt: at(now, 23, 16, 0), delivery: 'in-person', joinUrl: null, venueName: 'Illustrative Education Centre',
    venueAddress: { en: '1 Example Road, Cardiff', cy: '1 Ffordd Enghraifft, Caerdydd' }, capacity: 30, bookingOpensAt: new Date(now.getTime() - DAY), bookingClosesAt: at(now, 21), language: 'bilingual',
  }, null);
  await store.setStatus(studyDay.id, 'published', null);

  let bookings = 0;
  // Past sessions: booked, then the register kept (every fifth person did not come).
  for (const [sessionId, count] of [[pastOne, 12], [pastTwo, 9]] as const) {
    const rows = people.slice(0, count).map((userId, i) => ({
      id: randomUUID(), session_id: sessionId, user_id: userId, status: 'booked', position: i + 1, created_at: now, updated_at: now,
    }));
    await db.insertInto('event_bookings').values(rows).execute();
    await db.updateTable('event_sessions').set({ next_position: count + 1 }).where('id', '=', sessionId).execute();
    // No offered modules: the seed rebuilds the insights aggregates after loading everything (cli/main.ts).
    await markAttendance(db, null, series, sessionId, rows.map((r, i) => ({ bookingId: r.id, status: i % 5 === 4 ? 'no-show' as const : 'attended' as const })), 'register', null, at(now, sessionId === pastOne ? -28 : -7, 13, 30));
    bookings += rows.length;
  }
  // After the series' first sessions: a recording and slides, and feedback from some who came (illustrative).
  const attendance = EventAttendanceStore.create(db);
  await attendance.setResources(series.id, { recordingUrl: 'https://stream.example.test/illustrative/pharmacogenomics-webinar-1', slidesUrl: 'https://files.example.test/illustrative/pharmacogenomics-webinar-1.pdf', onDemand: false }, null);
  const comments: [number, string, 'en' | 'cy'][] = [
    [5, 'The CYP2C19 and clopidogrel case was the most useful part.', 'en'],
    [4, 'Roedd yr enghreifftiau rhagnodi yn ddefnyddiol iawn.', 'cy'],
    [4, 'Clear answers from the panel; more time for questions next time.', 'en'],
    [3, '', 'en'],
    [5, 'Useful to hear how the test directory works in Wales.', 'en'],
  ];
  for (const [i, [rating, useful, language]] of comments.entries()) {
    const userId = people[i];
    if (userId !== undefined) await attendance.giveFeedback(series.id, userId, rating, useful, language);
  }
  // The next session: 8 places, 11 asked: 3 on the waiting list.
  for (const userId of people.slice(0, 11)) { await store.book(fullSoon, userId, now); bookings += 1; }
  for (const userId of people.slice(0, 4)) { await store.book(later, userId, now); bookings += 1; }
  for (const userId of people.slice(5, 8)) { await store.book(dayId, userId, now); bookings += 1; }

  // A masterclass that needs a line manager's approval: the demo learner's request waits for
  // the demo line manager (their manager in the staff directory); two illustrative attendees
  // with no staff record (so no line manager on the platform) wait for the education team.
  const { event: masterclass, sessionId: classId } = await store.createEvent({
    title: { en: 'Consent for genomic testing: a masterclass', cy: 'Cydsynio i brofion genomig: dosbarth meistr' },
    summary: { en: 'A small-group online masterclass on consent conversations for genomic tests. Places need your line manager\'s approval.', cy: 'Dosbarth meistr ar-lein mewn grŵp bach ar sgyrsiau cydsynio ar gyfer profion genomig. Mae angen i\'ch rheolwr llinell gymeradwyo lleoedd.' },
    description: { en: 'Role play and discussion in groups of eight. This is an illustrative example in the demo data set.', cy: 'Chwarae rôl a thrafodaeth mewn grwpiau o wyth. Enghraifft ddarluniadol yn y set ddata demo yw hon.' },
    topic: 'ethics-and-consent', cpdHours: 2, illustrative: true, approvalRequired: true,
    audienceStaffGroups: ['nursing-midwifery', 'healthcare-scientists', 'medical-dental'], literacyLevel: 'foundation',
    competencies: ['genomic-testing-consent'], modulesBefore: ['consent-and-communicating-results'],
  }, online(at(now, 16), 16, 'bilingual'), null);
  await store.setStatus(masterclass.id, 'published', null);
  const learner = await db.selectFrom('users').select('id').where('email', '=', `learner@${emailDomain}`).executeTakeFirst();
  for (const userId of [...(learner === undefined ? [] : [learner.id]), ...people.slice(12, 14)]) { await store.book(classId, userId, now); bookings += 1; }
  return { events: 3, bookings };
}
