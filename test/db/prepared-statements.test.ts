// Statements a process sends again and again go named (prepared) on
// PostgreSQL, so the server parses and plans them once per connection
// (src/db/postgres-pool.ts, StatementNames); DDL and transaction control never
// do; a statement whose result changed under it (a column added to a
// `select *`) fails once and is sent unnamed from then on.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../../src/db/database.js';
import { StatementNames } from '../../src/db/postgres-pool.js';
import { engines, openPostgresSchema } from '../support/engines.js';

describe('StatementNames', () => {
  it('names a statement once it has been seen the given number of times, and only reads and writes', () => {
    const names = new StatementNames(3, 10);
    const select = 'select * from users where id = $1';
    expect(names.nameOf(select)).toBeUndefined();
    expect(names.nameOf(select)).toBeUndefined();
    const name = names.nameOf(select);
    expect(name).toMatch(/^gnm_\d+$/);
    expect(names.nameOf(select)).toBe(name);
    for (const never of ['begin', 'commit', 'create table t (id int)', 'alter table t add column x int', 'set local lock_timeout = 1000']) {
      for (let i = 0; i < 5; i++) expect(names.nameOf(never)).toBeUndefined();
    }
    expect(names.size).toBe(1);
  });

  it('names at most the given number of statements, and gives each text its own name', () => {
    const names = new StatementNames(1, 3);
    const given = ['select 1 where $1', 'select 2 where $1', 'update t set a = $1', 'delete from t where a = $1'].map((q) => names.nameOf(q));
    expect(given.slice(0, 3).every((n) => n !== undefined)).toBe(true);
    expect(new Set(given.slice(0, 3)).size).toBe(3);
    expect(given[3]).toBeUndefined();
  });

  it('sends a statement unnamed once it is forgotten', () => {
    const names = new StatementNames(1, 10);
    const q = 'select * from t where id = $1';
    expect(names.nameOf(q)).toBeDefined();
    names.forget(q);
    expect(names.nameOf(q)).toBeUndefined();
    expect(names.nameOf(q)).toBeUndefined();
  });
});

describe.each(engines.filter((e) => e.name === 'postgres'))('named statements on $name', (engine) => {
  let handle: DatabaseHandle;
  beforeAll(async () => { handle = await engine.open(); });
  afterAll(async () => { await handle.close(); });

  it('prepares a statement sent often on the connection, and answers it as before', async () => {
    await handle.db.connection().execute(async (db) => {
      const answers: unknown[] = [];
      for (let i = 0; i < 7; i++) answers.push(await db.selectFrom('users').select('id').where('email', '=', `nobody${String(i)}@test.genomeg.test`).execute());
      expect(answers).toEqual(Array.from({ length: 7 }, () => []));
      const prepared = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(db);
      expect(prepared.rows.some((r) => r.statement.startsWith('select "id" from "users" where "email" = $1'))).toBe(true);
    });
  });

  it('sends a select * whose table gained a column unnamed after one failure, and then reads the new column', async () => {
    await sql`create table prepared_probe (id integer primary key, a text)`.execute(handle.db);
    await sql`insert into prepared_probe values (1, 'one')`.execute(handle.db);
    await handle.db.connection().execute(async (db) => {
      const read = () => sql<Record<string, unknown>>`select * from prepared_probe where id = ${1}`.execute(db);
      for (let i = 0; i < 6; i++) expect((await read()).rows).toEqual([{ id: 1, a: 'one' }]);
      // A migration elsewhere adds a column.
      await sql`alter table prepared_probe add column b text default 'two'`.execute(handle.db);
      await expect(read()).rejects.toThrow(/cached plan must not change result type/);
      expect((await read()).rows).toEqual([{ id: 1, a: 'one', b: 'two' }]);
    });
  });

  it('names nothing when DATABASE_PREPARED_STATEMENTS is off (behind a pooler that does not keep them)', async () => {
    const plain = await openPostgresSchema(undefined, { prepare: false });
    try {
      await plain.db.connection().execute(async (db) => {
        for (let i = 0; i < 7; i++) await db.selectFrom('users').select('id').where('email', '=', 'nobody@test.genomeg.test').execute();
        const prepared = await sql<{ n: string }>`select count(*)::text as n from pg_prepared_statements`.execute(db);
        expect(prepared.rows[0]?.n).toBe('0');
      });
    } finally {
      await plain.close();
    }
  });
});
