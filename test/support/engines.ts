// One test body, every database: SQLite always; PostgreSQL wherever a server
// answers (DATABASE_URL_TEST, or this machine's 127.0.0.1:5432/test). With
// GENOMEG_REQUIRE_POSTGRES=1 (as .ci/run sets) a missing server fails the run
// instead of skipping. Each test file gets its own PostgreSQL schema.

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/db/database.js';

export const POSTGRES_URL = process.env['DATABASE_URL_TEST'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Engine {
  readonly name: 'sqlite' | 'postgres';
  /** A fresh, migrated database for one test file or suite. */
  open(): Promise<DatabaseHandle>;
}

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const sqlite: Engine = {
  name: 'sqlite',
  async open() {
    const handle = openDatabase('sqlite::memory:');
    await migrateToLatest(handle);
    return handle;
  },
};

const postgres: Engine = {
  name: 'postgres',
  async open() {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const handle = openDatabase(POSTGRES_URL, { schema, poolSize: 4 });
    await migrateToLatest(handle);
    return {
      ...handle,
      async close() {
        await handle.close();
        const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
        await cleanup.connect();
        await cleanup.query(`drop schema ${schema} cascade`);
        await cleanup.end();
      },
    };
  },
};

export async function availableEngines(): Promise<Engine[]> {
  if (await postgresReachable()) return [sqlite, postgres];
  if (process.env['GENOMEG_REQUIRE_POSTGRES'] === '1') {
    throw new Error(`PostgreSQL is required (GENOMEG_REQUIRE_POSTGRES=1) but ${POSTGRES_URL} did not answer`);
  }
  console.warn(`PostgreSQL not reachable at ${POSTGRES_URL}: running SQLite only`);
  return [sqlite];
}

export const engines = await availableEngines();
