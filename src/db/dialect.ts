// Every difference between SQLite and PostgreSQL lives in this file (and in the
// connection set-up in database.ts). Migrations and stores ask for a column type
// or a conversion by name and never test the dialect themselves.

import { PostgresAdapter } from 'kysely';

/** Anything that runs queries: a Kysely instance or a transaction, of any schema. */
export interface QueryRunner {
  getExecutor(): { readonly adapter: unknown };
}

export type Engine = 'sqlite' | 'postgres';

export function engineOf(db: QueryRunner): Engine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

export interface ColumnTypes {
  readonly timestamp: 'timestamptz' | 'text';
  readonly boolean: 'boolean' | 'integer';
  readonly real: 'double precision' | 'real';
  readonly json: 'jsonb' | 'text';
  readonly bigAutoId: 'bigserial' | 'integer';
}

export function columnTypes(db: QueryRunner): ColumnTypes {
  return engineOf(db) === 'postgres'
    ? { timestamp: 'timestamptz', boolean: 'boolean', real: 'double precision', json: 'jsonb', bigAutoId: 'bigserial' }
    : { timestamp: 'text', boolean: 'integer', real: 'real', json: 'text', bigAutoId: 'integer' };
}

/** A timestamp column's value as a Date, whichever dialect read it. */
export function toDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

export function toDateOrNull(value: Date | string | null): Date | null {
  return value === null ? null : toDate(value);
}

/** A boolean column's value, whichever dialect read it. */
export function toBool(value: boolean | number): boolean {
  return value === true || value === 1;
}

/** Rows per multi-row INSERT: about 10,000 parameters, the fastest of the sizes measured (bench/staff-import.ts) and well under both dialects' limits. */
export function batchSize(columns: number): number {
  return Math.max(1, Math.floor(10_000 / columns));
}
