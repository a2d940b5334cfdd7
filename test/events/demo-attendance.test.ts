// The demo's past sessions have attendance kept through the register's code
// path (xAPI statements and all), feedback and a recording link.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { EventAttendanceStore } from '../../src/db/stores/event-attendance-store.js';
import { seedDemoEvents } from '../../src/seed/demo-events.js';
import { engines } from '../support/engines.js';

describe.each(engines)('the demo events\' attendance on $name', (engine) => {
  let database: DatabaseHandle;
  beforeAll(async () => { database = await engine.open(); }, 120_000);
  afterAll(async () => { await database.close(); });

  it('marks past sessions\' attendance with statements, and has feedback and a recording', async () => {
    await seedDemoEvents(database.db, new Date());
    const db = database.db;
    const series = await db.selectFrom('events').select('id').where('topic', '=', 'pharmacogenomics').executeTakeFirstOrThrow();
    const marks = await db.selectFrom('event_attendance').innerJoin('event_bookings', 'event_bookings.id', 'event_attendance.booking_id')
      .select(['event_bookings.status', 'event_attendance.statement_id']).execute();
    // 12 + 9 booked; every fifth did not come (2 + 1).
    expect(marks.filter((m) => m.status === 'attended')).toHaveLength(18);
    expect(marks.filter((m) => m.status === 'no-show')).toHaveLength(3);
    expect(marks.filter((m) => m.status === 'attended').every((m) => m.statement_id !== null)).toBe(true);
    const statements = await db.selectFrom('xapi_statements').select('id').where('object_activity_id', '=', `https://genomeg.nhs.wales/events/${series.id}`).execute();
    expect(statements).toHaveLength(18);
    const store = EventAttendanceStore.create(db);
    expect((await store.feedback(series.id)).length).toBe(5);
    expect((await store.resources(series.id)).recordingUrl).toMatch(/^https:\/\/stream\.example\.test\//);
  });
});
