// The planner's workspace: a run keeps the scenario it ran (every `extends`
// merged in, so the file reproduces the run on its own even if a base scenario
// changes later), which process runs it and when that process last said it was
// still working, so a run left `running` by a stopped process can be shown as
// interrupted instead of spinning for ever.

import type { Kysely, Migration } from 'kysely';
import { columnTypes } from '../dialect.js';

export const workforceWorkspace: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const t = columnTypes(db);
    // One column per statement: SQLite adds one column per ALTER TABLE.
    await db.schema.alterTable('workforce_runs').addColumn('scenario_json', 'text').execute();
    await db.schema.alterTable('workforce_runs').addColumn('owner', 'text').execute();
    await db.schema.alterTable('workforce_runs').addColumn('heartbeat_at', t.timestamp).execute();
    await db.schema.createIndex('workforce_runs_status').on('workforce_runs').columns(['status', 'created_at']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('workforce_runs_status').execute();
    await db.schema.alterTable('workforce_runs').dropColumn('heartbeat_at').execute();
    await db.schema.alterTable('workforce_runs').dropColumn('owner').execute();
    await db.schema.alterTable('workforce_runs').dropColumn('scenario_json').execute();
  },
};
