// Row types for learning progress through modules.

import type { Timestamp } from './schema.js';

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

export interface LearningTables {
  module_progress: ModuleProgressTable;
}
