// The progress projection: per person (agent key) per activity, what they have
// done. Folding is commutative and idempotent per statement, so folding the
// stored, non-voided statements in any order (a rebuild) gives the same result
// as folding them as they arrived. Pure.

import { agentKey, type Json } from './statement.js';

export interface Progress {
  readonly actorKey: string;
  readonly activityId: string;
  readonly attempted: boolean;
  readonly completed: boolean;
  /** true once passed; false when failed and never passed; null when neither. */
  readonly passed: boolean | null;
  /** Best scaled score (or raw/max when scaled is absent), 0..1 or -1..1. */
  readonly bestScore: number | null;
  readonly lastActivityAt: string;
}

export const ADL_VERBS = {
  attempted: 'http://adlnet.gov/expapi/verbs/attempted',
  completed: 'http://adlnet.gov/expapi/verbs/completed',
  passed: 'http://adlnet.gov/expapi/verbs/passed',
  failed: 'http://adlnet.gov/expapi/verbs/failed',
  answered: 'http://adlnet.gov/expapi/verbs/answered',
  experienced: 'http://adlnet.gov/expapi/verbs/experienced',
  attended: 'http://adlnet.gov/expapi/verbs/attended',
  voided: 'http://adlnet.gov/expapi/verbs/voided',
} as const;

export const ADL_ACTIVITY_TYPES = {
  course: 'http://adlnet.gov/expapi/activities/course',
  module: 'http://adlnet.gov/expapi/activities/module',
  assessment: 'http://adlnet.gov/expapi/activities/assessment',
  question: 'http://adlnet.gov/expapi/activities/cmi.interaction',
  meeting: 'http://adlnet.gov/expapi/activities/meeting',
} as const;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The (person, activity) a statement counts towards, or null when it counts towards none. */
export function progressKey(statement: Json): { actorKey: string; activityId: string } | null {
  const obj = statement['object'];
  if (!isObject(obj) || (obj['objectType'] !== undefined && obj['objectType'] !== 'Activity') || typeof obj['id'] !== 'string') return null;
  const actorKey = agentKey(statement['actor']);
  return actorKey === null ? null : { actorKey, activityId: obj['id'] };
}

function scoreOf(result: Json): number | null {
  const score = result['score'];
  if (!isObject(score)) return null;
  if (typeof score['scaled'] === 'number') return score['scaled'];
  if (typeof score['raw'] === 'number' && typeof score['max'] === 'number' && score['max'] > 0) return score['raw'] / score['max'];
  return null;
}

/** Fold one (stored, prepared) statement into a person's progress on its activity. */
export function foldProgress(previous: Progress | null, statement: Json): Progress | null {
  const key = progressKey(statement);
  if (key === null) return previous;
  const verb = isObject(statement['verb']) ? statement['verb']['id'] : undefined;
  const result = isObject(statement['result']) ? statement['result'] : {};
  const timestamp = typeof statement['timestamp'] === 'string' ? statement['timestamp'] : String(statement['stored']);
  const passedNow = verb === ADL_VERBS.passed || (verb !== ADL_VERBS.failed && result['success'] === true && verb === ADL_VERBS.completed) ? true
    : verb === ADL_VERBS.failed ? false : null;
  const completedNow = verb === ADL_VERBS.completed || verb === ADL_VERBS.passed || result['completion'] === true;
  const score = scoreOf(result);
  const prev: Progress = previous ?? { ...key, attempted: false, completed: false, passed: null, bestScore: null, lastActivityAt: timestamp };
  const passed = prev.passed === true || passedNow === true ? true : prev.passed === false || passedNow === false ? false : null;
  return {
    ...key,
    attempted: true,
    completed: prev.completed || completedNow,
    passed,
    bestScore: score === null ? prev.bestScore : prev.bestScore === null ? score : Math.max(prev.bestScore, score),
    lastActivityAt: timestamp > prev.lastActivityAt ? timestamp : prev.lastActivityAt,
  };
}

/**
 * Two folds of the same person and activity combined, as if their statements
 * had been folded together: the fold is a commutative monoid, so a batch can be
 * folded on its own and merged into the stored row (the store does the same in
 * SQL, in its upsert).
 */
export function mergeProgress(a: Progress | null, b: Progress | null): Progress | null {
  if (a === null) return b;
  if (b === null) return a;
  return {
    actorKey: a.actorKey,
    activityId: a.activityId,
    attempted: a.attempted || b.attempted,
    completed: a.completed || b.completed,
    passed: a.passed === true || b.passed === true ? true : a.passed === false || b.passed === false ? false : null,
    bestScore: a.bestScore === null ? b.bestScore : b.bestScore === null ? a.bestScore : Math.max(a.bestScore, b.bestScore),
    lastActivityAt: b.lastActivityAt > a.lastActivityAt ? b.lastActivityAt : a.lastActivityAt,
  };
}
