// Which queue a database gets: pg-boss on PostgreSQL, the in-process runner on SQLite.

import type { DatabaseHandle } from '../../db/database.js';
import { PgBossJobQueue } from './pg-boss-queue.js';
import type { JobQueue } from './queue.js';
import { SqliteJobQueue, type RunnerOptions } from './sqlite-queue.js';

/**
 * pg-boss keeps its tables in the schema `pgboss`, or, when the database is
 * opened in a schema of its own (tests), in that schema: pg-boss's table names
 * (job, queue, schedule, version…) do not meet ours (all plural).
 */
export function openJobQueue(handle: DatabaseHandle, options: RunnerOptions & { readonly applicationName?: string } = {}): JobQueue {
  if (handle.engine === 'postgres' && handle.reopen !== undefined) {
    const { url, schema } = handle.reopen();
    return new PgBossJobQueue(handle.db, { url, schema: schema ?? 'pgboss', applicationName: options.applicationName ?? 'genomeg jobs' }, options);
  }
  return new SqliteJobQueue(handle.db, options);
}
