// What a background job is, apart from where it is kept: its states, what can
// be read about it, and the back-off between attempts. Pure: no I/O.

export type JobState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';

export interface JobInfo {
  readonly id: string;
  readonly name: string;
  readonly state: JobState;
  readonly data: unknown;
  /** Attempts made after the first. */
  readonly retryCount: number;
  readonly startAfter: Date;
  readonly createdAt: Date;
  readonly completedAt: Date | null;
}

/** Seconds before retry number `retryCount + 1` (0-based): the delay, doubled each time, at most an hour. */
export function backoffSeconds(delaySeconds: number, retryCount: number): number {
  return Math.min(3600, delaySeconds * 2 ** retryCount);
}

export function isFinished(state: JobState): boolean {
  return state === 'completed' || state === 'cancelled' || state === 'failed';
}
