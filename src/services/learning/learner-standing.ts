// Where a learner stands: their place in each module, what they have
// completed, what their staff group is expected to reach and what their
// organisation requires of them. Gathered once for the catalogue and the home
// page, so both say the same thing about the same person.

import { DEFAULT_REQUIRED_LEVEL, type LiteracyLevelCode } from '../../domain/learning/index.js';
import { STAFF_GROUPS, type StaffGroupRef } from '../../domain/staff/index.js';
import type { AssessmentStore, Completion } from '../../db/stores/assessment-store.js';
import type { ModuleProgress, ProgressStore } from '../../db/stores/progress-store.js';
import type { RequirementStore } from '../../db/stores/requirement-store.js';
import type { StaffMember, StaffStore } from '../../db/stores/staff-store.js';
import type { ContentLibrary } from './content-library.js';
import { requiredLearningOf, type RequiredModuleView } from './required-learning.js';

export interface LearnerStanding {
  readonly staff: StaffMember | undefined;
  readonly staffGroup: StaffGroupRef | undefined;
  /** The literacy level their staff group is expected to reach, if their account is linked to an ESR record. */
  readonly requiredLevel: LiteracyLevelCode | null;
  readonly progress: readonly ModuleProgress[];
  /** Newest first. */
  readonly completions: readonly Completion[];
  /** What their organisation requires of them, overdue first. */
  readonly required: readonly RequiredModuleView[];
}

export interface StandingSources {
  readonly staff: StaffStore;
  readonly progress: ProgressStore;
  readonly attempts: AssessmentStore;
  readonly requirements: RequirementStore;
  readonly library: ContentLibrary;
}

export async function learnerStanding(sources: StandingSources, user: { readonly id: string; readonly staffId: string | null }): Promise<LearnerStanding> {
  const staff = user.staffId === null ? undefined : await sources.staff.findById(user.staffId);
  const staffGroup = staff === undefined ? undefined : STAFF_GROUPS.find((g) => g.code === staff.staffGroupCode);
  const requiredLevel = staffGroup === undefined ? null : DEFAULT_REQUIRED_LEVEL[staffGroup.name.en] ?? null;
  const [progress, completions] = await Promise.all([sources.progress.listFor(user.id), sources.attempts.completionsFor(user.id)]);
  const required = await requiredLearningOf({ requirements: sources.requirements, library: sources.library }, staff, completions);
  return { staff, staffGroup, requiredLevel, progress, completions, required };
}
