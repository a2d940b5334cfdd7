// The planner's runs keep the scenario name they were run with: renaming a
// scenario later (a new version) must not rename its earlier runs in the
// compare list, results.json or the report. Runs stored before this migration
// take the scenario's name as it is now, the best that can still be known
// (a run that kept its scenario as run reads the name from that instead).
// A scenario's owner is the person who created it (`created_by`, there since
// 0006): only the owner or a platform administrator changes or deletes it.

import { sql, type Kysely, type Migration } from 'kysely';

export const workforceRunNames: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('workforce_runs').addColumn('scenario_name', 'text').execute();
    await sql`update workforce_runs set scenario_name = (select s.name from workforce_scenarios s where s.id = workforce_runs.scenario_id) where scenario_json is null`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('workforce_runs').dropColumn('scenario_name').execute();
  },
};
