import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { XapiClientStore } from '../../src/db/stores/xapi-client-store.js';
import { mergeDocuments, writeDecision } from '../../src/domain/xapi/index.js';

describe('document rules', () => {
  it('decides concurrency as the spec says', () => {
    expect(writeDecision('agent-profile', 'PUT', { etag: 'a' }, {}, '1.0.3')).toBe('conflict');
    expect(writeDecision('state', 'PUT', { etag: 'a' }, {}, '1.0.3')).toBe('ok');
    expect(writeDecision('agent-profile', 'PUT', { etag: 'a' }, { ifMatch: '"a"' }, '1.0.3')).toBe('ok');
    expect(writeDecision('agent-profile', 'PUT', { etag: 'a' }, { ifMatch: '"b"' }, '1.0.3')).toBe('precondition-failed');
    expect(writeDecision('agent-profile', 'PUT', null, { ifMatch: '"b"' }, '1.0.3')).toBe('precondition-failed');
    expect(writeDecision('agent-profile', 'PUT', { etag: 'a' }, { ifNoneMatch: '*' }, '1.0.3')).toBe('precondition-failed');
    expect(writeDecision('agent-profile', 'PUT', null, { ifNoneMatch: '*' }, '1.0.3')).toBe('ok');
    // A profile PUT with neither header: 409 if it exists (both versions); if not, 400 in 1.0.3, written in 2.0.0.
    for (const kind of ['agent-profile', 'activity-profile'] as const) {
      expect(writeDecision(kind, 'PUT', null, {}, '1.0.3')).toBe('precondition-required');
      expect(writeDecision(kind, 'PUT', null, {}, '2.0.0')).toBe('ok');
      expect(writeDecision(kind, 'PUT', { etag: 'a' }, {}, '2.0.0')).toBe('conflict');
      expect(writeDecision(kind, 'POST', null, {}, '1.0.3')).toBe('ok');
    }
    expect(writeDecision('state', 'PUT', null, {}, '1.0.3')).toBe('ok');
    expect(writeDecision('state', 'PUT', { etag: 'a' }, {}, '2.0.0')).toBe('ok');
  });

  it('merges JSON objects on POST and refuses anything else', () => {
    expect(mergeDocuments({ contentType: 'application/json', text: '{"a":1,"b":1}' }, { contentType: 'application/json; charset=utf-8', text: '{"b":2}' })).toEqual({ ok: true, content: '{"a":1,"b":2}' });
    expect(mergeDocuments({ contentType: 'text/plain', text: 'x' }, { contentType: 'application/json', text: '{}' }).ok).toBe(false);
    expect(mergeDocuments({ contentType: 'application/json', text: '{}' }, { contentType: 'application/json', text: '[1]' }).ok).toBe(false);
  });
});

describe.each(engines)('xAPI document resources on $name', (engine) => {
  let t: TestApp;
  let auth: string;
  let otherOrg: string;
  const agent = encodeURIComponent(JSON.stringify({ mbox: 'mailto:learner@example.org' }));
  const activity = encodeURIComponent('https://genomeg.nhs.wales/modules/intro');

  const client = async (org: string) => {
    const { client: c, secret } = await XapiClientStore.create(t.database.db).createClient({ organisationCode: org, name: 'docs', scopes: ['all'] }, null);
    return `Basic ${Buffer.from(`${c.key}:${secret}`).toString('base64')}`;
  };
  const call = (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, options: { body?: string; type?: string; headers?: Record<string, string>; who?: string } = {}) =>
    t.app.inject({
      method, url,
      headers: { authorization: options.who ?? auth, 'x-experience-api-version': '1.0.3', ...(options.body === undefined ? {} : { 'content-type': options.type ?? 'application/json' }), ...options.headers },
      ...(options.body === undefined ? {} : { payload: options.body }),
    });

  beforeAll(async () => {
    t = await buildTestApp(engine);
    auth = await client('7A7');
    otherOrg = await client('7A1');
  });
  afterAll(async () => { await t.close(); });

  it('loses no write when many clients merge into one document at once, and lets only one of two conditional writers win', async () => {
    const base = `/xapi/activities/state?activityId=${encodeURIComponent('https://genomeg.nhs.wales/modules/concurrent')}&agent=${agent}&stateId=concurrent`;
    const posts = await Promise.all(Array.from({ length: 12 }, (_, i) => call('POST', base, { body: JSON.stringify({ [`k${i}`]: i }) })));
    expect(posts.map((r) => r.statusCode)).toEqual(Array.from({ length: 12 }, () => 204));
    const merged = (await call('GET', base)).json<Record<string, number>>();
    expect(Object.keys(merged).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `k${i}`).sort());
    // Two writers holding the same ETag: one wins, the other is told the document changed.
    const etag = (await call('GET', base)).headers['etag'] as string;
    const both = await Promise.all(['{"x":1}', '{"x":2}'].map((body) => call('PUT', base, { body, headers: { 'if-match': etag } })));
    expect(both.map((r) => r.statusCode).sort()).toEqual([204, 412]);
  });

  it('stores, merges, lists and deletes state, keeping content types', async () => {
    const base = `/xapi/activities/state?activityId=${activity}&agent=${agent}`;
    expect((await call('PUT', `${base}&stateId=bookmark`, { body: 'page-4', type: 'text/plain' })).statusCode).toBe(204);
    const got = await call('GET', `${base}&stateId=bookmark`);
    expect(got.body).toBe('page-4');
    expect(got.headers['content-type']).toContain('text/plain');
    expect(got.headers['etag']).toMatch(/^"[0-9a-f]{40}"$/);
    expect((await call('POST', `${base}&stateId=progress`, { body: '{"a":1,"b":1}' })).statusCode).toBe(204);
    expect((await call('POST', `${base}&stateId=progress`, { body: '{"b":2}' })).statusCode).toBe(204);
    expect((await call('GET', `${base}&stateId=progress`)).json()).toEqual({ a: 1, b: 2 });
    expect((await call('POST', `${base}&stateId=bookmark`, { body: '{"b":2}' })).statusCode).toBe(400);
    expect((await call('GET', base)).json()).toEqual(['bookmark', 'progress']);
    expect((await call('GET', `${base}&since=2999-01-01T00:00:00Z`)).json()).toEqual([]);
    expect((await call('GET', `${base}&stateId=progress`, { who: otherOrg })).statusCode).toBe(404);
    expect((await call('DELETE', base)).statusCode).toBe(204);
    expect((await call('GET', base)).json()).toEqual([]);
  });

  it('guards profiles with ETags: 409 without a header, 412 on a stale one', async () => {
    const url = `/xapi/agents/profile?agent=${agent}&profileId=prefs`;
    expect((await call('PUT', url, { body: '{"lang":"cy"}', headers: { 'if-none-match': '*' } })).statusCode).toBe(204);
    const etag = String((await call('GET', url)).headers['etag']);
    expect((await call('PUT', url, { body: '{"lang":"en"}' })).statusCode).toBe(409);
    expect((await call('PUT', url, { body: '{"lang":"en"}', headers: { 'if-none-match': '*' } })).statusCode).toBe(412);
    expect((await call('PUT', url, { body: '{"lang":"en"}', headers: { 'if-match': '"stale"' } })).statusCode).toBe(412);
    expect((await call('PUT', url, { body: '{"lang":"en"}', headers: { 'if-match': etag } })).statusCode).toBe(204);
    expect((await call('GET', url)).json()).toEqual({ lang: 'en' });
    expect((await call('DELETE', url, { headers: { 'if-match': etag } })).statusCode).toBe(412);
    expect((await call('DELETE', url)).statusCode).toBe(204);
    expect((await call('GET', url)).statusCode).toBe(404);
  });

  it('refuses a 1.0.3 PUT of a new profile without If-Match or If-None-Match (400), writes it in 2.0.0; state needs neither', async () => {
    for (const base of [`/xapi/agents/profile?agent=${agent}`, `/xapi/activities/profile?activityId=${activity}`]) {
      const url = `${base}&profileId=unguarded`;
      const r = await call('PUT', url, { body: '{"a":1}' });
      expect(r.statusCode).toBe(400);
      expect(r.json<Record<string, unknown>>()['problems']).toEqual([expect.objectContaining({ rule: 'concurrency.header' })]);
      expect((await call('GET', url)).statusCode).toBe(404);
      expect((await call('PUT', url, { body: '{"a":1}', headers: { 'x-experience-api-version': '2.0.0' } })).statusCode).toBe(204);
      expect((await call('PUT', url, { body: '{"a":2}', headers: { 'x-experience-api-version': '2.0.0' } })).statusCode).toBe(409);
      expect((await call('PUT', url, { body: '{"a":2}' })).statusCode).toBe(409);
      expect((await call('DELETE', url)).statusCode).toBe(204);
    }
    expect((await call('PUT', `/xapi/activities/state?activityId=${activity}&agent=${agent}&stateId=unguarded`, { body: '{"a":1}' })).statusCode).toBe(204);
  });

  it('serves activity profiles, the activities and agents resources, and refuses bad parameters', async () => {
    expect((await call('PUT', `/xapi/activities/profile?activityId=${activity}&profileId=p1`, { body: '{"x":1}', headers: { 'if-none-match': '*' } })).statusCode).toBe(204);
    expect((await call('GET', `/xapi/activities/profile?activityId=${activity}`)).json()).toEqual(['p1']);
    expect((await call('GET', '/xapi/activities/profile?activityId=nope')).statusCode).toBe(400);
    expect((await call('GET', '/xapi/activities/state?activityId=http://x.org/a')).statusCode).toBe(400);
    expect((await call('GET', `/xapi/activities/state?activityId=${activity}&agent=${agent}&registration=zz`)).statusCode).toBe(400);
    expect((await call('GET', `/xapi/activities?activityId=${activity}`)).json()).toEqual({ objectType: 'Activity', id: 'https://genomeg.nhs.wales/modules/intro' });
    expect((await call('GET', `/xapi/agents?agent=${encodeURIComponent(JSON.stringify({ name: 'Siân', mbox: 'mailto:s@example.org' }))}`)).json()).toEqual({ objectType: 'Person', name: ['Siân'], mbox: ['mailto:s@example.org'] });
    expect((await call('GET', '/xapi/agents?agent={}')).statusCode).toBe(400);
    expect((await call('PUT', `/xapi/activities/profile?activityId=${activity}&profileId=a%00b`, { body: '{}' })).statusCode).toBe(400);
  });
});
