// Writes made at the same moment by many requests, sent as one statement
// ("group commit"): a call made while the previous batch is being written
// waits for it, then goes with every other call that came meanwhile. Nothing
// waits on a quiet server (a call on its own goes at once, after the calls of
// the same tick have joined it); under load a batch holds what arrived during
// one round trip to the database. Each caller gets its own result, and is
// answered only once its batch has been written: what a caller was told is
// kept is kept. When a batch fails, each of its items is tried again on its
// own, so one bad item fails only its own caller (and a lost connection fails
// each as it would have alone).

export class Coalescer<I, O> {
  private pending: { readonly item: I; readonly resolve: (out: O) => void; readonly reject: (error: unknown) => void }[] = [];
  private flushing = false;

  /**
   * `run` writes a batch and returns one result per item, in order.
   * `max`: the most items in one batch.
   */
  constructor(private readonly run: (items: readonly I[]) => Promise<readonly O[]>, private readonly max = 200) {}

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.flushing) return;
      this.flushing = true;
      // After the current tick, so calls made together (a worker starting a batch of jobs) go together.
      queueMicrotask(() => { void this.flush(); });
    });
  }

  /** Calls waiting or being written. */
  get size(): number {
    return this.pending.length;
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.max);
      let results: readonly O[] | null = null;
      try {
        results = await this.run(batch.map((b) => b.item));
        if (results.length !== batch.length) throw new Error(`a batch of ${String(batch.length)} gave ${String(results.length)} results`);
      } catch (error) {
        if (batch.length === 1) {
          batch[0]?.reject(error);
          continue;
        }
        results = null;
      }
      if (results !== null) {
        for (const [i, b] of batch.entries()) b.resolve(results[i] as O);
        continue;
      }
      // The batch failed: each on its own, so only the item at fault fails.
      for (const b of batch) {
        try {
          const one = await this.run([b.item]);
          if (one.length !== 1) throw new Error(`an item gave ${String(one.length)} results`);
          b.resolve(one[0] as O);
        } catch (error) {
          b.reject(error);
        }
      }
    }
    this.flushing = false;
  }
}
