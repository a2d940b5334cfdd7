// The job queue on both engines: retries with back-off, cancellation (queued
// and running), jobs surviving a restart of the runner, a batch shared by two
// runners done once each, and a scheduled slot sent once by two runners.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { openJobQueue, type JobQueue } from '../../src/services/jobs/index.js';
import { JobStore } from '../../src/db/stores/job-store.js';
import { engines } from '../support/engines.js';
import { eventually } from '../support/eventually.js';

const FAST = { pollMs: 50, heartbeatMs: 100, scheduleTickMs: 3_600_000, graceMs: 2000 };

describe.each(engines)('background jobs ($name)', (engine) => {
  let handle: DatabaseHandle;
  const queues: JobQueue[] = [];
  const queue = (): JobQueue => {
    const q = openJobQueue(handle, FAST);
    queues.push(q);
    return q;
  };

  beforeAll(async () => { handle = await engine.open(); }, 120_000);
  afterAll(async () => {
    for (const q of queues) await q.stop();
    await handle.close();
  }, 120_000);

  it('retries a failing job after a back-off, then completes it', async () => {
    const q = queue();
    const attempts: number[] = [];
    q.register<{ n: number }>('flaky', async (_data, context) => {
      attempts.push(context.retryCount);
      if (attempts.length < 3) throw new Error(`attempt ${String(attempts.length)} fails`);
      await Promise.resolve();
    }, { concurrency: 1 });
    await q.start();
    const sentAt = new Date();
    const id = await q.send('flaky', { n: 1 }, { retryLimit: 3, retryDelaySeconds: 1 });
    await eventually(async () => (await q.get('flaky', id))?.state === 'retry');
    const waiting = await q.get('flaky', id);
    // Not due again at once: the back-off puts it later.
    expect(waiting?.startAfter.getTime()).toBeGreaterThan(sentAt.getTime() + 500);
    await eventually(async () => (await q.get('flaky', id))?.state === 'completed', 60_000);
    expect(attempts).toEqual([0, 1, 2]);
  }, 90_000);

  it('fails a job for good once its retries are spent', async () => {
    const q = queue();
    let calls = 0;
    q.register('always-fails', () => { calls++; return Promise.reject(new Error('no')); }, { concurrency: 1 });
    await q.start();
    const id = await q.send('always-fails', {}, { retryLimit: 0 });
    await eventually(async () => (await q.get('always-fails', id))?.state === 'failed');
    expect(calls).toBe(1);
  }, 60_000);

  it('cancels a queued job so it never runs, and says so only once', async () => {
    const q = queue();
    let ran = false;
    q.register('later', () => { ran = true; return Promise.resolve(); });
    await q.start();
    const id = await q.send('later', {}, { startAfter: new Date(Date.now() + 3_600_000) });
    expect(await q.cancel('later', id)).toBe(true);
    expect((await q.get('later', id))?.state).toBe('cancelled');
    expect(await q.cancel('later', id)).toBe(false);
    expect(ran).toBe(false);
  }, 60_000);

  it('aborts a running job when it is cancelled, from another runner too', async () => {
    const worker = queue();
    let started = false;
    let aborted = false;
    worker.register('long', (_data, context) => new Promise<void>((_resolve, reject) => {
      started = true;
      context.signal.addEventListener('abort', () => { aborted = true; reject(new Error('stopped')); });
    }), { concurrency: 1 });
    await worker.start();
    const id = await worker.send('long', {});
    await eventually(() => started);
    // Another process (a web process) cancels it.
    const web = queue();
    await web.start({ work: false });
    expect(await web.cancel('long', id)).toBe(true);
    await eventually(() => aborted);
    expect((await worker.get('long', id))?.state).toBe('cancelled');
  }, 60_000);

  it('keeps a queued job across a restart of the runner', async () => {
    const first = queue();
    await first.start({ work: false });
    const id = await first.send('kept', { value: 42 });
    await first.stop();
    const second = queue();
    const seen: unknown[] = [];
    second.register('kept', (data) => { seen.push(data); return Promise.resolve(); });
    await second.start();
    await eventually(async () => (await second.get('kept', id))?.state === 'completed');
    expect(seen).toEqual([{ value: 42 }]);
  }, 60_000);

  it('shares a batch between two runners and does each job once', async () => {
    const done: string[] = [];
    const runners = [queue(), queue()];
    for (const r of runners) {
      r.register<{ i: number }>('batch', async (data) => { done.push(String(data.i)); await new Promise((resolve) => setTimeout(resolve, 2)); }, { concurrency: 3 });
    }
    const ids = await runners[0]!.sendMany('batch', Array.from({ length: 200 }, (_, i) => ({ i })));
    expect(ids).toHaveLength(200);
    for (const r of runners) await r.start();
    await eventually(() => done.length >= 200, 90_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(done).toHaveLength(200);
    expect(new Set(done).size).toBe(200);
  }, 120_000);

  it('runs and completes each of many jobs sent one by one at the same moment (shared inserts and completions), with its own data', async () => {
    const q = queue();
    const seen = new Map<string, number>();
    q.register<{ i: number }>('together', (data, context) => { seen.set(context.id, data.i); return Promise.resolve(); }, { concurrency: 10 });
    await q.start();
    const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => q.send('together', { i })));
    expect(new Set(ids).size).toBe(40);
    await eventually(async () => (await Promise.all(ids.map((id) => q.get('together', id)))).every((job) => job?.state === 'completed'), 60_000);
    expect(ids.map((id) => seen.get(id))).toEqual(Array.from({ length: 40 }, (_, i) => i));
    for (const id of ids) expect((await q.get('together', id))?.data).toEqual({ i: ids.indexOf(id) });
  }, 90_000);

  it('sends a scheduled slot once when two runners tick it together', async () => {
    const runs: unknown[] = [];
    const runners = [queue(), queue()];
    for (const r of runners) {
      r.register('daily-thing', (data) => { runs.push(data); return Promise.resolve(); });
      r.addSchedule({ name: 'daily-thing', cron: '0 7 * * *' });
      await r.start({ work: false });
    }
    const now = new Date('2026-12-07T09:00:00Z');
    const sent = (await Promise.all(runners.flatMap((r) => [0, 1, 2].map(() => (r as unknown as { tickSchedules(now: Date): Promise<string[]> }).tickSchedules(now))))).flat();
    expect(sent).toHaveLength(1);
    // The next day's slot is another.
    const tomorrow = await (runners[1] as unknown as { tickSchedules(now: Date): Promise<string[]> }).tickSchedules(new Date('2026-12-08T07:00:30Z'));
    expect(tomorrow).toHaveLength(1);
    const worker = queue();
    worker.register('daily-thing', (data) => { runs.push(data); return Promise.resolve(); });
    await worker.start();
    await eventually(() => runs.length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(runs).toEqual(expect.arrayContaining([{ slot: '2026-12-07T07:00:00.000Z' }, { slot: '2026-12-08T07:00:00.000Z' }]));
    expect(runs).toHaveLength(2);
  }, 60_000);
});

describe('background jobs on a SQLite file', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'genomeg-jobs-')); });
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

  it('takes again a job whose runner was killed once its lock runs out', async () => {
    const handle = openDatabase(`sqlite:${join(dir, 'killed.sqlite')}`);
    await migrateToLatest(handle);
    const first = openJobQueue(handle, FAST);
    const id = await first.send('orphan', { n: 1 }, { expireInSeconds: 1, retryDelaySeconds: 1 });
    // A runner takes it and is killed: nothing renews its lock.
    const [taken] = await JobStore.create(handle.db).claim('orphan', 'a runner that was killed', 1);
    expect(taken?.id).toBe(id);
    const second = openJobQueue(handle, FAST);
    const attempts: number[] = [];
    second.register('orphan', (_data, context) => { attempts.push(context.retryCount); return Promise.resolve(); });
    await second.start();
    await eventually(async () => (await second.get('orphan', id))?.state === 'completed');
    expect(attempts).toEqual([1]);
    await second.stop();
    await handle.close();
  }, 60_000);

  it('survive closing the database and opening it again (a restarted server)', async () => {
    const url = `sqlite:${join(dir, 'jobs.sqlite')}`;
    const before = openDatabase(url);
    await migrateToLatest(before);
    const id = await openJobQueue(before).send('kept', { value: 'x' });
    await before.close();

    const after = openDatabase(url);
    const q = openJobQueue(after, FAST);
    const seen: unknown[] = [];
    q.register('kept', (data) => { seen.push(data); return Promise.resolve(); });
    await q.start();
    await eventually(async () => (await q.get('kept', id))?.state === 'completed');
    await q.stop();
    await after.close();
    expect(seen).toEqual([{ value: 'x' }]);
  }, 60_000);
});
