// The `genomeg` command as a person runs it, on a real SQLite file. Most
// commands run in this test's own process through cli(), the function the
// command's entry point calls, with its output and environment given to it;
// two run as real processes (a success and a failure) so that the entry point
// itself, its exit codes and its stdout and stderr stay tested.

import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { buildStaffRow, staffCsv } from './support/factories.js';
import { cli } from '../src/cli/main.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'genomeg-cli-'));
const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'cli.sqlite')}`, LOG_LEVEL: 'silent' };

/** The command run in this process, as its entry point runs it: the exit code and what it wrote. */
async function genomeg(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await cli(args, { out: (t) => { stdout += t; }, err: (t) => { stderr += t; }, env, isTty: false });
  return { code, stdout, stderr };
}

/** The command as a real process (a new Node process compiling the TypeScript with tsx: seconds on a quiet machine, much more on a busy one). */
async function genomegProcess(extraEnv: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: { ...env, ...extraEnv } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

describe('the genomeg command', { timeout: 120_000 }, () => {
  it('imports an extract and reports what changed, as a real process', async () => {
    const file = join(dir, 'good.csv');
    writeFileSync(file, staffCsv([buildStaffRow({ organisationCode: '7A4' }), buildStaffRow({ organisationCode: '7A4' })], { bom: true }));
    const result = await genomegProcess({}, 'staff', 'import', file);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Staff imported: 2 added, 0 updated, 0 marked as leavers, 0 unchanged');
  });

  it('rejects a bad extract with each problem as file:line [column], in Welsh when asked, and exits 1', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, staffCsv([buildStaffRow(), buildStaffRow({ organisationCode: 'ZZZ' })]));
    const result = await genomeg('staff', 'import', file, '--lang', 'cy');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}:3 [Organisation Code]: gwall: Nid yw hwn yn god sefydliad GIG Cymru (ZZZ)`);
  });

  it('stops at start-up naming a wrong configuration variable, as a real process, with exit code 2', async () => {
    const { code, stdout, stderr } = await genomegProcess({ PORT: 'lots' }, 'migrate');
    expect(code).toBe(2);
    expect(stderr).toMatch(/PORT="lots"/);
    expect(stdout).toBe('');
  });

  it('checks learning content and names the file and line of each problem', async () => {
    const ok = await genomeg('content', 'check', 'test/fixtures/content');
    expect(ok.code).toBe(0);
    const content = join(dir, 'content');
    cpSync('test/fixtures/content', content, { recursive: true });
    writeFileSync(join(content, 'sample-genomics', 'pages', '02-dna.cy.md'), '# DNA\n\nHonni.[^r7]\n');
    const bad = await genomeg('content', 'check', content);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${join(content, 'sample-genomics/pages/02-dna.cy.md')}:3: broken-reference`);
  });

  it('refuses an unknown mode and a missing file with a clear message', async () => {
    const missing = await genomeg('staff', 'import', 'nope.csv');
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toContain('no file at nope.csv');
    const file = join(dir, 'good.csv');
    const unknownMode = await genomeg('staff', 'import', file, '--mode', 'sometimes');
    expect(unknownMode.code).toBe(2);
    expect(unknownMode.stderr).toContain('--mode must be full or partial');
  });

  // Issue 13, items 15 and 17.
  it('checks a Windows-1252 extract with a warning naming the encoding, and reports an empty file without "line 0" or "1 errors"', async () => {
    const file = join(dir, 'excel.csv');
    const row = buildStaffRow({ organisationCode: '7A3', firstName: 'Siân', lastName: 'Gwenllian' });
    writeFileSync(file, Buffer.from(staffCsv([row]), 'latin1'));
    const result = await genomeg('staff', 'import', file, '--mode', 'partial', '--dry-run');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`${file}: warning: The file is not UTF-8: it was read as Windows-1252`);
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    const none = await genomeg('staff', 'import', empty);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`${empty}: error: The file has no staff rows`);
    expect(none.stderr).not.toContain(':0');
    expect(none.stderr).toContain('Errors: 1. Warnings: 0.');
  });

  // Issue 14, item 8: the command line holds a full extract that empties an organisation, as the web page does.
  it('refuses a full extract that would mark more than 10% of an organisation as leavers, naming them, unless --confirm-leavers is given', async () => {
    const staff = Array.from({ length: 14 }, (_, i) => buildStaffRow({ organisationCode: '7A5', lastName: `Leaver${String(i).padStart(2, '0')}` }));
    const all = join(dir, 'all-7A5.csv');
    writeFileSync(all, staffCsv(staff));
    expect((await genomeg('staff', 'import', all)).code).toBe(0);
    const some = join(dir, 'some-7A5.csv');
    writeFileSync(some, staffCsv(staff.slice(0, 2)));

    const held = await genomeg('staff', 'import', some);
    expect(held.code).toBe(1);
    expect(held.stderr).toContain('12 of the 14 active staff in');
    expect(held.stderr).toContain(`Siân Leaver02 (${staff[2]?.assignmentNumber})`);
    expect(held.stderr).toContain(`Siân Leaver11 (${staff[11]?.assignmentNumber})`);
    expect(held.stderr).not.toContain('Leaver12');
    expect(held.stderr).toContain('and 2 more');
    expect(held.stderr).toContain('--confirm-leavers');
    expect(held.stdout).not.toContain('Staff imported');

    // Nothing was written: a check still finds all twelve, and still exits 0 as before.
    const checked = await genomeg('staff', 'import', some, '--dry-run');
    expect(checked.code).toBe(0);
    expect(checked.stderr).toContain('12 of the 14 active staff in');
    expect(checked.stdout).toContain('12 marked as leavers');

    const confirmed = await genomeg('staff', 'import', some, '--confirm-leavers');
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toContain('Staff imported: 0 added, 0 updated, 12 marked as leavers, 2 unchanged');
  });

  // Was test/cli-users.test.ts, a process of its own: here it shares this file's import of the command.
  it('creates an account whose one-time password must be changed at the first sign-in, with no language known yet', async () => {
    const file = join(dir, 'users.sqlite');
    let stdout = '';
    let stderr = '';
    const code = await cli(['users', 'create', '--email', 'first.admin@wales.nhs.uk', '--name', 'First Admin', '--role', 'platform-admin'],
      { out: (t) => { stdout += t; }, err: (t) => { stderr += t; }, env: { ...env, DATABASE_URL: `sqlite:${file}` }, isTty: false });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
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
  });
});
