// Regression: the SQLite database was created readable by every account on the
// machine (0644 under the usual umask), with its write-ahead log and shared
// memory beside it. Now the file, its -wal and -shm are the owner's only
// (0600), a folder made for them too (0700), and a file an earlier version left
// readable loses others' access when it is opened. (The demo sign-ins file is
// checked through the real command, in test/cli-resilience.test.ts.)
// SQLite only: PostgreSQL's files are the database server's business.

import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../../src/db/database.js';

const dir = mkdtempSync(join(tmpdir(), 'genomeg-files-'));
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8);

describe('the SQLite database\'s files', () => {
  it('are created readable and writable by their owner only, in a folder only the owner can open', async () => {
    const file = join(dir, 'new', 'data', 'genomeg.sqlite');
    const handle = openDatabase(`sqlite:${file}`, { checkpoints: 'background' });
    try {
      await migrateToLatest(handle);
      expect(existsSync(`${file}-wal`)).toBe(true);
      expect(existsSync(`${file}-shm`)).toBe(true);
      expect({ folder: modeOf(join(dir, 'new', 'data')), database: modeOf(file), wal: modeOf(`${file}-wal`), shm: modeOf(`${file}-shm`) })
        .toEqual({ folder: '700', database: '600', wal: '600', shm: '600' });
    } finally {
      await handle.close();
    }
  });

  it('take others\' access away from a database an earlier version left readable, and leave a folder that was already there alone', async () => {
    const folder = join(dir, 'old');
    mkdirSync(folder, { mode: 0o755 });
    chmodSync(folder, 0o755);
    const file = join(folder, 'genomeg.sqlite');
    for (const path of [file, `${file}-wal`, `${file}-shm`]) {
      writeFileSync(path, '');
      chmodSync(path, 0o644);
    }
    const handle = openDatabase(`sqlite:${file}`);
    try {
      await migrateToLatest(handle);
      expect({ folder: modeOf(folder), database: modeOf(file), wal: modeOf(`${file}-wal`), shm: modeOf(`${file}-shm`) })
        .toEqual({ folder: '755', database: '600', wal: '600', shm: '600' });
    } finally {
      await handle.close();
    }
  });
});
