// Problems learners report with a module page ("Report a problem with this
// page"): which module, version and page, in which language, what they said,
// who said it and when; and when an education lead dealt with it, and who.
// The queue is read by education leads in the product; nothing is emailed.

import type { Kysely, Migration } from 'kysely';
import { columnTypes } from '../dialect.js';

export const contentProblemReports: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const t = columnTypes(db);
    await db.schema.createTable('content_problem_reports')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('module_id', 'text', (c) => c.notNull())
      .addColumn('module_slug', 'text', (c) => c.notNull())
      .addColumn('module_version', 'text', (c) => c.notNull())
      // 1-based page number; null for the module's overview.
      .addColumn('page', 'integer')
      .addColumn('language', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('reported_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('reported_at', t.timestamp, (c) => c.notNull())
      .addColumn('dealt_with_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('dealt_with_at', t.timestamp)
      .execute();
    // The queue: open reports first, oldest first.
    await db.schema.createIndex('content_problem_reports_queue').on('content_problem_reports').columns(['dealt_with_at', 'reported_at']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('content_problem_reports').ifExists().execute();
  },
};
