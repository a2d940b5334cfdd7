import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { EventStore } from '../../src/db/stores/event-store.js';
import { seedDemoEvents } from '../../src/seed/demo-events.js';
import { engines } from '../support/engines.js';

describe.each(engines)('the demo events on $name', (engine) => {
  let database: DatabaseHandle;
  beforeAll(async () => { database = await engine.open(); }, 120_000);
  afterAll(async () => { await database.close(); });

  it('has an illustrative webinar series with past attendance, a full session with a waiting list, and a study day', async () => {
    const now = new Date();
    const result = await seedDemoEvents(database.db, now);
    expect(result.events).toBe(3);
    const store = EventStore.create(database.db);
    const events = await store.listEvents(['published']);
    expect(events).toHaveLength(3);
    expect(events.every((e) => e.illustrative)).toBe(true);
    const series = events.find((e) => e.topic === 'pharmacogenomics');
    const sessions = await store.sessionsOf([series?.id ?? '']);
    expect(sessions).toHaveLength(4);
    expect(sessions.filter((s) => s.endsAt < now)).toHaveLength(2);
    const full = sessions.find((s) => s.capacity === 8);
    expect(full).toMatchObject({ booked: 8, waiting: 3 });
    const past = await store.bookingsForSession(sessions[0]?.id ?? '');
    expect(past.map((b) => b.status)).toContain('attended');
    expect(past.map((b) => b.status)).toContain('no-show');
    // A masterclass needing approval, with requests waiting (no demo learner in this database: the two attendees).
    const masterclass = events.find((e) => e.approvalRequired);
    const [classSession] = await store.sessionsOf([masterclass?.id ?? '']);
    expect((await store.bookingsForSession(classSession?.id ?? '')).map((b) => b.status)).toEqual(['awaiting-approval', 'awaiting-approval']);
  });
});
