// What a member of staff must learn for their organisation, and what is
// overdue: for a learner (through the staff record their account is linked
// to) and for a line manager's team. Requirements for a module that is no
// longer offered are left out: nobody can be overdue on what they cannot take.

import { calendarDateIn, requiredModulesFor, overdueCount, type CalendarDate, type LearningModule, type RequiredModule } from '../../domain/learning/index.js';
import type { RequirementStore } from '../../db/stores/requirement-store.js';
import type { StaffMember } from '../../db/stores/staff-store.js';
import type { Completion } from '../../db/stores/assessment-store.js';
import type { ContentLibrary } from './content-library.js';

export interface RequiredModuleView extends RequiredModule {
  readonly module: LearningModule;
}

/** The first completion of each module, whichever version. */
export function firstCompletions(completions: readonly Pick<Completion, 'moduleId' | 'completedAt'>[]): Map<string, Date> {
  const out = new Map<string, Date>();
  for (const c of completions) {
    const earlier = out.get(c.moduleId);
    if (earlier === undefined || c.completedAt < earlier) out.set(c.moduleId, c.completedAt);
  }
  return out;
}

/** The latest completion of each module (refresher periods count from it). */
export function latestCompletions(completions: readonly Pick<Completion, 'moduleId' | 'completedAt'>[]): Map<string, Date> {
  const out = new Map<string, Date>();
  for (const c of completions) {
    const later = out.get(c.moduleId);
    if (later === undefined || c.completedAt > later) out.set(c.moduleId, c.completedAt);
  }
  return out;
}

export function today(now: Date = new Date()): CalendarDate {
  return calendarDateIn(now);
}

/** A learner's required modules (their staff record's organisation and staff group), overdue first. */
export async function requiredLearningOf(
  deps: { readonly requirements: RequirementStore; readonly library: ContentLibrary },
  staff: StaffMember | undefined,
  completions: readonly Pick<Completion, 'moduleId' | 'completedAt'>[],
  on: CalendarDate = today(),
): Promise<RequiredModuleView[]> {
  if (staff?.active !== true) return [];
  const offered = new Map(deps.library.modules.map((m) => [m.manifest.id, m]));
  const requirements = (await deps.requirements.list([staff.organisationCode])).filter((r) => offered.has(r.moduleId));
  return requiredModulesFor(staff, requirements, firstCompletions(completions), on, latestCompletions(completions))
    .flatMap((r) => {
      const module = offered.get(r.moduleId);
      return module === undefined ? [] : [{ ...r, module }];
    });
}

/** Each of these staff's required modules (see requiredModulesFor), by staff id, and each one's completed modules. */
export async function requiredByStaff(
  deps: { readonly requirements: RequirementStore; readonly library: ContentLibrary },
  staff: readonly StaffMember[],
  on: CalendarDate = today(),
): Promise<{ required: Map<string, RequiredModule[]>; completed: Map<string, Map<string, Date>> }> {
  const required = new Map<string, RequiredModule[]>();
  if (staff.length === 0) return { required, completed: new Map() };
  const offered = new Set(deps.library.modules.map((m) => m.manifest.id));
  const organisations = [...new Set(staff.map((s) => s.organisationCode))];
  const requirements = (await deps.requirements.list(organisations)).filter((r) => offered.has(r.moduleId));
  const completed = await deps.requirements.completionsByStaff(staff.map((s) => s.id));
  for (const person of staff) {
    required.set(person.id, requiredModulesFor(person, requirements, completed.get(person.id) ?? new Map<string, Date>(), on));
  }
  return { required, completed };
}

/** How many required modules each of these staff has overdue, by staff id. */
export async function overdueByStaff(
  deps: { readonly requirements: RequirementStore; readonly library: ContentLibrary },
  staff: readonly StaffMember[],
  on: CalendarDate = today(),
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (staff.length === 0) return out;
  const offered = new Set(deps.library.modules.map((m) => m.manifest.id));
  const organisations = [...new Set(staff.map((s) => s.organisationCode))];
  const requirements = (await deps.requirements.list(organisations)).filter((r) => offered.has(r.moduleId));
  const completions = requirements.length === 0 ? new Map<string, Map<string, Date>>() : await deps.requirements.completionsByStaff(staff.map((s) => s.id));
  // Refresher periods count from the latest completion.
  const latest = requirements.some((r) => (r.refresherYears ?? null) !== null) ? await deps.requirements.completionsByStaff(staff.map((s) => s.id), 'latest') : completions;
  for (const person of staff) {
    const first = completions.get(person.id) ?? new Map<string, Date>();
    out.set(person.id, overdueCount(requiredModulesFor(person, requirements, first, on, latest.get(person.id) ?? first)));
  }
  return out;
}
