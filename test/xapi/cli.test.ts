import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { runXapi } from '../../src/cli/xapi.js';
import { XapiClientStore } from '../../src/db/stores/xapi-client-store.js';
import { XapiDocumentStore } from '../../src/db/stores/xapi-document-store.js';
import { XapiStatementStore } from '../../src/db/stores/xapi-statement-store.js';
import { recordStatements } from '../../src/services/xapi/record.js';
import { engines } from '../support/engines.js';

/** `genomeg xapi ARGS` against a suite's database: exit code and what it printed. */
function cli(handle: () => DatabaseHandle) {
  return async (...args: string[]) => {
    let text = '';
    const code = await runXapi(handle(), args, (t) => { text += t; });
    return { code, text };
  };
}

describe.each(engines)('genomeg xapi on $name', (engine) => {
  let handle: DatabaseHandle;
  beforeAll(async () => { handle = await engine.open(); });
  afterAll(async () => { await handle.close(); });

  const run = cli(() => handle);

  it('creates, lists and revokes clients; a revoked client no longer authenticates', async () => {
    const created = await run('client', 'create', '--org', '7a7', '--name', 'Moodle', '--scope', 'statements/write', '--scope', 'state');
    expect(created.code).toBe(0);
    const key = /key:\s+(\S+)/.exec(created.text)?.[1] ?? '';
    const secret = /secret:\s+(\S+)/.exec(created.text)?.[1] ?? '';
    const id = /Client (\S+)/.exec(created.text)?.[1] ?? '';
    const store = XapiClientStore.create(handle.db);
    expect(await store.authenticate(key, secret)).toMatchObject({ organisationCode: '7A7', scopes: ['statements/write', 'state'] });
    expect(await store.authenticate(key, 'wrong')).toBeNull();
    expect((await run('client', 'list', '--org', '7A7')).text).toContain(key);
    expect((await run('client', 'revoke', id)).code).toBe(0);
    expect(await store.authenticate(key, secret)).toBeNull();
    expect((await run('client', 'create', '--org', '7A7', '--name', 'x', '--scope', 'everything')).code).toBe(2);
  });

  it('rebuilds the progress projection to the same rows the writes kept', async () => {
    const actor = { mbox: 'mailto:rebuild@example.org' };
    const outcome = await recordStatements(handle.db, [
      { actor, verb: { id: 'http://adlnet.gov/expapi/verbs/completed' }, object: { id: 'https://genomeg.nhs.wales/modules/a' } },
      { actor, verb: { id: 'http://adlnet.gov/expapi/verbs/passed' }, object: { id: 'https://genomeg.nhs.wales/modules/b' }, result: { score: { raw: 7, max: 10 } } },
    ]);
    expect(outcome.status).toBe('stored');
    const before = await handle.db.selectFrom('xapi_progress').selectAll().orderBy('activity_id').execute();
    expect(before).toHaveLength(2);
    expect((await run('rebuild-progress')).code).toBe(0);
    expect(await handle.db.selectFrom('xapi_progress').selectAll().orderBy('activity_id').execute()).toEqual(before);
  });
});

describe.each(engines)('subject access and erasure on $name', (engine) => {
  let handle: DatabaseHandle;
  beforeAll(async () => { handle = await engine.open(); });
  afterAll(async () => { await handle.close(); });

  const run = cli(() => handle);

  it('exports a person\'s statements, then erases them and only them, with an audit entry', async () => {
    const person = { mbox: 'mailto:erase_me@example.org' };
    const other = { mbox: 'mailto:keep.me@example.org' };
    const verb = { id: 'http://adlnet.gov/expapi/verbs/completed' };
    // Documents: the person's state (an underscore in the address, which a LIKE pattern would read as a wildcard) and agent profile; another person's state.
    const docs = XapiDocumentStore.create(handle.db);
    const state = (agent: string) => ({ organisationCode: 'PLATFORM', kind: 'state' as const, scope: `https://genomeg.nhs.wales/modules/a|${agent}|` });
    await docs.putIf(state('mbox:mailto:erase_me@example.org'), 'bookmark', null, 'application/json', Buffer.from('{"page":3}'));
    await docs.putIf(state('mbox:mailto:eraseXme@example.org'), 'bookmark', null, 'application/json', Buffer.from('{"page":4}'));
    await docs.putIf({ organisationCode: 'PLATFORM', kind: 'agent-profile', scope: 'mbox:mailto:erase_me@example.org' }, 'prefs', null, 'application/octet-stream', Buffer.from([0, 1, 2]));
    await recordStatements(handle.db, [
      { actor: person, verb, object: { id: 'https://genomeg.nhs.wales/modules/a' } },
      { actor: other, verb, object: { id: 'https://genomeg.nhs.wales/modules/a' }, context: { instructor: person } },
      { actor: other, verb, object: { id: 'https://genomeg.nhs.wales/modules/b' } },
    ]);
    const exported = await run('export', '--org', 'PLATFORM', '--agent', JSON.stringify(person));
    expect(exported.code).toBe(0);
    const data = JSON.parse(exported.text) as { statements: unknown[]; progress: unknown[]; documents: { documentId: string; encoding: string; content: string }[] };
    expect(data.statements).toHaveLength(2);
    expect(data.progress).toHaveLength(1);
    expect(data.documents.map((d) => [d.documentId, d.encoding, d.content])).toEqual([['prefs', 'base64', 'AAEC'], ['bookmark', 'utf-8', '{"page":3}']]);
    expect(await handle.db.selectFrom('audit_events').select('action').where('action', '=', 'xapi.person.export').execute()).toHaveLength(1);
    expect((await run('erase', '--org', 'PLATFORM', '--agent', JSON.stringify(person))).code).toBe(2);
    expect((await run('erase', '--org', 'PLATFORM', '--agent', JSON.stringify(person), '--confirm')).text).toContain('Erased 2 statements and 2 documents');
    expect(JSON.parse((await run('export', '--org', 'PLATFORM', '--agent', JSON.stringify(person))).text)).toMatchObject({ statements: [], progress: [], documents: [] });
    expect((await handle.db.selectFrom('xapi_documents').select('scope').execute()).map((d) => d.scope)).toEqual(['https://genomeg.nhs.wales/modules/a|mbox:mailto:eraseXme@example.org|']);
    const left = await handle.db.selectFrom('xapi_statements').select('actor_key').execute();
    expect(left.map((r) => r.actor_key)).toEqual(['mbox:mailto:keep.me@example.org']);
    expect(await handle.db.selectFrom('audit_events').select('action').where('action', '=', 'xapi.person.erase').execute()).toHaveLength(1);
    const progress = await handle.db.selectFrom('xapi_progress').select('activity_id').where('actor_key', '=', 'mbox:mailto:keep.me@example.org').execute();
    expect(progress.map((p) => p.activity_id)).toEqual(['https://genomeg.nhs.wales/modules/b']);
  });

  it('keeps a statement that only pointed at an erased one, without what it took from it', async () => {
    const person = { mbox: 'mailto:erase.ref@example.org' };
    const reviewer = { mbox: 'mailto:reviewer@example.org' };
    const module = 'https://genomeg.nhs.wales/modules/erase-ref';
    const outcome = await recordStatements(handle.db, { actor: person, verb: { id: 'http://adlnet.gov/expapi/verbs/passed' }, object: { id: module } });
    if (outcome.status !== 'stored') throw new Error(outcome.status);
    const reviewed = await recordStatements(handle.db, { actor: reviewer, verb: { id: 'http://adlnet.gov/expapi/verbs/confirmed' }, object: { objectType: 'StatementRef', id: outcome.ids[0] } });
    if (reviewed.status !== 'stored') throw new Error(reviewed.status);
    const store = XapiStatementStore.create(handle.db);
    const ids = async (filter: { agent?: string; activity?: string }) =>
      (await store.query(['PLATFORM'], { ...filter, limit: 10 }, null)).statements.map((s) => (JSON.parse(s) as { id: string }).id);
    expect(await ids({ agent: 'mbox:mailto:erase.ref@example.org' })).toEqual([reviewed.ids[0], outcome.ids[0]]);
    expect((await run('erase', '--org', 'PLATFORM', '--agent', JSON.stringify(person), '--confirm')).text).toContain('Erased 1 statement and 0 documents');
    expect(await ids({ agent: 'mbox:mailto:erase.ref@example.org' })).toEqual([]);
    expect(await ids({ activity: module })).toEqual([]);
    expect(await ids({ agent: 'mbox:mailto:reviewer@example.org' })).toEqual([reviewed.ids[0]]);
  });
});
