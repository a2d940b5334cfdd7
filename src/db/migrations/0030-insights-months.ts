// Kept monthly counts for insights (docs/insights.md, "Speed"): per
// organisation, staff group, measure and month, how many kept people's day
// falls in that month, where the measure is 'started' (the assignment's
// start), a literacy level (the day it was reached) or 'module:<id>' (the
// day the module was first completed). The trend, target progress and "what
// moved people" add these up instead of reading one row per person. Each
// person's first completion day per module is kept on insights_staff
// (modules_first, JSON) so a change moves their counts by the difference.
// Indexes for the per-person reads that remain (a team's figures, "as at").

import { sql, type Kysely, type Migration } from 'kysely';

const DAY_COLUMNS = { started: 'started_on', awareness: 'awareness_on', foundation: 'foundation_on', practitioner: 'practitioner_on', advanced: 'advanced_on', specialist: 'specialist_on' } as const;

export const insightsMonths: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('insights_staff').addColumn('modules_first', 'text', (c) => c.notNull().defaultTo('{}')).execute();
    await db.schema.createTable('insights_months')
      .addColumn('organisation_code', 'text', (c) => c.notNull())
      .addColumn('staff_group_code', 'text', (c) => c.notNull())
      .addColumn('measure', 'text', (c) => c.notNull())
      // YYYY-MM
      .addColumn('month', 'text', (c) => c.notNull())
      .addColumn('people', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('insights_months_pk', ['organisation_code', 'staff_group_code', 'measure', 'month'])
      .execute();
    await db.schema.createIndex('insights_months_measure').on('insights_months').columns(['measure', 'month']).execute();
    // People already kept: their started and level months (module months come with the next refresh or rebuild).
    for (const [measure, column] of Object.entries(DAY_COLUMNS)) {
      await sql`insert into insights_months (organisation_code, staff_group_code, measure, month, people)
        select organisation_code, staff_group_code, ${measure}, substr(${sql.ref(column)}, 1, 7), count(*) from insights_staff
        where ${sql.ref(column)} is not null group by organisation_code, staff_group_code, substr(${sql.ref(column)}, 1, 7)`.execute(db);
    }
    await db.schema.createIndex('module_completions_completed').on('module_completions').columns(['completed_at']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('module_completions_completed').execute();
    await db.schema.dropTable('insights_months').execute();
    await db.schema.alterTable('insights_staff').dropColumn('modules_first').execute();
  },
};
