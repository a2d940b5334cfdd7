// The confidence self-rating projection (migration 0029).

import type { Timestamp } from './schema.js';

export interface ConfidenceRatingsTable {
  user_id: string;
  module_id: string;
  competency_id: string;
  phase: string;
  segment: string;
  rated_at: Timestamp;
}

export interface ConfidenceTables {
  confidence_ratings: ConfidenceRatingsTable;
}
