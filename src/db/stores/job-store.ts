// The SQLite runner's queue (background_jobs) and the schedule slots both
// engines share. A job is claimed by one UPDATE … WHERE id IN (SELECT …)
// RETURNING, which SQLite runs under its single writer, so two processes on one
// file never take the same job. An attempt holds the job until locked_until;
// the runner pushes that forward while the handler runs, and a job whose
// holder stopped (killed, machine lost) is taken again once it passes.

import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { BackgroundJobsTable } from '../schema-jobs.js';
import { toDate, toDateOrNull } from '../dialect.js';
import { backoffSeconds, type JobInfo, type JobState } from '../../domain/jobs.js';

export interface ClaimedJob {
  readonly id: string;
  readonly name: string;
  readonly data: unknown;
  readonly retryCount: number;
  readonly expireSeconds: number;
}

export interface NewJob {
  readonly data: object;
  readonly startAfter: Date;
  readonly retryLimit: number;
  readonly retryDelaySeconds: number;
  readonly expireSeconds: number;
}

function toInfo(row: Selectable<BackgroundJobsTable>): JobInfo {
  return {
    id: row.id, name: row.queue, state: row.state as JobState, data: JSON.parse(row.data) as unknown,
    retryCount: row.retry_count, startAfter: toDate(row.start_after), createdAt: toDate(row.created_at), completedAt: toDateOrNull(row.completed_at),
  };
}

export class JobStore {
  private constructor(private readonly db: Kysely<Database>) {}

  static create(db: Kysely<Database>): JobStore {
    return new JobStore(db);
  }

  async insert(name: string, jobs: readonly NewJob[]): Promise<string[]> {
    const now = new Date();
    const rows = jobs.map((job) => ({
      id: randomUUID(), queue: name, data: JSON.stringify(job.data), state: 'created',
      retry_limit: job.retryLimit, retry_count: 0, retry_delay_seconds: job.retryDelaySeconds, expire_seconds: job.expireSeconds,
      start_after: job.startAfter, started_at: null, completed_at: null, locked_by: null, locked_until: null, output: null, created_at: now,
    }));
    // About 15 columns: 500 rows a statement keeps under both engines' parameter limits.
    for (let i = 0; i < rows.length; i += 500) await this.db.insertInto('background_jobs').values(rows.slice(i, i + 500)).execute();
    return rows.map((row) => row.id);
  }

  /** Take up to `limit` due jobs of this name for `owner`. */
  async claim(name: string, owner: string, limit: number, now = new Date()): Promise<ClaimedJob[]> {
    const rows = await this.db.updateTable('background_jobs')
      .set({ state: 'active', locked_by: owner, locked_until: new Date(now.getTime() + 60_000), started_at: now })
      .where('id', 'in', (eb) => eb.selectFrom('background_jobs').select('id')
        .where('queue', '=', name).where('state', 'in', ['created', 'retry']).where('start_after', '<=', now)
        .orderBy('start_after').limit(limit))
      .where('state', 'in', ['created', 'retry'])
      .returning(['id', 'queue', 'data', 'retry_count', 'expire_seconds'])
      .execute();
    // locked_until is set properly per job (its own expiry) straight after.
    for (const row of rows) await this.extend(row.id, owner, new Date(now.getTime() + row.expire_seconds * 1000));
    return rows.map((row) => ({ id: row.id, name: row.queue, data: JSON.parse(row.data) as unknown, retryCount: row.retry_count, expireSeconds: row.expire_seconds }));
  }

  /** Push the lock forward; returns the job's state (cancelled tells the runner to abort). */
  async extend(id: string, owner: string, until: Date): Promise<JobState | null> {
    await this.db.updateTable('background_jobs').set({ locked_until: until }).where('id', '=', id).where('locked_by', '=', owner).where('state', '=', 'active').execute();
    const row = await this.db.selectFrom('background_jobs').select('state').where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : row.state as JobState;
  }

  async complete(id: string, owner: string): Promise<void> {
    await this.db.updateTable('background_jobs').set({ state: 'completed', completed_at: new Date(), locked_by: null, locked_until: null })
      .where('id', '=', id).where('locked_by', '=', owner).where('state', '=', 'active').execute();
  }

  /** A failed attempt: retried after its back-off while attempts are left, else failed for good. */
  async fail(id: string, owner: string, message: string, now = new Date()): Promise<void> {
    const row = await this.db.selectFrom('background_jobs').select(['retry_count', 'retry_limit', 'retry_delay_seconds'])
      .where('id', '=', id).where('locked_by', '=', owner).where('state', '=', 'active').executeTakeFirst();
    if (row === undefined) return;
    const again = row.retry_count < row.retry_limit;
    await this.db.updateTable('background_jobs').set({
      state: again ? 'retry' : 'failed', retry_count: again ? row.retry_count + 1 : row.retry_count, output: message.slice(0, 2000),
      start_after: again ? new Date(now.getTime() + backoffSeconds(row.retry_delay_seconds, row.retry_count) * 1000) : now,
      completed_at: again ? null : now, locked_by: null, locked_until: null,
    }).where('id', '=', id).where('locked_by', '=', owner).where('state', '=', 'active').execute();
  }

  /** Give a job back untouched (the runner is stopping): it runs again, the attempt not counted. */
  async release(id: string, owner: string): Promise<void> {
    await this.db.updateTable('background_jobs').set({ state: 'retry', locked_by: null, locked_until: null })
      .where('id', '=', id).where('locked_by', '=', owner).where('state', '=', 'active').execute();
  }

  /** Jobs whose holder let the lock run out (stopped, killed): an attempt counted, then due again. */
  async reclaimExpired(now = new Date()): Promise<number> {
    const expired = await this.db.selectFrom('background_jobs').select(['id', 'locked_by'])
      .where('state', '=', 'active').where('locked_until', '<', now).execute();
    let count = 0;
    for (const job of expired) {
      if (job.locked_by === null) continue;
      await this.fail(job.id, job.locked_by, 'the process running it stopped', now);
      count++;
    }
    return count;
  }

  async cancel(name: string, id: string): Promise<boolean> {
    const result = await this.db.updateTable('background_jobs').set({ state: 'cancelled', completed_at: new Date() })
      .where('id', '=', id).where('queue', '=', name).where('state', 'in', ['created', 'retry', 'active']).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async get(name: string, id: string): Promise<JobInfo | null> {
    const row = await this.db.selectFrom('background_jobs').selectAll().where('id', '=', id).where('queue', '=', name).executeTakeFirst();
    return row === undefined ? null : toInfo(row);
  }

  /** The schedule slot taken for this process; false when another process took it first. */
  async takeScheduleSlot(name: string, slot: string): Promise<boolean> {
    const result = await this.db.insertInto('job_schedule_slots').values({ name, slot, job_id: null, created_at: new Date() })
      .onConflict((oc) => oc.columns(['name', 'slot']).doNothing()).executeTakeFirst();
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  async recordScheduleJob(name: string, slot: string, jobId: string): Promise<void> {
    await this.db.updateTable('job_schedule_slots').set({ job_id: jobId }).where('name', '=', name).where('slot', '=', slot).execute();
  }
}
