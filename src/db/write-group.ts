// Group commit. Many small writes arriving together (a learner's page view is
// a progress row and a statement, and hundreds of learners read at once) each
// pay for a transaction of their own: its begin and commit, and on SQLite the
// same pages written to the log again and again. Writes queued in one turn of
// the event loop instead share one transaction, run one after another in the
// order they came, and every caller still hears only once its own write is
// committed. If the shared transaction fails, each write runs again alone, so
// that one bad write fails only its own caller.
//
// Writes of one kind (page views, say) can go further and be done together:
// `runBatch` hands every such write in the group to one function at once, which
// can then read and write all their rows in a few statements instead of a few
// each. A batch runs where its first write joined the group.
//
// A write must do all its work through the transaction it is given (never the
// database handle: on SQLite that waits for the connection the group holds),
// and must have no effect outside the database, since it may run twice.

import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

type Work<T> = (trx: Transaction<Database>) => Promise<T>;

/** Writes of one kind done together: `many` answers each item, in the order given. */
export interface Batch<I, O> {
  readonly many: (trx: Transaction<Database>, items: readonly I[]) => Promise<readonly O[]>;
}

interface Pending {
  readonly work: Work<unknown> | { readonly batch: Batch<unknown, unknown>; readonly item: unknown };
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
}

/** The group's work in the order it runs: single writes, and each batch's writes together. */
function stepsOf(group: readonly Pending[]): (Pending | Pending[])[] {
  const steps: (Pending | Pending[])[] = [];
  const batches = new Map<Batch<unknown, unknown>, Pending[]>();
  for (const pending of group) {
    if (typeof pending.work === 'function') { steps.push(pending); continue; }
    const together = batches.get(pending.work.batch);
    if (together !== undefined) { together.push(pending); continue; }
    const first = [pending];
    batches.set(pending.work.batch, first);
    steps.push(first);
  }
  return steps;
}

async function runAlone(trx: Transaction<Database>, pending: Pending): Promise<unknown> {
  if (typeof pending.work === 'function') return pending.work(trx);
  const [out] = await pending.work.batch.many(trx, [pending.work.item]);
  return out;
}

export class WriteGroup {
  private queue: Pending[] = [];
  private flushing = false;

  /** `largest`: the most writes one transaction takes; the rest wait for the next. */
  constructor(private readonly db: Kysely<Database>, private readonly largest = 64) {}

  /** Runs `work` in a transaction shared with the writes queued alongside it; resolves once committed. */
  run<T>(work: Work<T>): Promise<T> {
    return this.enqueue(work);
  }

  /** Runs `item` through `batch.many` together with the group's other items of that batch; resolves with its own answer once committed. */
  runBatch<I, O>(batch: Batch<I, O>, item: I): Promise<O> {
    return this.enqueue({ batch: batch as Batch<unknown, unknown>, item });
  }

  private enqueue<T>(work: Pending['work']): Promise<T> {
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
        const out = new Map<Pending, unknown>();
        for (const step of stepsOf(group)) {
          if (!Array.isArray(step)) { out.set(step, await runAlone(trx, step)); continue; }
          const first = step[0]?.work as { batch: Batch<unknown, unknown> };
          const answers = await first.batch.many(trx, step.map((pending) => (pending.work as { item: unknown }).item));
          step.forEach((pending, i) => { out.set(pending, answers[i]); });
        }
        return out;
      });
      for (const pending of group) pending.resolve(results.get(pending));
    } catch (error) {
      if (group.length === 1) group[0]?.reject(error);
      else for (const pending of group) {
        try {
          pending.resolve(await this.db.transaction().execute((trx) => runAlone(trx, pending)));
        } catch (alone) {
          pending.reject(alone);
        }
      }
    }
    if (this.queue.length > 0) setImmediate(() => { void this.flush(); });
    else this.flushing = false;
  }
}
