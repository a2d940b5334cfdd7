// The `genomeg` command as a person runs it: a real process, a real SQLite file.

import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildStaffRow, staffCsv } from './support/factories.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'genomeg-cli-'));
const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'cli.sqlite')}`, LOG_LEVEL: 'silent' };

async function genomeg(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

// Each command is a new Node process compiling the TypeScript with tsx: seconds on a quiet machine, much more on a busy one.
describe('the genomeg command', { timeout: 120_000 }, () => {
  it('imports an extract and reports what changed', async () => {
    const file = join(dir, 'good.csv');
    writeFileSync(file, staffCsv([buildStaffRow({ organisationCode: '7A4' }), buildStaffRow({ organisationCode: '7A4' })], { bom: true }));
    const result = await genomeg('staff', 'import', file);
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

  it('stops at start-up naming a wrong configuration variable', async () => {
    const { code, stderr } = await (async () => {
      try {
        await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'migrate'], { env: { ...env, PORT: 'lots' } });
        return { code: 0, stderr: '' };
      } catch (error) {
        return error as { code: number; stderr: string };
      }
    })();
    expect(code).toBe(2);
    expect(stderr).toMatch(/PORT="lots"/);
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
    expect((await genomeg('staff', 'import', 'nope.csv')).stderr).toContain('no file at nope.csv');
    const file = join(dir, 'good.csv');
    expect((await genomeg('staff', 'import', file, '--mode', 'sometimes')).stderr).toContain('--mode must be full or partial');
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
});
