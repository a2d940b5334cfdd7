// Events, the rest of the booking side (issue 16): what an event is for
// (audience staff groups, literacy level, competencies, modules to do before
// or after), its facilitators (accounts; they mark attendance), optional
// manager approval, organisation quotas per session (reserved places until a
// date), a freed place offered for a while (`offer_expires_at`) before it
// passes to the next person waiting, the booker's organisation (for quotas),
// a decision's reason, the last calendar SEQUENCE sent, and reminders sent (once per booking, reminder and
// start time).

import type { Kysely, Migration } from 'kysely';
import { columnTypes } from '../dialect.js';

export const eventsMore: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const t = columnTypes(db);
    // JSON arrays of codes.
    await db.schema.alterTable('events').addColumn('audience_staff_groups', 'text', (c) => c.notNull().defaultTo('[]')).execute();
    await db.schema.alterTable('events').addColumn('literacy_level', 'text').execute();
    await db.schema.alterTable('events').addColumn('competencies', 'text', (c) => c.notNull().defaultTo('[]')).execute();
    await db.schema.alterTable('events').addColumn('modules_before', 'text', (c) => c.notNull().defaultTo('[]')).execute();
    await db.schema.alterTable('events').addColumn('modules_after', 'text', (c) => c.notNull().defaultTo('[]')).execute();
    await db.schema.alterTable('events').addColumn('approval_required', t.boolean, (c) => c.notNull().defaultTo(false)).execute();

    await db.schema.createTable('event_facilitators')
      .addColumn('event_id', 'text', (c) => c.notNull().references('events.id').onDelete('cascade'))
      .addColumn('account_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('event_facilitators_pk', ['event_id', 'account_id'])
      .execute();
    await db.schema.createIndex('event_facilitators_account').on('event_facilitators').columns(['account_id']).execute();

    // Booking statuses now also: offered (a freed place held until offer_expires_at), awaiting-approval, declined.
    await db.schema.alterTable('event_bookings').addColumn('offer_expires_at', t.timestamp).execute();
    await db.schema.alterTable('event_bookings').addColumn('organisation_code', 'text').execute();
    await db.schema.alterTable('event_bookings').addColumn('decision_reason', 'text').execute();
    // The SEQUENCE of the last calendar file sent for the booking: the next is always higher.
    await db.schema.alterTable('event_bookings').addColumn('calendar_sequence', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.createIndex('event_bookings_offers').on('event_bookings').columns(['status', 'offer_expires_at']).execute();

    await db.schema.createTable('event_session_quotas')
      .addColumn('session_id', 'text', (c) => c.notNull().references('event_sessions.id').onDelete('cascade'))
      .addColumn('organisation_code', 'text', (c) => c.notNull())
      .addColumn('places', 'integer', (c) => c.notNull())
      .addColumn('reserved_until', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('event_session_quotas_pk', ['session_id', 'organisation_code'])
      .execute();

    await db.schema.createTable('event_reminders_sent')
      .addColumn('booking_id', 'text', (c) => c.notNull().references('event_bookings.id').onDelete('cascade'))
      .addColumn('days_before', 'integer', (c) => c.notNull())
      .addColumn('session_starts_at', t.timestamp, (c) => c.notNull())
      .addColumn('sent_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('event_reminders_sent_pk', ['booking_id', 'days_before', 'session_starts_at'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('event_reminders_sent').ifExists().execute();
    await db.schema.dropTable('event_session_quotas').ifExists().execute();
    await db.schema.dropIndex('event_bookings_offers').ifExists().execute();
    for (const column of ['calendar_sequence', 'decision_reason', 'organisation_code', 'offer_expires_at']) await db.schema.alterTable('event_bookings').dropColumn(column).execute();
    await db.schema.dropTable('event_facilitators').ifExists().execute();
    for (const column of ['approval_required', 'modules_after', 'modules_before', 'competencies', 'literacy_level', 'audience_staff_groups']) await db.schema.alterTable('events').dropColumn(column).execute();
  },
};
