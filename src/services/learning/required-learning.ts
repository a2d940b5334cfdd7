// What a member of staff must learn for their organisation, and what is
// overdue: for a learner (through the staff record their account is linked
// to) and for a line manager's team. Requirements for a module that is no
// longer offered are left out: nobody can be overdue on what they cannot take.
// A requirement may name an event instead of a module (issue 16): it is
// offered while the event is published, and met by attending a session of it
// (the session's date is the completion date; refresher periods count from it).

import { calendarDateIn, requiredModulesFor, overdueCount, type CalendarDate, type LearningModule, type RequiredModule } from '../../domain/learning/index.js';
import { eventIdOfTarget, type RequirementStore } from '../../db/stores/requirement-store.js';
import type { StaffMember } from '../../db/stores/staff-store.js';
import type { Completion } from '../../db/stores/assessment-store.js';
import type { ContentLibrary } from './content-library.js';

/** What a requirement names, as a learner sees it. */
export interface RequiredTarget {
  readonly kind: 'module' | 'event';
  readonly title: { readonly en: string; readonly cy: string };
  /** Where to take it: the module's page or the event's. */
  readonly path: string;
  /** The module, for a module. */
  readonly module?: LearningModule;
}

export interface RequiredModuleView extends RequiredModule, RequiredTarget {}

type TargetDeps = { readonly requirements: RequirementStore; readonly library: ContentLibrary };

/** Everything a requirement may name today: the library's modules and the published events, by target id. */
export async function offeredTargets(deps: TargetDeps): Promise<Map<string, RequiredTarget>> {
  const out = new Map<string, RequiredTarget>();
  for (const module of deps.library.modules) {
    out.set(module.manifest.id, { kind: 'module', title: module.manifest.title, path: `/learn/${module.manifest.slug}`, module });
  }
  for (const event of await deps.requirements.eventTargets()) {
    out.set(event.id, { kind: 'event', title: event.title, path: `/events/${encodeURIComponent(event.eventId)}` });
  }
  return out;
}

/** Whether a requirement's target is an event (rather than a module). */
export function isEventTarget(target: string): boolean {
  return eventIdOfTarget(target) !== null;
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

/** The latest completion of each module, a version passed again included (refresher periods count from it). */
export function latestCompletions(completions: readonly (Pick<Completion, 'moduleId' | 'completedAt'> & { readonly latestAt?: Date })[]): Map<string, Date> {
  const out = new Map<string, Date>();
  for (const c of completions) {
    const at = c.latestAt ?? c.completedAt;
    const later = out.get(c.moduleId);
    if (later === undefined || at > later) out.set(c.moduleId, at);
  }
  return out;
}

export function today(now: Date = new Date()): CalendarDate {
  return calendarDateIn(now);
}

/** A learner's required modules (their staff record's organisation and staff group), overdue first. */
export async function requiredLearningOf(
  deps: TargetDeps,
  staff: StaffMember | undefined,
  completions: readonly (Pick<Completion, 'moduleId' | 'completedAt'> & { readonly latestAt?: Date })[],
  on: CalendarDate = today(),
): Promise<RequiredModuleView[]> {
  if (staff?.active !== true) return [];
  const offered = await offeredTargets(deps);
  const requirements = (await deps.requirements.list([staff.organisationCode])).filter((r) => offered.has(r.moduleId));
  const first = firstCompletions(completions);
  const latest = latestCompletions(completions);
  if (requirements.some((r) => isEventTarget(r.moduleId))) {
    // Events attended count as completions of the event target.
    const [attendedFirst, attendedLatest] = await Promise.all([deps.requirements.attendanceByStaff([staff.id], 'first'), deps.requirements.attendanceByStaff([staff.id], 'latest')]);
    for (const [target, at] of attendedFirst.get(staff.id) ?? []) first.set(target, at);
    for (const [target, at] of attendedLatest.get(staff.id) ?? []) latest.set(target, at);
  }
  return requiredModulesFor(staff, requirements, first, on, latest)
    .flatMap((r) => {
      const target = offered.get(r.moduleId);
      return target === undefined ? [] : [{ ...r, ...target }];
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
  const offered = await offeredTargets(deps);
  const organisations = [...new Set(staff.map((s) => s.organisationCode))];
  const requirements = (await deps.requirements.list(organisations)).filter((r) => offered.has(r.moduleId));
  const completed = await deps.requirements.completionsByStaff(staff.map((s) => s.id));
  // Refresher periods count from the latest completion.
  const latest = requirements.some((r) => (r.refresherYears ?? null) !== null) ? await deps.requirements.completionsByStaff(staff.map((s) => s.id), 'latest') : completed;
  for (const person of staff) {
    const first = completed.get(person.id) ?? new Map<string, Date>();
    required.set(person.id, requiredModulesFor(person, requirements, first, on, latest.get(person.id) ?? first));
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
  const offered = await offeredTargets(deps);
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
