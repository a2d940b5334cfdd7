// Required learning reminders: a requirement may need refreshing every N years
// (a completion older than that no longer counts), and each reminder sent is
// recorded once per person, module, due date and kind, so a daily run that
// happens twice (or on two processes) sends nothing twice.

import type { Kysely, Migration } from 'kysely';
import { columnTypes } from '../dialect.js';

export const reminders: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const t = columnTypes(db);
    await db.schema.alterTable('learning_requirements').addColumn('refresher_years', 'integer').execute();
    await db.schema.createTable('sent_reminders')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('module_id', 'text', (c) => c.notNull())
      .addColumn('due_date', 'text', (c) => c.notNull())
      // before, due, overdue-1 … overdue-N, digest
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text')
      .addColumn('sent_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('sent_reminders_key', ['user_id', 'module_id', 'due_date', 'kind'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('sent_reminders').ifExists().execute();
    await db.schema.alterTable('learning_requirements').dropColumn('refresher_years').execute();
  },
};
