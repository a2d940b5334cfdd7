import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { InsightsAggregateStore } from '../../src/db/stores/insights-aggregate-store.js';
import type { StaffFacts } from '../../src/domain/insights/index.js';
import { dashboardOf } from '../../src/services/insights/dashboard.js';
import { cachedEntries, cachedRead } from '../../src/services/insights/read-cache.js';
import { engines } from '../support/engines.js';

// Views are computed once per version of the kept aggregates and served again
// until the version moves: every change to the aggregates must move it, in
// the same transaction, and a view must show the change at once.

const facts = (id: string, over: Partial<StaffFacts> = {}): StaffFacts => ({
  staffId: id, organisationCode: '7A1', staffGroupCode: 'admin-clerical', bandCode: '4', jobRole: 'Administrator', ageBand: '35-44',
  startedOn: '2020-01-01', level: null, compliance: 'none', reachedOn: {}, modulesFirstOn: {}, ...over,
});
const t = (key: string, params?: Readonly<Record<string, string | number>>) => (params === undefined ? key : `${key} ${JSON.stringify(params)}`);

describe('cachedRead', () => {
  it('computes once per key and owner, keeps no failure, and lets concurrent readers share one computation', async () => {
    const owner = {};
    let runs = 0;
    const compute = () => { runs++; return Promise.resolve(runs); };
    expect(await Promise.all([cachedRead(owner, 'a', compute), cachedRead(owner, 'a', compute)])).toEqual([1, 1]);
    expect(await cachedRead({}, 'a', compute)).toBe(2);
    await expect(cachedRead(owner, 'b', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await cachedRead(owner, 'b', compute)).toBe(3);
    for (let i = 0; i < 1000; i++) await cachedRead(owner, `k${String(i)}`, compute);
    expect(cachedEntries(owner)).toBe(400);
  });
});

describe.each(engines)('the kept aggregates\' version on $name', (engine) => {
  let handle: DatabaseHandle;
  beforeAll(async () => { handle = await engine.open(); });
  afterAll(async () => { await handle.close(); });

  it('moves with every change to the kept aggregates (and only then), in the transaction that made it, and a view shows the change at once', async () => {
    const store = InsightsAggregateStore.create(handle.db);
    const v0 = await store.version();
    const people = Array.from({ length: 40 }, (_, i) => facts(`s${String(i)}`, {
      organisationCode: i % 2 === 0 ? '7A1' : '7A2', compliance: i % 4 < 2 ? 'complete' : 'due',
      ...(i >= 20 ? { level: 'awareness' as const, reachedOn: { awareness: '2026-01-01' } } : {}),
    }));
    await store.apply(people);
    const v1 = await store.version();
    expect(v1).toBeGreaterThan(v0);
    await store.apply(people); // nothing changed
    expect(await store.version()).toBe(v1);

    // The view as served (cached per version) and as computed afresh (a new store: nothing cached).
    const view = async (from = store) => {
      const d = await dashboardOf(from, [], {
        population: { organisations: 'all' }, filter: {}, linkFilter: {}, by: 'organisation', asAt: null, today: '2026-12-07', gaps: true, lang: 'en', t,
      });
      return d.view.total;
    };
    const fresh = () => view(InsightsAggregateStore.create(handle.db));
    const before = await view();
    expect(before.people).toBe('40');
    expect(before.levels.slice(0, 2)).toEqual(['20', '20']); // not yet at awareness, awareness
    expect(await view()).toEqual(before);

    // A rolled-back change moves nothing.
    await handle.db.transaction().execute(async (trx) => {
      await InsightsAggregateStore.create(trx).apply(people.slice(0, 6).map((p) => ({ ...p, level: 'awareness', reachedOn: { awareness: '2026-11-01' } })));
      throw new Error('roll back');
    }).catch(() => undefined);
    expect(await store.version()).toBe(v1);
    expect(await view()).toEqual(before);

    // Six reach awareness: the version moves and the very next view counts them.
    await handle.db.transaction().execute(async (trx) => {
      await InsightsAggregateStore.create(trx).apply(people.slice(0, 6).map((p) => ({ ...p, level: 'awareness', reachedOn: { awareness: '2026-11-01' } })));
    });
    expect(await store.version()).toBeGreaterThan(v1);
    const after = await view();
    expect(after).toEqual(await fresh());
    expect(after.levels.slice(0, 2)).toEqual(['14', '26']);

    // A leaver, and a rebuild's clearing, move it too.
    const v2 = await store.version();
    await store.apply([], ['s39']);
    expect(await store.version()).toBeGreaterThan(v2);
    expect((await view()).people).toBe('39');
    expect(await view()).toEqual(await fresh());
    const v3 = await store.version();
    await store.clearAll();
    expect(await store.version()).toBeGreaterThan(v3);
  });
});
