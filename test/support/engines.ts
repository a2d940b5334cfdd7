// One test body, every database: SQLite always; PostgreSQL wherever a server
// answers (DATABASE_URL_TEST, or this machine's 127.0.0.1:5432/test). With
// GENOMEG_REQUIRE_POSTGRES=1 (as .ci/run sets) a missing server fails the run
// instead of skipping. Each test file gets its own PostgreSQL schema.

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateToLatest, openDatabase, type DatabaseHandle, type OpenOptions } from '../../src/db/database.js';

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

// Kysely's migrator looks for its own tables through PostgreSQL's catalogue,
// and that query resolves every table of every schema by name
// (pg_get_serial_sequence). A schema that another test file drops between
// the catalogue scan and that lookup fails the query with "schema … does not
// exist". So creating-and-migrating and dropping take turns, under one
// advisory lock that every test process on this server shares.
const SCHEMA_LOCK = 7_270_001;

async function withSchemaLock<T>(work: () => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query('select pg_advisory_lock($1)', [SCHEMA_LOCK]);
    try {
      return await work();
    } finally {
      await admin.query('select pg_advisory_unlock($1)', [SCHEMA_LOCK]);
    }
  } finally {
    await admin.end();
  }
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * A fresh schema, migrated, opened through `url` (the test server's, or a
 * proxy in front of it) with these options; closing drops the schema.
 */
export async function openPostgresSchema(url = POSTGRES_URL, options: Omit<OpenOptions, 'schema'> = {}): Promise<DatabaseHandle> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const handle = openDatabase(url, { poolSize: 4, ...options, schema });
  await withSchemaLock(async () => {
    await adminQuery(`create schema ${schema}`);
    await migrateToLatest(handle);
  });
  return {
    ...handle,
    async close() {
      await handle.close();
      await withSchemaLock(() => adminQuery(`drop schema ${schema} cascade`));
    },
  };
}

const postgres: Engine = {
  name: 'postgres',
  open: () => openPostgresSchema(),
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
