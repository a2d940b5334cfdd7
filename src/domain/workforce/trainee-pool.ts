// The pool of possible trainees of a training pipeline, from insights: active
// staff at practitioner level of genomic literacy and above whose job role
// feeds the pipeline's specialist role (FEEDERS below; the sources and the
// judgement behind each row are in docs/workforce-planning.md). Pure: takes
// the kept insights cells for all Wales and returns a published figure, with
// small numbers suppressed as insights publishes them (docs/insights.md). It
// never names a person and never decides who may ask.

import { levelRank, type LiteracyLevelCode } from '../learning/index.js';
import { THRESHOLD } from '../insights/index.js';
import { specialistRoleOf } from './staff-baseline.js';

/** The literacy levels that count: practitioner and above. */
export const POOL_FROM_LEVEL: LiteracyLevelCode = 'practitioner';

/** Who could start training for a specialist role: staff groups (ESR codes) and lower-case phrases of a job role title. */
export interface Feeder {
  /** Everyone in these staff groups (their job role title aside). */
  readonly staffGroups: readonly string[];
  /** A job role title containing one of these phrases (any staff group). */
  readonly jobRolePhrases: readonly string[];
}

/**
 * Specialist role id (as in the example scenarios and SPECIALIST_ROLE_KEYWORDS)
 * → the staff who feed its training. People whose own job role already maps to
 * the role (specialistRoleOf) are never in its pool.
 */
export const FEEDERS: Readonly<Record<string, Feeder>> = {
  // STP (genomics, bioinformatics): the in-service route for healthcare science staff (NSHCS).
  'clinical-scientist': { staffGroups: [], jobRolePhrases: ['genetic technologist', 'genomic technologist', 'healthcare science practitioner', 'biomedical scientist'] },
  'clinical-bioinformatician': { staffGroups: [], jobRolePhrases: ['genetic technologist', 'genomic technologist', 'healthcare science practitioner', 'biomedical scientist'] },
  // STP genomic counselling: many counsellors come from nursing and midwifery (Health Careers, AGNC); genomic associates and practitioners.
  'genetic-counsellor': { staffGroups: ['nursing-midwifery'], jobRolePhrases: ['genomic associate', 'genetic associate', 'genomic practitioner'] },
  // Clinical genetics ST3: after internal medicine training stage 1 or core paediatrics (JRCPTB person specification).
  'clinical-geneticist': { staffGroups: [], jobRolePhrases: ['core trainee', 'core training', 'internal medicine trainee', 'core medical trainee', 'paediatric trainee', 'specialty registrar in paediatrics'] },
  // Practitioner training (PTP, or apprenticeship in service): healthcare science support staff.
  'genetic-technologist': { staffGroups: [], jobRolePhrases: ['healthcare science assistant', 'healthcare science associate', 'medical laboratory assistant', 'associate practitioner'] },
  // Illustrative judgement: no national entry route published.
  'genomic-associate': { staffGroups: [], jobRolePhrases: ['healthcare support worker', 'assistant practitioner', 'healthcare science assistant'] },
  'genomic-practitioner': { staffGroups: ['nursing-midwifery'], jobRolePhrases: [] },
};

/** Whether a member of staff in this staff group and job role feeds training for `role`. */
export function feeds(role: string, staffGroupCode: string, jobRole: string): boolean {
  const feeder = FEEDERS[role];
  if (feeder === undefined) return false;
  if (specialistRoleOf(jobRole) === role) return false;
  const title = jobRole.toLowerCase();
  return feeder.staffGroups.includes(staffGroupCode) || feeder.jobRolePhrases.some((p) => title.includes(p));
}

/** One kept insights cell, as far as the pool needs it. */
export interface PoolCell {
  readonly staffGroupCode: string;
  readonly jobRole: string;
  readonly level: LiteracyLevelCode | null;
  readonly people: number;
}

/**
 * The published pool: a count of 5 or more (`shown`); `small` when fewer than
 * 5 (0 included); `withheld` when the count is 5 or more but, taken from the
 * job role × level counts insights publishes, would let a group of 1 to 4
 * people be worked out; `unmapped` when no staff are mapped to the role.
 */
export type TraineePool =
  | { readonly state: 'shown'; readonly count: number; readonly jobRoles: number }
  | { readonly state: 'small' | 'withheld' | 'unmapped' };

export function traineePoolOf(cells: readonly PoolCell[], role: string): TraineePool {
  if (FEEDERS[role] === undefined) return { state: 'unmapped' };
  const from = levelRank(POOL_FROM_LEVEL);
  // Wales-wide count per job role and level: the counts the insights job role table publishes.
  const parts = new Map<string, number>();
  for (const c of cells) {
    if (c.level === null || levelRank(c.level) < from || !feeds(role, c.staffGroupCode, c.jobRole)) continue;
    const key = `${c.jobRole}\u0001${c.level}`;
    parts.set(key, (parts.get(key) ?? 0) + c.people);
  }
  let count = 0, hidden = 0;
  for (const n of parts.values()) {
    count += n;
    if (n > 0 && n < THRESHOLD) hidden += n;
  }
  if (count < THRESHOLD) return { state: 'small' };
  // The pool less the shown parts is the sum of the hidden ones: never publish it when that is 1 to 4 people.
  if (hidden > 0 && hidden < THRESHOLD) return { state: 'withheld' };
  return { state: 'shown', count, jobRoles: new Set([...parts.keys()].map((k) => k.split('\u0001')[0])).size };
}
