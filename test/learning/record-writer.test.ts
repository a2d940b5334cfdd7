// Page views, answers and clients' statements go through the record writer: on
// a SQLite file or PostgreSQL, a worker thread with its own connection (pool);
// on in-memory SQLite, this thread. Either way a learner's views all count, each has its statement, a
// client's batch is stored all or none, and a failed write fails only itself.
// The SQLite file is opened as `genomeg serve` opens it, with a checkpointer.

import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { SQLITE_CACHE_KIB, migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { ProgressStore } from '../../src/db/stores/progress-store.js';
import { UserStore } from '../../src/db/stores/user-store.js';
import { InFlight, WEB_CACHE_KIB, WRITER_CACHE_KIB, recordWriterFor, type RecordWriter } from '../../src/services/record-writer.js';
import type { Json, Learner } from '../../src/domain/xapi/index.js';
import { PLATFORM_AUTHORITY } from '../../src/services/xapi/record.js';
import { engines, type Engine } from '../support/engines.js';

const MODULE = 'https://genomeg.test/modules/writer';

const sqliteFile: Engine = {
  name: 'sqlite',
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'genomeg-writer-'));
    const handle = openDatabase(`sqlite:${join(dir, 'writer.sqlite')}`, { checkpoints: 'background' });
    await migrateToLatest(handle);
    return { ...handle, close: async () => { await handle.close(); rmSync(dir, { recursive: true, force: true }); } };
  },
};

// PostgreSQL writes on a worker thread with a pool of its own, in the handle's schema; in-memory SQLite on this thread.
const cases = [
  { label: 'a SQLite file (a worker thread)', engine: sqliteFile, worker: true },
  ...engines.map((engine) => ({ label: engine.name === 'postgres' ? 'PostgreSQL (a worker thread)' : 'in-memory SQLite (this thread)', engine, worker: engine.name === 'postgres' })),
];

describe.each(cases)('the record writer on $label', ({ engine, worker }) => {
  let handle: DatabaseHandle;
  let writer: RecordWriter;
  let learner: Learner;

  const statements = async (userId: string) => (await handle.db.selectFrom('xapi_statements').select('statement_json').execute())
    .map((r) => JSON.parse(r.statement_json) as { actor: { account: { name: string } }; verb: { id: string }; object: { id: string } })
    .filter((s) => s.actor.account.name === userId);

  beforeAll(async () => {
    handle = await engine.open();
    writer = await recordWriterFor(handle);
    const user = await UserStore.create(handle.db).create({ email: `writer-${engine.name}@test.genomeg.test`, displayName: 'Nia Writer', passwordHash: null, grants: [] }, null);
    learner = { userId: user.id, displayName: user.displayName, language: 'cy' };
  });
  afterAll(async () => {
    await writer.close();
    await handle.close();
  });

  it('counts every page a learner views at once, each with its statement', async () => {
    const views = await Promise.all([1, 2, 3, 4, 5].map((page) => writer.viewPage({ learner, moduleId: MODULE, moduleVersion: '1.0.0', page })));
    expect(views.map((v) => v.lastPage)).toEqual([1, 2, 3, 4, 5]);
    expect(views[4]?.pagesSeen).toEqual([1, 2, 3, 4, 5]);
    const stored = await ProgressStore.create(handle.db).get(learner.userId, MODULE);
    expect(stored).toMatchObject({ lastPage: 5, pagesSeen: [1, 2, 3, 4, 5], moduleVersion: '1.0.0' });
    expect(stored?.startedAt).toBeInstanceOf(Date);
    const experienced = (await statements(learner.userId)).filter((s) => s.verb.id.endsWith('/experienced'));
    expect(experienced.map((s) => s.object.id).sort()).toEqual([1, 2, 3, 4, 5].map((p) => `${MODULE}/pages/${String(p)}`));
  });

  it('stores an answer as a statement', async () => {
    await writer.record(learner, [{ kind: 'question-answered', moduleId: MODULE, questionId: 'check-k1', response: 'a', correct: true }]);
    expect((await statements(learner.userId)).filter((s) => s.verb.id.endsWith('/answered'))).toHaveLength(1);
  });

  it('fails a write that cannot be made, with its reason, and goes on writing', async () => {
    const nobody: Learner = { userId: 'no-such-user', displayName: 'Nobody', language: 'en' };
    const results = await Promise.allSettled([
      writer.viewPage({ learner: nobody, moduleId: MODULE, moduleVersion: '1.0.0', page: 1 }),
      writer.viewPage({ learner, moduleId: MODULE, moduleVersion: '1.0.0', page: 6 }),
    ]);
    expect(results[0].status).toBe('rejected');
    expect(results[0].status === 'rejected' ? String(results[0].reason) : '').toMatch(/FOREIGN KEY|foreign key/);
    expect(results[1].status === 'fulfilled' ? results[1].value.pagesSeen : []).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await writer.viewPage({ learner, moduleId: MODULE, moduleVersion: '1.0.0', page: 2 })).lastPage).toBe(2);
  });

  it('stores the batch a client sent of statements all or none, and says which statement and rule failed', async () => {
    const sent = (statements: Json[]) => writer.recordStatements({
      statements, authority: PLATFORM_AUTHORITY, writer: { organisationCode: 'PLATFORM', clientId: 'platform', version: '1.0.3' }, attachments: [],
    });
    const statement = (n: number): Json => ({ actor: { mbox: `mailto:client${String(n)}@example.org` }, verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' }, object: { id: `https://example.org/writer/${engine.name}/${String(n)}` } });
    const count = async () => (await handle.db.selectFrom('xapi_statements').select('id').execute()).length;
    const before = await count();
    const bad = await sent([statement(1), { ...statement(2), verb: { id: 'not an IRI' } }]);
    expect(bad.status).toBe('invalid');
    expect(bad.status === 'invalid' ? bad.problems[0]?.path : '').toBe('$[1].verb.id');
    expect(await count()).toBe(before);
    const good = await sent([statement(1), statement(2)]);
    expect(good.status === 'stored' ? good.ids.length : 0).toBe(2);
    expect(await count()).toBe(before + 2);
    const id = good.status === 'stored' ? good.ids[0] ?? '' : '';
    expect(await sent([{ ...statement(3), id }])).toEqual({ status: 'conflict', id });
  });

  it('holds consistent-through back while a write is in flight: before the stored time of what it is storing, and past it once stored', async () => {
    const statement: Json = { actor: { mbox: 'mailto:through@example.org' }, verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' }, object: { id: `https://example.org/writer/${engine.name}/through` } };
    const writing = writer.recordStatements({ statements: [statement], authority: PLATFORM_AUTHORITY, writer: { organisationCode: 'PLATFORM', clientId: 'platform', version: '1.0.3' }, attachments: [] });
    const during = writer.consistentThrough();
    const outcome = await writing;
    const id = outcome.status === 'stored' ? outcome.ids[0] ?? '' : '';
    const row = await handle.db.selectFrom('xapi_statements').select('statement_json').where('id', '=', id).executeTakeFirstOrThrow();
    const stored = new Date((JSON.parse(row.statement_json) as { stored: string }).stored);
    expect(during.getTime()).toBeLessThan(stored.getTime());
    expect(writer.consistentThrough().getTime()).toBeGreaterThanOrEqual(stored.getTime());
  });

  it.skipIf(engine.name === 'postgres')('gives the writer thread most of a smaller SQLite page cache, and the web thread the rest', async () => {
    const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(handle.db);
    expect(rows[0]?.cache_size).toBe(-(worker ? WEB_CACHE_KIB : SQLITE_CACHE_KIB));
    expect(WEB_CACHE_KIB + WRITER_CACHE_KIB).toBe(SQLITE_CACHE_KIB / 2);
    expect(WRITER_CACHE_KIB).toBeGreaterThan(WEB_CACHE_KIB);
  });

  it('stores the attachment content sent with a statement, byte for byte', async () => {
    const content = new Uint8Array([0, 1, 2, 250, 255, 10]);
    const sha2 = createHash('sha256').update(content).digest('hex');
    const outcome = await writer.recordStatements({
      statements: {
        actor: { mbox: 'mailto:attach@example.org' }, verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' }, object: { id: `https://example.org/writer/${engine.name}/attached` },
        attachments: [{ usageType: 'https://example.org/usage/certificate', display: { 'en-GB': 'Certificate' }, contentType: 'application/octet-stream', length: content.length, sha2 }],
      },
      authority: PLATFORM_AUTHORITY, writer: { organisationCode: 'PLATFORM', clientId: 'platform', version: '1.0.3' },
      attachments: [{ sha2, contentType: 'application/octet-stream', content }],
    });
    expect(outcome.status).toBe('stored');
    const row = await handle.db.selectFrom('xapi_attachments').selectAll().where('sha2', '=', sha2).executeTakeFirst();
    expect(row === undefined ? null : [...Buffer.from(row.content, 'base64')]).toEqual([...content]);
  });

  it('refuses only the conflicting batch among batches sent at once, and stores the others whole', async () => {
    const send = (statements: Json[]) => writer.recordStatements({
      statements, authority: PLATFORM_AUTHORITY, writer: { organisationCode: 'PLATFORM', clientId: 'platform', version: '1.0.3' }, attachments: [],
    });
    const statement = (n: number, id: string): Json => ({ id, actor: { mbox: `mailto:together${String(n)}@example.org` }, verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' }, object: { id: `https://example.org/writer/${engine.name}/together/${String(n)}` } });
    const ids = Array.from({ length: 7 }, () => randomUUID());
    const first = await send([statement(0, ids[0] ?? '')]);
    expect(first.status).toBe('stored');
    const answers = await Promise.all([
      send([statement(1, ids[1] ?? ''), statement(2, ids[2] ?? '')]),
      send([statement(3, ids[3] ?? ''), statement(99, ids[0] ?? '')]),
      send([statement(4, ids[4] ?? ''), statement(5, ids[5] ?? '')]),
      send([statement(6, ids[6] ?? ''), { ...statement(6, ids[6] ?? ''), verb: { id: 'no IRI' } }]),
    ]);
    expect(answers.map((a) => a.status)).toEqual(['stored', 'conflict', 'stored', 'invalid']);
    const stored = new Set((await handle.db.selectFrom('xapi_statements').select('id').where('id', 'in', ids).execute()).map((r) => r.id));
    expect(ids.map((id) => stored.has(id))).toEqual([true, true, true, false, true, true, false]);
  });

  // Last, after every write above: a worker that failed to start, or could not reach the schema, would have left them to this thread.
  it(`wrote all of the above on ${worker ? 'a worker thread' : 'this thread'}`, () => {
    expect(writer.runsOn).toBe(worker ? 'worker thread' : 'this thread');
  });
});

describe('writes in flight', () => {
  it('give now when there are none, and a millisecond before the oldest otherwise', () => {
    const inFlight = new InFlight();
    expect(inFlight.through(5_000).getTime()).toBe(5_000);
    const first = inFlight.begin(1_000);
    const second = inFlight.begin(2_000);
    expect(inFlight.through(5_000).getTime()).toBe(999);
    inFlight.end(first);
    expect(inFlight.through(5_000).getTime()).toBe(1_999);
    inFlight.end(second);
    expect(inFlight.through(5_000).getTime()).toBe(5_000);
  });
});
