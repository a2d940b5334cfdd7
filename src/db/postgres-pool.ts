// A PostgreSQL connection pool that survives losing its connections. A
// connection ends under the pool when PostgreSQL is restarted, fails over, or
// an administrator ends it (pg_terminate_backend); pg then emits 'error' on the
// client, and an 'error' event nobody listens to ends the Node process. Here
// every client has a listener: the loss is reported (ConnectionWatch) and the
// pool, which drops a broken client, opens a new one when next asked.
//
// A query or a connection attempt that fails because the database cannot be
// reached becomes GNM_DATABASE_UNAVAILABLE (503), naming what was tried
// (host and port, never the password), so that a page, /xapi and the command
// line each say so in their own way. Other errors (a unique key, a bad query)
// pass through untouched: the stores look at their codes.

import pg from 'pg';
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import { DomainError } from '../domain/errors.js';

/** A connection that ended under a pool. */
export interface LostConnection {
  /** The pool's application_name, e.g. `genomeg web`. */
  readonly pool: string;
  readonly reason: string;
  readonly code: string | null;
}

/** Who hears of connections lost: the web process logs them (web/plugins/errors.ts). */
export class ConnectionWatch {
  private readonly listeners = new Set<(lost: LostConnection) => void>();

  /** Calls `listener` for each connection lost; returns how to stop. */
  onLost(listener: (lost: LostConnection) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  lost(event: LostConnection): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** How long a new connection may take before the attempt is given up (a host that does not answer at all). */
export const CONNECT_TIMEOUT_MS = 10_000;
/** TCP keep-alive on idle connections, so one left dead by a failover is noticed within a minute rather than hours. */
const KEEP_ALIVE_DELAY_MS = 10_000;

// Errors that mean the connection, not the query, failed: Node's socket errors,
// SQLSTATE class 08 (connection exception), 57P01–57P03 (the server shut down or
// is starting), and pg's own messages for a connection that ended.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ECONNABORTED']);
const SERVER_CODES = new Set(['57P01', '57P02', '57P03']);
const CLIENT_MESSAGES = /^(Connection terminated|Client has encountered a connection error|Client was closed and is not queryable|timeout exceeded when trying to connect)/;

function codeOf(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  return typeof error.code === 'string' ? error.code : null;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Whether a query failed because its connection did, not because of the query. */
export function isConnectionLoss(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== null && (SOCKET_CODES.has(code) || SERVER_CODES.has(code) || code.startsWith('08'))) return true;
  return CLIENT_MESSAGES.test(messageOf(error));
}

/** Where a PostgreSQL URL points: host and port, as pg reads them (PGHOST, PGPORT, then localhost:5432). */
export function postgresTarget(url: string): { host: string; port: string; password: string } {
  try {
    const parsed = new URL(url);
    const host = parsed.searchParams.get('host') ?? (parsed.hostname === '' ? process.env['PGHOST'] ?? 'localhost' : parsed.hostname);
    return { host, port: parsed.port === '' ? process.env['PGPORT'] ?? '5432' : parsed.port, password: decodeURIComponent(parsed.password) };
  } catch {
    return { host: 'localhost', port: '5432', password: '' };
  }
}

/** GNM_DATABASE_UNAVAILABLE naming the database (password removed), what was tried and why it failed. */
export function databaseUnavailable(described: string, tried: string, cause: unknown, password = ''): DomainError {
  const message = messageOf(cause);
  const reason = password === '' ? message : message.split(password).join('***');
  const error = new DomainError('GNM_DATABASE_UNAVAILABLE', { database: described, tried, reason });
  error.cause = cause;
  return error;
}

/**
 * Named (prepared) statements for the statements a process sends again and
 * again. PostgreSQL parses and plans a statement each time it is sent
 * unnamed; a named one is parsed once per connection and, after five runs, it
 * may keep a generic plan. On a booking under load that planning was a third
 * of the database's CPU (bench/events.ts). A statement is named once its text
 * has been seen `after` times in this process, up to `most` names (texts with
 * a varying number of values, `in ($1, $2, …)`, are different texts). Only
 * SELECT, INSERT, UPDATE, DELETE and WITH with values are named (sendNamed), never DDL or
 * transaction control. A statement whose result's columns changed under it
 * (a migration adding a column to a `select *`: "cached plan must not change
 * result type") is sent unnamed from then on.
 */
export class StatementNames {
  private readonly seen = new Map<string, number>();
  private readonly names = new Map<string, string>();
  private readonly unnamed = new Set<string>();

  constructor(private readonly after = 5, private readonly most = 200) {}

  /** The name to send `sql` under, or undefined to send it unnamed. */
  nameOf(sql: string): string | undefined {
    const name = this.names.get(sql);
    if (name !== undefined || this.unnamed.has(sql)) return name;
    if (this.names.size >= this.most || !/^\s*(select|insert|update|delete|with)\s/i.test(sql)) return undefined;
    const seen = (this.seen.get(sql) ?? 0) + 1;
    if (seen < this.after) {
      // Remember the count of a bounded number of texts; the rest start again.
      if (this.seen.size >= 10_000) this.seen.clear();
      this.seen.set(sql, seen);
      return undefined;
    }
    this.seen.delete(sql);
    const named = `gnm_${String(this.names.size + 1)}`;
    this.names.set(sql, named);
    return named;
  }

  /** Send `sql` unnamed from now on (its prepared plan no longer fits). */
  forget(sql: string): void {
    this.names.delete(sql);
    this.unnamed.add(sql);
  }

  get size(): number {
    return this.names.size;
  }
}

/** PostgreSQL's "cached plan must not change result type" (SQLSTATE 0A000). */
function isStalePlan(error: unknown): boolean {
  return codeOf(error) === '0A000' && /cached plan must not change result type/.test(messageOf(error));
}

/**
 * Send a statement through a pg pool or client, named when `names` says so
 * (only statements with values: a text without them may hold several
 * statements, which cannot be prepared): the app's pool (ReportingClient)
 * and pg-boss's.
 */
export async function sendNamed(target: pg.Pool | pg.PoolClient, names: StatementNames | undefined, text: string, values: readonly unknown[] | undefined): Promise<pg.QueryResult> {
  const name = names !== undefined && values !== undefined && values.length > 0 ? names.nameOf(text) : undefined;
  if (name === undefined) return target.query(text, values as unknown[] | undefined);
  try {
    return await target.query({ name, text, values: values as unknown[] });
  } catch (error) {
    if (isStalePlan(error)) names?.forget(text);
    throw error;
  }
}

/** Kysely's client, passing every query to pg's and turning a lost connection into GNM_DATABASE_UNAVAILABLE. */
class ReportingClient implements PostgresPoolClient {
  constructor(private readonly client: pg.PoolClient, private readonly unavailable: (cause: unknown) => DomainError, private readonly statements?: StatementNames) {}

  query<R>(sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(sqlOrCursor: string | PostgresCursor<R>, parameters?: readonly unknown[]): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof sqlOrCursor !== 'string') return this.client.query(sqlOrCursor as unknown as pg.Submittable) as unknown as PostgresCursor<R>;
    return (sendNamed(this.client, this.statements, sqlOrCursor, parameters) as unknown as Promise<PostgresQueryResult<R>>).catch((error: unknown) => {
      throw isConnectionLoss(error) ? this.unavailable(error) : error;
    });
  }

  release(destroy?: boolean): void {
    // pg-pool gives each checkout its own release; read it at the time of the call.
    this.client.release(destroy);
  }
}

export interface PoolOptions {
  readonly url: string;
  /** The URL with any password removed. */
  readonly described: string;
  readonly max: number;
  readonly applicationName: string;
  readonly schema?: string;
  readonly watch: ConnectionWatch;
  /** Name statements sent often (StatementNames); default true. */
  readonly prepare?: boolean;
}

/** A pg pool for Kysely whose lost connections are reported and replaced rather than fatal. */
export function reportingPool(options: PoolOptions): PostgresPool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max,
    application_name: options.applicationName,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEP_ALIVE_DELAY_MS,
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  });
  const { host, port, password } = postgresTarget(options.url);
  const unavailable = (cause: unknown) => databaseUnavailable(options.described, `${host}:${port}`, cause, password);
  // An idle client's error is reported by the client's own listener below; the
  // pool repeats it as its own 'error', which must be heard or it is fatal.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    // Checked out or idle: pg-pool listens only while a client is idle.
    client.on('error', (error: Error) => { options.watch.lost({ pool: options.applicationName, reason: error.message, code: codeOf(error) }); });
  });
  const clients = new WeakMap<pg.PoolClient, ReportingClient>();
  const statements = options.prepare === false ? undefined : new StatementNames();
  return {
    async connect() {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw unavailable(error);
      }
      let reporting = clients.get(client);
      if (reporting === undefined) {
        reporting = new ReportingClient(client, unavailable, statements);
        clients.set(client, reporting);
      }
      return reporting;
    },
    end: () => pool.end(),
  };
}
