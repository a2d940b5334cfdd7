// Learning progress: where each learner is in each module (so they can leave and
// resume on any device), their assessment attempts, and their completions.

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

    await db.schema.createTable('assessment_attempts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('module_id', 'text', (c) => c.notNull())
      .addColumn('module_version', 'text', (c) => c.notNull())
      .addColumn('seed', 'bigint', (c) => c.notNull())
      .addColumn('drawn', 'text', (c) => c.notNull())
      .addColumn('answers', 'text')
      .addColumn('score', t.real)
      .addColumn('passed', t.boolean)
      .addColumn('language', 'text', (c) => c.notNull())
      .addColumn('started_at', t.timestamp, (c) => c.notNull())
      .addColumn('submitted_at', t.timestamp)
      .execute();
    await db.schema.createIndex('assessment_attempts_user_module').on('assessment_attempts').columns(['user_id', 'module_id', 'started_at']).execute();

    // One completion per learner per module version, whichever language they used.
    await db.schema.createTable('module_completions')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('module_id', 'text', (c) => c.notNull())
      .addColumn('module_version', 'text', (c) => c.notNull())
      .addColumn('attempt_id', 'text', (c) => c.notNull())
      .addColumn('score', t.real, (c) => c.notNull())
      .addColumn('cpd_hours', t.real, (c) => c.notNull())
      .addColumn('language', 'text', (c) => c.notNull())
      .addColumn('completed_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('module_completions_pk', ['user_id', 'module_id', 'module_version'])
      .execute();

    // Keys that sign credentials. The private key stays in the database (or comes
    // from CREDENTIAL_SIGNING_KEY); the public key is published for verifiers.
    await db.schema.createTable('signing_keys')
      .addColumn('kid', 'text', (c) => c.primaryKey())
      .addColumn('algorithm', 'text', (c) => c.notNull())
      .addColumn('public_pem', 'text', (c) => c.notNull())
      .addColumn('private_pem', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();

    await db.schema.createTable('credentials')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('module_id', 'text', (c) => c.notNull())
      .addColumn('module_version', 'text', (c) => c.notNull())
      .addColumn('kid', 'text', (c) => c.notNull())
      .addColumn('jwt', 'text', (c) => c.notNull())
      .addColumn('issued_at', t.timestamp, (c) => c.notNull())
      .addColumn('revoked_at', t.timestamp)
      .addColumn('revoked_reason', 'text')
      .addUniqueConstraint('credentials_one_per_version', ['user_id', 'module_id', 'module_version'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['credentials', 'signing_keys', 'module_completions', 'assessment_attempts', 'module_progress']) await db.schema.dropTable(table).ifExists().execute();
  },
};
