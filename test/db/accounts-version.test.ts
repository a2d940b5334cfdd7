// Signed-in sessions are kept in memory for a few seconds (session-store.ts),
// trusted only while this process has written no account, role or session
// (accounts-version.ts). A store that wrote those tables without counting the
// write would leave a signed-out or demoted person signed in, or with their old
// roles, for up to SESSION_KEEP_MS: this test finds every such write in src/.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'migrations' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const WRITE = /\b(insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(\s*['"](users|role_grants|sessions)\b|\b(insert\s+into|update|delete\s+from)\s+"?(users|role_grants|sessions)\b/i;

describe('writes to accounts, roles and sessions', () => {
  it('are counted by every file that makes them, so kept sessions are dropped at once', () => {
    const writers = sourceFiles('src').filter((file) => WRITE.test(readFileSync(file, 'utf8')));
    expect(writers.length).toBeGreaterThanOrEqual(4);
    const uncounted = writers.filter((file) => !/\b(accountsWritten|writingAccounts|accountWritten|writingAccount)\(/.test(readFileSync(file, 'utf8')));
    expect(uncounted).toEqual([]);
  });
});
