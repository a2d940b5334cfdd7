// Every difference between SQLite and PostgreSQL lives in this file (and in the
// connection set-up in database.ts). Migrations and stores ask for a column type
// or a conversion by name and never test the dialect themselves.

import { PostgresAdapter, sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';

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

// The staff search index (migration 0010). Both engines index the same stored
// column, `staff.search_text` (names and assignment number with accents folded,
// written by the staff store), and match a search when every word typed starts a
// word of it. SQLite keeps an FTS5 index of the column (an external-content
// table kept in step by triggers); PostgreSQL a GIN index of a stored tsvector
// of it under the built-in `simple` configuration (no extension to install, no
// stop words). The tsvector is stored, not an expression index, so that a plan
// that filters by organisation first does not rebuild it for every row; the GIN
// index has no pending list (fastupdate off), which after a bulk import made
// every search scan the list (48 ms instead of 1 ms at 100,000 staff).

/** Statements that create the staff search index, for this engine. */
export function staffSearchIndexStatements(db: QueryRunner): readonly string[] {
  if (engineOf(db) === 'postgres') {
    return [
      `alter table staff add column search_vector tsvector generated always as (to_tsvector('simple'::regconfig, search_text)) stored`,
      `create index staff_search_vector on staff using gin (search_vector) with (fastupdate = off)`,
    ];
  }
  return [
    `create virtual table staff_search using fts5(search_text, content='staff', content_rowid='rowid', tokenize='unicode61 remove_diacritics 0', prefix='1 2 3')`,
    `create trigger staff_search_insert after insert on staff begin
       insert into staff_search(rowid, search_text) values (new.rowid, new.search_text);
     end`,
    `create trigger staff_search_delete after delete on staff begin
       insert into staff_search(staff_search, rowid, search_text) values ('delete', old.rowid, old.search_text);
     end`,
    `create trigger staff_search_update after update of search_text on staff begin
       insert into staff_search(staff_search, rowid, search_text) values ('delete', old.rowid, old.search_text);
       insert into staff_search(rowid, search_text) values (new.rowid, new.search_text);
     end`,
    `insert into staff_search(staff_search) values ('rebuild')`,
  ];
}

/** Statements that remove the staff search index, for this engine. */
export function dropStaffSearchIndexStatements(db: QueryRunner): readonly string[] {
  if (engineOf(db) === 'postgres') return ['drop index if exists staff_search_vector', 'alter table staff drop column if exists search_vector'];
  return ['drop trigger if exists staff_search_update', 'drop trigger if exists staff_search_delete', 'drop trigger if exists staff_search_insert', 'drop table if exists staff_search'];
}

/**
 * A condition on `staff` that holds when every term starts a word of the
 * person's search text. Terms are already folded (letters and digits only, see
 * domain/staff/search.ts), so they cannot carry query syntax; they are passed
 * as parameters all the same.
 */
export function staffSearchMatches(db: QueryRunner, terms: readonly string[]): RawBuilder<boolean> {
  if (engineOf(db) === 'postgres') {
    const query = terms.map((t) => `${t}:*`).join(' & ');
    return sql<boolean>`staff.search_vector @@ to_tsquery('simple'::regconfig, ${query})`;
  }
  const query = terms.map((t) => `"${t}"*`).join(' ');
  return sql<boolean>`staff.rowid in (select rowid from staff_search where staff_search match ${query})`;
}

/**
 * After a bulk write, bring the planner's statistics of a table up to date, so
 * the next query is planned on the table as it now is. PostgreSQL: ANALYZE
 * (run after the import commits) rather than waiting for autovacuum;
 * with the statistics of an empty table a search of one board's 20,000 staff
 * took 160 ms instead of 2 ms. SQLite: ANALYZE too (sqlite_stat1); without it
 * SQLite takes an organisation's index to be selective and reads all of that
 * organisation's rows instead of the few the search index found.
 */
export async function refreshPlannerStatistics(db: QueryExecutorProvider, table: 'staff'): Promise<void> {
  await sql`analyze ${sql.table(table)}`.execute(db);
}
