// A server's SQLite file is checkpointed by a thread of its own: the log's
// pages reach the database file without any commit running the checkpoint,
// which a connection left to the backstop alone would not do.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Checkpoints } from '../../src/db/database.js';

const dirs: string[] = [];
afterEach(() => { for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true }); });

/** Writes about 2 MiB in one transaction, then watches the database file for `ms`; answers its size then, and the size before. */
async function writeAndWatch(checkpoints: Checkpoints, ms: number): Promise<{ before: number; after: number; rows: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'genomeg-checkpoint-'));
  dirs.push(dir);
  const file = join(dir, 'db.sqlite');
  const handle = openDatabase(`sqlite:${file}`, { checkpoints });
  try {
    await sql`create table filler (n integer primary key, body text not null)`.execute(handle.db);
    const before = statSync(file).size;
    await handle.db.transaction().execute(async (trx) => {
      for (let n = 0; n < 500; n += 1) await sql`insert into filler (n, body) values (${n}, ${'x'.repeat(4000)})`.execute(trx);
    });
    const until = Date.now() + ms;
    while (Date.now() < until && statSync(file).size < before + 1_000_000) await new Promise((r) => setTimeout(r, 50));
    const after = statSync(file).size;
    const rows = (await sql<{ n: number }>`select count(*) as n from filler`.execute(handle.db)).rows[0]?.n ?? 0;
    return { before, after, rows };
  } finally {
    await handle.close();
  }
}

describe('checkpoints of a SQLite file', () => {
  it('copies the log into the database file from the checkpointer thread', async () => {
    const { before, after, rows } = await writeAndWatch('background', 5000);
    expect(rows).toBe(500);
    expect(after).toBeGreaterThan(before + 1_000_000);
  });

  it('leaves the log alone below the backstop when another connection has the checkpointer', async () => {
    const { before, after, rows } = await writeAndWatch('elsewhere', 1500);
    expect(rows).toBe(500);
    expect(after).toBeLessThan(before + 1_000_000);
  });

  it('lets a process that closes the database and has nothing else to do wait for the last checkpoint, then end normally', () => {
    const dir = mkdtempSync(join(tmpdir(), 'genomeg-checkpoint-'));
    dirs.push(dir);
    const database = fileURLToPath(new URL('../../src/db/database.ts', import.meta.url));
    const script = join(dir, 'close.mts');
    writeFileSync(script, [
      `import { openDatabase } from ${JSON.stringify(database)};`,
      `const handle = openDatabase(${JSON.stringify(`sqlite:${join(dir, 'db.sqlite')}`)}, { checkpoints: 'background' });`,
      `await handle.db.schema.createTable('t').addColumn('a', 'text').execute();`,
      'await handle.close();',
      `console.log('closed');`,
    ].join('\n'));
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)) });
    expect({ status: run.status, stdout: run.stdout.trim(), stderr: run.stderr }).toEqual({ status: 0, stdout: 'closed', stderr: '' });
    expect(existsSync(join(dir, 'db.sqlite'))).toBe(true);
  });
});
