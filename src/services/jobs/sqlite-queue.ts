// The in-process runner over the background_jobs table (see job-store.ts): the
// default on SQLite, where the web process works its own jobs. It polls for due
// jobs of each registered name (sooner when this process sent one), runs up to
// `concurrency` at once, keeps each job's lock fresh while it runs and aborts
// the handler when the job is cancelled. Several processes on one SQLite file
// share the table safely; SQLite itself allows only one writer at a time.

import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { JobStore } from '../../db/stores/job-store.js';
import { assertJobName, DEFAULT_SEND, type JobHandler, type JobInfo, type JobQueue, type Schedule, type SendOptions, type WorkOptions } from './queue.js';
import { ScheduleTicker } from './schedule.js';

export interface RunnerOptions {
  /** How often to look for due jobs when idle; default 1000 ms. */
  readonly pollMs?: number;
  /** How often to tick the schedules; default 30 s. */
  readonly scheduleTickMs?: number;
  /** How often a running job's lock is renewed and its cancellation checked; default 1000 ms. */
  readonly heartbeatMs?: number;
  /** PostgreSQL: how often pg-boss's maintenance expires jobs whose lease ran out; default 10 s. */
  readonly maintenanceSeconds?: number;
  /** PostgreSQL: how long a fetch loop woken by a job sent here waits for others before fetching; default 20 ms. */
  readonly gatherMs?: number;
  /** How long stop() waits for running handlers before aborting them; default 10 s. */
  readonly graceMs?: number;
  readonly onError?: (error: unknown, context: { readonly job?: string; readonly id?: string }) => void;
}

interface Registration {
  readonly handler: JobHandler<unknown>;
  readonly concurrency: number;
  running: number;
}

export class SqliteJobQueue implements JobQueue {
  readonly kind = 'sqlite' as const;
  /** This runner, as recorded on the jobs it holds. */
  readonly owner = `sqlite-runner ${randomUUID()} pid ${String(process.pid)}`;
  private readonly store: JobStore;
  private readonly registrations = new Map<string, Registration>();
  private readonly ticker: ScheduleTicker;
  private readonly running = new Map<string, { readonly controller: AbortController; readonly done: Promise<void> }>();
  private timer: NodeJS.Timeout | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private working = false;
  private stopping = false;
  private polling: Promise<void> | null = null;
  private pollAgain = false;

  constructor(db: Kysely<Database>, private readonly options: RunnerOptions = {}) {
    this.store = JobStore.create(db);
    this.ticker = new ScheduleTicker(this.store, (name, data) => this.send(name, data));
  }

  register<T>(name: string, handler: JobHandler<T>, options: WorkOptions = {}): void {
    assertJobName(name);
    this.registrations.set(name, { handler: handler as JobHandler<unknown>, concurrency: options.concurrency ?? 2, running: 0 });
  }

  async send(name: string, data: object, options: SendOptions = {}): Promise<string> {
    const [id] = await this.sendMany(name, [data], options);
    if (id === undefined) throw new Error('no job was inserted');
    return id;
  }

  async sendMany(name: string, items: readonly object[], options: SendOptions = {}): Promise<string[]> {
    assertJobName(name);
    const startAfter = options.startAfter ?? new Date();
    const ids = await this.store.insert(name, items.map((data) => ({
      data, startAfter,
      retryLimit: options.retryLimit ?? DEFAULT_SEND.retryLimit,
      retryDelaySeconds: options.retryDelaySeconds ?? DEFAULT_SEND.retryDelaySeconds,
      expireSeconds: options.expireInSeconds ?? DEFAULT_SEND.expireInSeconds,
    })));
    if (this.working && this.registrations.has(name)) this.nudge();
    return ids;
  }

  async cancel(name: string, id: string): Promise<boolean> {
    const cancelled = await this.store.cancel(name, id);
    if (cancelled) this.running.get(id)?.controller.abort(new Error('cancelled'));
    return cancelled;
  }

  get(name: string, id: string): Promise<JobInfo | null> {
    return this.store.get(name, id);
  }

  addSchedule(schedule: Schedule): void {
    assertJobName(schedule.name);
    this.ticker.add(schedule);
  }

  /** One tick of the schedules, now (tests, and start()). */
  tickSchedules(now = new Date()): Promise<string[]> {
    return this.ticker.tick(now);
  }

  start(options: { readonly work?: boolean } = {}): Promise<void> {
    if (options.work === false || this.working) return Promise.resolve();
    this.working = true;
    this.stopping = false;
    this.nudge();
    if (this.ticker.size > 0) {
      const tick = (): void => {
        this.ticker.tick().catch((error: unknown) => { this.options.onError?.(error, {}); });
      };
      tick();
      this.tickTimer = setInterval(tick, this.options.scheduleTickMs ?? 30_000);
      this.tickTimer.unref();
    }
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.working = false;
    this.stopping = true;
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.tickTimer !== null) clearInterval(this.tickTimer);
    this.timer = null;
    this.tickTimer = null;
    await this.polling;
    const all = Promise.all([...this.running.values()].map((r) => r.done));
    let grace: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => { grace = setTimeout(() => { resolve('timeout'); }, this.options.graceMs ?? 10_000); });
    if (await Promise.race([all, timedOut]) === 'timeout') {
      for (const r of this.running.values()) r.controller.abort(new Error('the runner is stopping'));
      await all;
    }
    clearTimeout(grace);
  }

  private nudge(): void {
    if (!this.working) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.poll(); }, 0);
  }

  private poll(): void {
    this.timer = null;
    if (!this.working) return;
    if (this.polling !== null) {
      this.pollAgain = true;
      return;
    }
    this.polling = this.pollOnce()
      .catch((error: unknown) => { this.options.onError?.(error, {}); })
      .finally(() => {
        this.polling = null;
        const again = this.pollAgain;
        this.pollAgain = false;
        if (this.working && this.timer === null) {
          this.timer = setTimeout(() => { this.poll(); }, again ? 0 : this.options.pollMs ?? 1000);
          this.timer.unref();
        }
      });
  }

  private async pollOnce(): Promise<void> {
    await this.store.reclaimExpired();
    for (const [name, registration] of this.registrations) {
      const free = registration.concurrency - registration.running;
      if (free <= 0 || !this.working) continue;
      const jobs = await this.store.claim(name, this.owner, free);
      for (const job of jobs) this.run(registration, job);
      // A full batch: more are probably waiting; look again at once when one finishes.
    }
  }

  private run(registration: Registration, job: { readonly id: string; readonly name: string; readonly data: unknown; readonly retryCount: number; readonly expireSeconds: number }): void {
    registration.running++;
    const controller = new AbortController();
    const heartbeat = setInterval(() => {
      this.store.extend(job.id, this.owner, new Date(Date.now() + job.expireSeconds * 1000)).then((state) => {
        if (state === 'cancelled' || state === null) controller.abort(new Error('cancelled'));
      }).catch(() => undefined);
    }, this.options.heartbeatMs ?? 1000);
    heartbeat.unref();
    const done = (async () => {
      try {
        await registration.handler(job.data, { id: job.id, signal: controller.signal, retryCount: job.retryCount });
        await this.store.complete(job.id, this.owner);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (this.stopping && controller.signal.aborted) await this.store.release(job.id, this.owner);
        else await this.store.fail(job.id, this.owner, message);
        this.options.onError?.(error, { job: job.name, id: job.id });
      }
    })().catch((error: unknown) => { this.options.onError?.(error, { job: job.name, id: job.id }); }).finally(() => {
      clearInterval(heartbeat);
      registration.running--;
      this.running.delete(job.id);
      this.nudge();
    });
    this.running.set(job.id, { controller, done });
  }
}
