// Which competencies a person's learning covers, from what they have done:
// modules completed (the module's competencies in its manifest) and events
// attended (the event's competencies, set by the education lead). Both pages
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
export async function competenciesCoveredBy(db: Kysely<Database>, library: ContentLibrary, targets: Iterable<string>): Promise<CoveredCompetency[]> {
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
  return competenciesCovered(done);
}
