// Confidence self-ratings (migration 0029): a learner's ratings are written
// with their xAPI statements in one transaction (the statements are the
// record, the rows the latest rating per competency and phase), and read back
// as facts for /insights/confidence: active staff only, with their staff group,
// never a name.

import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { Learner } from '../../domain/xapi/index.js';
import { isPhase, isSegment, type ConfidenceFact, type Phase, type Segment } from '../../domain/confidence/index.js';
import { recordLearningWithin } from '../../services/xapi/record.js';

export type ConfidencePopulation = { readonly organisations: 'all' | readonly string[] } | { readonly staffIds: readonly string[] };

export interface Rating { readonly competencyId: string; readonly segment: Segment }

const CHUNK = 500;

export class ConfidenceStore {
  private constructor(private readonly db: Kysely<Database>) {}

  static create(db: Kysely<Database>): ConfidenceStore {
    return new ConfidenceStore(db);
  }

  /** Stores the ratings (replacing earlier ones of the same competency and phase) and their statements together. */
  async rate(learner: Learner, moduleId: string, phase: Phase, ratings: readonly Rating[], at: Date = new Date()): Promise<void> {
    if (ratings.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const r of ratings) {
        await trx.insertInto('confidence_ratings')
          .values({ user_id: learner.userId, module_id: moduleId, competency_id: r.competencyId, phase, segment: r.segment, rated_at: at })
          .onConflict((oc) => oc.columns(['user_id', 'module_id', 'competency_id', 'phase']).doUpdateSet({ segment: r.segment, rated_at: at }))
          .execute();
      }
      await recordLearningWithin(trx, learner, ratings.map((r) => ({ kind: 'confidence-rated' as const, moduleId, competencyId: r.competencyId, phase, segment: r.segment })), at);
    });
  }

  /** A learner's own latest ratings of a module in a phase, by competency. */
  async mine(userId: string, moduleId: string, phase: Phase): Promise<Map<string, Segment>> {
    const rows = await this.db.selectFrom('confidence_ratings').select(['competency_id', 'segment'])
      .where('user_id', '=', userId).where('module_id', '=', moduleId).where('phase', '=', phase).execute();
    return new Map(rows.flatMap((r) => (isSegment(r.segment) ? [[r.competency_id, r.segment] as const] : [])));
  }

  /** Every rating by active staff in the population, with their staff group. */
  async facts(population: ConfidencePopulation): Promise<ConfidenceFact[]> {
    const base = this.db.selectFrom('confidence_ratings')
      .innerJoin('users', 'users.id', 'confidence_ratings.user_id')
      .innerJoin('staff', 'staff.id', 'users.staff_id')
      .select(['confidence_ratings.module_id as moduleId', 'confidence_ratings.competency_id as competencyId', 'confidence_ratings.phase as phase', 'confidence_ratings.segment as segment', 'staff.staff_group_code as staffGroupCode'])
      .where('staff.active', '=', true);
    const rows = 'staffIds' in population
      ? (await Promise.all(chunks(population.staffIds).map((ids) => base.where('staff.id', 'in', ids).execute()))).flat()
      : population.organisations === 'all' ? await base.execute()
        : await base.where('staff.organisation_code', 'in', population.organisations.length > 0 ? [...population.organisations] : ['']).execute();
    return rows.flatMap((r) => (isPhase(r.phase) && isSegment(r.segment)
      ? [{ moduleId: r.moduleId, competencyId: r.competencyId, staffGroupCode: r.staffGroupCode, phase: r.phase, segment: r.segment }] : []));
  }
}

function chunks(ids: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(ids.slice(i, i + CHUNK));
  return out;
}
