// Workforce planning: scenarios, their versions (never changed once written)
// and Monte Carlo runs tied to a scenario version and a seed.

import type { Kysely, Migration } from 'kysely';
import { columnTypes } from '../dialect.js';

export const workforcePlanning: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const t = columnTypes(db);
    await db.schema.createTable('workforce_scenarios')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('slug', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('current_version', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addColumn('deleted_at', t.timestamp)
      .execute();
    await db.schema.createTable('workforce_scenario_versions')
      .addColumn('scenario_id', 'text', (c) => c.notNull().references('workforce_scenarios.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('workforce_scenario_versions_pk', ['scenario_id', 'version'])
      .execute();
    await db.schema.createTable('workforce_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('scenario_id', 'text', (c) => c.notNull().references('workforce_scenarios.id'))
      .addColumn('scenario_version', 'integer', (c) => c.notNull())
      .addColumn('seed', 'bigint', (c) => c.notNull())
      .addColumn('runs', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('done', 'integer', (c) => c.notNull())
      .addColumn('result_json', 'text')
      .addColumn('error', 'text')
      .addColumn('created_by', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('finished_at', t.timestamp)
      .execute();
    await db.schema.createIndex('workforce_runs_scenario').on('workforce_runs').columns(['scenario_id', 'created_at']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('workforce_runs').execute();
    await db.schema.dropTable('workforce_scenario_versions').execute();
    await db.schema.dropTable('workforce_scenarios').execute();
  },
};
