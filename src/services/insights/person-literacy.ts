// One person's literacy level and the competencies their learning covers, for
// the pages that show people (My learning, a manager's team): the same rule as
// the insights aggregates (personLiteracy and literacyLevelOf in
// domain/insights), from Genomeg module completions and funded university
// modules completed with credits. It never decides who may see whom.

import type { Kysely } from 'kysely';
import { personLiteracy, type PersonLiteracy } from '../../domain/insights/index.js';
import type { Database } from '../../db/schema.js';
import { InsightsStore, fundedLevel } from '../../db/stores/insights-store.js';
import type { FundedModule } from '../../db/stores/funded-store.js';
import type { ContentLibrary } from '../learning/content-library.js';
import type { LiteracyLevelCode } from '../../domain/learning/index.js';

/** The modules offered with their level and competencies. */
export function offeredWithCompetencies(library: Pick<ContentLibrary, 'modules'>): { id: string; level: LiteracyLevelCode; competencies: readonly string[] }[] {
  return library.modules.map((m) => ({ id: m.manifest.id, level: m.manifest.level, competencies: m.manifest.competencies }));
}

/** A learner's own standing: from their completed module ids and their funded modules with an outcome. */
export function learnerLiteracy(
  library: Pick<ContentLibrary, 'modules'>, completedModuleIds: Iterable<string>,
  funded: readonly { readonly module: FundedModule; readonly application: { readonly outcome: string | null } }[],
): PersonLiteracy {
  const completedFunded = funded.filter((f) => f.application.outcome === 'completed')
    .map((f) => ({ level: fundedLevel(f.module.literacyLevel), competencies: f.module.competencies }));
  return personLiteracy(new Set(completedModuleIds), offeredWithCompetencies(library), completedFunded);
}

/** Each of these staff's standing, given their module completions by staff id (as requiredByStaff returns them). */
export async function staffLiteracy(
  db: Kysely<Database>, library: Pick<ContentLibrary, 'modules'>, staffIds: readonly string[], completed: ReadonlyMap<string, ReadonlyMap<string, Date>>,
): Promise<Map<string, PersonLiteracy>> {
  const out = new Map<string, PersonLiteracy>();
  if (staffIds.length === 0) return out;
  const funded = await InsightsStore.create(db).fundedCompletions({ staffIds });
  const offered = offeredWithCompetencies(library);
  for (const id of staffIds) out.set(id, personLiteracy(new Set(completed.get(id)?.keys() ?? []), offered, funded.get(id) ?? []));
  return out;
}
