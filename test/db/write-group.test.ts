// Group commit: writes queued together share a transaction, each caller hears
// of its own write only once it is committed, and one failing write fails only
// its own caller.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transaction } from 'kysely';
import type { DatabaseHandle } from '../../src/db/database.js';
import type { Database } from '../../src/db/schema.js';
import { ProgressStore } from '../../src/db/stores/progress-store.js';
import { UserStore } from '../../src/db/stores/user-store.js';
import { WriteGroup, type Batch } from '../../src/db/write-group.js';
import { engines } from '../support/engines.js';

const MODULE = 'https://genomeg.test/modules/write-group';

describe.each(engines)('group commit on $name', (engine) => {
  let handle: DatabaseHandle;
  let progress: ProgressStore;
  const people: string[] = [];

  beforeAll(async () => {
    handle = await engine.open();
    progress = ProgressStore.create(handle.db);
    const users = UserStore.create(handle.db);
    for (let i = 0; i < 12; i += 1) {
      people.push((await users.create({ email: `group${String(i)}@test.genomeg.test`, displayName: `Group ${String(i)}`, passwordHash: null, grants: [] }, null)).id);
    }
  });
  afterAll(async () => { await handle.close(); });

  it('runs writes queued together in one transaction, in order, and answers each with its own result', async () => {
    const group = new WriteGroup(handle.db);
    const transactions: Transaction<Database>[] = [];
    const results = await Promise.all(people.slice(0, 10).map((userId, i) => group.run(async (trx) => {
      transactions.push(trx);
      return ProgressStore.viewPageIn(trx, userId, MODULE, '1.0.0', i + 1);
    })));
    expect(new Set(transactions).size).toBe(1);
    expect(results.map((r) => r.lastPage)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const [i, userId] of people.slice(0, 10).entries()) expect((await progress.get(userId, MODULE))?.lastPage).toBe(i + 1);
  });

  it('takes at most its largest group in one transaction, and the rest in the next', async () => {
    const group = new WriteGroup(handle.db, 4);
    const transactions: Transaction<Database>[] = [];
    await Promise.all(people.slice(0, 10).map((userId) => group.run(async (trx) => {
      transactions.push(trx);
      return ProgressStore.viewPageIn(trx, userId, MODULE, '1.0.0', 11);
    })));
    expect(transactions).toHaveLength(10);
    expect(new Set(transactions).size).toBe(3);
  });

  it('lets a later write in a group see an earlier one', async () => {
    const group = new WriteGroup(handle.db);
    const [, second] = await Promise.all([
      group.run((trx) => ProgressStore.viewPageIn(trx, people[10] ?? '', MODULE, '1.0.0', 1)),
      group.run((trx) => ProgressStore.viewPageIn(trx, people[10] ?? '', MODULE, '1.0.0', 2)),
    ]);
    expect(second.pagesSeen).toEqual([1, 2]);
  });

  it('fails only the write that failed: the others are committed, and nothing of the failed one is', async () => {
    const group = new WriteGroup(handle.db);
    const outcomes = await Promise.allSettled([
      group.run((trx) => ProgressStore.viewPageIn(trx, people[0] ?? '', MODULE, '1.0.0', 20)),
      group.run(async (trx) => {
        await ProgressStore.viewPageIn(trx, people[11] ?? '', MODULE, '1.0.0', 20);
        throw new Error('refused');
      }),
      group.run((trx) => ProgressStore.viewPageIn(trx, people[1] ?? '', MODULE, '1.0.0', 20)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(outcomes[1].status === 'rejected' ? (outcomes[1].reason as Error).message : '').toBe('refused');
    expect((await progress.get(people[0] ?? '', MODULE))?.lastPage).toBe(20);
    expect((await progress.get(people[1] ?? '', MODULE))?.lastPage).toBe(20);
    expect(await progress.get(people[11] ?? '', MODULE)).toBeUndefined();
  });

  it('rejects a lone failing write without running it twice', async () => {
    const group = new WriteGroup(handle.db);
    let runs = 0;
    await expect(group.run(() => { runs += 1; return Promise.reject(new Error('refused')); })).rejects.toThrow('refused');
    expect(runs).toBe(1);
  });

  it('hands the writes of a batch to it together, in order, among the single writes, and answers each', async () => {
    const group = new WriteGroup(handle.db);
    const calls: number[][] = [];
    const order: string[] = [];
    const doubled: Batch<number, number> = {
      many(_trx, items) {
        calls.push([...items]);
        order.push('batch');
        return Promise.resolve(items.map((n) => n * 2));
      },
    };
    const answers = await Promise.all([
      group.runBatch(doubled, 1),
      group.run(() => { order.push('single'); return Promise.resolve(-1); }),
      group.runBatch(doubled, 2),
      group.runBatch(doubled, 3),
    ]);
    expect(answers).toEqual([2, -1, 4, 6]);
    expect(calls).toEqual([[1, 2, 3]]);
    expect(order).toEqual(['batch', 'single']);
  });

  it('runs each write of a failed batch alone, so one bad view fails only itself', async () => {
    const group = new WriteGroup(handle.db);
    const views: Batch<{ userId: string; page: number }, number> = {
      async many(trx, items) {
        const answers = await ProgressStore.viewPagesIn(trx, items.map((v) => ({ ...v, moduleId: MODULE, moduleVersion: '1.0.0' })));
        return answers.map((a) => a.lastPage);
      },
    };
    const outcomes = await Promise.allSettled([
      group.runBatch(views, { userId: people[2] ?? '', page: 30 }),
      group.runBatch(views, { userId: 'no-such-person', page: 30 }),
      group.runBatch(views, { userId: people[3] ?? '', page: 31 }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await progress.get(people[2] ?? '', MODULE))?.lastPage).toBe(30);
    expect((await progress.get(people[3] ?? '', MODULE))?.lastPage).toBe(31);
    expect(await progress.get('no-such-person', MODULE)).toBeUndefined();
  });
});

describe.each(engines)('page views in a batch on $name', (engine) => {
  let handle: DatabaseHandle;
  let people: string[];

  beforeAll(async () => {
    handle = await engine.open();
    const users = UserStore.create(handle.db);
    people = [];
    for (let i = 0; i < 3; i += 1) {
      people.push((await users.create({ email: `batch${String(i)}@test.genomeg.test`, displayName: `Batch ${String(i)}`, passwordHash: null, grants: [] }, null)).id);
    }
  });
  afterAll(async () => { await handle.close(); });

  it('folds the views of one learner in order, answers each with the progress just after it, and passes on only the views that changed anything', async () => {
    const [a = '', b = ''] = people;
    await handle.db.transaction().execute((trx) => ProgressStore.viewPageIn(trx, b, MODULE, '1.0.0', 4));
    const before = await ProgressStore.create(handle.db).get(b, MODULE);
    let changedViews: readonly number[] = [];
    const answers = await handle.db.transaction().execute((trx) => ProgressStore.viewPagesIn(trx, [
      { userId: a, moduleId: MODULE, moduleVersion: '1.0.0', page: 3 },
      { userId: b, moduleId: MODULE, moduleVersion: '1.0.0', page: 4 },
      { userId: a, moduleId: MODULE, moduleVersion: '1.0.0', page: 1 },
      { userId: a, moduleId: MODULE, moduleVersion: '1.0.0', page: 1 },
      { userId: a, moduleId: MODULE, moduleVersion: '1.1.0', page: 1 },
    ], (_trx, changed) => { changedViews = changed; return Promise.resolve(); }));
    expect(answers.map((p) => [p.lastPage, p.pagesSeen, p.moduleVersion])).toEqual([
      [3, [3], '1.0.0'], [4, [4], '1.0.0'], [1, [1, 3], '1.0.0'], [1, [1, 3], '1.0.0'], [1, [1, 3], '1.1.0'],
    ]);
    expect(changedViews).toEqual([0, 2, 4]);
    const stored = ProgressStore.create(handle.db);
    expect(await stored.get(a, MODULE)).toMatchObject({ lastPage: 1, pagesSeen: [1, 3], moduleVersion: '1.1.0' });
    expect(await stored.get(b, MODULE)).toEqual(before);
    expect(answers[4]?.startedAt).toEqual(answers[0]?.startedAt);
  });
});
