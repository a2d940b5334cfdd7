// Row types of attendance, attendance imports, event resources and feedback (migration 0025).

import type { Bool, Timestamp } from './schema.js';

export interface EventAttendanceTable {
  booking_id: string;
  session_id: string;
  user_id: string;
  source: string;
  minutes: number | null;
  statement_id: string | null;
  marked_by: string | null;
  marked_at: Timestamp;
}

export interface EventAttendanceImportsTable {
  id: string;
  session_id: string;
  user_id: string;
  file_name: string;
  matches: string;
  created_at: Timestamp;
}

export interface EventResourcesTable {
  event_id: string;
  recording_url: string | null;
  slides_url: string | null;
  on_demand: Bool;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface EventFeedbackTable {
  id: string;
  event_id: string;
  user_id: string;
  rating: number;
  useful: string;
  language: string;
  created_at: Timestamp;
}

export interface EventAttendanceTables {
  event_attendance: EventAttendanceTable;
  event_attendance_imports: EventAttendanceImportsTable;
  event_resources: EventResourcesTable;
  event_feedback: EventFeedbackTable;
}
