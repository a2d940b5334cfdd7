// Opening the database named by DATABASE_URL: SQLite (the embedded default) or
// PostgreSQL (production). Everything past this file speaks Kysely and does not
// know which one it has.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';
import { StaticMigrationProvider } from './migrations/index.js';
import type { Engine } from './dialect.js';
import { BACKSTOP_PAGES, startCheckpointer } from './checkpointer.js';

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

export function openDatabase(url: string, options: OpenOptions = {}): DatabaseHandle {
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const schema = options.schema;
    return {
      db, engine: 'postgres', description: redactUrl(url), close: () => db.destroy(), ...(schema === undefined ? {} : { schema }),
      reopen: () => (schema === undefined ? { url } : { url, schema }),
    };
  }
  const path = sqlitePath(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
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
    db, engine: 'sqlite', description: `sqlite:${path}`, checkpoints, ...(path === ':memory:' ? {} : { sqliteFile: path }),
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
