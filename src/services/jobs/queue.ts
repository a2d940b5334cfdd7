// The one interface every background job goes through: email, reminders,
// workforce runs and (later) reports. Two implementations share it:
//   - SqliteJobQueue: an in-process runner over the background_jobs table;
//   - PgBossJobQueue: pg-boss on PostgreSQL, so that several web processes and
//     `genomeg worker` processes share the work.
// Scheduled jobs (cron) go through job_schedule_slots on both (schedule.ts),
// so that a slot is sent once however many processes tick.
// Nothing here knows what a job does: handlers are registered by name.

export interface SendOptions {
  /** Not before this time. */
  readonly startAfter?: Date;
  /** Attempts after the first; default 3. */
  readonly retryLimit?: number;
  /** Seconds before the first retry; doubled for each retry after it. Default 30. */
  readonly retryDelaySeconds?: number;
  /**
   * The lease of a running attempt: renewed by its heartbeat every second while
   * it runs, so only a dead process lets it run out; then another process takes
   * the job again (a retry). Default 60 s.
   */
  readonly expireInSeconds?: number;
}

import type { JobInfo } from '../../domain/jobs.js';

export type { JobInfo, JobState } from '../../domain/jobs.js';
export { backoffSeconds, isFinished } from '../../domain/jobs.js';

export interface JobContext {
  readonly id: string;
  /** Aborted when the job is cancelled (checked every second or so) or the runner stops. */
  readonly signal: AbortSignal;
  /** 0 on the first attempt. */
  readonly retryCount: number;
}

export type JobHandler<T> = (data: T, context: JobContext) => Promise<void>;

export interface WorkOptions {
  /** Jobs of this name run at once in this process; default 2. */
  readonly concurrency?: number;
}

export interface Schedule {
  readonly name: string;
  /** Five-field cron, in Europe/London time. */
  readonly cron: string;
  readonly data?: Record<string, unknown>;
}

/** Names are letters, digits and hyphens (pg-boss makes a table per queue name). */
export const JOB_NAME = /^[a-z][a-z0-9-]{0,48}$/;

export interface JobQueue {
  /** 'sqlite' or 'pg-boss': where the jobs live. */
  readonly kind: 'sqlite' | 'pg-boss';
  /** Say what a job of this name does; call before start(). A process that never calls start() only sends. */
  register<T>(name: string, handler: JobHandler<T>, options?: WorkOptions): void;
  /** Send a job of this name to whichever process works it; returns its id. */
  send(name: string, data: object, options?: SendOptions): Promise<string>;
  /** Send many jobs of one name at once (one insert); returns their ids in order. */
  sendMany(name: string, items: readonly object[], options?: SendOptions): Promise<string[]>;
  /** Cancel a job not yet finished: a queued job never runs, a running one sees its signal aborted. False when it had finished. */
  cancel(name: string, id: string): Promise<boolean>;
  get(name: string, id: string): Promise<JobInfo | null>;
  /** A job sent on a cron; each slot is sent once across every process that ticks. */
  addSchedule(schedule: Schedule): void;
  /** Start working the registered jobs (and ticking the schedules). */
  start(options?: { readonly work?: boolean }): Promise<void>;
  /** Stop taking jobs; waits for running handlers up to the grace period, then aborts them. */
  stop(): Promise<void>;
}

export function assertJobName(name: string): void {
  if (!JOB_NAME.test(name)) throw new Error(`job name ${JSON.stringify(name)}: letters, digits and hyphens only`);
}

export const DEFAULT_SEND: Required<Omit<SendOptions, 'startAfter'>> = { retryLimit: 3, retryDelaySeconds: 30, expireInSeconds: 60 };
