// Row types of events, their sessions and bookings (migration 0022).

import type { ColumnType, Generated } from 'kysely';
import type { Bool, NullableTimestamp, Timestamp } from './schema.js';

export interface EventsTable {
  id: string;
  title_en: string;
  title_cy: string;
  summary_en: string;
  summary_cy: string;
  description_en: string;
  description_cy: string;
  topic: string;
  cpd_hours: number;
  status: string;
  illustrative: Bool;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** JSON arrays (migration 0024). */
  audience_staff_groups: Generated<string>;
  literacy_level: string | null;
  competencies: Generated<string>;
  modules_before: Generated<string>;
  modules_after: Generated<string>;
  approval_required: ColumnType<boolean | number, boolean | undefined, boolean>;
}

export interface EventSessionsTable {
  id: string;
  event_id: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  delivery: string;
  join_url: string | null;
  venue_name: string | null;
  venue_address_en: string | null;
  venue_address_cy: string | null;
  capacity: number;
  booking_opens_at: Timestamp;
  booking_closes_at: Timestamp;
  language: string;
  next_position: number;
}

export interface EventBookingsTable {
  id: string;
  session_id: string;
  user_id: string;
  status: string;
  position: number;
  created_at: Timestamp;
  updated_at: Timestamp;
  offer_expires_at: NullableTimestamp;
  organisation_code: string | null;
  decision_reason: string | null;
  calendar_sequence: Generated<number>;
}

export interface EventFacilitatorsTable {
  event_id: string;
  account_id: string;
}

export interface EventSessionQuotasTable {
  session_id: string;
  organisation_code: string;
  places: number;
  reserved_until: Timestamp;
}

export interface EventRemindersSentTable {
  booking_id: string;
  days_before: number;
  session_starts_at: Timestamp;
  sent_at: Timestamp;
}

export interface EventTables {
  events: EventsTable;
  event_sessions: EventSessionsTable;
  event_bookings: EventBookingsTable;
  event_facilitators: EventFacilitatorsTable;
  event_session_quotas: EventSessionQuotasTable;
  event_reminders_sent: EventRemindersSentTable;
}
