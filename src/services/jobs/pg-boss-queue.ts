// The job queue on PostgreSQL: pg-boss (v10, the last line that supports Node
// 20; see docs/ARCHITECTURE.md for why pg-boss). pg-boss claims jobs with
// SELECT … FOR UPDATE SKIP LOCKED, so any number of web and `genomeg worker`
// processes share the work and each job is taken by one of them; a job whose
// worker died is expired by pg-boss's supervisor and retried. Schedules do not
// use pg-boss's cron: they go through job_schedule_slots like SQLite's
// (schedule.ts), so both engines behave, and are tested, the same.
// A running job's cancellation is noticed by reading its state every second.

import { randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { JobStore } from '../../db/stores/job-store.js';
import { assertJobName, DEFAULT_SEND, isFinished, type JobHandler, type JobInfo, type JobQueue, type Schedule, type SendOptions, type WorkOptions } from './queue.js';
import { ScheduleTicker } from './schedule.js';
import type { RunnerOptions } from './sqlite-queue.js';

export interface PgBossConnection {
  readonly url: string;
  /** pg-boss's own tables go in this schema. */
  readonly schema: string;
  readonly applicationName?: string;
}

export class PgBossJobQueue implements JobQueue {
  readonly kind = 'pg-boss' as const;
  private readonly boss: PgBoss;
  private readonly ticker: ScheduleTicker;
  private readonly registrations = new Map<string, { readonly handler: JobHandler<unknown>; readonly concurrency: number }>();
  private readonly queues = new Map<string, Promise<void>>();
  private started: Promise<void> | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private working = false;
  private readonly controllers = new Map<string, AbortController>();
  /** This process's pg-boss workers per name, woken when this process sends one of their jobs. */
  private readonly workerIds = new Map<string, string[]>();

  constructor(db: Kysely<Database>, connection: PgBossConnection, private readonly options: RunnerOptions = {}) {
    this.boss = new PgBoss({
      connectionString: connection.url, schema: connection.schema, max: 4,
      application_name: connection.applicationName ?? 'genomeg jobs',
      // Schedules are ours (schedule.ts); maintenance (expiring a dead worker's jobs) is pg-boss's.
      schedule: false, supervise: true, maintenanceIntervalSeconds: 30,
    });
    this.boss.on('error', (error) => { this.options.onError?.(error, {}); });
    this.ticker = new ScheduleTicker(JobStore.create(db), (name, data) => this.send(name, data));
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
    this.registrations.set(name, { handler: handler as JobHandler<unknown>, concurrency: options.concurrency ?? 2 });
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
    for (let i = 0; i < jobs.length; i += 1000) await this.boss.insert(jobs.slice(i, i + 1000));
    this.wake(name);
    return jobs.map((job) => job.id);
  }

  private wake(name: string): void {
    for (const id of this.workerIds.get(name) ?? []) this.boss.notifyWorker(id);
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
    const pollingIntervalSeconds = Math.max(0.5, (this.options.pollMs ?? 1000) / 1000);
    for (const [name, { handler, concurrency }] of this.registrations) {
      // A pg-boss worker fetches a batch, then waits out its polling interval:
      // so jobs are taken in batches (run together, each completed or failed on
      // its own), by at most two workers per name.
      const workers = Math.min(concurrency, 2);
      const batchSize = Math.ceil(concurrency / workers);
      for (let i = 0; i < workers; i++) {
        const worker: { id?: string } = {};
        worker.id = await this.boss.work(name, { batchSize, pollingIntervalSeconds, includeMetadata: true }, async (jobs: PgBoss.JobWithMetadata<unknown>[]) => {
          await Promise.all(jobs.map((job) => this.runOne(name, handler, job)));
          // A full batch: more are probably waiting, so fetch again without the pause.
          if (jobs.length === batchSize && worker.id !== undefined) this.boss.notifyWorker(worker.id);
        });
        this.workerIds.set(name, [...this.workerIds.get(name) ?? [], worker.id]);
      }
    }
    if (this.ticker.size > 0) {
      const tick = (): void => { this.ticker.tick().catch((error: unknown) => { this.options.onError?.(error, {}); }); };
      tick();
      this.tickTimer = setInterval(tick, this.options.scheduleTickMs ?? 30_000);
      this.tickTimer.unref();
    }
  }

  private async runOne(name: string, handler: JobHandler<unknown>, job: PgBoss.JobWithMetadata<unknown>): Promise<void> {
    const controller = new AbortController();
    this.controllers.set(job.id, controller);
    const watch = setInterval(() => {
      this.boss.getJobById(name, job.id).then((now) => {
        if (now === null || now.state === 'cancelled') controller.abort(new Error('cancelled'));
      }).catch(() => undefined);
    }, this.options.heartbeatMs ?? 1000);
    watch.unref();
    try {
      await handler(job.data, { id: job.id, signal: controller.signal, retryCount: job.retryCount });
      // pg-boss completes the batch's jobs still active when this returns.
    } catch (error) {
      this.options.onError?.(error, { job: name, id: job.id });
      // Failed on its own: retried after its back-off, the rest of the batch untouched.
      await this.boss.fail(name, job.id, { message: error instanceof Error ? error.message : String(error) }).catch((e: unknown) => { this.options.onError?.(e, { job: name, id: job.id }); });
    } finally {
      clearInterval(watch);
      this.controllers.delete(job.id);
    }
  }

  async stop(): Promise<void> {
    if (this.tickTimer !== null) clearInterval(this.tickTimer);
    this.tickTimer = null;
    if (this.started === null) return;
    await this.started.catch(() => undefined);
    const grace = this.options.graceMs ?? 10_000;
    const abort = setTimeout(() => { for (const c of this.controllers.values()) c.abort(new Error('the runner is stopping')); }, grace);
    await this.boss.stop({ graceful: true, wait: true, timeout: grace + 2000, close: true });
    clearTimeout(abort);
    this.started = null;
    this.working = false;
    this.queues.clear();
    this.workerIds.clear();
  }
}
