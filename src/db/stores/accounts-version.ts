// A count of this process's writes to who may do what: accounts (`users`),
// their roles (`role_grants`) and their sessions (`sessions`). The session
// store keeps signed-in sessions in memory for a few seconds
// (session-store.ts); an entry read before a later write (any write, or one
// to the same person) is not trusted, so a sign-out, a role removed, an
// account deactivated or a password reset made by this process takes effect
// on its very next request.
//
// Every store that writes those tables calls `accountsWritten()` (or, for a
// write to one person's own row that changes nothing else, such as their
// language or last sign-in, `accountWritten(userId)`) once the write has
// ended, committed or not, never before: a reader that saw the row as it was
// before the commit read under an older count and is thrown away.
// test/db/accounts-version.test.ts fails when a file writes the tables
// without counting. Writes by another process (a second server, the worker,
// the command line) are not counted here: the store's short time to keep an
// entry bounds how long they go unseen.

/** Every write counted so far (each one, for anyone or one person, takes the next number). */
let writes = 0;
/** The number of the last write that may concern anyone. */
let lastForAnyone = 0;
/** The number of the last write to each person's own row (forgotten past a size, as a write for anyone). */
const lastFor = new Map<string, number>();
const REMEMBER_AT_MOST = 50_000;

/** The count to take before reading a session: pass it to `stillCurrent` afterwards. */
export function accountsVersion(): number {
  return writes;
}

/** Whether nothing this process has written since `version` concerns this person's session. */
export function stillCurrent(version: number, userId: string): boolean {
  return lastForAnyone <= version && (lastFor.get(userId) ?? 0) <= version;
}

/** Call after a write to `users`, `role_grants` or `sessions` has ended. */
export function accountsWritten(): void {
  writes++;
  lastForAnyone = writes;
}

/** Call after a write to one person's `users` row alone (their language, their last sign-in) has ended. */
export function accountWritten(userId: string): void {
  writes++;
  if (lastFor.size >= REMEMBER_AT_MOST) {
    lastFor.clear();
    lastForAnyone = writes;
    return;
  }
  lastFor.set(userId, writes);
}

/** Run a write and count it once it has ended, whether it committed or not. */
export async function writingAccounts<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    accountsWritten();
  }
}

/** Run a write to one person's own row and count it once it has ended. */
export async function writingAccount<T>(userId: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    accountWritten(userId);
  }
}
