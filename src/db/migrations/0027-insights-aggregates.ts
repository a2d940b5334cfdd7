// Kept aggregates for insights (docs/insights.md): each active member of
// staff's literacy facts (insights_staff: the level reached, compliance and
// the day each level was reached) and their counts per organisation, staff
// group, band, job role, age band, level and compliance (insights_cells),
// updated with each completion in the same transaction and by the
// insights-refresh job for everything else; `genomeg insights rebuild`
// recomputes both from scratch. Literacy targets by staff group and date.

import type { Kysely, Migration } from 'kysely';
import { columnTypes } from '../dialect.js';

export const insightsAggregates: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const t = columnTypes(db);
    await db.schema.createTable('insights_staff')
      .addColumn('staff_id', 'text', (c) => c.primaryKey())
      .addColumn('organisation_code', 'text', (c) => c.notNull())
      .addColumn('staff_group_code', 'text', (c) => c.notNull())
      .addColumn('band_code', 'text', (c) => c.notNull())
      .addColumn('job_role', 'text', (c) => c.notNull())
      .addColumn('age_band', 'text', (c) => c.notNull())
      // YYYY-MM-DD: counted "as at" a date from then on.
      .addColumn('started_on', 'text', (c) => c.notNull())
      // a literacy level code, or 'none'
      .addColumn('level', 'text', (c) => c.notNull())
      // overdue | due | complete | none
      .addColumn('compliance', 'text', (c) => c.notNull())
      // YYYY-MM-DD the level was reached, or null
      .addColumn('awareness_on', 'text')
      .addColumn('foundation_on', 'text')
      .addColumn('practitioner_on', 'text')
      .addColumn('advanced_on', 'text')
      .addColumn('specialist_on', 'text')
      .execute();
    await db.schema.createIndex('insights_staff_org').on('insights_staff').columns(['organisation_code', 'staff_group_code']).execute();

    await db.schema.createTable('insights_cells')
      .addColumn('organisation_code', 'text', (c) => c.notNull())
      .addColumn('staff_group_code', 'text', (c) => c.notNull())
      .addColumn('band_code', 'text', (c) => c.notNull())
      .addColumn('job_role', 'text', (c) => c.notNull())
      .addColumn('age_band', 'text', (c) => c.notNull())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('compliance', 'text', (c) => c.notNull())
      .addColumn('people', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('insights_cells_pk', ['organisation_code', 'staff_group_code', 'band_code', 'job_role', 'age_band', 'level', 'compliance'])
      .execute();

    // One row: when the refresh job last ran, for which day, and the requirements it saw.
    await db.schema.createTable('insights_refresh')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('refreshed_at', t.timestamp, (c) => c.notNull())
      .addColumn('refreshed_on', 'text', (c) => c.notNull())
      .addColumn('requirements_fingerprint', 'text', (c) => c.notNull())
      .execute();

    await db.schema.createTable('insights_targets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('staff_group_code', 'text', (c) => c.notNull())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('percent', 'integer', (c) => c.notNull())
      // YYYY-MM-DD
      .addColumn('due_on', 'text', (c) => c.notNull())
      .addColumn('illustrative', t.boolean, (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('insights_targets_group').on('insights_targets').columns(['staff_group_code', 'due_on']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['insights_targets', 'insights_refresh', 'insights_cells', 'insights_staff']) await db.schema.dropTable(table).execute();
  },
};
