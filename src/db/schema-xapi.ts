// Row types for the learning record store (xAPI).

import type { Generated } from 'kysely';
import type { Bool, NullableBool, NullableTimestamp, Timestamp } from './schema.js';

export interface XapiClientsTable {
  id: string;
  organisation_code: string;
  name: string;
  /** The Basic-auth user name: public. */
  key: string;
  /** SHA-256 of the secret (a 32-byte random value, so a fast hash is enough). */
  secret_hash: string;
  /** Space-separated xAPI scopes. */
  scopes: string;
  created_by: string | null;
  created_at: Timestamp;
  revoked_at: NullableTimestamp;
}

export interface XapiStatementsTable {
  seq: Generated<number>;
  id: string;
  organisation_code: string;
  client_id: string;
  stored: Timestamp;
  actor_key: string | null;
  object_activity_id: string | null;
  object_statement_ref: string | null;
  voided: Bool;
  is_voiding: Bool;
  /** JSON [kind, value][] taken from the target of a StatementRef, or null. */
  inherited: string | null;
  statement_json: string;
}

export interface XapiStatementLinksTable {
  organisation_code: string;
  /** 'a' | 'a+' | 'v' | 't' | 't+' | 'r' (see migration 0005) */
  kind: string;
  value: string;
  seq: number;
}

export interface XapiActivitiesTable {
  organisation_code: string;
  activity_id: string;
  /** JSON of the canonical activity definition */
  definition: string;
  updated: Timestamp;
}

export interface XapiReadGrantsTable {
  client_id: string;
  /** The organisation whose statements the client may read. */
  organisation_code: string;
  created_by: string | null;
  created_at: Timestamp;
}

export interface XapiProgressTable {
  organisation_code: string;
  actor_key: string;
  activity_id: string;
  attempted: Bool;
  completed: Bool;
  passed: NullableBool;
  best_score: number | null;
  last_activity_at: Timestamp;
}

export interface XapiDocumentsTable {
  organisation_code: string;
  /** 'state' | 'activity-profile' | 'agent-profile' */
  kind: string;
  scope: string;
  document_id: string;
  content_type: string;
  /** base64 of the document's bytes */
  content: string;
  /** SHA-1 hex of the bytes, the ETag */
  etag: string;
  updated: Timestamp;
}

export interface XapiAttachmentsTable {
  sha2: string;
  content_type: string;
  /** base64 of the bytes */
  content: string;
}

export interface XapiTables {
  xapi_activities: XapiActivitiesTable;
  xapi_read_grants: XapiReadGrantsTable;
  xapi_attachments: XapiAttachmentsTable;
  xapi_documents: XapiDocumentsTable;
  xapi_clients: XapiClientsTable;
  xapi_statements: XapiStatementsTable;
  xapi_statement_links: XapiStatementLinksTable;
  xapi_progress: XapiProgressTable;
}
