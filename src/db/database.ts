// Opening the database named by DATABASE_URL: SQLite (the embedded default) or
// PostgreSQL (production). Everything past this file speaks Kysely and does not
// know which one it has.
//
// A database that cannot be opened or reached is GNM_DATABASE_UNAVAILABLE,
// naming DATABASE_URL's target without its password; a PostgreSQL connection
// lost later is reported and replaced (postgres-pool.ts). A SQLite file, its
// write-ahead log and shared memory are readable by their owner only, and a
// folder made for them by their owner only.

import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';
import { StaticMigrationProvider } from './migrations/index.js';
import type { Engine } from './dialect.js';
import { BACKSTOP_PAGES, startCheckpointer } from './checkpointer.js';
import { ConnectionWatch, databaseUnavailable, reportingPool } from './postgres-pool.js';

export { ConnectionWatch, type LostConnection } from './postgres-pool.js';

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly engine: Engine;
  /** PostgreSQL schema in use, when not the default. */
  readonly schema?: string;
  /** Where it is, with any password removed: safe to log. */
  readonly description: string;
  /** SQLite only: who checkpoints the write-ahead log (see OpenOptions). */
  readonly checkpoints?: Checkpoints;
  /** The file's path, when this is a SQLite file (not an in-memory database). */
  readonly sqliteFile?: string;
  /**
   * PostgreSQL only: how to open another connection pool to the same database
   * and schema (the record writer's thread). A function, so that the URL, which
   * may hold a password, is not shown when the handle is logged.
   */
  readonly reopen?: () => { readonly url: string; readonly schema?: string };
  /** PostgreSQL connections lost under this handle's pools (its own, and the record writer's). */
  readonly connections: ConnectionWatch;
  close(): Promise<void>;
}

/**
 * Who copies a SQLite file's write-ahead log back into the file: 'auto' (the
 * default), the connection whose commit takes it past 1,000 pages, inside that
 * commit; 'background' (a server), a checkpointer thread every second, with
 * this connection checkpointing itself only past a far larger backstop;
 * 'elsewhere', only the backstop: another connection in this process has the
 * checkpointer.
 */
export type Checkpoints = 'auto' | 'background' | 'elsewhere';

export interface OpenOptions {
  /** PostgreSQL only: the schema to use (tests give each file its own). */
  readonly schema?: string;
  readonly poolSize?: number;
  /** SQLite file only: who checkpoints the write-ahead log. */
  readonly checkpoints?: Checkpoints;
  /** SQLite only: this connection's page cache in KiB (default SQLITE_CACHE_KIB). */
  readonly cacheKib?: number;
  /**
   * PostgreSQL only: the pool's application_name (default `genomeg`), with the
   * schema after it when there is one, so that pg_stat_activity tells the
   * pools apart: `genomeg web`, `genomeg record writer`.
   */
  readonly applicationName?: string;
  /** PostgreSQL only: name statements sent often (prepared); default DATABASE_PREPARED_STATEMENTS (true). */
  readonly prepare?: boolean;
}

/** DATABASE_PREPARED_STATEMENTS as the configuration reads it (checked there at start-up: a bad value stops the process). */
function preparedByDefault(): boolean {
  const value = process.env['DATABASE_PREPARED_STATEMENTS'];
  return value === undefined || !['false', '0', 'no'].includes(value);
}

// Keep bigint counts and numeric values as JS numbers (counts stay well inside 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export function sqlitePath(url: string): string {
  return url.replace(/^sqlite:(\/\/)?/, '').replace(/^file:/, '');
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

const STATEMENT_CACHE_SIZE = 500;
/** SQLite page cache per connection, in KiB. */
export const SQLITE_CACHE_KIB = 128 * 1024;

/**
 * better-sqlite3 binds only numbers, strings, bigints, buffers and null:
 * booleans become 1/0 and Dates ISO-8601 strings on the way in, so stores
 * write `active: true` and `new Date()` on both dialects alike. Done here, on
 * the parameters of each query, rather than by a Kysely plugin that would
 * rebuild every query's tree to find them.
 */
function toSqliteParameters(parameters: readonly unknown[]): unknown[] {
  return parameters.map((value) => {
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (value instanceof Date) return value.toISOString();
    return value;
  });
}

/** What Kysely's SQLite driver asks of a prepared statement. */
interface KyselySqliteStatement {
  readonly reader: boolean;
  all(parameters: readonly unknown[]): unknown[];
  run(parameters: readonly unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(parameters: readonly unknown[]): IterableIterator<unknown>;
}

/**
 * Kysely prepares every query afresh; preparing costs as much as running a
 * small query. better-sqlite3 runs one statement at a time on one connection,
 * so a prepared statement can be kept and reused by its SQL text (SQLite
 * re-prepares it itself if the schema changes). Nothing here streams, which
 * is the one use that would keep a statement busy.
 */
function withStatementCache(sqlite: SQLite.Database): { close(): void; prepare(sql: string): KyselySqliteStatement } {
  const cache = new Map<string, KyselySqliteStatement>();
  return {
    close: () => { cache.clear(); sqlite.close(); },
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (statement === undefined) {
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
        // Every transaction takes the write lock as it begins, waiting its turn
        // (busy_timeout) behind another connection's: a transaction that read
        // first and wrote later could otherwise fail at once with SQLITE_BUSY
        // when another connection had written in between.
        const prepared = sqlite.prepare(sql === 'begin' ? 'begin immediate' : sql);
        statement = {
          reader: prepared.reader,
          all: (parameters) => prepared.all(toSqliteParameters(parameters)),
          run: (parameters) => prepared.run(toSqliteParameters(parameters)),
          iterate: (parameters) => prepared.iterate(toSqliteParameters(parameters)),
        };
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

/** Owner only: a SQLite file and everything beside it that the platform writes (demo sign-ins). */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_FOLDER_MODE = 0o700;

/**
 * Make the folder (owner only, when made here: a folder that already exists,
 * /tmp say, is left as it is) and the file, empty, owner only, before SQLite
 * opens it: SQLite gives its -wal and -shm files the database file's mode. A
 * file of an earlier version that others could read loses their access.
 */
function prepareSqliteFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_FOLDER_MODE });
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file) && (statSync(file).mode & 0o077) !== 0) chmodSync(file, statSync(file).mode & 0o700);
  }
}

/** The file opened in write-ahead-log mode (which writes beside it): where that fails, GNM_DATABASE_UNAVAILABLE names the file. */
function openSqlite(path: string): SQLite.Database {
  try {
    if (path !== ':memory:') prepareSqliteFile(path);
    const sqlite = new SQLite(path);
    sqlite.pragma('journal_mode = WAL');
    return sqlite;
  } catch (error) {
    throw databaseUnavailable(`sqlite:${path}`, path, error);
  }
}

export function openDatabase(url: string, options: OpenOptions = {}): DatabaseHandle {
  const connections = new ConnectionWatch();
  if (isPostgresUrl(url)) {
    const schema = options.schema;
    const applicationName = `${options.applicationName ?? 'genomeg'}${schema === undefined ? '' : ` ${schema}`}`.slice(0, 63);
    const pool = reportingPool({ url, described: redactUrl(url), max: options.poolSize ?? 10, applicationName, watch: connections, prepare: options.prepare ?? preparedByDefault(), ...(schema === undefined ? {} : { schema }) });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db, engine: 'postgres', description: redactUrl(url), connections, close: () => db.destroy(), ...(schema === undefined ? {} : { schema }),
      reopen: () => (schema === undefined ? { url } : { url, schema }),
    };
  }
  const path = sqlitePath(url);
  const sqlite = openSqlite(path);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  // SQLite's default page cache is 2 MiB; a learning record store of millions
  // of statements writes to indexes far larger than that. 128 MiB keeps their
  // upper levels in memory (measured in bench/xapi.ts; see docs/xapi.md).
  sqlite.pragma(`cache_size = -${String(options.cacheKib ?? SQLITE_CACHE_KIB)}`);
  const checkpoints = path === ':memory:' ? 'auto' : options.checkpoints ?? 'auto';
  if (checkpoints !== 'auto') sqlite.pragma(`wal_autocheckpoint = ${String(BACKSTOP_PAGES)}`);
  const checkpointer = checkpoints === 'background' ? startCheckpointer(path) : null;
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    db, engine: 'sqlite', description: `sqlite:${path}`, checkpoints, connections, ...(path === ':memory:' ? {} : { sqliteFile: path }),
    close: async () => {
      await db.destroy();
      await checkpointer?.stop();
    },
  };
}

export interface MigrationReport {
  readonly applied: readonly string[];
}

export function migratorFor(handle: DatabaseHandle): Migrator {
  // Kysely looks for its own tables by name in every schema unless told which one.
  return new Migrator({ db: handle.db, provider: new StaticMigrationProvider(), ...(handle.schema === undefined ? {} : { migrationTableSchema: handle.schema }) });
}

export async function migrateToLatest(handle: DatabaseHandle): Promise<MigrationReport> {
  const migrator = migratorFor(handle);
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) throw error instanceof Error ? error : new Error(JSON.stringify(error));
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
