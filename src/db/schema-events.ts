// Row types of events, their sessions and bookings (migration 0022).

import type { Bool, Timestamp } from './schema.js';

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
}

export interface EventTables {
  events: EventsTable;
  event_sessions: EventSessionsTable;
  event_bookings: EventBookingsTable;
}
