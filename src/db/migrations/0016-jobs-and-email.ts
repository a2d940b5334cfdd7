// Background jobs and email.
//
// background_jobs is the SQLite runner's queue (on PostgreSQL, pg-boss keeps
// its own tables; the table is made on both so that the schema is the same).
// job_schedule_slots makes a scheduled job run once however many processes
// tick: the first to insert (name, slot) sends it, the others find the row.
// email_messages is every message the platform made, sent or kept in the
// outbox (no SMTP configured), and what a person can see they were sent;
// email_failed_addresses is an address the mail server refused for good.

import type { Kysely, Migration } from 'kysely';
import { columnTypes } from '../dialect.js';

export const jobsAndEmail: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const t = columnTypes(db);
    await db.schema.createTable('background_jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('queue', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('retry_limit', 'integer', (c) => c.notNull())
      .addColumn('retry_count', 'integer', (c) => c.notNull())
      .addColumn('retry_delay_seconds', 'integer', (c) => c.notNull())
      .addColumn('expire_seconds', 'integer', (c) => c.notNull())
      .addColumn('start_after', t.timestamp, (c) => c.notNull())
      .addColumn('started_at', t.timestamp)
      .addColumn('completed_at', t.timestamp)
      .addColumn('locked_by', 'text')
      .addColumn('locked_until', t.timestamp)
      .addColumn('output', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('background_jobs_due').on('background_jobs').columns(['state', 'start_after']).execute();

    await db.schema.createTable('job_schedule_slots')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('slot', 'text', (c) => c.notNull())
      .addColumn('job_id', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('job_schedule_slots_key', ['name', 'slot'])
      .execute();

    await db.schema.createTable('email_messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('template', 'text', (c) => c.notNull())
      .addColumn('recipient', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('language', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('text_body', 'text', (c) => c.notNull())
      .addColumn('html_body', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('sent_at', t.timestamp)
      .execute();
    await db.schema.createIndex('email_messages_user').on('email_messages').columns(['user_id', 'created_at']).execute();
    await db.schema.createIndex('email_messages_created').on('email_messages').column('created_at').execute();

    await db.schema.createTable('email_failed_addresses')
      .addColumn('address', 'text', (c) => c.primaryKey())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text')
      .addColumn('failed_at', t.timestamp, (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['email_failed_addresses', 'email_messages', 'job_schedule_slots', 'background_jobs']) await db.schema.dropTable(table).ifExists().execute();
  },
};
