// Where each learner is in each module, so they can leave and resume on any device.

import type { Kysely, Migration } from 'kysely';
import { columnTypes } from '../dialect.js';

export const learningProgress: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const t = columnTypes(db);
    await db.schema.createTable('module_progress')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('module_id', 'text', (c) => c.notNull())
      .addColumn('module_version', 'text', (c) => c.notNull())
      .addColumn('last_page', 'integer', (c) => c.notNull())
      .addColumn('pages_seen', 'text', (c) => c.notNull())
      .addColumn('started_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('module_progress_pk', ['user_id', 'module_id'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('module_progress').ifExists().execute();
  },
};
