// The competencies a person's learning covers: every competency of the
// framework that a module they completed or an event they attended names
// (issue 16: attending counts toward the event's competencies as completing a
// module does), and a funded university module completed with credits (issue 17). One rule for both, and for every page that shows it (My
// learning, a line manager's page for a member of their team). Pure: takes the
// activities done, returns the framework's competencies in framework order,
// each with what covered it. Ids the framework lacks are left out.

import { COMPETENCIES, type Competency } from './competency-framework.js';
import type { LocalisedText } from './content-schema.js';

/** A module completed, an event attended or a funded university module completed with credits, with the competencies it names. */
export interface CoveringActivity {
  readonly kind: 'module' | 'event' | 'funded';
  readonly id: string;
  readonly title: LocalisedText;
  readonly competencies: readonly string[];
}

export interface CoveredCompetency {
  readonly competency: Competency;
  /** What covered it, modules first, then university modules, then events, each once, in the order given. */
  readonly by: readonly CoveringActivity[];
}

export function competenciesCovered(done: readonly CoveringActivity[]): CoveredCompetency[] {
  const ordered = [...done.filter((a) => a.kind === 'module'), ...done.filter((a) => a.kind === 'funded'), ...done.filter((a) => a.kind === 'event')];
  return COMPETENCIES.flatMap((competency) => {
    const seen = new Set<string>();
    const by = ordered.filter((a) => {
      const key = `${a.kind}:${a.id}`;
      if (seen.has(key) || !a.competencies.includes(competency.id)) return false;
      seen.add(key);
      return true;
    });
    return by.length === 0 ? [] : [{ competency, by }];
  });
}
