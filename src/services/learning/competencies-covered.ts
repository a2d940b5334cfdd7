// Which competencies a person's learning covers, from what they have done:
// modules completed (the module's competencies in its manifest) and events
// attended (the event's competencies, set by the education lead), and funded
// university modules completed with credits (the module's mapping). Both pages
// that show it (My learning; a line manager's page for a team member) come
// through here, so an attended event counts exactly where a module does.

import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { EventAttendanceStore } from '../../db/stores/event-attendance-store.js';
import { eventIdOfTarget } from '../../db/stores/requirement-store.js';
import { competenciesCovered, type CoveredCompetency, type CoveringActivity } from '../../domain/learning/index.js';
import type { ContentLibrary } from './content-library.js';

/**
 * The competencies covered by these completed targets: module ids, or event
 * activity ids (eventTargetOf) for sessions attended, as
 * RequirementStore.completionsByStaff returns them.
 */
export async function competenciesCoveredBy(db: Kysely<Database>, library: ContentLibrary, targets: Iterable<string>, funded: readonly CoveringActivity[] = []): Promise<CoveredCompetency[]> {
  const modules = new Map(library.modules.map((m) => [m.manifest.id, m]));
  const done: CoveringActivity[] = [];
  const eventIds: string[] = [];
  for (const target of new Set(targets)) {
    const eventId = eventIdOfTarget(target);
    if (eventId !== null) { eventIds.push(eventId); continue; }
    const module = modules.get(target);
    if (module !== undefined) done.push({ kind: 'module', id: target, title: module.manifest.title, competencies: module.manifest.competencies });
  }
  if (eventIds.length > 0) {
    const events = await EventAttendanceStore.create(db).competenciesOf(eventIds);
    for (const id of eventIds) {
      const event = events.get(id);
      if (event !== undefined) done.push({ kind: 'event', id, title: event.title, competencies: event.competencies });
    }
  }
  return competenciesCovered([...done, ...funded]);
}

/** The funded university modules this account completed with credits (outcome "completed"), as covering activities. */
export async function fundedCoveringOf(db: Kysely<Database>, who: { readonly userId: string } | { readonly staffId: string }): Promise<CoveringActivity[]> {
  let query = db.selectFrom('funded_applications')
    .innerJoin('funded_intakes', 'funded_intakes.id', 'funded_applications.intake_id')
    .innerJoin('funded_modules', 'funded_modules.id', 'funded_intakes.module_id')
    .select(['funded_modules.id', 'funded_modules.title_en', 'funded_modules.title_cy', 'funded_modules.competencies'])
    .where('funded_applications.outcome', '=', 'completed');
  query = 'userId' in who ? query.where('funded_applications.user_id', '=', who.userId)
    : query.innerJoin('users', 'users.id', 'funded_applications.user_id').where('users.staff_id', '=', who.staffId);
  const rows = await query.orderBy('funded_modules.title_en').execute();
  return rows.map((r) => ({ kind: 'funded' as const, id: r.id, title: { en: r.title_en, cy: r.title_cy }, competencies: r.competencies === '' ? [] : r.competencies.split(',') }));
}
