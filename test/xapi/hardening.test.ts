// The LRS under hostile or odd input (issue 13, items 7 and 10, and the
// conformance findings): deep JSON, multipart without a boundary, bodies over
// the limit, batches over the cap, a statement id another organisation holds,
// empty definitions and contextActivities, durations compared to 0.01 s.

import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { XapiClientStore } from '../../src/db/stores/xapi-client-store.js';
import { MAX_BODY_BYTES, MAX_STATEMENTS_PER_REQUEST } from '../../src/web/routes/xapi.js';
import { comparableDuration, jsonTooDeep } from '../../src/domain/xapi/index.js';
import type { XapiScope } from '../../src/domain/xapi/index.js';
import { validStatement, type Json } from './fixtures.js';

describe.each(engines)('xAPI hardening on $name', (engine) => {
  let t: TestApp;
  let writer: string;
  let otherOrg: string;

  const basic = async (org: string, scopes: XapiScope[]) => {
    const { client, secret } = await XapiClientStore.create(t.database.db).createClient({ organisationCode: org, name: `client ${org}`, scopes }, null);
    return `Basic ${Buffer.from(`${client.key}:${secret}`).toString('base64')}`;
  };
  const post = (auth: string, payload: string | Buffer, contentType = 'application/json', method: 'POST' | 'PUT' = 'POST', url = '/xapi/statements') =>
    t.app.inject({ method, url, headers: { authorization: auth, 'x-experience-api-version': '1.0.3', 'content-type': contentType }, payload });
  const get = (auth: string, id: string) =>
    t.app.inject({ method: 'GET', url: `/xapi/statements?statementId=${id}`, headers: { authorization: auth, 'x-experience-api-version': '1.0.3' } });
  const count = async () => Number((await t.database.db.selectFrom('xapi_statements').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    t = await buildTestApp(engine);
    writer = await basic('7A7', ['all']);
    otherOrg = await basic('7A1', ['all']);
  }, 120_000);
  afterAll(async () => { t.app.server.closeAllConnections(); await t.close(); }, 60_000);

  it('answers JSON nested 10,000 deep with a 400 naming the rule, not a 500, in a statement and as the whole body', async () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const deepObject = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const inStatement = JSON.stringify(validStatement({ result: { extensions: { 'http://x.org/deep': '§' } } })).replace('"§"', deepObject);
    for (const body of [deep, deepObject, inStatement, `[${inStatement}]`]) {
      const r = await post(writer, body);
      expect(r.statusCode).toBe(400);
      expect(r.json<Json>()['problems']).toEqual([expect.objectContaining({ rule: 'json.depth' })]);
    }
    const put = await post(writer, deepObject, 'application/json', 'PUT', `/xapi/statements?statementId=${randomUUID()}`);
    expect(put.statusCode).toBe(400);
    // Documents keep their bytes, but a JSON merge (POST) parses them: the same limit.
    const agent = encodeURIComponent(JSON.stringify({ mbox: 'mailto:a@example.org' }));
    const doc = await post(writer, deepObject, 'application/json', 'POST', `/xapi/activities/state?activityId=${encodeURIComponent('http://x.org/a')}&agent=${agent}&stateId=s`);
    expect(doc.statusCode).toBe(400);
  });

  it('answers multipart without a boundary (or with an empty one) with a 400, not a 500', async () => {
    const before = await count();
    for (const type of ['multipart/mixed', 'multipart/mixed;', 'multipart/mixed; boundary=', 'multipart/mixed; boundary=""', 'multipart/form-data', 'multipart/related; charset=utf-8']) {
      const r = await post(writer, '--x\r\nContent-Type: application/json\r\n\r\n{}\r\n--x--\r\n', type);
      expect({ type, status: r.statusCode }).toEqual({ type, status: 400 });
      expect(r.json<Json>()['code']).toBe('GNM_VALIDATION');
    }
    expect(await count()).toBe(before);
  });

  it(`refuses more than ${String(MAX_STATEMENTS_PER_REQUEST)} statements in one request with a 413, storing none`, async () => {
    const before = await count();
    const batch = Array.from({ length: MAX_STATEMENTS_PER_REQUEST + 1 }, () => ({ actor: { mbox: 'mailto:a@example.org' }, verb: { id: 'http://x.org/v' }, object: { id: 'http://x.org/a' } }));
    const r = await post(writer, JSON.stringify(batch));
    expect(r.statusCode).toBe(413);
    expect(r.json<Json>()['problems']).toEqual([expect.objectContaining({ rule: 'batch.size' })]);
    expect(await count()).toBe(before);
    const ok = await post(writer, JSON.stringify(batch.slice(1)));
    expect(ok.statusCode).toBe(200);
    expect(ok.json<string[]>()).toHaveLength(MAX_STATEMENTS_PER_REQUEST);
  }, 120_000);

  it('answers a body over the limit with a clean 413 over a real connection, every time, with or without Content-Length', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const auth = writer;
    const send = (chunked: boolean) => new Promise<{ status: number; body: string }>((resolve, reject) => {
      const size = MAX_BODY_BYTES + 1024 * 1024;
      const req = httpRequest({
        host: '127.0.0.1', port, method: 'POST', path: '/xapi/statements',
        headers: { authorization: auth, 'x-experience-api-version': '1.0.3', 'content-type': 'application/json', ...(chunked ? {} : { 'content-length': String(size) }) },
      }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => { body += c; });
        res.on('end', () => { resolve({ status: res.statusCode ?? 0, body }); });
        res.on('error', reject);
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      let sent = 0;
      const pump = (): void => {
        while (sent < size) {
          sent += chunk.length;
          if (!req.write(chunk)) { req.once('drain', pump); return; }
        }
        req.end();
      };
      pump();
    });
    for (let i = 0; i < 4; i += 1) {
      const r = await send(i % 2 === 1);
      expect(r.status).toBe(413);
      expect(JSON.parse(r.body)).toMatchObject({ code: 'GNM_TOO_LARGE' });
    }
  }, 120_000);

  it('answers 409, with nothing of the other statement, when a statement id is held by another organisation (even the same statement)', async () => {
    const id = randomUUID();
    const statement = validStatement({ id });
    expect((await post(otherOrg, JSON.stringify(statement))).statusCode).toBe(200);
    const same = await post(writer, JSON.stringify(statement));
    const different = await post(writer, JSON.stringify(validStatement({ id, result: { completion: false } })));
    for (const r of [same, different]) {
      expect(r.statusCode).toBe(409);
      expect(r.json<Json>()['code']).toBe('GNM_CONFLICT');
      expect(r.body).not.toContain('7A1');
      expect(r.body).not.toContain('sian.evans');
    }
    // The two answers are the same: the writer cannot tell whether it guessed the other statement.
    expect(same.json<Json>()).toEqual(different.json<Json>());
    const put = await post(writer, JSON.stringify(statement), 'application/json', 'PUT', `/xapi/statements?statementId=${id}`);
    expect(put.statusCode).toBe(409);
    expect((await get(writer, id)).statusCode).toBe(404);
    // Within the organisation that holds it, the same statement sent again is still accepted.
    expect((await post(otherOrg, JSON.stringify(statement))).statusCode).toBe(200);
  });

  it('accepts an empty activity definition and empty contextActivities, in statements and sub-statements, and returns them as sent', async () => {
    const id = randomUUID();
    const sub = { objectType: 'SubStatement', actor: { mbox: 'mailto:a@example.org' }, verb: { id: 'http://x.org/v' }, object: { id: 'http://x.org/a', definition: {} }, context: { contextActivities: {} } };
    const r = await post(writer, JSON.stringify([
      validStatement({ id, object: { id: 'http://x.org/empty', definition: {} }, context: { contextActivities: {} } }),
      validStatement({ object: sub }),
    ]));
    expect(r.statusCode).toBe(200);
    const back = (await get(writer, id)).json<Json>();
    expect(back['object']).toEqual({ id: 'http://x.org/empty', definition: {} });
    expect(back['context']).toEqual({ contextActivities: {} });
  });

  it('compares durations to 0.01 s: a resend that differs only beyond it is the same statement, one that differs within it is a conflict', async () => {
    const base = validStatement({ id: randomUUID() });
    const withDuration = (duration: string) => JSON.stringify({ ...base, result: { duration } });
    expect((await post(writer, withDuration('PT0.1237S'))).statusCode).toBe(200);
    expect((await post(writer, withDuration('PT0.12S'))).statusCode).toBe(200);
    expect((await post(writer, withDuration('PT0.120S'))).statusCode).toBe(200);
    expect((await post(writer, withDuration('PT0.13S'))).statusCode).toBe(409);
    expect((await post(writer, withDuration('PT1.12S'))).statusCode).toBe(409);
  });
});

describe('the pure limits behind it', () => {
  it('finds JSON nested too deep without parsing it, ignoring brackets inside strings', () => {
    expect(jsonTooDeep('[[[]]]', 3)).toBe(false);
    expect(jsonTooDeep('[[[[]]]]', 3)).toBe(true);
    expect(jsonTooDeep('["[[[[", {"a": "\\"{{{{"}]', 3)).toBe(false);
    expect(jsonTooDeep('['.repeat(100_000))).toBe(true);
  });

  it('compares durations to 0.01 s', () => {
    expect(comparableDuration('PT0.1237S')).toBe('PT0.12S');
    expect(comparableDuration('PT0.120S')).toBe('PT0.12S');
    expect(comparableDuration('PT1.00S')).toBe('PT1S');
    expect(comparableDuration('P1DT2H3M04.5S')).toBe('P1DT2H3M4.5S');
    expect(comparableDuration('PT25M')).toBe('PT25M');
    expect(comparableDuration('P2W')).toBe('P2W');
  });
});
