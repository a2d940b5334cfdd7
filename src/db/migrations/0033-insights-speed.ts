// Insights at national scale (docs/insights.md, "Speed"): a version of the kept
// aggregates, one row, raised by every change to them in the same transaction
// (a completion, the refresh job, a rebuild), so that a view computed once can
// be served again until the figures change; and an index holding every column
// "as at" a past day reads, so it scans the index instead of the people's rows
// (which carry each person's first completion days).

import { sql, type Kysely, type Migration } from 'kysely';

export const insightsSpeed: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.createTable('insights_version')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .execute();
    await sql`insert into insights_version (id, version) values (1, 0)`.execute(db);
    await db.schema.createIndex('insights_staff_as_at').on('insights_staff')
      .columns(['organisation_code', 'staff_group_code', 'started_on', 'band_code', 'job_role', 'age_band', 'awareness_on', 'foundation_on', 'practitioner_on', 'advanced_on', 'specialist_on'])
      .execute();
    // Every view's table sums cells by organisation, staff group, level and compliance (and one dimension): from the index alone.
    await db.schema.createIndex('insights_cells_cover').on('insights_cells')
      .columns(['organisation_code', 'staff_group_code', 'level', 'compliance', 'band_code', 'job_role', 'age_band', 'people']).execute();
    // The trend, targets and what moved people read months by measure and month: from the index alone.
    await db.schema.createIndex('insights_months_cover').on('insights_months').columns(['measure', 'month', 'organisation_code', 'staff_group_code', 'people']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('insights_months_cover').execute();
    await db.schema.dropIndex('insights_cells_cover').execute();
    await db.schema.dropIndex('insights_staff_as_at').execute();
    await db.schema.dropTable('insights_version').execute();
  },
};
