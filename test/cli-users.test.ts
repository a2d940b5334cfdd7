// `genomeg users create` prints a one-time password that must be changed at the first sign-in.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'genomeg-users-'));
const file = join(dir, 'users.sqlite');

afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

describe('genomeg users create', () => {
  it('marks the account so that its one-time password must be changed at the first sign-in', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'users', 'create', '--email', 'first.admin@wales.nhs.uk', '--name', 'First Admin', '--role', 'platform-admin'],
      { env: { ...process.env, DATABASE_URL: `sqlite:${file}`, LOG_LEVEL: 'silent' } });
    expect(stdout).toContain('it must be changed at first sign-in');
    const db = new Database(file, { readonly: true });
    try {
      const row = db.prepare('select must_change_password, language_known from users where email = ?').get('first.admin@wales.nhs.uk') as { must_change_password: number; language_known: number } | undefined;
      expect(row?.must_change_password).toBe(1);
      // No language chosen yet: emails go in Welsh then English until the first page is read.
      expect(row?.language_known).toBe(0);
    } finally {
      db.close();
    }
  }, 60_000);
});
