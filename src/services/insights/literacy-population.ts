// The people an insights view counts, each with their literacy level, their
// staff group's target and their required-learning compliance, worked out by
// the same rules as the learner's own pages (domain/learning) from the facts
// the insights store reads. The route chooses the population (the reader's
// scope); this never widens it.

import { DEFAULT_REQUIRED_LEVEL, requiredModulesFor, type CalendarDate } from '../../domain/learning/index.js';
import { complianceOf, literacyLevelOf, type LiteracyPerson } from '../../domain/insights/index.js';
import { STAFF_GROUPS } from '../../domain/staff/index.js';
import type { InsightsPopulation, InsightsStore } from '../../db/stores/insights-store.js';
import { eventIdOfTarget, type RequirementStore } from '../../db/stores/requirement-store.js';
import type { ContentLibrary } from '../learning/content-library.js';
import { today } from '../learning/required-learning.js';

export interface PopulationSources {
  readonly insights: InsightsStore;
  readonly requirements: RequirementStore;
  readonly library: ContentLibrary;
}

const targetOf = new Map(STAFF_GROUPS.map((g) => [g.code, DEFAULT_REQUIRED_LEVEL[g.name.en] ?? null]));

export async function literacyPopulation(sources: PopulationSources, population: InsightsPopulation, on: CalendarDate = today()): Promise<LiteracyPerson[]> {
  const offered = sources.library.modules.map((m) => ({ id: m.manifest.id, level: m.manifest.level }));
  // A requirement may name a published event (issue 16): attending it counts as completing it.
  const offeredIds = new Set([...offered.map((m) => m.id), ...(await sources.requirements.eventTargets()).map((e) => e.id)]);
  const [staff, completions, credits] = await Promise.all([sources.insights.activeStaff(population), sources.insights.completionTimes(population), sources.insights.fundedCredits(population)]);
  const completed = completions.first;
  const organisations = [...new Set(staff.map((s) => s.organisationCode))];
  const requirements = organisations.length === 0 ? [] : (await sources.requirements.list(organisations)).filter((r) => offeredIds.has(r.moduleId));
  const anyEvent = requirements.some((r) => eventIdOfTarget(r.moduleId) !== null);
  const attended = anyEvent ? await sources.requirements.attendanceByStaff(staff.map((s) => s.id)) : new Map<string, Map<string, Date>>();
  // Refresher periods count from the latest completion or attendance.
  const attendedLatest = anyEvent ? await sources.requirements.attendanceByStaff(staff.map((s) => s.id), 'latest') : new Map<string, Map<string, Date>>();
  const none = new Map<string, Date>();
  return staff.map((s): LiteracyPerson => {
    const modules = completed.get(s.id) ?? none;
    const events = attended.get(s.id);
    const mine = events === undefined ? modules : new Map([...modules, ...events]);
    const latestModules = completions.latest.get(s.id) ?? none;
    const latestEvents = attendedLatest.get(s.id);
    const mineLatest = latestEvents === undefined ? latestModules : new Map([...latestModules, ...latestEvents]);
    return {
      organisationCode: s.organisationCode, staffGroupCode: s.staffGroupCode, bandCode: s.bandCode, jobRole: s.jobRole, ageBand: s.ageBand,
      level: literacyLevelOf(new Set(mine.keys()), offered, credits.get(s.id) ?? []),
      target: targetOf.get(s.staffGroupCode) ?? null,
      compliance: complianceOf(requiredModulesFor(s, requirements, mine, on, mineLatest).map((r) => r.status)),
    };
  });
}
