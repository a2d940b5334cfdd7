// The reviewers' list of applications waiting for them (docs/funded-places.md,
// "Speed of the reviewers' list"): each application keeps how many reviewers
// have scored it (`reviewers`, moved in the transaction that records a
// reviewer's scores), so the list no longer counts every application's scores
// per request; and one index holds the list's order (intake, status,
// submitted, id) with that count, so a page is read in order, never sorted.

import { sql, type Kysely, type Migration } from 'kysely';

export const fundedReviewList: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('funded_applications').addColumn('reviewers', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await sql`update funded_applications set reviewers = (select count(distinct s.reviewer_user_id) from funded_scores s where s.application_id = funded_applications.id)`.execute(db);
    await db.schema.createIndex('funded_applications_review').on('funded_applications')
      .columns(['intake_id', 'status', 'submitted_at', 'id', 'reviewers']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('funded_applications_review').execute();
    await db.schema.alterTable('funded_applications').dropColumn('reviewers').execute();
  },
};
