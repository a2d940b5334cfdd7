// A batch is made ready to store (prepareBatch) before its transaction, on the
// web thread when a SQLite file's record writer stores it. Its progress fold and
// activity definitions are worked out then, on the assumption that every
// statement is new and none is voided by a statement stored earlier. These
// tests are the cases where that assumption fails: the store must notice and
// work them out again, giving what it would have given had it prepared nothing.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { XapiStatementStore, prepareBatch, type Writer } from '../../src/db/stores/xapi-statement-store.js';
import { engines } from '../support/engines.js';
import type { Json } from './fixtures.js';

const WRITER: Writer = {
  organisationCode: '7A7', clientId: 'prepared-test', version: '1.0.3', define: true,
  authority: { objectType: 'Agent', name: 'test', account: { homePage: 'https://genomeg.test', name: 'prepared' } },
};
const verb = (v: string) => ({ id: `http://adlnet.gov/expapi/verbs/${v}` });

describe.each(engines)('statements prepared before their transaction, on $name', (engine) => {
  let handle: DatabaseHandle;
  let store: XapiStatementStore;
  beforeAll(async () => {
    handle = await engine.open();
    store = XapiStatementStore.create(handle.db);
  });
  afterAll(async () => { await handle.close(); });

  const stored = async (statements: Json[]) => {
    const outcome = await store.record(statements, WRITER);
    expect(outcome.status).toBe('stored');
  };
  const progressTable = () => handle.db.selectFrom('xapi_progress').selectAll().orderBy('actor_key').orderBy('activity_id').execute();

  it('leaves a statement out of progress when a voiding statement stored before it voids it on arrival', async () => {
    const learner = { mbox: `mailto:${randomUUID()}@example.nhs.wales` };
    const module = `https://genomeg.test/modules/${randomUUID()}`;
    const late = randomUUID();
    await stored([{ actor: { mbox: 'mailto:admin@example.org' }, verb: verb('voided'), object: { objectType: 'StatementRef', id: late } }]);
    // Prepared, the batch's fold counts this pass; stored, it is voided at once.
    expect(prepareBatch([{ id: late, actor: learner, verb: verb('passed'), object: { id: module } }], WRITER).folded).toHaveLength(1);
    await stored([
      { id: late, actor: learner, verb: verb('passed'), object: { id: module }, result: { score: { scaled: 0.95 } }, timestamp: '2026-03-02T09:00:00Z' },
      { actor: learner, verb: verb('attempted'), object: { id: module }, timestamp: '2026-03-01T09:00:00Z' },
    ]);
    expect(await store.progress('7A7', learner)).toEqual([expect.objectContaining({ activityId: module, attempted: true, completed: false, passed: null, bestScore: null, lastActivityAt: '2026-03-01T09:00:00.000Z' })]);
    const before = await progressTable();
    await store.rebuildProgress();
    expect(await progressTable()).toEqual(before);
  });

  it('takes no definition from a statement sent again (already stored), so an older name does not come back', async () => {
    const activity = `https://genomeg.test/activities/${randomUUID()}`;
    const learner = { mbox: `mailto:${randomUUID()}@example.nhs.wales` };
    const first = { id: randomUUID(), actor: learner, verb: verb('experienced'), object: { id: activity, definition: { name: { 'en-GB': 'Old name' } } } };
    await stored([first]);
    await stored([{ actor: learner, verb: verb('experienced'), object: { id: activity, definition: { name: { 'en-GB': 'New name' } } } }]);
    // Prepared, the batch's definitions include the old name; stored, the repeat is skipped and so is its definition.
    expect(prepareBatch([first], WRITER).definitions).toEqual([[activity, [JSON.stringify({ name: { 'en-GB': 'Old name' } })]]]);
    await stored([first, { actor: learner, verb: verb('experienced'), object: { id: activity } }]);
    expect(await store.activityDefinition('7A7', activity)).toEqual({ name: { 'en-GB': 'New name' } });
  });

  it('stores a batch prepared elsewhere and copied as a worker thread copies it, as if prepared in place', async () => {
    const learner = { mbox: `mailto:${randomUUID()}@example.nhs.wales` };
    const module = `https://genomeg.test/modules/${randomUUID()}`;
    const batch = structuredClone(prepareBatch([
      { actor: learner, verb: verb('completed'), object: { id: module, definition: { name: { cy: 'Modiwl' } } }, result: { score: { scaled: 0.7 } }, timestamp: '2026-03-03T09:00:00Z' },
      { actor: learner, verb: verb('passed'), object: { id: module }, result: { score: { scaled: 0.8 } }, timestamp: '2026-03-04T09:00:00Z' },
    ], WRITER));
    const outcome = await handle.db.transaction().execute((trx) => XapiStatementStore.create(trx).storeWithin(trx, batch, WRITER));
    expect(outcome).toEqual({ status: 'stored', ids: batch.items.map((it) => it.id) });
    const back = await store.get(['7A7'], batch.items[0]?.id ?? '', { voided: false });
    expect(back).toMatchObject({ id: batch.items[0]?.id, stored: batch.storedText, authority: WRITER.authority, version: '1.0.0' });
    expect(await store.progress('7A7', learner)).toEqual([expect.objectContaining({ activityId: module, completed: true, passed: true, bestScore: 0.8, lastActivityAt: '2026-03-04T09:00:00.000Z' })]);
    expect(await store.activityDefinition('7A7', module)).toEqual({ name: { cy: 'Modiwl' } });
  });
});
