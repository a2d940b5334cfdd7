// Row types of background jobs and email (migration 0016).

import type { ColumnType } from 'kysely';
import type { NullableTimestamp, Timestamp } from './schema.js';

export interface BackgroundJobsTable {
  id: string;
  queue: string;
  data: string;
  state: string;
  retry_limit: number;
  retry_count: number;
  retry_delay_seconds: number;
  expire_seconds: number;
  start_after: Timestamp;
  started_at: NullableTimestamp;
  completed_at: NullableTimestamp;
  locked_by: string | null;
  locked_until: NullableTimestamp;
  output: string | null;
  created_at: Timestamp;
}

export interface JobScheduleSlotsTable {
  name: string;
  slot: string;
  job_id: string | null;
  created_at: Timestamp;
}

export interface EmailMessagesTable {
  id: string;
  template: string;
  recipient: string;
  user_id: string | null;
  language: string;
  subject: string;
  text_body: string;
  html_body: string;
  status: string;
  attempts: number;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: NullableTimestamp;
  /** JSON [{ filename, contentType, content }] (migration 0022), or null. */
  attachments: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface EmailFailedAddressesTable {
  address: string;
  reason: string;
  message_id: string | null;
  failed_at: Timestamp;
}

export interface SentRemindersTable {
  user_id: string;
  module_id: string;
  due_date: string;
  kind: string;
  message_id: string | null;
  sent_at: Timestamp;
}

export interface JobTables {
  sent_reminders: SentRemindersTable;
  background_jobs: BackgroundJobsTable;
  job_schedule_slots: JobScheduleSlotsTable;
  email_messages: EmailMessagesTable;
  email_failed_addresses: EmailFailedAddressesTable;
}
