// The counters behind sign-in throttling, in the database so that every web
// process sees the same counts, and the addresses each account has signed in
// from. What the counts mean and when sign-in waits is decided in
// src/domain/auth/sign-in-throttle.ts; this file only keeps them. Keys hold a
// hash of the email address, never the address itself.

import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { toDate } from '../dialect.js';
import { afterFailure, decide, throttleKeys, type CounterKind, type FailureCounter, type ThrottleDecision, type ThrottlePolicy } from '../../domain/auth/index.js';

/** An address counts as known to an account for this long after a sign-in from it. */
const KNOWN_FOR_MS = 90 * 24 * 3600 * 1000;

export class SignInThrottle {
  private constructor(
    private readonly db: Kysely<Database>,
    readonly policy: ThrottlePolicy,
    private readonly now: () => Date,
  ) {}

  static create(db: Kysely<Database>, policy: ThrottlePolicy, now: () => Date = () => new Date()): SignInThrottle {
    return new SignInThrottle(db, policy, now);
  }

  /** May an attempt at this account from this address go ahead now, and if not, how long must it wait? */
  async check(accountKey: string, address: string): Promise<ThrottleDecision & { readonly knownAddress: boolean }> {
    const keys = throttleKeys(accountKey, address);
    const byKey = new Map<string, CounterKind>([[keys.account, 'account'], [keys.accountAddress, 'account-address'], [keys.address, 'address']]);
    const now = this.now();
    const [rows, known] = await Promise.all([
      this.db.selectFrom('sign_in_counters').selectAll().where('key', 'in', [...byKey.keys()]).execute(),
      this.db.selectFrom('sign_in_known_addresses').select('last_success_at')
        .where('account_key', '=', accountKey).where('address', '=', address).executeTakeFirst(),
    ]);
    const counters: Partial<Record<CounterKind, FailureCounter>> = {};
    for (const row of rows) {
      const kind = byKey.get(row.key);
      if (kind !== undefined) counters[kind] = { score: row.score, lastFailureAt: toDate(row.last_failure_at) };
    }
    const knownAddress = known !== undefined && now.getTime() - toDate(known.last_success_at).getTime() < KNOWN_FOR_MS;
    return { ...decide(counters, knownAddress, now, this.policy), knownAddress };
  }

  /** Count one failure against the account, the account at this address, and the address. */
  async recordFailure(accountKey: string, address: string): Promise<void> {
    const keys = throttleKeys(accountKey, address);
    for (const key of [keys.account, keys.accountAddress, keys.address]) await this.bump(key);
  }

  /**
   * A correct password: the account at this address starts again, and the
   * address becomes known to the account. The account's and the address's
   * counts stay, so a guesser's own account does not wipe their guesses.
   */
  async recordSuccess(accountKey: string, address: string): Promise<void> {
    const now = this.now();
    await this.db.deleteFrom('sign_in_counters').where('key', '=', throttleKeys(accountKey, address).accountAddress).execute();
    await this.db.insertInto('sign_in_known_addresses').values({ account_key: accountKey, address, last_success_at: now })
      .onConflict((oc) => oc.columns(['account_key', 'address']).doUpdateSet({ last_success_at: now })).execute();
  }

  /** Forget counts that have decayed to nothing and addresses no longer known. */
  async prune(): Promise<void> {
    const now = this.now().getTime();
    await this.db.deleteFrom('sign_in_counters').where('last_failure_at', '<', new Date(now - 12 * this.policy.halfLifeMs)).execute();
    await this.db.deleteFrom('sign_in_known_addresses').where('last_success_at', '<', new Date(now - KNOWN_FOR_MS)).execute();
  }

  /**
   * Add one failure to a key. Two processes may count a failure for the same
   * key at once: each update names the value it read, and one that finds the
   * row changed under it reads again, so no failure is lost.
   */
  private async bump(key: string): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const now = this.now();
      const row = await this.db.selectFrom('sign_in_counters').selectAll().where('key', '=', key).executeTakeFirst();
      if (row === undefined) {
        const inserted = await this.db.insertInto('sign_in_counters').values({ key, score: 1, last_failure_at: now })
          .onConflict((oc) => oc.column('key').doNothing()).executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return;
        continue;
      }
      const next = afterFailure({ score: row.score, lastFailureAt: toDate(row.last_failure_at) }, now, this.policy);
      const updated = await this.db.updateTable('sign_in_counters').set({ score: next.score, last_failure_at: next.lastFailureAt })
        .where('key', '=', key).where('score', '=', row.score).where('last_failure_at', '=', toDate(row.last_failure_at)).executeTakeFirst();
      if (Number(updated.numUpdatedRows) > 0) return;
    }
  }
}
