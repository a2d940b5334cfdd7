// One test body, every database: SQLite always; PostgreSQL wherever a server
// answers (DATABASE_URL_TEST, or this machine's 127.0.0.1:5432/test). With
// GENOMEG_REQUIRE_POSTGRES=1 (as .ci/run sets) a missing server fails the run
// instead of skipping. Each test file (or suite) gets its own PostgreSQL
// database, a copy of the run's migrated template (global-setup.ts), with its
// own schema name, so that pool names (application_name) tell them apart.

import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { migrateToLatest, openDatabase, type DatabaseHandle, type OpenOptions } from '../../src/db/database.js';
import { adminQuery, POSTGRES_URL, postgresReachable, TEMPLATE_SCHEMA, urlOfDatabase } from './postgres.js';

export { POSTGRES_URL } from './postgres.js';

export interface Engine {
  readonly name: 'sqlite' | 'postgres';
  /** A fresh, migrated database for one test file or suite. */
  open(): Promise<DatabaseHandle>;
}

const sqlite: Engine = {
  name: 'sqlite',
  async open() {
    const handle = openDatabase('sqlite::memory:');
    await migrateToLatest(handle);
    return handle;
  },
};

/**
 * A fresh database, a copy of the run's migrated template, opened through
 * `url` (the test server's, or a proxy in front of it) with these options;
 * closing drops it. Copying takes a few hundred milliseconds where migrating
 * took seconds; the copy's schema is renamed so each database has a name of
 * its own in the pools' application_name.
 */
export async function openPostgresSchema(url = POSTGRES_URL, options: Omit<OpenOptions, 'schema'> = {}): Promise<DatabaseHandle> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const template = inject('postgresTemplate');
  if (template === '') {
    // No template (the run's set-up found no server): migrate a database of its own.
    await adminQuery(`create database ${name}`);
    await adminQuery(`create schema ${name}`, urlOfDatabase(POSTGRES_URL, name));
  } else {
    await adminQuery(`create database ${name} template ${template}`);
    await adminQuery(`alter schema ${TEMPLATE_SCHEMA} rename to ${name}`, urlOfDatabase(POSTGRES_URL, name));
  }
  const handle = openDatabase(urlOfDatabase(url, name), { poolSize: 4, ...options, schema: name });
  if (template === '') await migrateToLatest(handle);
  return {
    ...handle,
    async close() {
      await handle.close();
      // FORCE: a pool another part of the test left open (a worker thread's) must not keep the copy.
      await adminQuery(`drop database if exists ${name} with (force)`);
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
