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
  /** The latest later pass of the same version (a refresher renewed); null when passed once (migration 0034). */
  renewed_at?: NullableTimestamp;
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

/** A module an organisation requires of its staff (0007). */
export interface LearningRequirementsTable {
  id: string;
  organisation_code: string;
  /** The module's IRI: a requirement holds across versions. */
  module_id: string;
  /** JSON array of ESR staff group codes; [] means everyone in the organisation. */
  staff_group_codes: string;
  /** YYYY-MM-DD, or null when due_days is set (never both). */
  due_date: string | null;
  due_days: number | null;
  /** Completions older than this many years no longer count (migration 0017). */
  refresher_years: number | null;
  revision: number;
  created_by: string | null;
  created_at: Timestamp;
  updated_by: string | null;
  updated_at: Timestamp;
}

/** A module version an education lead published, with its files as they were (0007). */
export interface ModulePublicationsTable {
  id: string;
  module_id: string;
  slug: string;
  version: string;
  /** JSON of the module's source files (manifest, pages, glossary, checks, assessment). */
  source: string;
  source_sha256: string;
  published_by: string | null;
  published_at: Timestamp;
}

export interface ContentProblemReportsTable {
  id: string;
  module_id: string;
  module_slug: string;
  module_version: string;
  /** 1-based page; null for the module's overview. */
  page: number | null;
  language: string;
  message: string;
  reported_by: string | null;
  reported_at: Timestamp;
  dealt_with_by: string | null;
  dealt_with_at: NullableTimestamp;
}

export interface LearningTables {
  content_problem_reports: ContentProblemReportsTable;
  learning_requirements: LearningRequirementsTable;
  module_publications: ModulePublicationsTable;
  signing_keys: SigningKeysTable;
  credentials: CredentialsTable;
  module_progress: ModuleProgressTable;
  assessment_attempts: AssessmentAttemptsTable;
  module_completions: ModuleCompletionsTable;
}
