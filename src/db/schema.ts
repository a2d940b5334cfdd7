// Row types: what the tables hold, as either dialect hands them back. Stores
// turn these into domain types (dates and booleans included); nothing outside
// src/db sees a row.

import type { ColumnType, Generated } from 'kysely';

/** timestamptz on PostgreSQL (a Date back), ISO text on SQLite (a string back). */
export type Timestamp = ColumnType<Date | string, Date, Date>;
export type NullableTimestamp = ColumnType<Date | string | null, Date | null, Date | null>;
/** boolean on PostgreSQL, 0/1 on SQLite. */
export type Bool = ColumnType<boolean | number, boolean, boolean>;
export type NullableBool = ColumnType<boolean | number | null, boolean | null, boolean | null>;

export interface UsersTable {
  id: string;
  email: string;
  display_name: string;
  password_hash: string | null;
  language: string;
  staff_id: string | null;
  active: Bool;
  failed_sign_ins: number;
  locked_until: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Single sign-on link and account state (migration 0019). */
  oidc_issuer: string | null;
  oidc_subject: string | null;
  last_signed_in_at: NullableTimestamp;
  must_change_password: ColumnType<boolean | number, boolean | undefined, boolean>;
  /** False until the person reads a page (an account from `users create`): their emails are in Welsh then English (migration 0023). */
  language_known: ColumnType<boolean | number, boolean | undefined, boolean>;
}

/** A sign-in with the identity provider under way: single-use, short-lived (migration 0019). */
/** A single-use link sent to a person: a password reset or an invitation (migration 0020). */
export interface AccountTokensTable {
  token_hash: string;
  kind: string;
  user_id: string | null;
  staff_id: ColumnType<string | null, string | null | undefined, string | null>;
  email: string;
  language: string;
  created_by: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

export interface OidcSignInsTable {
  state_hash: string;
  browser_hash: string;
  nonce: string;
  code_verifier: string;
  return_to: string | null;
  language: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  /** SHA-256 of the invitation token when the sign-in was begun from an invitation (migration 0023). */
  invitation_hash: string | null;
}

export interface RoleGrantsTable {
  id: string;
  user_id: string;
  role: string;
  /** '' for national roles, so that the unique key works on both dialects. */
  organisation_code: string;
  granted_by: string | null;
  created_at: Timestamp;
}

export interface SessionsTable {
  /** SHA-256 of the cookie value; the value itself is never stored. */
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  last_seen_at: Timestamp;
}

/** A decaying count of failed sign-ins for one key (an account, an address, or both). */
export interface SignInCountersTable {
  key: string;
  score: number;
  last_failure_at: Timestamp;
}

/** An address an account has signed in from (IPv6 by its /64). */
export interface SignInKnownAddressesTable {
  account_key: string;
  address: string;
  last_success_at: Timestamp;
}

export interface StaffTable {
  id: string;
  employee_number: string;
  assignment_number: string;
  first_name: string;
  last_name: string;
  email: string | null;
  organisation_code: string;
  staff_group_code: string;
  job_role: string;
  band_code: string;
  wte: number;
  assignment_start_date: string;
  age_band: string;
  line_manager_assignment_number: string | null;
  active: Bool;
  left_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Names and assignment number with accents folded, for the search index (migration 0010). */
  search_text: string;
}

export interface StaffImportsTable {
  id: string;
  organisation_codes: string;
  mode: string;
  file_name: string;
  status: string;
  row_count: number;
  added: number;
  updated: number;
  leavers: number;
  unchanged: number;
  error_count: number;
  warning_count: number;
  imported_by: string | null;
  created_at: Timestamp;
}

export interface StaffImportPendingTable {
  id: string;
  user_id: string;
  file_name: string;
  mode: string;
  /** YYYY-MM-DD: the extract's date. */
  as_of: string;
  encoding: string;
  content: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface AuditEventsTable {
  id: Generated<number>;
  at: Timestamp;
  actor_user_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  organisation_code: string | null;
  before_json: string | null;
  after_json: string | null;
}

import type { XapiTables } from './schema-xapi.js';
import type { WorkforceTables } from './schema-workforce.js';
import type { LearningTables } from './schema-learning.js';
import type { JobTables } from './schema-jobs.js';
import type { EventTables } from './schema-events.js';
import type { EventAttendanceTables } from './schema-event-attendance.js';
import type { FundedTables } from './schema-funded.js';
import type { InsightsTables } from './schema-insights.js';
import type { ConfidenceTables } from './schema-confidence.js';

/** Every table. Each capability keeps its row types in a file of its own. */
export interface Database extends XapiTables, WorkforceTables, LearningTables, JobTables, EventTables, EventAttendanceTables, FundedTables, InsightsTables, ConfidenceTables {
  users: UsersTable;
  role_grants: RoleGrantsTable;
  sessions: SessionsTable;
  sign_in_counters: SignInCountersTable;
  sign_in_known_addresses: SignInKnownAddressesTable;
  staff: StaffTable;
  staff_imports: StaffImportsTable;
  staff_import_pending: StaffImportPendingTable;
  audit_events: AuditEventsTable;
  oidc_sign_ins: OidcSignInsTable;
  account_tokens: AccountTokensTable;
}
