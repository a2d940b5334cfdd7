// Keeping the insights aggregates (db/stores/insights-aggregate-store.ts) in
// step with the records: each person's facts are worked out by the same rules
// as the direct count (literacy-population.ts), from their staff record,
// completions, funded modules completed, events attended (for requirements
// naming a published event, issue 16) and their organisation's requirements.
// A completion updates its learner in the same transaction (refreshStaff), as
// do a funded outcome and an attendance mark of a required event; the
// insights-refresh job catches everything else within a minute (staff imports,
// requirement changes, a required event published or cancelled, a new day
// turning due into overdue); rebuild recomputes everything.

import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { staffFactsOf, type StaffFacts } from '../../domain/insights/index.js';
import type { CalendarDate, LearningModule, LiteracyLevelCode } from '../../domain/learning/index.js';
import type { Database } from '../../db/schema.js';
import { InsightsAggregateStore, type MonthTally } from '../../db/stores/insights-aggregate-store.js';
import { InsightsStore, type InsightsPopulation } from '../../db/stores/insights-store.js';
import { RequirementStore, eventIdOfTarget, eventTargetOf } from '../../db/stores/requirement-store.js';
import { today } from '../learning/required-learning.js';

export type OfferedModules = readonly { readonly id: string; readonly level: LiteracyLevelCode }[];

export const INSIGHTS_REFRESH_JOB = 'insights-refresh';

/** The modules offered, as the literacy rules need them. */
export function offeredOf(modules: readonly LearningModule[]): OfferedModules {
  return modules.map((m) => ({ id: m.manifest.id, level: m.manifest.level }));
}

/**
 * The facts of the active staff in a population, as of a day. Requirements
 * count while what they name is offered: a module of the library, or a
 * published event (issue 16; a draft or cancelled one is left out, as the team
 * page leaves it out), met by attending any of its sessions.
 */
export async function staffFacts(db: Kysely<Database>, offered: OfferedModules, population: InsightsPopulation, on: CalendarDate): Promise<StaffFacts[]> {
  const insights = InsightsStore.create(db);
  const requirementStore = RequirementStore.create(db);
  const [staff, completed, credits] = await Promise.all([insights.activeStaff(population), insights.completionTimes(population), insights.fundedCredits(population)]);
  const organisations = [...new Set(staff.map((s) => s.organisationCode))];
  const listed = organisations.length === 0 ? [] : await requirementStore.list(organisations);
  const named = [...new Set(listed.flatMap((r) => { const id = eventIdOfTarget(r.moduleId); return id === null ? [] : [id]; }))];
  const published = named.length === 0 ? [] : await requirementStore.publishedEvents(named);
  const offeredIds = new Set([...offered.map((m) => m.id), ...published.map(eventTargetOf)]);
  const requirements = listed.filter((r) => offeredIds.has(r.moduleId));
  const attended = published.length === 0 ? { first: new Map<string, Map<string, Date>>(), latest: new Map<string, Map<string, Date>>() } : await insights.attendedEvents(population, published);
  const none = new Map<string, Date>();
  return staff.map((s) => staffFactsOf(s, completed.first.get(s.id) ?? none, offered, requirements, on, credits.get(s.id) ?? [], attended.first.get(s.id) ?? none, {
    completedAt: completed.latest.get(s.id) ?? none, attendedAt: attended.latest.get(s.id) ?? none,
  }));
}

/** Bring these people's kept facts up to date; `db` may be the transaction that changed their records. */
export async function refreshStaff(db: Kysely<Database>, offered: OfferedModules, staffIds: readonly string[], on: CalendarDate = today()): Promise<void> {
  if (staffIds.length === 0) return;
  const facts = await staffFacts(db, offered, { staffIds }, on);
  const counted = new Set(facts.map((f) => f.staffId));
  await InsightsAggregateStore.create(db).apply(facts, staffIds.filter((id) => !counted.has(id)));
}

/**
 * What the requirements are: each one's revision, and which of the events
 * they name are published (publishing or cancelling a required event changes
 * who is counted as due, so the job's next pass counts everyone again).
 */
async function requirementsFingerprint(db: Kysely<Database>): Promise<string> {
  const rows = await db.selectFrom('learning_requirements').select(['id', 'revision', 'module_id']).orderBy('id').execute();
  const named = [...new Set(rows.flatMap((r) => { const id = eventIdOfTarget(r.module_id); return id === null ? [] : [id]; }))];
  const published = await RequirementStore.create(db).publishedEvents(named);
  const text = rows.map((r) => `${r.id}:${String(r.revision)}`).join(',') + (published.length === 0 ? '' : `|published:${published.join(',')}`);
  return createHash('sha256').update(text).digest('hex');
}

async function activeOrganisations(db: Kysely<Database>): Promise<string[]> {
  return (await db.selectFrom('staff').select('organisation_code').distinct().where('active', '=', true).orderBy('organisation_code').execute()).map((r) => r.organisation_code);
}

/**
 * Recompute every kept fact, cell and monthly count from scratch, in one
 * transaction, one organisation at a time (memory is bounded by the largest
 * organisation, not all Wales). Returns the people counted.
 */
export async function rebuildInsights(db: Kysely<Database>, offered: OfferedModules, now: Date = new Date()): Promise<number> {
  const on = today(now);
  return db.transaction().execute(async (trx) => {
    const store = InsightsAggregateStore.create(trx);
    await store.lockForRecount();
    await store.clearAll();
    const months: MonthTally = new Map();
    let counted = 0;
    for (const organisation of await activeOrganisations(trx)) {
      const facts = await staffFacts(trx, offered, { organisations: [organisation] }, on);
      await store.insertFacts(facts, months);
      counted += facts.length;
    }
    await store.finishRebuild(months);
    await store.setRefreshState(now, on, await requirementsFingerprint(trx));
    return counted;
  });
}

/**
 * The job's pass: on a new day or after a requirement changed, everyone
 * (compliance moves with the date and the requirements); otherwise the people
 * whose staff record changed or who completed something since the last pass,
 * and anyone kept who is no longer active.
 */
export async function refreshInsights(db: Kysely<Database>, offered: OfferedModules, now: Date = new Date()): Promise<{ scope: 'all' | 'changed'; people: number }> {
  const on = today(now);
  const store = InsightsAggregateStore.create(db);
  const [state, fingerprint] = await Promise.all([store.refreshState(), requirementsFingerprint(db)]);
  if (state === undefined || state.refreshedOn !== on || state.requirementsFingerprint !== fingerprint) {
    // One organisation at a time (bounded memory), all in one transaction.
    return db.transaction().execute(async (trx) => {
      const kept = InsightsAggregateStore.create(trx);
      await kept.lockForRecount();
      const counted = new Set<string>();
      for (const organisation of await activeOrganisations(trx)) {
        const facts = await staffFacts(trx, offered, { organisations: [organisation] }, on);
        for (const f of facts) counted.add(f.staffId);
        await kept.apply(facts);
      }
      await kept.apply([], (await kept.keptStaffIds()).filter((id) => !counted.has(id)));
      await kept.setRefreshState(now, on, fingerprint);
      return { scope: 'all' as const, people: counted.size };
    });
  }
  // A little overlap: a change committed just before the last pass started is looked at again (apply is idempotent).
  const since = new Date(state.refreshedAt.getTime() - 60_000);
  const changedStaff = await db.selectFrom('staff').select('id').where('updated_at', '>', since).execute();
  const completed = await db.selectFrom('module_completions').innerJoin('users', 'users.id', 'module_completions.user_id')
    .select('users.staff_id as staffId').where('module_completions.completed_at', '>', since).where('users.staff_id', 'is not', null).execute();
  // A funded outcome recorded or corrected (also moved in its own transaction; this catches a failed one).
  const funded = await db.selectFrom('funded_applications').innerJoin('users', 'users.id', 'funded_applications.user_id')
    .select('users.staff_id as staffId').where('funded_applications.outcome_at', '>', since).where('users.staff_id', 'is not', null).execute();
  const ids = [...new Set([...changedStaff.map((r) => r.id), ...[...completed, ...funded].flatMap((r) => (r.staffId === null ? [] : [r.staffId]))])];
  await db.transaction().execute(async (trx) => {
    await refreshStaff(trx, offered, ids, on);
    await InsightsAggregateStore.create(trx).setRefreshState(now, on, fingerprint);
  });
  return { scope: 'changed', people: ids.length };
}
