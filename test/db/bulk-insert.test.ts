// The record store's many-row inserts: every value comes back as it went in,
// on both engines, whether its column is sent as an array literal or, when the
// column's text is long, packed into one binary parameter (PostgreSQL).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../../src/db/database.js';
import { bulkInsert, type BulkInsert } from '../../src/db/stores/xapi-sql.js';
import { engines } from '../support/engines.js';

const COLUMNS: BulkInsert['columns'] = [['n', 'bigint'], ['body', 'text'], ['note', 'text']];

// Quotes, backslashes, braces and commas (what an array literal must escape),
// Welsh letters and an emoji (more than one byte each in UTF-8), empty strings
// and nulls at the start, middle and end.
const AWKWARD = [null, '', '{"a":"b\\"c"}', 'ŵyr ŷd â ê', 'NHS 🧬 Cymru', 'x,y}{"', null, '\\', ''];

function rowsOf(bodies: readonly (string | null)[], note: (i: number) => string | null): (string | number | null)[][] {
  return bodies.map((body, i) => [i, body, note(i)]);
}

describe.each(engines)('bulk insert on $name', (engine) => {
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await engine.open();
    await sql`create table bulk_probe (n bigint primary key, body text, note text)`.execute(handle.db);
  });
  afterAll(async () => { await handle.close(); });

  async function roundTrip(rows: (string | number | null)[][]): Promise<(string | number | null)[][]> {
    await sql`delete from bulk_probe`.execute(handle.db);
    const returned = await bulkInsert<{ n: number | string }>(handle.db, { table: 'bulk_probe', columns: COLUMNS, rows, returning: 'n' });
    expect(returned.map((r) => Number(r.n))).toEqual(rows.map((r) => r[0]));
    const back = await sql<{ n: number | string; body: string | null; note: string | null }>`select n, body, note from bulk_probe order by n`.execute(handle.db);
    return back.rows.map((r) => [Number(r.n), r.body, r.note]);
  }

  it('keeps short awkward text exactly', async () => {
    const rows = rowsOf(AWKWARD, (i) => (i % 2 === 0 ? null : `note ${String(i)}`));
    expect(await roundTrip(rows)).toEqual(rows);
  });

  it('keeps long text exactly, with nulls and multi-byte characters among it (the packed path on PostgreSQL)', async () => {
    // Each body about 2 KB, like a stored statement; together far over the packing threshold.
    const bodies = Array.from({ length: 60 }, (_, i) => (i % 7 === 3 ? null : `${AWKWARD[i % AWKWARD.length] ?? ''}${'{"name":{"cy-GB":"Ffarmacogenomeg ŵ"}}'.repeat(50)}${String(i)}`));
    const rows = rowsOf(bodies, (i) => (i % 5 === 0 ? null : AWKWARD[i % AWKWARD.length] ?? null));
    expect(await roundTrip(rows)).toEqual(rows);
  });

  it.runIf(engine.name === 'postgres')('stores statements and documents compressed with lz4 where the server has it (migration 0009)', async () => {
    const has = await sql<{ lz4: boolean }>`select exists (select 1 from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals)) as lz4`.execute(handle.db);
    const columns = await sql<{ table: string; compression: string }>`
      select c.relname as table, a.attcompression as compression from pg_attribute a join pg_class c on c.oid = a.attrelid
      where c.relnamespace = current_schema()::regnamespace and (c.relname, a.attname) in (('xapi_statements', 'statement_json'), ('xapi_documents', 'content'))
      order by c.relname`.execute(handle.db);
    const expected = has.rows[0]?.lz4 === true ? 'l' : '';
    expect(columns.rows).toEqual([{ table: 'xapi_documents', compression: expected }, { table: 'xapi_statements', compression: expected }]);
  });
});
