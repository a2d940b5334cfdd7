// Row types of the kept insights aggregates and literacy targets (migration 0027).

import type { Bool, Timestamp } from './schema.js';

export interface InsightsStaffTable {
  staff_id: string;
  organisation_code: string;
  staff_group_code: string;
  band_code: string;
  job_role: string;
  age_band: string;
  started_on: string;
  level: string;
  compliance: string;
  awareness_on: string | null;
  foundation_on: string | null;
  practitioner_on: string | null;
  advanced_on: string | null;
  specialist_on: string | null;
  /** JSON: module id → the day (YYYY-MM-DD) it was first completed. */
  modules_first: string;
}

export interface InsightsCellsTable {
  organisation_code: string;
  staff_group_code: string;
  band_code: string;
  job_role: string;
  age_band: string;
  level: string;
  compliance: string;
  people: number;
}

export interface InsightsMonthsTable {
  organisation_code: string;
  staff_group_code: string;
  /** 'started', a literacy level code, or 'module:<id>' */
  measure: string;
  month: string;
  people: number;
}

export interface InsightsRefreshTable {
  id: number;
  refreshed_at: Timestamp;
  refreshed_on: string;
  requirements_fingerprint: string;
}

export interface InsightsTargetsTable {
  id: string;
  staff_group_code: string;
  level: string;
  percent: number;
  due_on: string;
  illustrative: Bool;
  created_by: string | null;
  created_at: Timestamp;
}

/** One row (id 1): raised with every change to the kept aggregates (migration 0033). */
export interface InsightsVersionTable {
  id: number;
  version: number | string | bigint;
}

export interface InsightsTables {
  insights_staff: InsightsStaffTable;
  insights_cells: InsightsCellsTable;
  insights_months: InsightsMonthsTable;
  insights_refresh: InsightsRefreshTable;
  insights_targets: InsightsTargetsTable;
  insights_version: InsightsVersionTable;
}
