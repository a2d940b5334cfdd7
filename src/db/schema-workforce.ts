// Row types for workforce planning: scenarios (each save a new version, kept for
// ever so that a published figure can be reproduced) and runs (scenario version,
// seed, run count, progress and the summary as JSON).

import type { ColumnType } from 'kysely';
import type { NullableTimestamp, Timestamp } from './schema.js';

export interface WorkforceScenarioTable {
  id: string;
  slug: string;
  name: string;
  current_version: number;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: NullableTimestamp;
}

export interface WorkforceScenarioVersionTable {
  scenario_id: string;
  version: number;
  format: string;
  source: string;
  created_by: string | null;
  created_at: Timestamp;
}

export interface WorkforceRunTable {
  id: string;
  scenario_id: string;
  scenario_version: number;
  /** bigint: PostgreSQL returns it as a string. */
  seed: ColumnType<number | string, number, number>;
  runs: number;
  status: string;
  done: number;
  result_json: string | null;
  error: string | null;
  created_by: string | null;
  created_at: Timestamp;
  finished_at: NullableTimestamp;
  /** The scenario as run, every `extends` merged in (migration 0008). */
  scenario_json: string | null;
  /** The process running it, and when that process last said it was working (0008). */
  owner: string | null;
  heartbeat_at: NullableTimestamp;
  /** The scenario's name when it was run (0012); null only where it could not be known. */
  scenario_name: string | null;
}

export interface WorkforceTables {
  workforce_scenarios: WorkforceScenarioTable;
  workforce_scenario_versions: WorkforceScenarioVersionTable;
  workforce_runs: WorkforceRunTable;
}
