// Row types for learning progress through modules.

import type { NullableBool, NullableTimestamp, Timestamp } from './schema.js';

export interface ModuleProgressTable {
  user_id: string;
  module_id: string;
  module_version: string;
  /** 1-based page the learner last viewed: where "resume" takes them. */
  last_page: number;
  /** JSON array of the pages viewed so far. */
  pages_seen: string;
  started_at: Timestamp;
  updated_at: Timestamp;
}

export interface AssessmentAttemptsTable {
  id: string;
  user_id: string;
  module_id: string;
  module_version: string;
  seed: number;
  /** JSON: the questions drawn and their option order. */
  drawn: string;
  /** JSON: question id → chosen option ids; null until submitted. */
  answers: string | null;
  score: number | null;
  passed: NullableBool;
  language: string;
  started_at: Timestamp;
  submitted_at: NullableTimestamp;
}

export interface ModuleCompletionsTable {
  user_id: string;
  module_id: string;
  module_version: string;
  attempt_id: string;
  score: number;
  cpd_hours: number;
  language: string;
  completed_at: Timestamp;
}

export interface SigningKeysTable {
  kid: string;
  algorithm: string;
  public_pem: string;
  private_pem: string;
  created_at: Timestamp;
}

export interface CredentialsTable {
  id: string;
  user_id: string;
  module_id: string;
  module_version: string;
  kid: string;
  jwt: string;
  issued_at: Timestamp;
  revoked_at: NullableTimestamp;
  revoked_reason: string | null;
}

export interface LearningTables {
  signing_keys: SigningKeysTable;
  credentials: CredentialsTable;
  module_progress: ModuleProgressTable;
  assessment_attempts: AssessmentAttemptsTable;
  module_completions: ModuleCompletionsTable;
}
