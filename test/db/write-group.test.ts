// Group commit: writes queued together share a transaction, each caller hears
// of its own write only once it is committed, and one failing write fails only
// its own caller.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Transaction } from 'kysely';
import type { DatabaseHandle } from '../../src/db/database.js';
import type { Database } from '../../src/db/schema.js';
import { ProgressStore } from '../../src/db/stores/progress-store.js';
import { UserStore } from '../../src/db/stores/user-store.js';
import { WriteGroup } from '../../src/db/write-group.js';
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
});
