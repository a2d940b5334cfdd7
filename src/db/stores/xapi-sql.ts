// The learning record store's hot writes as plain SQL, because building them
// with the query builder cost as much as running them (profiled: bench/xapi.ts).
// SQLite: multi-row inserts in chunks of a fixed size, so that each shape of
// statement is prepared once and kept (db/database.ts caches by SQL text).
// PostgreSQL: whole columns as arrays through unnest, so that a batch of any
// size is one short statement with a dozen parameters (long text, such as the
// statements' JSON, packed into one binary parameter: see PACK_ABOVE). Every difference between
// the dialects for these writes lives in this file.

import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import { engineOf } from '../dialect.js';
import type { Database } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export type SqlType = 'text' | 'bigint' | 'boolean' | 'timestamptz' | 'double precision';
export type SqlValue = string | number | boolean | null;

export interface BulkInsert {
  readonly table: string;
  readonly columns: readonly (readonly [name: string, type: SqlType])[];
  readonly rows: readonly (readonly SqlValue[])[];
  /** What follows the rows: `on conflict (…) do …`. */
  readonly onConflict?: string;
  /** Columns to return, e.g. `seq, id`. */
  readonly returning?: string;
}

/** Rows per SQLite statement: few enough shapes to keep them all prepared, few enough parameters for any build. */
const SQLITE_CHUNK = 32;

function sqliteValue(value: SqlValue): string | number | null {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

/** Insert many rows in as few statements as the dialect allows; the returned rows of every statement, in order. */
export async function bulkInsert<R>(db: Db, insert: BulkInsert): Promise<R[]> {
  if (insert.rows.length === 0) return [];
  const names = insert.columns.map(([name]) => name).join(', ');
  const tail = `${insert.onConflict === undefined ? '' : ` ${insert.onConflict}`}${insert.returning === undefined ? '' : ` returning ${insert.returning}`}`;
  if (engineOf(db) === 'postgres') {
    const { text, parameters } = unnestInsert(insert, names, tail);
    const result = await db.executeQuery<R>(CompiledQuery.raw(text, parameters));
    return [...result.rows];
  }
  const out: R[] = [];
  const placeholders = `(${insert.columns.map(() => '?').join(', ')})`;
  for (let i = 0; i < insert.rows.length; i += SQLITE_CHUNK) {
    const chunk = insert.rows.slice(i, i + SQLITE_CHUNK);
    const text = `insert into ${insert.table} (${names}) values ${Array.from({ length: chunk.length }, () => placeholders).join(', ')}${tail}`;
    const result = await db.executeQuery<R>(CompiledQuery.raw(text, chunk.flatMap((row) => row.map(sqliteValue))));
    out.push(...result.rows);
  }
  return out;
}

/**
 * A text column whose values together exceed this many characters goes to
 * PostgreSQL as one binary bytea parameter with each value's offset and length,
 * rather than in a text[] literal: the literal escapes every quote of a JSON
 * statement on the way out and PostgreSQL parses it back character by character.
 */
const PACK_ABOVE = 16_384;

/** PostgreSQL: `insert … select … from unnest(arrays)`, long text columns packed (PACK_ABOVE). */
function unnestInsert(insert: BulkInsert, names: string, tail: string): { text: string; parameters: unknown[] } {
  const parameters: unknown[] = [];
  const unnested: string[] = [];
  const aliases: string[] = [];
  const selected: string[] = [];
  const param = (value: unknown): string => { parameters.push(value); return `$${parameters.length}`; };
  insert.columns.forEach(([, type], c) => {
    const values = insert.rows.map((row) => row[c] ?? null);
    let chars = 0;
    if (type === 'text') for (const v of values) chars += typeof v === 'string' ? v.length : 0;
    if (chars <= PACK_ABOVE) {
      unnested.push(`${param(values)}::${type}[]`);
      aliases.push(`c${c}`);
      selected.push(`c${c}`);
      return;
    }
    const parts: Buffer[] = [];
    const offsets: number[] = [];
    const lengths: (number | null)[] = [];
    let at = 1;
    for (const v of values) {
      const bytes = v === null ? null : Buffer.from(String(v), 'utf8');
      offsets.push(at);
      lengths.push(bytes === null ? null : bytes.length);
      if (bytes !== null) { parts.push(bytes); at += bytes.length; }
    }
    const packed = param(Buffer.concat(parts));
    unnested.push(`${param(offsets)}::int[]`, `${param(lengths)}::int[]`);
    aliases.push(`o${c}`, `l${c}`);
    selected.push(`convert_from(substring(${packed}::bytea from o${c} for l${c}), 'UTF8')`);
  });
  return { text: `insert into ${insert.table} (${names}) select ${selected.join(', ')} from unnest(${unnested.join(', ')}) as u(${aliases.join(', ')})${tail}`, parameters };
}

/** Delete rows by their whole primary key, many at a time (erasure). */
export async function deleteByKeys(db: Db, table: string, columns: readonly (readonly [name: string, type: SqlType])[], keys: readonly (readonly SqlValue[])[]): Promise<void> {
  const postgres = engineOf(db) === 'postgres';
  const size = Math.max(1, Math.floor(900 / columns.length));
  for (let i = 0; i < keys.length; i += size) {
    const chunk = keys.slice(i, i + size);
    let n = 0;
    const tuples = chunk.map(() => `(${columns.map(([, type]) => (postgres ? `$${(n += 1)}::${type}` : '?')).join(', ')})`);
    const text = `delete from ${table} where (${columns.map(([name]) => name).join(', ')}) in (values ${tuples.join(', ')})`;
    await db.executeQuery(CompiledQuery.raw(text, chunk.flatMap((row) => row.map(sqliteValue))));
  }
}
