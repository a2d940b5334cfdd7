// A pipeline's pool of possible trainees taken from insights, for the
// planner's scope (all Wales): the kept insights cells of today, counted by
// src/domain/workforce/trainee-pool.ts (practitioner level and above, job
// roles feeding the role, small numbers suppressed). Never returns a name.

import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { InsightsAggregateStore } from '../../db/stores/insights-aggregate-store.js';
import { traineePoolOf, type TraineePool } from '../../domain/workforce/trainee-pool.js';
import { today } from '../learning/required-learning.js';

export type TraineePoolFigure = TraineePool & {
  /** The day the count is as at (the kept cells are today's), YYYY-MM-DD. */
  readonly asAt: string;
};

export async function traineePoolFromInsights(db: Kysely<Database>, role: string, now: Date = new Date()): Promise<TraineePoolFigure> {
  // By job role: the cells keep organisation and staff group too, summed away over the band and age band.
  const cells = await InsightsAggregateStore.create(db).cells({ organisations: 'all' }, {}, 'jobRole');
  return { ...traineePoolOf(cells, role), asAt: today(now) };
}
