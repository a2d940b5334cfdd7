// A completion is one per learner per module version, and passing the same
// version again kept only the first. A requirement with a refresher period
// ("every N years") counts from the latest completion, so a learner who passed
// the same version again to renew it stayed overdue until a new version was
// published. `renewed_at` keeps the latest later pass of that version (null:
// passed once); the first pass stays `completed_at` (certificates, CPD hours,
// levels reached and "what moved people" count from it).

import type { Kysely, Migration } from 'kysely';
import { columnTypes } from '../dialect.js';

export const completionRenewed: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const t = columnTypes(db);
    await db.schema.alterTable('module_completions').addColumn('renewed_at', t.timestamp).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('module_completions').dropColumn('renewed_at').execute();
  },
};
