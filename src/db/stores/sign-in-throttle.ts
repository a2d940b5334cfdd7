// Counting failed sign-ins per key (a client address, an email) in fixed
// windows, in the database so that every web process sees the same counts.

import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { toDate } from '../dialect.js';

export class SignInThrottle {
  private constructor(
    private readonly db: Kysely<Database>,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  static create(db: Kysely<Database>, limit: number, windowMs: number): SignInThrottle {
    return new SignInThrottle(db, limit, windowMs);
  }

  async isBlocked(keys: readonly string[]): Promise<boolean> {
    const rows = await this.db.selectFrom('sign_in_failures').selectAll().where('key', 'in', [...keys]).execute();
    const now = Date.now();
    return rows.some((r) => now - toDate(r.window_start).getTime() < this.windowMs && r.count >= this.limit);
  }

  async fail(keys: readonly string[]): Promise<void> {
    const now = new Date();
    const windowStartsAfter = new Date(now.getTime() - this.windowMs);
    await this.db.transaction().execute(async (trx) => {
      for (const key of keys) {
        await trx.insertInto('sign_in_failures').values({ key, window_start: now, count: 1 })
          .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({
            // A window that has run out starts again at one.
            count: eb.case().when('sign_in_failures.window_start', '<', windowStartsAfter).then(1)
              .else(eb('sign_in_failures.count', '+', 1)).end(),
            window_start: eb.case().when('sign_in_failures.window_start', '<', windowStartsAfter).then(now)
              .else(eb.ref('sign_in_failures.window_start')).end(),
          }))).execute();
      }
    });
  }

  async clear(keys: readonly string[]): Promise<void> {
    await this.db.deleteFrom('sign_in_failures').where('key', 'in', [...keys]).execute();
  }
}
