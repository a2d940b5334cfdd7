// Group commit. Many small writes arriving together (a learner's page view is
// a progress row and a statement, and hundreds of learners read at once) each
// pay for a transaction of their own: its begin and commit, and on SQLite the
// same pages written to the log again and again. Writes queued in one turn of
// the event loop instead share one transaction, run one after another in the
// order they came, and every caller still hears only once its own write is
// committed. If the shared transaction fails, each write runs again alone, so
// that one bad write fails only its own caller.
//
// A write must do all its work through the transaction it is given (never the
// database handle: on SQLite that waits for the connection the group holds),
// and must have no effect outside the database, since it may run twice.

import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

type Work<T> = (trx: Transaction<Database>) => Promise<T>;

interface Pending {
  readonly work: Work<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
}

export class WriteGroup {
  private queue: Pending[] = [];
  private flushing = false;

  /** `largest`: the most writes one transaction takes; the rest wait for the next. */
  constructor(private readonly db: Kysely<Database>, private readonly largest = 64) {}

  /** Runs `work` in a transaction shared with the writes queued alongside it; resolves once committed. */
  run<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => { void this.flush(); });
      }
    });
  }

  private async flush(): Promise<void> {
    const group = this.queue.splice(0, this.largest);
    try {
      const results = await this.db.transaction().execute(async (trx) => {
        const out: unknown[] = [];
        for (const pending of group) out.push(await pending.work(trx));
        return out;
      });
      group.forEach((pending, i) => { pending.resolve(results[i]); });
    } catch (error) {
      if (group.length === 1) group[0]?.reject(error);
      else for (const pending of group) {
        try {
          pending.resolve(await this.db.transaction().execute(pending.work));
        } catch (alone) {
          pending.reject(alone);
        }
      }
    }
    if (this.queue.length > 0) setImmediate(() => { void this.flush(); });
    else this.flushing = false;
  }
}
