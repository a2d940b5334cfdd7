// A counter of this process's writes to who may do what: accounts (`users`),
// their roles (`role_grants`) and their sessions (`sessions`). The session
// store keeps signed-in sessions in memory for a few seconds
// (session-store.ts); an entry read under an older count is not trusted, so a
// sign-out, a role removed, an account deactivated or a password reset made by
// this process takes effect on its very next request.
//
// Every store that writes those tables calls `accountsWritten()` once the
// write has ended (committed or not), never before: a reader that saw the row
// as it was before the commit has the older count, and is thrown away.
// test/db/accounts-version.test.ts fails when a file writes the tables
// without calling it. Writes by another process (a second server, the worker,
// the command line) are not counted here: the store's short time to keep an
// entry bounds how long they go unseen.

let writes = 0;

/** The count of this process's writes to accounts, roles and sessions. */
export function accountsVersion(): number {
  return writes;
}

/** Call after a write to `users`, `role_grants` or `sessions` has ended. */
export function accountsWritten(): void {
  writes++;
}

/** Run a write and count it once it has ended, whether it committed or not. */
export async function writingAccounts<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    writes++;
  }
}
