// pg-boss on PostgreSQL, where the connection or the process can go away:
//   - the connection drops just as a job finishes: no unhandled rejection (pg-boss
//     10's own work() completes a job without awaiting it, so that rejection
//     ended the process), the error is logged, and the job, left active, is
//     taken again once its lease runs out;
//   - a job running longer than its lease is kept by its heartbeat: pg-boss's
//     maintenance does not expire it while it runs.
// Each test runs on a database of its own (the first one refuses connections
// for a while). SQLite has no connection to lose: skipped there.

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { PgBossJobQueue } from '../../src/services/jobs/pg-boss-queue.js';
import { engines, POSTGRES_URL } from '../support/engines.js';
import { eventually } from '../support/eventually.js';

const onPostgres = engines.some((e) => e.name === 'postgres');
const database = `t_lease_${randomBytes(5).toString('hex')}`;
const url = (() => { const u = new URL(POSTGRES_URL); u.pathname = `/${database}`; return u.toString(); })();

async function admin<T extends pg.QueryResultRow = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try { return (await client.query<T>(text, values)).rows; } finally { await client.end(); }
}

describe.skipIf(!onPostgres)('pg-boss jobs when the connection or the process goes away (PostgreSQL only)', () => {
  let handle: DatabaseHandle;
  const queues: PgBossJobQueue[] = [];
  const errors: { readonly error: unknown; readonly job?: string; readonly id?: string }[] = [];

  function queue(applicationName: string): PgBossJobQueue {
    const q = new PgBossJobQueue(handle.db, { url, schema: 'pgboss', applicationName }, {
      pollMs: 200, heartbeatMs: 200, maintenanceSeconds: 1, graceMs: 2000,
      onError: (error, context) => { errors.push({ error, ...context }); },
    });
    queues.push(q);
    return q;
  }

  beforeAll(async () => {
    await admin(`create database ${database}`);
    // Only pg-boss's own tables are used here; the handle is the schedule store's, never queried.
    handle = openDatabase(url, { poolSize: 1 });
  }, 60_000);

  afterAll(async () => {
    await admin(`alter database ${database} with allow_connections true`).catch(() => undefined);
    for (const q of queues) await q.stop().catch(() => undefined);
    await handle.close();
    await admin(`drop database if exists ${database} with (force)`).catch(() => undefined);
  }, 60_000);

  it('survives the connection dropping as a job completes, and the job is done again once its lease runs out', async () => {
    const appName = `genomeg lease ${randomBytes(3).toString('hex')}`;
    const q = queue(appName);
    const attempts: number[] = [];
    q.register('drop-at-completion', async (_data, context) => {
      attempts.push(context.retryCount);
      if (attempts.length === 1) {
        // The database goes away under the runner between the job's work and its completion.
        await admin(`alter database ${database} with allow_connections false`);
        await admin('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = $2', [database, appName]);
      }
    }, { concurrency: 1 });
    await q.start();
    const id = await q.send('drop-at-completion', {}, { expireInSeconds: 2, retryDelaySeconds: 1, retryLimit: 3 });
    // The completion failed, and was logged against the job (not thrown into the void).
    await eventually(() => errors.some((e) => e.job === 'drop-at-completion' && e.id === id), 60_000);
    await admin(`alter database ${database} with allow_connections true`);
    await eventually(async () => (await q.get('drop-at-completion', id).catch(() => null))?.state === 'completed', 90_000);
    // Done again (a retry, as for a dead worker): at least once, never lost.
    expect(attempts).toEqual([0, 1]);
  }, 180_000);

  it('keeps a job that runs longer than its lease: its heartbeat holds it through several maintenance passes', async () => {
    await admin(`alter database ${database} with allow_connections true`);
    const q = queue(`genomeg lease ${randomBytes(3).toString('hex')}`);
    const attempts: number[] = [];
    /** When pg-boss's maintenance (which expires jobs whose lease ran out) last ran. */
    const maintainedAt = async (): Promise<number> => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ at: Date | null }>('select maintained_on as at from pgboss.version');
        return rows[0]?.at?.getTime() ?? 0;
      } finally { await client.end(); }
    };
    q.register('outlives-its-lease', async (_data, context) => {
      attempts.push(context.retryCount);
      // Runs until pg-boss's maintenance has run three times after its 3 s lease would have ended.
      const leaseEnds = Date.now() + 3000;
      const passes = new Set<number>();
      await eventually(async () => {
        const at = await maintainedAt();
        if (at > leaseEnds) passes.add(at);
        return passes.size >= 3;
      }, 60_000);
    }, { concurrency: 1 });
    await q.start();
    const id = await q.send('outlives-its-lease', {}, { expireInSeconds: 3, retryDelaySeconds: 1, retryLimit: 3 });
    await eventually(async () => (await q.get('outlives-its-lease', id))?.state === 'completed', 90_000);
    expect(attempts).toEqual([0]);
    expect((await q.get('outlives-its-lease', id))?.retryCount).toBe(0);
  }, 120_000);
});
