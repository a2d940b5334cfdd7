// Events (live webinars, study days, masterclasses): an event an education
// lead writes in English and Welsh, its sessions (a time, online or in person,
// capacity, booking window, language of delivery) and people's bookings of a
// session. A booking's `position` is the order its request was taken in,
// under the session's lock: the waiting list is served in that order.
// Email attachments (a booking's .ics) are kept with the message.

import type { Kysely, Migration } from 'kysely';
import { columnTypes } from '../dialect.js';

export const events: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const t = columnTypes(db);
    await db.schema.createTable('events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('title_en', 'text', (c) => c.notNull())
      .addColumn('title_cy', 'text', (c) => c.notNull())
      .addColumn('summary_en', 'text', (c) => c.notNull())
      .addColumn('summary_cy', 'text', (c) => c.notNull())
      .addColumn('description_en', 'text', (c) => c.notNull())
      .addColumn('description_cy', 'text', (c) => c.notNull())
      .addColumn('topic', 'text', (c) => c.notNull())
      .addColumn('cpd_hours', t.real, (c) => c.notNull())
      // draft | published | cancelled
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('illustrative', t.boolean, (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('events_status').on('events').columns(['status']).execute();

    await db.schema.createTable('event_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
      // UTC instants; shown in Europe/London.
      .addColumn('starts_at', t.timestamp, (c) => c.notNull())
      .addColumn('ends_at', t.timestamp, (c) => c.notNull())
      // online | in-person
      .addColumn('delivery', 'text', (c) => c.notNull())
      .addColumn('join_url', 'text')
      .addColumn('venue_name', 'text')
      .addColumn('venue_address_en', 'text')
      .addColumn('venue_address_cy', 'text')
      .addColumn('capacity', 'integer', (c) => c.notNull())
      .addColumn('booking_opens_at', t.timestamp, (c) => c.notNull())
      .addColumn('booking_closes_at', t.timestamp, (c) => c.notNull())
      // en | cy | bilingual
      .addColumn('language', 'text', (c) => c.notNull())
      // The next booking's position; taken and moved on under the session's lock.
      .addColumn('next_position', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema.createIndex('event_sessions_event').on('event_sessions').columns(['event_id', 'starts_at']).execute();
    await db.schema.createIndex('event_sessions_start').on('event_sessions').columns(['starts_at']).execute();

    await db.schema.createTable('event_bookings')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('session_id', 'text', (c) => c.notNull().references('event_sessions.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      // booked | waiting | cancelled | attended | no-show
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addUniqueConstraint('event_bookings_one_per_person', ['session_id', 'user_id'])
      .execute();
    await db.schema.createIndex('event_bookings_queue').on('event_bookings').columns(['session_id', 'status', 'position']).execute();
    await db.schema.createIndex('event_bookings_user').on('event_bookings').columns(['user_id']).execute();

    // [{ filename, contentType, content }] as JSON, or null.
    await db.schema.alterTable('email_messages').addColumn('attachments', 'text').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('email_messages').dropColumn('attachments').execute();
    await db.schema.dropTable('event_bookings').ifExists().execute();
    await db.schema.dropTable('event_sessions').ifExists().execute();
    await db.schema.dropTable('events').ifExists().execute();
  },
};
