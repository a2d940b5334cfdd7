// Funded university module places (issue 17): the university modules an
// education lead records, their intakes (application window, places, quotas,
// criteria and the allocation rule), people's applications (with the line
// manager's support, the allocation's decision, the offer and the outcome on
// the same row: one application, one place at most) and reviewers' scores.
// Rules and criteria are JSON text on both dialects: they are read and
// written whole, never queried inside.

import type { Kysely, Migration } from 'kysely';
import { columnTypes } from '../dialect.js';

export const fundedPlaces: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const t = columnTypes(db);
    await db.schema.createTable('funded_modules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('title_en', 'text', (c) => c.notNull())
      .addColumn('title_cy', 'text', (c) => c.notNull())
      .addColumn('credits', 'integer', (c) => c.notNull())
      .addColumn('fheq_level', 'integer', (c) => c.notNull())
      // distance | blended
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('entry_requirements_en', 'text', (c) => c.notNull())
      .addColumn('entry_requirements_cy', 'text', (c) => c.notNull())
      .addColumn('outcomes_en', 'text', (c) => c.notNull())
      .addColumn('outcomes_cy', 'text', (c) => c.notNull())
      .addColumn('literacy_level', 'text', (c) => c.notNull())
      // comma-separated competency codes
      .addColumn('competencies', 'text', (c) => c.notNull())
      .addColumn('provider_url', 'text', (c) => c.notNull())
      .addColumn('illustrative', t.boolean, (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();

    await db.schema.createTable('funded_intakes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('module_id', 'text', (c) => c.notNull().references('funded_modules.id').onDelete('cascade'))
      // YYYY-MM-DD, the university's start date
      .addColumn('starts_on', 'text', (c) => c.notNull())
      .addColumn('opens_at', t.timestamp, (c) => c.notNull())
      .addColumn('closes_at', t.timestamp, (c) => c.notNull())
      .addColumn('places', 'integer', (c) => c.notNull())
      // { organisationCode: places }
      .addColumn('reserved', 'text', (c) => c.notNull())
      // [{ code, weight }]
      .addColumn('criteria', 'text', (c) => c.notNull())
      // { rule, apportionment, capPerOrganisation, capPerStaffGroup, professionMix }
      .addColumn('rules', 'text', (c) => c.notNull())
      // { staffGroups, bands, minWte, priorModules }
      .addColumn('eligibility', 'text', (c) => c.notNull())
      .addColumn('seed', 'text', (c) => c.notNull())
      .addColumn('reviewers_per_application', 'integer', (c) => c.notNull())
      .addColumn('disagreement_threshold', t.real, (c) => c.notNull())
      .addColumn('offer_days', 'integer', (c) => c.notNull())
      .addColumn('word_limit', 'integer', (c) => c.notNull())
      // draft | open | allocated
      .addColumn('status', 'text', (c) => c.notNull())
      // the allocation's result, as the pure function returned it (JSON), once run
      .addColumn('allocation', 'text')
      .addColumn('allocated_at', t.timestamp)
      .addColumn('illustrative', t.boolean, (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('funded_intakes_module').on('funded_intakes').columns(['module_id']).execute();

    await db.schema.createTable('funded_applications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('intake_id', 'text', (c) => c.notNull().references('funded_intakes.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('staff_id', 'text')
      // what the directory said when the application was written
      .addColumn('organisation_code', 'text', (c) => c.notNull())
      .addColumn('staff_group_code', 'text', (c) => c.notNull())
      .addColumn('band_code', 'text', (c) => c.notNull())
      .addColumn('job_role', 'text', (c) => c.notNull())
      .addColumn('wte', t.real, (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('statement', 'text', (c) => c.notNull())
      .addColumn('service_benefit', 'text', (c) => c.notNull())
      .addColumn('prior_learning', 'text', (c) => c.notNull())
      .addColumn('manager_user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('study_time_agreed', 'text')
      .addColumn('manager_reason', 'text')
      .addColumn('manager_decided_at', t.timestamp)
      .addColumn('submitted_at', t.timestamp)
      .addColumn('moderated_score', t.real)
      .addColumn('final_score', t.real)
      .addColumn('rank', 'integer')
      .addColumn('reserve_rank', 'integer')
      // the allocation's reasons for this application (JSON)
      .addColumn('reasons', 'text')
      .addColumn('offered_at', t.timestamp)
      .addColumn('offer_deadline', t.timestamp)
      .addColumn('responded_at', t.timestamp)
      // completed | withdrawn | deferred | failed
      .addColumn('outcome', 'text')
      .addColumn('outcome_credits', 'integer')
      .addColumn('outcome_at', t.timestamp)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addUniqueConstraint('funded_applications_one_per_person', ['intake_id', 'user_id'])
      .execute();
    await db.schema.createIndex('funded_applications_intake').on('funded_applications').columns(['intake_id', 'status', 'submitted_at']).execute();
    await db.schema.createIndex('funded_applications_user').on('funded_applications').columns(['user_id']).execute();
    await db.schema.createIndex('funded_applications_manager').on('funded_applications').columns(['manager_user_id', 'status']).execute();

    await db.schema.createTable('funded_scores')
      .addColumn('application_id', 'text', (c) => c.notNull().references('funded_applications.id').onDelete('cascade'))
      .addColumn('reviewer_user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('criterion', 'text', (c) => c.notNull())
      .addColumn('score', 'integer', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('funded_scores_pk', ['application_id', 'reviewer_user_id', 'criterion'])
      .execute();
    await db.schema.createIndex('funded_scores_reviewer').on('funded_scores').columns(['reviewer_user_id']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('funded_scores').ifExists().execute();
    await db.schema.dropTable('funded_applications').ifExists().execute();
    await db.schema.dropTable('funded_intakes').ifExists().execute();
    await db.schema.dropTable('funded_modules').ifExists().execute();
  },
};
