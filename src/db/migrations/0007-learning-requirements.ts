// Learning an organisation requires of its staff (optionally only some staff
// groups, due by a date or within N days of starting), and the module versions
// education leads have published, each with its files as they were published
// so learners keep getting that version while content/ moves on.

import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypes } from '../dialect.js';

export const learningRequirements: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const t = columnTypes(db);
    await db.schema.createTable('learning_requirements')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_code', 'text', (c) => c.notNull())
      .addColumn('module_id', 'text', (c) => c.notNull())
      .addColumn('staff_group_codes', 'text', (c) => c.notNull())
      .addColumn('due_date', 'text')
      .addColumn('due_days', 'integer')
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      // Exactly one way of saying when it is due.
      .addCheckConstraint('learning_requirements_one_due', sql`(due_date is null) <> (due_days is null)`)
      .execute();
    // A team's overdue counts find each person's account by their staff record.
    await db.schema.createIndex('users_staff').on('users').column('staff_id').execute();
    await db.schema.createIndex('learning_requirements_organisation').on('learning_requirements').columns(['organisation_code', 'module_id']).execute();

    await db.schema.createTable('module_publications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('module_id', 'text', (c) => c.notNull())
      .addColumn('slug', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('source_sha256', 'text', (c) => c.notNull())
      .addColumn('published_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('published_at', t.timestamp, (c) => c.notNull())
      // A version, once published, is what it is: publishing it again is refused.
      .addUniqueConstraint('module_publications_one_per_version', ['module_id', 'version'])
      .execute();
    await db.schema.createIndex('module_publications_latest').on('module_publications').columns(['module_id', 'published_at']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['module_publications', 'learning_requirements']) await db.schema.dropTable(table).ifExists().execute();
    await db.schema.dropIndex('users_staff').ifExists().execute();
  },
};
