// Row types of funded university modules, intakes, applications and scores (migration 0026).

import type { Generated } from 'kysely';
import type { Bool, NullableTimestamp, Timestamp } from './schema.js';

export interface FundedModulesTable {
  id: string;
  provider: string;
  code: string;
  title_en: string;
  title_cy: string;
  credits: number;
  fheq_level: number;
  mode: string;
  entry_requirements_en: string;
  entry_requirements_cy: string;
  outcomes_en: string;
  outcomes_cy: string;
  literacy_level: string;
  competencies: string;
  provider_url: string;
  illustrative: Bool;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface FundedIntakesTable {
  id: string;
  module_id: string;
  starts_on: string;
  opens_at: Timestamp;
  closes_at: Timestamp;
  places: number;
  reserved: string;
  criteria: string;
  rules: string;
  eligibility: string;
  seed: string;
  reviewers_per_application: number;
  disagreement_threshold: number;
  offer_days: number;
  word_limit: number;
  status: string;
  allocation: string | null;
  allocated_at: NullableTimestamp;
  illustrative: Bool;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface FundedApplicationsTable {
  id: string;
  intake_id: string;
  user_id: string;
  staff_id: string | null;
  organisation_code: string;
  staff_group_code: string;
  band_code: string;
  job_role: string;
  wte: number;
  status: string;
  statement: string;
  service_benefit: string;
  prior_learning: string;
  manager_user_id: string | null;
  study_time_agreed: string | null;
  manager_reason: string | null;
  manager_decided_at: NullableTimestamp;
  submitted_at: NullableTimestamp;
  moderated_score: number | null;
  final_score: number | null;
  rank: number | null;
  reserve_rank: number | null;
  reasons: string | null;
  offered_at: NullableTimestamp;
  offer_deadline: NullableTimestamp;
  responded_at: NullableTimestamp;
  outcome: string | null;
  outcome_credits: number | null;
  outcome_at: NullableTimestamp;
  /** Reviewers who have scored it so far (migration 0032; moved with each reviewer's scores). */
  reviewers: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface FundedScoresTable {
  application_id: string;
  reviewer_user_id: string;
  criterion: string;
  score: number;
  created_at: Timestamp;
}

export interface FundedTables {
  funded_modules: FundedModulesTable;
  funded_intakes: FundedIntakesTable;
  funded_applications: FundedApplicationsTable;
  funded_scores: FundedScoresTable;
}
