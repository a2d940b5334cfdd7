// Attendance and what comes after an event (issue 16): how each person's
// attendance was recorded (the register or a Teams attendance report, the
// minutes Teams counted, the xAPI statement written), attendance reports
// checked and kept until the facilitator confirms them, the recording and
// slides of an event, attendees' feedback, and events as a target of a
// learning requirement (learning_requirements.module_id holds the event's
// activity id; see docs/events.md). The booking's status (event_bookings,
// migration 0022) stays the one truth of attended or no-show.

import type { Kysely, Migration } from 'kysely';
import { columnTypes } from '../dialect.js';

export const eventAttendance: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const t = columnTypes(db);
    await db.schema.createTable('event_attendance')
      .addColumn('booking_id', 'text', (c) => c.primaryKey().references('event_bookings.id').onDelete('cascade'))
      .addColumn('session_id', 'text', (c) => c.notNull().references('event_sessions.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      // register | teams
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('minutes', 'integer')
      // The xAPI `attended` statement, written the first time the person was marked attended.
      .addColumn('statement_id', 'text')
      .addColumn('marked_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('marked_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('event_attendance_session').on('event_attendance').columns(['session_id']).execute();
    await db.schema.createIndex('event_attendance_user').on('event_attendance').columns(['user_id']).execute();

    await db.schema.createTable('event_attendance_imports')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('session_id', 'text', (c) => c.notNull().references('event_sessions.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('file_name', 'text', (c) => c.notNull())
      // The checked result as JSON: [{ bookingId, line, minutes }] to mark attended.
      .addColumn('matches', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();

    await db.schema.createTable('event_resources')
      .addColumn('event_id', 'text', (c) => c.primaryKey().references('events.id').onDelete('cascade'))
      .addColumn('recording_url', 'text')
      .addColumn('slides_url', 'text')
      // Shown to everyone afterwards (and in the catalogue) as an on-demand resource, not only to attendees.
      .addColumn('on_demand', t.boolean, (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();

    await db.schema.createTable('event_feedback')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('rating', 'integer', (c) => c.notNull())
      .addColumn('useful', 'text', (c) => c.notNull())
      .addColumn('language', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addUniqueConstraint('event_feedback_one_per_person', ['event_id', 'user_id'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['event_feedback', 'event_resources', 'event_attendance_imports', 'event_attendance']) await db.schema.dropTable(table).ifExists().execute();
  },
};
