// Confidence self-ratings (issue 18): a learner's optional rating of their
// confidence on each competency of a module, before and after it, in the
// training-needs segments of the Genomics Education Programme. The xAPI
// statement (docs/xapi.md) is the record; this row is its projection, the
// latest rating per person, module, competency and phase, which
// /insights/confidence counts.

import type { Kysely, Migration } from 'kysely';
import { columnTypes } from '../dialect.js';

export const confidenceRatings: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const t = columnTypes(db);
    await db.schema.createTable('confidence_ratings')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('module_id', 'text', (c) => c.notNull())
      .addColumn('competency_id', 'text', (c) => c.notNull())
      // before | after
      .addColumn('phase', 'text', (c) => c.notNull())
      // competent | specific-need | unsure | not-relevant
      .addColumn('segment', 'text', (c) => c.notNull())
      .addColumn('rated_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('confidence_ratings_pk', ['user_id', 'module_id', 'competency_id', 'phase'])
      .execute();
    await db.schema.createIndex('confidence_ratings_module').on('confidence_ratings').columns(['module_id', 'phase']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('confidence_ratings').execute();
  },
};
