// Writes made at the same moment go as one statement (src/services/coalesce.ts):
// a call on its own goes at once, calls made while a batch is written go
// together in the next, each caller gets its own result once its batch is
// written, and a failing batch fails only the item at fault.

import { describe, expect, it } from 'vitest';
import { Coalescer } from '../../src/services/coalesce.js';

function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => { open = resolve; });
  return { promise, open };
}

describe('Coalescer', () => {
  it('sends calls of the same tick together, and calls made while a batch is written in the next batch', async () => {
    const batches: number[][] = [];
    const first = gate();
    const coalescer = new Coalescer<number, string>(async (items) => {
      batches.push([...items]);
      if (batches.length === 1) await first.promise;
      return items.map((n) => `#${String(n)}`);
    });
    const a = [coalescer.add(1), coalescer.add(2)];
    await new Promise((resolve) => setImmediate(resolve));
    // The first batch is being written: these wait for it, then go together.
    const b = [coalescer.add(3), coalescer.add(4), coalescer.add(5)];
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1, 2]]);
    first.open();
    expect(await Promise.all([...a, ...b])).toEqual(['#1', '#2', '#3', '#4', '#5']);
    expect(batches).toEqual([[1, 2], [3, 4, 5]]);
  });

  it('answers no caller before its batch is written', async () => {
    const written = gate();
    let answered = false;
    const coalescer = new Coalescer<number, number>(async (items) => { await written.promise; return items; });
    const call = coalescer.add(7).then((n) => { answered = true; return n; });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answered).toBe(false);
    written.open();
    expect(await call).toBe(7);
  });

  it('tries each item of a failed batch on its own, so only the bad one fails', async () => {
    const batches: number[][] = [];
    const coalescer = new Coalescer<number, number>((items) => {
      batches.push([...items]);
      if (items.includes(13)) return Promise.reject(new Error('unlucky'));
      return Promise.resolve(items.map((n) => n * 2));
    });
    const results = await Promise.allSettled([coalescer.add(1), coalescer.add(13), coalescer.add(3)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 2 });
    expect(results[2]).toEqual({ status: 'fulfilled', value: 6 });
    expect(batches).toEqual([[1, 13, 3], [1], [13], [3]]);
    // And it goes on working afterwards.
    expect(await coalescer.add(4)).toBe(8);
  });

  it('fails a batch that answers the wrong number of items, rather than give callers each other\'s results', async () => {
    const coalescer = new Coalescer<number, number>((items) => Promise.resolve(items.length > 1 ? [1] : []));
    const results = await Promise.allSettled([coalescer.add(1), coalescer.add(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('keeps a batch to its largest size', async () => {
    const sizes: number[] = [];
    const coalescer = new Coalescer<number, number>((items) => { sizes.push(items.length); return Promise.resolve([...items]); }, 4);
    await Promise.all(Array.from({ length: 10 }, (_, i) => coalescer.add(i)));
    expect(sizes).toEqual([4, 4, 2]);
  });
});
