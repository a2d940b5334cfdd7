// The job queue on PostgreSQL: pg-boss (v10, the last line that supports Node
// 20; see docs/ARCHITECTURE.md for why pg-boss). pg-boss claims jobs with
// SELECT … FOR UPDATE SKIP LOCKED, so any number of web and `genomeg worker`
// processes share the work and each job is taken by one of them. Jobs are
// fetched, run, completed and failed by our own loop (see workLoop), not by
// pg-boss's work(). A running job has a lease: its heartbeat (every second)
// moves pg-boss's started_on forward, so a job whose worker died expires one
// lease (expireInSeconds, 60 s by default) after its last beat, and pg-boss's
// maintenance (every 10 s) retries it. Schedules do not
// use pg-boss's cron: they go through job_schedule_slots like SQLite's
// (schedule.ts), so both engines behave, and are tested, the same.
// A running job's cancellation is noticed by its heartbeat.
// Under load, jobs sent a few at a time by requests at the same moment go in
// one insert, and jobs finishing together are completed in one statement
// (coalesce.ts); a loop woken by a job sent here waits a moment (gatherMs) so
// that one fetch takes the jobs sent meanwhile.

import { randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import pg from 'pg';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { JobStore } from '../../db/stores/job-store.js';
import { assertJobName, DEFAULT_SEND, isFinished, type JobHandler, type JobInfo, type JobQueue, type Schedule, type SendOptions, type WorkOptions } from './queue.js';
import { ScheduleTicker } from './schedule.js';
import type { RunnerOptions } from './sqlite-queue.js';
import { Coalescer } from '../coalesce.js';
import { sendNamed, StatementNames } from '../../db/postgres-pool.js';

export interface PgBossConnection {
  readonly url: string;
  /** pg-boss's own tables go in this schema. */
  readonly schema: string;
  readonly applicationName?: string;
}

interface Registration {
  readonly handler: JobHandler<unknown>;
  readonly concurrency: number;
  running: number;
}

export class PgBossJobQueue implements JobQueue {
  readonly kind = 'pg-boss' as const;
  private readonly boss: PgBoss;
  private readonly ticker: ScheduleTicker;
  private readonly registrations = new Map<string, Registration>();
  private readonly queues = new Map<string, Promise<void>>();
  private started: Promise<void> | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private working = false;
  private readonly controllers = new Map<string, AbortController>();
  private readonly running = new Map<string, Promise<void>>();
  /** Each registered name's fetch loop, and how to wake it (a job sent or finished in this process). */
  private loops: Promise<void>[] = [];
  private readonly wakers = new Map<string, () => void>();
  private readonly schema: string;
  /** Small sends (a request's one or two jobs) by name and options, and completions by name: see coalesce.ts. */
  private readonly inserts = new Map<string, Coalescer<readonly PgBoss.JobInsert[], string[]>>();
  private readonly completions = new Map<string, Coalescer<string, undefined>>();

  /** pg-boss's connections: ours, so that its statements go named as ours do (StatementNames); opened when first used, ended by stop(). */
  private pool: pg.Pool | null = null;
  private readonly names = new StatementNames();

  constructor(db: Kysely<Database>, private readonly connection: PgBossConnection, private readonly options: RunnerOptions = {}) {
    this.boss = new PgBoss({
      db: { executeSql: (text, values) => sendNamed(this.poolNow(), this.names, text, values as unknown[] | undefined) },
      schema: connection.schema,
      // Schedules are ours (schedule.ts); maintenance (expiring a dead worker's
      // jobs: those whose heartbeat stopped a lease ago) is pg-boss's.
      schedule: false, supervise: true, maintenanceIntervalSeconds: options.maintenanceSeconds ?? 10,
    });
    this.schema = `"${connection.schema.replaceAll('"', '""')}"`;
    this.boss.on('error', (error) => { this.options.onError?.(error, {}); });
    this.ticker = new ScheduleTicker(JobStore.create(db), (name, data) => this.send(name, data));
  }

  private poolNow(): pg.Pool {
    if (this.pool === null) {
      this.pool = new pg.Pool({ connectionString: this.connection.url, max: 4, application_name: this.connection.applicationName ?? 'genomeg jobs' });
      // An idle connection lost (a restart, a failover): reported, and replaced when next needed; unheard, it would end the process.
      this.pool.on('error', (error) => { this.options.onError?.(error, {}); });
    }
    return this.pool;
  }

  private open(): Promise<void> {
    this.started ??= this.boss.start().then(() => undefined);
    return this.started;
  }

  private queue(name: string): Promise<void> {
    assertJobName(name);
    let ready = this.queues.get(name);
    if (ready === undefined) {
      ready = (async () => {
        await this.open();
        if (await this.boss.getQueue(name) !== null) return;
        // Two processes may create it at once: the loser finds it made.
        await this.boss.createQueue(name).catch(async (error: unknown) => {
          if (await this.boss.getQueue(name) === null) throw error;
        });
      })();
      this.queues.set(name, ready);
      ready.catch(() => { this.queues.delete(name); });
    }
    return ready;
  }

  register<T>(name: string, handler: JobHandler<T>, options: WorkOptions = {}): void {
    assertJobName(name);
    this.registrations.set(name, { handler: handler as JobHandler<unknown>, concurrency: options.concurrency ?? 2, running: 0 });
  }

  private sendOptions(options: SendOptions): PgBoss.SendOptions {
    return {
      retryLimit: options.retryLimit ?? DEFAULT_SEND.retryLimit,
      retryDelay: options.retryDelaySeconds ?? DEFAULT_SEND.retryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: options.expireInSeconds ?? DEFAULT_SEND.expireInSeconds,
      ...(options.startAfter === undefined ? {} : { startAfter: options.startAfter }),
    };
  }

  async send(name: string, data: object, options: SendOptions = {}): Promise<string> {
    await this.queue(name);
    const id = await this.boss.send(name, data, this.sendOptions(options));
    if (id === null) throw new Error(`pg-boss refused a ${name} job`);
    this.wake(name);
    return id;
  }

  async sendMany(name: string, items: readonly object[], options: SendOptions = {}): Promise<string[]> {
    await this.queue(name);
    const o = this.sendOptions(options);
    const jobs = items.map((data) => ({
      id: randomUUID(), name, data,
      ...(o.retryLimit === undefined ? {} : { retryLimit: o.retryLimit }),
      ...(o.retryDelay === undefined ? {} : { retryDelay: o.retryDelay }),
      retryBackoff: true,
      ...(o.expireInSeconds === undefined ? {} : { expireInSeconds: o.expireInSeconds }),
      ...(options.startAfter === undefined ? {} : { startAfter: options.startAfter }),
    }));
    if (jobs.length <= 20) {
      const key = `${name} ${JSON.stringify(options)}`;
      let inserts = this.inserts.get(key);
      if (inserts === undefined) {
        inserts = new Coalescer(async (lists) => {
          await this.boss.insert(lists.flat());
          return lists.map((list) => list.map((job) => job.id ?? ''));
        });
        this.inserts.set(key, inserts);
      }
      await inserts.add(jobs);
    } else {
      for (let i = 0; i < jobs.length; i += 1000) await this.boss.insert(jobs.slice(i, i + 1000));
    }
    this.wake(name);
    return jobs.map((job) => job.id);
  }

  /** Complete a job, with the others of its name finishing at the same moment. */
  private complete(name: string, id: string): Promise<undefined> {
    let completions = this.completions.get(name);
    if (completions === undefined) {
      completions = new Coalescer(async (ids) => {
        await this.boss.complete(name, [...ids]);
        return ids.map(() => undefined);
      });
      this.completions.set(name, completions);
    }
    return completions.add(id);
  }

  private wake(name: string): void {
    this.wakers.get(name)?.();
  }

  async cancel(name: string, id: string): Promise<boolean> {
    const job = await this.get(name, id);
    if (job === null || isFinished(job.state)) return false;
    await this.boss.cancel(name, id);
    this.controllers.get(id)?.abort(new Error('cancelled'));
    return true;
  }

  async get(name: string, id: string): Promise<JobInfo | null> {
    await this.queue(name);
    const job = await this.boss.getJobById(name, id, { includeArchive: true });
    if (job === null) return null;
    return {
      id: job.id, name: job.name, state: job.state, data: job.data, retryCount: job.retryCount,
      startAfter: new Date(job.startAfter), createdAt: new Date(job.createdOn), completedAt: job.completedOn === null ? null : new Date(job.completedOn),
    };
  }

  addSchedule(schedule: Schedule): void {
    assertJobName(schedule.name);
    this.ticker.add(schedule);
  }

  tickSchedules(now = new Date()): Promise<string[]> {
    return this.ticker.tick(now);
  }

  async start(options: { readonly work?: boolean } = {}): Promise<void> {
    await this.open();
    for (const name of this.registrations.keys()) await this.queue(name);
    if (options.work === false || this.working) return;
    this.working = true;
    for (const [name, registration] of this.registrations) this.loops.push(this.workLoop(name, registration));
    if (this.ticker.size > 0) {
      const tick = (): void => { this.ticker.tick().catch((error: unknown) => { this.options.onError?.(error, {}); }); };
      tick();
      this.tickTimer = setInterval(tick, this.options.scheduleTickMs ?? 30_000);
      this.tickTimer.unref();
    }
  }

  /**
   * Our own fetch loop rather than pg-boss's work(): pg-boss 10 completes (or
   * fails) a worker's jobs without awaiting it, so a connection lost at that
   * moment is an unhandled rejection that ends the process. Here every
   * completion is awaited and its error logged; the job then stays active
   * until its lease runs out and pg-boss retries it. It also keeps
   * `concurrency` jobs running at once, fetching as soon as one finishes.
   */
  private async workLoop(name: string, registration: Registration): Promise<void> {
    const pollMs = Math.max(200, this.options.pollMs ?? 1000);
    while (this.working) {
      const free = registration.concurrency - registration.running;
      if (free > 0) {
        let jobs: PgBoss.JobWithMetadata<unknown>[] = [];
        try {
          jobs = await this.boss.fetch<unknown>(name, { batchSize: free, includeMetadata: true });
        } catch (error) {
          this.options.onError?.(error, { job: name });
        }
        if (this.isStopping()) {
          // Stopped while fetching: give them back at once (not a failed attempt).
          await this.release(name, jobs.map((job) => job.id));
          break;
        }
        for (const job of jobs) this.runOne(name, registration, job);
        if (jobs.length > 0 && jobs.length === free) continue;
      }
      const woken = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => { this.wakers.delete(name); resolve(false); }, pollMs);
        timer.unref();
        this.wakers.set(name, () => { clearTimeout(timer); this.wakers.delete(name); resolve(true); });
      });
      // Woken by a job sent (or finished) here: a moment for others sent meanwhile to go in the same fetch.
      const gather = this.options.gatherMs ?? 20;
      if (woken && gather > 0 && !this.isStopping()) await new Promise((resolve) => { setTimeout(resolve, gather).unref(); });
    }
  }

  /** Whether stop() has begun (read after an await, when it may have changed). */
  private isStopping(): boolean {
    return !this.working;
  }

  /** Put fetched jobs back as if never started. */
  private async release(name: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.boss.getDb().executeSql(
      `update ${this.schema}.job set state = 'created', started_on = null, start_after = now() where name = $1 and id = any($2::uuid[]) and state = 'active'`,
      [name, ids],
    ).catch((error: unknown) => { this.options.onError?.(error, { job: name }); });
  }

  /**
   * A running job's heartbeat: pushes its start time forward, so pg-boss's
   * expiry (started_on + expire_in) measures the time since the last beat, and
   * reports whether it is still ours to run (not cancelled, not expired).
   */
  private async beat(name: string, id: string): Promise<boolean> {
    const result = await this.boss.getDb().executeSql(
      `update ${this.schema}.job set started_on = now() where name = $1 and id = $2 and state = 'active' returning id`,
      [name, id],
    );
    return result.rows.length > 0;
  }

  private runOne(name: string, registration: Registration, job: PgBoss.JobWithMetadata<unknown>): void {
    registration.running++;
    const controller = new AbortController();
    this.controllers.set(job.id, controller);
    const watch = setInterval(() => {
      this.beat(name, job.id).then((ours) => {
        if (!ours) controller.abort(new Error('cancelled'));
      }).catch(() => undefined);
    }, this.options.heartbeatMs ?? 1000);
    watch.unref();
    const done = (async () => {
      let failure: unknown = null;
      try {
        await registration.handler(job.data, { id: job.id, signal: controller.signal, retryCount: job.retryCount });
      } catch (error) {
        failure = error;
        this.options.onError?.(error, { job: name, id: job.id });
      } finally {
        clearInterval(watch);
      }
      // Awaited, errors caught: a lost connection here leaves the job active
      // until its lease runs out, when pg-boss's maintenance retries it.
      try {
        if (failure === null) await this.complete(name, job.id);
        else if (!this.working && controller.signal.aborted) await this.release(name, [job.id]);
        else await this.boss.fail(name, job.id, { message: failure instanceof Error ? failure.message : 'the job failed' });
      } catch (error) {
        this.options.onError?.(error, { job: name, id: job.id });
      }
    })().catch((error: unknown) => { this.options.onError?.(error, { job: name, id: job.id }); }).finally(() => {
      registration.running--;
      this.controllers.delete(job.id);
      this.running.delete(job.id);
      this.wakers.get(name)?.();
    });
    this.running.set(job.id, done);
  }

  async stop(): Promise<void> {
    if (this.tickTimer !== null) clearInterval(this.tickTimer);
    this.tickTimer = null;
    if (this.started === null) return;
    await this.started.catch(() => undefined);
    this.working = false;
    for (const wake of [...this.wakers.values()]) wake();
    await Promise.all(this.loops);
    this.loops = [];
    // Running handlers get the grace period, then their signal is aborted (they fail, and are retried).
    const grace = this.options.graceMs ?? 10_000;
    const abort = setTimeout(() => { for (const c of this.controllers.values()) c.abort(new Error('the runner is stopping')); }, grace);
    await Promise.all([...this.running.values()]);
    clearTimeout(abort);
    await this.boss.stop({ graceful: true, wait: true, timeout: 2000, close: true });
    const pool = this.pool;
    this.pool = null;
    await pool?.end();
    this.started = null;
    this.queues.clear();
  }
}
