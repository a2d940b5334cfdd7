import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildTestApp, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { XapiClientStore } from '../../src/db/stores/xapi-client-store.js';
import { XapiStatementStore } from '../../src/db/stores/xapi-statement-store.js';
import type { XapiScope } from '../../src/domain/xapi/index.js';
import { validStatement, type Json } from './fixtures.js';

describe.each(engines)('xAPI statements resource on $name', (engine) => {
  let t: TestApp;
  let writer: string;
  let reader: string;
  let mineOnly: string;
  let otherOrg: string;

  const basic = async (org: string, scopes: XapiScope[]) => {
    const { client, secret } = await XapiClientStore.create(t.database.db).createClient({ organisationCode: org, name: `client ${org}`, scopes }, null);
    return `Basic ${Buffer.from(`${client.key}:${secret}`).toString('base64')}`;
  };
  const call = (method: 'GET' | 'POST' | 'PUT' | 'HEAD', url: string, auth: string, payload?: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method, url, headers: { authorization: auth, 'x-experience-api-version': '1.0.3', ...headers }, ...(payload === undefined ? {} : { payload: payload as Json }) });
  const count = async () => Number((await t.database.db.selectFrom('xapi_statements').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    t = await buildTestApp(engine);
    writer = await basic('7A7', ['all']);
    reader = await basic('7A7', ['statements/read']);
    mineOnly = await basic('7A7', ['statements/write', 'statements/read/mine']);
    otherOrg = await basic('7A1', ['all']);
  });
  afterAll(async () => { await t.close(); });

  it('answers about without credentials, with the version headers: 1.0.3 alone to a 1.0.x request or none, both to a 2.0.0 request', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/xapi/about' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ version: ['1.0.3'], extensions: {} });
    expect(r.headers['x-experience-api-version']).toBe('1.0.3');
    expect(r.headers['x-experience-api-consistent-through']).toBeDefined();
    expect(r.headers['date']).toBeDefined();
    for (const [asked, listed] of [['1.0.3', ['1.0.3']], ['1.0', ['1.0.3']], ['1.0.1', ['1.0.3']], ['2.0.0', ['1.0.3', '2.0.0']], ['0.95', ['1.0.3']]] as const) {
      const about = await t.app.inject({ method: 'GET', url: '/xapi/about', headers: { 'x-experience-api-version': asked } });
      expect({ asked, body: about.json<Json>() }).toEqual({ asked, body: { version: listed, extensions: {} } });
    }
  });

  it('refuses a request without a version on every resource (400), saying 1.0.3 in the answer\'s version header', async () => {
    const agent = encodeURIComponent(JSON.stringify({ mbox: 'mailto:a@example.org' }));
    const activity = encodeURIComponent('http://x.org/a');
    for (const url of ['/xapi/statements', `/xapi/activities?activityId=${activity}`, `/xapi/activities/profile?activityId=${activity}`,
      `/xapi/activities/state?activityId=${activity}&agent=${agent}`, `/xapi/agents?agent=${agent}`, `/xapi/agents/profile?agent=${agent}`]) {
      const r = await t.app.inject({ method: 'GET', url, headers: { authorization: writer } });
      expect({ url, status: r.statusCode, version: r.headers['x-experience-api-version'] }).toEqual({ url, status: 400, version: '1.0.3' });
    }
    const v2 = await call('GET', '/xapi/statements?limit=1', writer, undefined, { 'x-experience-api-version': '2.0.0' });
    expect(v2.headers['x-experience-api-version']).toBe('2.0.0');
  });

  it('answers 405 with Allow to a method a resource does not have, before version and credential checks (not the site\'s form-token 403)', async () => {
    const cases: [string, string, string][] = [
      ['DELETE', '/xapi/statements', 'GET, HEAD, PUT, POST'], ['PATCH', '/xapi/statements', 'GET, HEAD, PUT, POST'],
      ['DELETE', '/xapi/activities', 'GET, HEAD'], ['POST', '/xapi/activities', 'GET, HEAD'], ['PUT', '/xapi/activities', 'GET, HEAD'],
      ['DELETE', '/xapi/agents', 'GET, HEAD'], ['POST', '/xapi/agents', 'GET, HEAD'], ['PUT', '/xapi/agents', 'GET, HEAD'],
      ['POST', '/xapi/about', 'GET, HEAD'], ['PATCH', '/xapi/agents/profile', 'GET, HEAD, PUT, POST, DELETE'],
    ];
    for (const version of ['1.0.3', '2.0.0']) {
      for (const [method, url, allow] of cases) {
        const r = await t.app.inject({ method: method as 'DELETE', url, headers: { authorization: writer, 'x-experience-api-version': version } });
        expect({ method, url, version, status: r.statusCode, allow: r.headers['allow'], answered: r.headers['x-experience-api-version'] }).toEqual({ method, url, version, status: 405, allow, answered: version });
      }
    }
    // Whoever asks, in whatever version: the method is wrong before anything else is.
    const anonymous = await t.app.inject({ method: 'DELETE', url: '/xapi/activities?activityId=http://x.org/a', headers: { 'x-experience-api-version': '1.0.1' } });
    expect({ status: anonymous.statusCode, allow: anonymous.headers['allow'] }).toEqual({ status: 405, allow: 'GET, HEAD' });
    const unversioned = await t.app.inject({ method: 'DELETE', url: '/xapi/statements', headers: { authorization: writer } });
    expect({ status: unversioned.statusCode, version: unversioned.headers['x-experience-api-version'] }).toEqual({ status: 405, version: '1.0.3' });
    // A method the resource has is still checked as before.
    expect((await t.app.inject({ method: 'DELETE', url: '/xapi/activities/state?activityId=http://x.org/a', headers: { 'x-experience-api-version': '1.0.3' } })).statusCode).toBe(401);
  });

  it('answers statement reads as exactly application/json (multipart/mixed with attachments), in 1.0.3 and 2.0.0', async () => {
    const [id] = (await call('POST', '/xapi/statements', writer, validStatement())).json<string[]>();
    for (const version of ['1.0.3', '2.0.0']) {
      for (const q of [`statementId=${id}`, 'limit=1', 'limit=1&attachments=false', 'limit=1&format=ids', `statementId=${id}&format=canonical`]) {
        const r = await call('GET', `/xapi/statements?${q}`, writer, undefined, { 'x-experience-api-version': version });
        expect({ q, version, status: r.statusCode, type: r.headers['content-type'] }).toEqual({ q, version, status: 200, type: 'application/json' });
        expect(() => r.json<unknown>()).not.toThrow();
      }
      const multipart = await call('GET', `/xapi/statements?statementId=${id}&attachments=true`, writer, undefined, { 'x-experience-api-version': version });
      expect(multipart.headers['content-type']).toMatch(/^multipart\/mixed; boundary=/);
    }
  });

  it('refuses a missing or unsupported version and missing or wrong credentials', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/xapi/statements', headers: { authorization: writer } })).statusCode).toBe(400);
    expect((await call('GET', '/xapi/statements', writer, undefined, { 'x-experience-api-version': '0.95' })).statusCode).toBe(400);
    const r = await call('GET', '/xapi/statements', '');
    expect(r.statusCode).toBe(401);
    expect(r.headers['www-authenticate']).toContain('Basic');
    expect((await call('GET', '/xapi/statements', 'Basic ' + Buffer.from('nokey:nosecret').toString('base64'))).statusCode).toBe(401);
    expect((await call('POST', '/xapi/statements', reader, validStatement())).statusCode).toBe(403);
  });

  it('stores one statement, sets id, stored, authority and version, and reads it back in 1.0.3 and 2.0.0', async () => {
    const r = await call('POST', '/xapi/statements', writer, validStatement());
    expect(r.statusCode).toBe(200);
    const [id] = r.json<string[]>();
    for (const version of ['1.0.3', '2.0.0']) {
      const got = await call('GET', `/xapi/statements?statementId=${id}`, writer, undefined, { 'x-experience-api-version': version });
      expect(got.statusCode).toBe(200);
      expect(got.headers['x-experience-api-version']).toBe(version);
      const s = got.json<Json>();
      expect(s['id']).toBe(id);
      expect(s['timestamp']).toBe('2026-03-01T09:15:00.000Z');
      expect(typeof s['stored']).toBe('string');
      expect(s['version']).toBe('1.0.0');
      expect((s['authority'] as Json)['account']).toBeDefined();
    }
    expect((await call('HEAD', `/xapi/statements?statementId=${id}`, writer)).statusCode).toBe(200);
  });

  it('sets version 2.0.0 on a statement sent without one under 2.0.0, and keeps a version that was sent', async () => {
    const sent = await call('POST', '/xapi/statements', writer, [validStatement(), validStatement({ version: '1.0.3' })], { 'x-experience-api-version': '2.0.0' });
    expect(sent.statusCode).toBe(200);
    const versions: unknown[] = [];
    for (const id of sent.json<string[]>()) {
      versions.push((await call('GET', `/xapi/statements?statementId=${id}`, writer, undefined, { 'x-experience-api-version': '2.0.0' })).json<Json>()['version']);
    }
    expect(versions).toEqual(['2.0.0', '1.0.3']);
  });

  it('says which rule and path failed, and writes nothing of a batch with one bad statement', async () => {
    const before = await count();
    const r = await call('POST', '/xapi/statements', writer, [validStatement(), validStatement({ actor: { mbox: 'nobody' } })]);
    expect(r.statusCode).toBe(400);
    expect(r.json<Json>()['problems']).toEqual([expect.objectContaining({ rule: 'agent.mbox', path: '$[1].actor.mbox' })]);
    expect(await count()).toBe(before);
  });

  it('refuses a malformed authority (400 naming rule and path) before setting its own', async () => {
    const member = [{ mbox: 'mailto:a@example.org' }, { mbox: 'mailto:b@example.org' }];
    const before = await count();
    const r = await call('POST', '/xapi/statements', writer, validStatement({ authority: { objectType: 'Group', mbox: 'mailto:team@example.org', member } }));
    expect(r.statusCode).toBe(400);
    expect(r.json<Json>()['problems']).toEqual([expect.objectContaining({ rule: 'authority.group', path: '$.authority' })]);
    expect(await count()).toBe(before);
    const ok = await call('POST', '/xapi/statements', writer, validStatement({ authority: { objectType: 'Group', member } }));
    expect(ok.statusCode).toBe(200);
    const [id] = ok.json<string[]>();
    const stored = (await call('GET', `/xapi/statements?statementId=${id}`, writer)).json<Json>();
    expect((stored['authority'] as Json)['account']).toBeDefined();
  });

  it('accepts the same statement again, refuses a different one with the same id (409), all-or-nothing', async () => {
    const id = randomUUID();
    const statement = validStatement({ timestamp: '2026-01-01T00:00:00Z' });
    expect((await call('PUT', `/xapi/statements?statementId=${id}`, writer, statement)).statusCode).toBe(204);
    // The same statement again (timestamp written differently, same instant): accepted, stored once.
    expect((await call('PUT', `/xapi/statements?statementId=${id}`, writer, { ...statement, timestamp: '2026-01-01T01:00:00+01:00' })).statusCode).toBe(204);
    expect((await call('POST', '/xapi/statements', writer, { ...statement, id })).json()).toEqual([id]);
    const before = await count();
    const r = await call('POST', '/xapi/statements', writer, [validStatement(), validStatement({ id, timestamp: '2026-01-02T00:00:00Z' })]);
    expect(r.statusCode).toBe(409);
    expect(await count()).toBe(before);
    expect((await call('PUT', '/xapi/statements', writer, validStatement())).statusCode).toBe(400);
    expect((await call('PUT', `/xapi/statements?statementId=${id}`, writer, validStatement({ id: randomUUID() }))).statusCode).toBe(400);
  });

  it('voids: the voided statement leaves queries (the voiding statement, which targets it, stays) but is retrievable by voidedStatementId; a voiding statement cannot be voided (voiding it is stored, with no effect)', async () => {
    const activity = `https://genomeg.nhs.wales/modules/${randomUUID()}`;
    const [target] = (await call('POST', '/xapi/statements', writer, validStatement({ object: { id: activity } }))).json<string[]>();
    const voiding = { actor: { mbox: 'mailto:admin@example.org' }, verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: target } };
    const [voidId] = (await call('POST', '/xapi/statements', writer, voiding)).json<string[]>();
    expect((await call('GET', `/xapi/statements?statementId=${target}`, writer)).statusCode).toBe(404);
    expect((await call('GET', `/xapi/statements?voidedStatementId=${target}`, writer)).statusCode).toBe(200);
    const q = await call('GET', `/xapi/statements?activity=${encodeURIComponent(activity)}`, writer);
    expect(q.json<{ statements: Json[] }>().statements.map((s) => s['id'])).toEqual([voidId]);
    // Voiding the voiding statement: stored (the LRS does not reject a voiding statement for its target), but it voids nothing.
    const again = await call('POST', '/xapi/statements', writer, { ...voiding, object: { objectType: 'StatementRef', id: voidId } });
    expect(again.statusCode).toBe(200);
    const [againId] = again.json<string[]>();
    expect((await call('GET', `/xapi/statements?statementId=${againId}`, writer)).statusCode).toBe(200);
    expect((await call('GET', `/xapi/statements?statementId=${voidId}`, writer)).statusCode).toBe(200);
    expect((await call('GET', `/xapi/statements?voidedStatementId=${voidId}`, writer)).statusCode).toBe(404);
    expect((await call('GET', `/xapi/statements?statementId=${target}`, writer)).statusCode).toBe(404);
    // The same in one batch (the voiding statement and the one voiding it together), and by PUT.
    const first = randomUUID();
    const [batchTarget] = (await call('POST', '/xapi/statements', writer, validStatement())).json<string[]>();
    const batch = [{ ...voiding, id: first, object: { objectType: 'StatementRef', id: batchTarget } }, { ...voiding, object: { objectType: 'StatementRef', id: first } }];
    expect((await call('POST', '/xapi/statements', writer, batch)).statusCode).toBe(200);
    expect((await call('PUT', `/xapi/statements?statementId=${randomUUID()}`, writer, { ...voiding, object: { objectType: 'StatementRef', id: first } })).statusCode).toBe(204);
    expect((await call('GET', `/xapi/statements?statementId=${first}`, writer)).statusCode).toBe(200);
    expect((await call('GET', `/xapi/statements?voidedStatementId=${batchTarget}`, writer)).statusCode).toBe(200);
    const after = await call('GET', `/xapi/statements?activity=${encodeURIComponent(activity)}`, writer);
    expect(after.json<{ statements: Json[] }>().statements.map((s) => s['id'])).toEqual([againId, voidId]);
  });

  it('queries by agent, verb, activity, registration and related, pages with a more link stable under new inserts', async () => {
    const learner = { mbox: `mailto:${randomUUID()}@example.nhs.wales` };
    const registration = randomUUID();
    const course = `https://genomeg.nhs.wales/courses/${randomUUID()}`;
    const batch = Array.from({ length: 7 }, (_, i) => validStatement({
      actor: learner, object: { id: `https://genomeg.nhs.wales/modules/m${i}` },
      context: { registration, contextActivities: { parent: [{ id: course }] } },
    }));
    expect((await call('POST', '/xapi/statements', writer, batch)).statusCode).toBe(200);
    const agent = encodeURIComponent(JSON.stringify(learner));
    const byAgent = await call('GET', `/xapi/statements?agent=${agent}&limit=3`, writer);
    const first = byAgent.json<{ statements: Json[]; more: string }>();
    expect(first.statements).toHaveLength(3);
    expect(first.statements[0]?.['object']).toMatchObject({ id: 'https://genomeg.nhs.wales/modules/m6' });
    // A new statement by the same learner arrives; the pages already begun do not shift.
    await call('POST', '/xapi/statements', writer, validStatement({ actor: learner }));
    const second = (await call('GET', first.more, writer)).json<{ statements: Json[]; more: string }>();
    const third = (await call('GET', second.more, writer)).json<{ statements: Json[]; more: string }>();
    expect([...first.statements, ...second.statements, ...third.statements].map((s) => (s['object'] as Json)['id'])).toEqual(
      [6, 5, 4, 3, 2, 1, 0].map((i) => `https://genomeg.nhs.wales/modules/m${i}`));
    expect(third.more).toBe('');

    const byRegistration = (await call('GET', `/xapi/statements?registration=${registration}&ascending=true`, writer)).json<{ statements: Json[] }>();
    expect(byRegistration.statements.map((s) => (s['object'] as Json)['id'])[0]).toBe('https://genomeg.nhs.wales/modules/m0');
    expect((await call('GET', `/xapi/statements?activity=${encodeURIComponent(course)}`, writer)).json<{ statements: Json[] }>().statements).toHaveLength(0);
    expect((await call('GET', `/xapi/statements?activity=${encodeURIComponent(course)}&related_activities=true`, writer)).json<{ statements: Json[] }>().statements).toHaveLength(7);
    const verb = encodeURIComponent('http://adlnet.gov/expapi/verbs/completed');
    expect((await call('GET', `/xapi/statements?agent=${agent}&verb=${verb}&limit=100`, writer)).json<{ statements: Json[] }>().statements).toHaveLength(8);
    const ids = (await call('GET', `/xapi/statements?agent=${agent}&format=ids&limit=1`, writer)).json<{ statements: Json[] }>().statements[0];
    expect(ids?.['verb']).toEqual({ id: 'http://adlnet.gov/expapi/verbs/completed' });
    const canonical = (await call('GET', `/xapi/statements?agent=${agent}&format=canonical&limit=1`, writer, undefined, { 'accept-language': 'cy' })).json<{ statements: Json[] }>().statements[0];
    expect((canonical?.['verb'] as Json)['display']).toEqual({ cy: 'cwblhau' });
  });

  it('returns a single ContextActivity inside an array, in every format, for statements and sub-statements, and takes the same statement again', async () => {
    const parent = { objectType: 'Activity', id: `https://genomeg.nhs.wales/courses/${randomUUID()}`, definition: { name: { 'en-GB': 'Course', cy: 'Cwrs' } } };
    const category = { id: 'https://w3id.org/xapi/cmi5/context/categories/moveon' };
    const sub = { objectType: 'SubStatement', actor: { mbox: 'mailto:a@example.org' }, verb: { id: 'http://adlnet.gov/expapi/verbs/attempted' }, object: { objectType: 'Activity', id: 'https://genomeg.nhs.wales/modules/sub' }, context: { contextActivities: { grouping: category } } };
    const id = randomUUID();
    const statement = validStatement({ id, object: sub, context: { contextActivities: { parent, category: [category] } } });
    expect((await call('POST', '/xapi/statements', writer, statement)).statusCode).toBe(200);
    const lists = (s: Json) => ({
      parent: ((s['context'] as Json)['contextActivities'] as Json)['parent'],
      category: ((s['context'] as Json)['contextActivities'] as Json)['category'],
      subGrouping: (((s['object'] as Json)['context'] as Json)['contextActivities'] as Json)['grouping'],
    });
    const byId = (await call('GET', `/xapi/statements?statementId=${id}`, writer)).json<Json>();
    expect(lists(byId)).toEqual({ parent: [parent], category: [category], subGrouping: [category] });
    const activity = encodeURIComponent(parent.id);
    const exact = (await call('GET', `/xapi/statements?activity=${activity}&related_activities=true`, writer)).json<{ statements: Json[] }>().statements;
    expect(exact.map(lists)).toEqual([{ parent: [parent], category: [category], subGrouping: [category] }]);
    const canonical = (await call('GET', `/xapi/statements?statementId=${id}&format=canonical`, writer, undefined, { 'accept-language': 'cy' })).json<Json>();
    expect(lists(canonical)).toEqual({ parent: [{ ...parent, definition: { name: { cy: 'Cwrs' } } }], category: [category], subGrouping: [category] });
    // format=ids: an activity is its id alone, wherever it is.
    const ids = (await call('GET', `/xapi/statements?statementId=${id}&format=ids`, writer)).json<Json>();
    expect(lists(ids)).toEqual({ parent: [{ id: parent.id }], category: [category], subGrouping: [category] });
    expect((ids['object'] as Json)['object']).toEqual({ id: 'https://genomeg.nhs.wales/modules/sub' });
    // Sent again as it was first sent (single objects): the same statement, not a conflict.
    expect((await call('PUT', `/xapi/statements?statementId=${id}`, writer, statement)).statusCode).toBe(204);
  });

  it('refuses bad query parameters with 400', async () => {
    for (const q of ['agent=notjson', 'agent=%7B%7D', 'verb=nope', 'since=yesterday', 'limit=-1', 'format=full', 'related_agents=yes', 'unknown=1', 'cursor=99999999999999999999.1', 'limit=1.5', `statementId=${randomUUID()}&verb=http://x.org/v`]) {
      const r = await call('GET', `/xapi/statements?${q}`, writer);
      expect({ q, status: r.statusCode }).toEqual({ q, status: 400 });
    }
  });

  it('keeps organisations apart, and read/mine to the client\'s own statements', async () => {
    const [id] = (await call('POST', '/xapi/statements', writer, validStatement())).json<string[]>();
    expect((await call('GET', `/xapi/statements?statementId=${id}`, otherOrg)).statusCode).toBe(404);
    expect((await call('GET', `/xapi/statements?statementId=${id}`, reader)).statusCode).toBe(200);
    expect((await call('GET', `/xapi/statements?statementId=${id}`, mineOnly)).statusCode).toBe(404);
    const [own] = (await call('POST', '/xapi/statements', mineOnly, validStatement())).json<string[]>();
    expect((await call('GET', `/xapi/statements?statementId=${own}`, mineOnly)).statusCode).toBe(200);
    const all = (await call('GET', '/xapi/statements?limit=500', otherOrg)).json<{ statements: Json[] }>();
    expect(all.statements).toEqual([]);
  });

  it('keeps the progress projection in step with statements and voiding; a rebuild gives the same result', async () => {
    const learner = { mbox: `mailto:${randomUUID()}@example.nhs.wales` };
    const module = `https://genomeg.nhs.wales/modules/${randomUUID()}`;
    const verb = (v: string) => ({ id: `http://adlnet.gov/expapi/verbs/${v}` });
    await call('POST', '/xapi/statements', writer, [
      { actor: learner, verb: verb('attempted'), object: { id: module }, timestamp: '2026-02-01T09:00:00Z' },
      { actor: learner, verb: verb('failed'), object: { id: module }, result: { score: { scaled: 0.4 } }, timestamp: '2026-02-01T09:30:00Z' },
    ]);
    const [passId] = (await call('POST', '/xapi/statements', writer, { actor: learner, verb: verb('passed'), object: { id: module }, result: { score: { scaled: 0.9 } }, timestamp: '2026-02-02T09:00:00Z' })).json<string[]>();
    const store = XapiStatementStore.create(t.database.db);
    expect(await store.progress('7A7', learner)).toEqual([expect.objectContaining({ activityId: module, attempted: true, completed: true, passed: true, bestScore: 0.9, lastActivityAt: '2026-02-02T09:00:00.000Z' })]);
    await call('POST', '/xapi/statements', writer, { actor: { mbox: 'mailto:admin@example.org' }, verb: verb('voided'), object: { objectType: 'StatementRef', id: passId } });
    const afterVoid = await store.progress('7A7', learner);
    expect(afterVoid).toEqual([expect.objectContaining({ completed: false, passed: false, bestScore: 0.4, lastActivityAt: '2026-02-01T09:30:00.000Z' })]);
    const everything = await t.database.db.selectFrom('xapi_progress').selectAll().orderBy('actor_key').orderBy('activity_id').execute();
    await store.rebuildProgress();
    const rebuilt = await t.database.db.selectFrom('xapi_progress').selectAll().orderBy('actor_key').orderBy('activity_id').execute();
    expect(rebuilt).toEqual(everything);
  });

  it('never answers 500 and never writes part of a batch, whatever it is sent (fuzz)', async () => {
    const mutate = fc.record({
      path: fc.constantFrom('actor', 'verb', 'object', 'result', 'context', 'timestamp', 'id', 'version', 'attachments', 'authority', 'extra'),
      value: fc.jsonValue({ maxDepth: 3 }),
    });
    await fc.assert(fc.asyncProperty(fc.array(mutate, { minLength: 1, maxLength: 3 }), fc.boolean(), async (mutations, withGood) => {
      const bad = validStatement();
      for (const m of mutations) bad[m.path] = m.value;
      const before = await count();
      const r = await call('POST', '/xapi/statements', writer, withGood ? [validStatement(), bad] : bad);
      expect(r.statusCode).toBeLessThan(500);
      if (r.statusCode !== 200) expect(await count()).toBe(before);
      else expect(await count()).toBe(before + (withGood ? 2 : 1));
    }), { numRuns: 150 });
    const nul = validStatement({ actor: { name: 'a\u0000b', account: { homePage: 'https://esr.nhs.uk', name: 'x\u0000y' } }, object: { id: 'http://x.org/a\u0000' } });
    expect((await call('POST', '/xapi/statements', writer, nul)).statusCode).toBe(400);
    nul['object'] = { id: 'http://x.org/a' };
    expect((await call('POST', '/xapi/statements', writer, nul)).statusCode).toBe(200);
    for (const payload of ['{', '[]', 'null', '"x"', '[1,2]', '{"actor":']) {
      const r = await t.app.inject({ method: 'POST', url: '/xapi/statements', headers: { authorization: writer, 'x-experience-api-version': '1.0.3', 'content-type': 'application/json' }, payload });
      expect({ payload, ok: r.statusCode < 500 }).toEqual({ payload, ok: true });
    }
  });
});

describe.each(engines)('xAPI alternate request syntax on $name', (engine) => {
  let t: TestApp;
  let auth: string;
  beforeAll(async () => {
    t = await buildTestApp(engine);
    const { client, secret } = await XapiClientStore.create(t.database.db).createClient({ organisationCode: '7A7', name: 'legacy', scopes: ['all'] }, null);
    auth = `Basic ${Buffer.from(`${client.key}:${secret}`).toString('base64')}`;
  });
  afterAll(async () => { await t.close(); });

  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const post = (method: string, fields: Record<string, string>, extraQuery = '') => t.app.inject({
    method: 'POST', url: `/xapi/statements?method=${method}${extraQuery}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form(fields),
  });

  it('PUTs and GETs a statement through form fields, with the headers in the form', async () => {
    const id = randomUUID();
    const put = await post('PUT', { statementId: id, Authorization: auth, 'X-Experience-API-Version': '1.0.3', 'Content-Type': 'application/json', content: JSON.stringify(validStatement()) });
    expect(put.statusCode).toBe(204);
    const got = await post('GET', { statementId: id, Authorization: auth, 'X-Experience-API-Version': '1.0.3' });
    expect(got.statusCode).toBe(200);
    expect(got.json<Json>()['id']).toBe(id);
    expect(got.headers['x-experience-api-version']).toBe('1.0.3');
  });

  it('honours the request\'s own headers (version, credentials), with form fields of the same name overriding them', async () => {
    const headers = { 'content-type': 'application/x-www-form-urlencoded', authorization: auth, 'x-experience-api-version': '1.0.3' };
    const id = randomUUID();
    const put = await t.app.inject({ method: 'POST', url: '/xapi/statements?method=PUT', headers, payload: form({ statementId: id, content: JSON.stringify(validStatement()) }) });
    expect(put.statusCode).toBe(204);
    const got = await t.app.inject({ method: 'POST', url: '/xapi/statements?method=GET', headers, payload: form({ limit: '1' }) });
    expect(got.statusCode).toBe(200);
    expect(got.headers['x-experience-api-version']).toBe('1.0.3');
    expect(got.json<{ statements: Json[] }>().statements.map((s) => s['id'])).toEqual([id]);
    // A form field overrides the header of the same name.
    const wrong = `Basic ${Buffer.from('nokey:nosecret').toString('base64')}`;
    expect((await t.app.inject({ method: 'POST', url: '/xapi/statements?method=GET', headers, payload: form({ limit: '1', Authorization: wrong }) })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/xapi/statements?method=GET', headers: { ...headers, authorization: wrong }, payload: form({ limit: '1', Authorization: auth }) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/xapi/statements?method=GET', headers: { ...headers, 'x-experience-api-version': '2.0.0' }, payload: form({ limit: '1' }) })).statusCode).toBe(400);
    const missing = await t.app.inject({ method: 'POST', url: '/xapi/statements?method=GET', headers: { 'content-type': headers['content-type'], authorization: auth }, payload: form({ limit: '1' }) });
    expect(missing.statusCode).toBe(400);
    expect(missing.headers['x-experience-api-version']).toBe('1.0.3');
  });

  it('refuses it without credentials, with extra query parameters, or in 2.0.0', async () => {
    expect((await post('GET', { 'X-Experience-API-Version': '1.0.3' })).statusCode).toBe(401);
    expect((await post('GET', { Authorization: auth, 'X-Experience-API-Version': '1.0.3' }, '&limit=1')).statusCode).toBe(400);
    expect((await post('GET', { Authorization: auth, 'X-Experience-API-Version': '2.0.0' })).statusCode).toBe(400);
    expect((await post('PATCH', { Authorization: auth, 'X-Experience-API-Version': '1.0.3' })).statusCode).toBe(400);
  });
});
