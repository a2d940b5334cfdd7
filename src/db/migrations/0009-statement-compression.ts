// PostgreSQL compresses a row's long values before storing them, by default with
// its own pglz. A stored statement is about 2 KB of JSON, just over the size at
// which it starts to try, so pglz ran on most statements written: a tenth of the
// server's CPU time under ingest (perf, bench/xapi.ts). lz4 compresses the same
// JSON several times faster and reads it back faster too. It applies to values
// written from now on; rows already stored keep theirs (both are read alike).
// Only where the server was built with lz4 (PostgreSQL 14 and later, usually);
// SQLite does not compress, so there is nothing to do.

import { sql, type Kysely, type Migration } from 'kysely';
import { engineOf } from '../dialect.js';

const COLUMNS = [['xapi_statements', 'statement_json'], ['xapi_documents', 'content']] as const;

async function lz4Available(db: Kysely<unknown>): Promise<boolean> {
  const row = await sql<{ lz4: boolean }>`select exists (select 1 from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals)) as lz4`.execute(db);
  return row.rows[0]?.lz4 === true;
}

export const statementCompression: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    if (engineOf(db) !== 'postgres' || !(await lz4Available(db))) return;
    for (const [table, column] of COLUMNS) await sql`alter table ${sql.table(table)} alter column ${sql.ref(column)} set compression lz4`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    if (engineOf(db) !== 'postgres' || !(await lz4Available(db))) return;
    for (const [table, column] of COLUMNS) await sql`alter table ${sql.table(table)} alter column ${sql.ref(column)} set compression pglz`.execute(db);
  },
};
