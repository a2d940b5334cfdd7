// The events' scheduled work on every engine: reminders 7 days and 1 day
// before (configurable), each sent exactly once however often or however
// concurrently the job runs, in the person's language, with the joining link
// for online sessions; and the offer sweep passing an unconfirmed place on.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { UserStore } from '../../src/db/stores/user-store.js';
import { EventsService } from '../../src/services/events/events-service.js';
import { EVENT_OFFERS_JOB, EVENT_REMINDERS_JOB, registerEventJobs } from '../../src/services/events/event-jobs.js';
import type { JobQueue, Schedule } from '../../src/services/jobs/index.js';
import { loadConfig } from '../../src/config/env.js';
import { engines } from '../support/engines.js';
import { HOUR, sessionInput } from './support.js';

const EVENT = {
  title: { en: 'Pharmacogenomics webinar', cy: 'Gweminar ffarmacogenomeg' }, summary: { en: 'Summary', cy: 'Crynodeb' },
  description: { en: 'Description', cy: 'Disgrifiad' }, topic: 'pharmacogenomics', cpdHours: 1,
};
const DAY = 24 * HOUR;

interface Sent { template: string; to: string; params: Record<string, unknown>; language: string | null; attachments: number }

describe.each(engines)('event jobs on $name', (engine) => {
  let database: DatabaseHandle;
  let service: EventsService;
  let sent: Sent[];
  let users: string[];

  beforeAll(async () => {
    database = await engine.open();
    sent = [];
    service = new EventsService({
      db: database.db, publicUrl: 'https://genomeg.test', offerHours: 48,
      email: { sendEmail: (template, to, params, language, options) => { sent.push({ template, to: to.userId ?? '', params, language, attachments: options?.attachments?.length ?? 0 }); return Promise.resolve('id'); } },
    });
    const userStore = UserStore.create(database.db);
    users = [];
    for (let i = 0; i < 4; i++) users.push((await userStore.create({ email: `jobs${String(i)}@test.genomeg.test`, displayName: `Jobs ${String(i)}`, passwordHash: null, grants: [], staffId: null }, null)).id);
    await database.db.updateTable('users').set({ language: 'cy' }).where('id', '=', users[1]!).execute();
  }, 120_000);
  afterAll(async () => { await database.close(); });

  it('sends the 7-day and the 1-day reminder once each, in the person\'s language, with the joining link online', async () => {
    const now = new Date();
    const start = new Date(now.getTime() + 6 * DAY);
    const { event, sessionIds } = await service.store.createEvent(EVENT, [
      sessionInput({ startsAt: start, endsAt: new Date(start.getTime() + HOUR), bookingClosesAt: start, joinUrl: 'https://teams.example.test/join/remind' }),
      sessionInput({ startsAt: start, endsAt: new Date(start.getTime() + HOUR), bookingClosesAt: start, delivery: 'in-person', joinUrl: null, venueName: 'Ysbyty Glan Clwyd', venueAddress: { en: 'Bodelwyddan', cy: 'Bodelwyddan' } }),
    ], null);
    await service.store.setStatus(event.id, 'published', null);
    await service.store.book(sessionIds[0]!, users[0]!);
    await service.store.book(sessionIds[0]!, users[1]!);
    await service.store.book(sessionIds[1]!, users[2]!);
    // users[3] books now, inside the 7-day window: their confirmation has just gone; no 7-day reminder.
    await service.store.book(sessionIds[0]!, users[3]!);
    await database.db.updateTable('event_bookings').set({ created_at: new Date(now.getTime() - 10 * DAY), updated_at: new Date(now.getTime() - 10 * DAY) })
      .where('user_id', 'in', users.slice(0, 3)).execute();
    sent.length = 0;

    // Two runs at once, then a third: each reminder goes once.
    const counts = await Promise.all([service.sendReminders([7, 1], now), service.sendReminders([7, 1], now)]);
    expect(counts[0] + counts[1]).toBe(3);
    expect(await service.sendReminders([7, 1], now)).toBe(0);
    expect(sent.map((s) => s.to).sort()).toEqual(users.slice(0, 3).sort());
    const online = sent.find((s) => s.to === users[0]);
    expect(online?.template).toBe('event-reminder-online');
    expect(online?.params['join']).toBe('https://teams.example.test/join/remind');
    expect(sent.find((s) => s.to === users[1])?.language).toBe('cy');
    expect(sent.find((s) => s.to === users[1])?.params['event']).toBe('Gweminar ffarmacogenomeg');
    const inPerson = sent.find((s) => s.to === users[2]);
    expect(inPerson?.template).toBe('event-reminder');
    expect(inPerson?.params['where']).toBe('Ysbyty Glan Clwyd, Bodelwyddan');

    // Half a day before: the 1-day reminder, to everyone booked (users[3] too), once.
    sent.length = 0;
    const dayBefore = new Date(start.getTime() - 12 * HOUR);
    expect(await service.sendReminders([7, 1], dayBefore)).toBe(4);
    expect(await service.sendReminders([7, 1], dayBefore)).toBe(0);
    // Nobody is reminded after the start.
    expect(await service.sendReminders([7, 1], new Date(start.getTime() + 1000))).toBe(0);
  });

  it('a first reminder inside the nearer window sends only the nearer one', async () => {
    const now = new Date();
    const start = new Date(now.getTime() + 20 * HOUR);
    const { event, sessionId } = await service.store.createEvent(EVENT, sessionInput({ startsAt: start, endsAt: new Date(start.getTime() + HOUR), bookingClosesAt: start }), null);
    await service.store.setStatus(event.id, 'published', null);
    await service.store.book(sessionId, users[0]!);
    await database.db.updateTable('event_bookings').set({ created_at: new Date(now.getTime() - 10 * DAY), updated_at: new Date(now.getTime() - 10 * DAY) }).where('session_id', '=', sessionId).execute();
    sent.length = 0;
    expect(await service.sendReminders([7, 1], now)).toBe(1);
    expect(await service.sendReminders([7, 1], now)).toBe(0);
  });

  it('the offer sweep passes an unconfirmed place to the next person, who is emailed', async () => {
    const { event, sessionId } = await service.store.createEvent(EVENT, sessionInput({ capacity: 1 }), null);
    await service.store.setStatus(event.id, 'published', null);
    for (const u of users.slice(0, 3)) await service.book(sessionId, u);
    sent.length = 0;
    await service.cancel(sessionId, users[0]!);
    expect(sent.map((s) => [s.template, s.to])).toEqual([['event-offered', users[1]]]);
    expect(sent[0]?.language).toBe('cy');
    sent.length = 0;
    await service.settleAll(new Date(Date.now() + 49 * HOUR));
    expect(sent.filter((s) => s.to !== users[1] || s.template !== 'event-offer-expired').filter((s) => s.template === 'event-offered').map((s) => s.to)).toContain(users[2]);
    expect(sent.some((s) => s.template === 'event-offer-expired' && s.to === users[1])).toBe(true);
  });

  it('registers both jobs on a schedule', () => {
    const registered: string[] = [];
    const schedules: Schedule[] = [];
    const queue = { register: (name: string) => { registered.push(name); }, addSchedule: (s: Schedule) => { schedules.push(s); } } as unknown as JobQueue;
    registerEventJobs(queue, { db: database.db, config: loadConfig({ NODE_ENV: 'test', EVENT_REMINDER_DAYS: '1,7,14' }), email: { sendEmail: () => Promise.resolve('x') } });
    expect(registered).toEqual([EVENT_OFFERS_JOB, EVENT_REMINDERS_JOB]);
    expect(schedules.map((s) => s.name)).toEqual([EVENT_OFFERS_JOB, EVENT_REMINDERS_JOB]);
    expect(loadConfig({ NODE_ENV: 'test', EVENT_REMINDER_DAYS: '1,7,14' }).EVENT_REMINDER_DAYS).toEqual([14, 7, 1]);
    expect(loadConfig({ NODE_ENV: 'test' }).EVENT_OFFER_HOURS).toBe(48);
  });
});
