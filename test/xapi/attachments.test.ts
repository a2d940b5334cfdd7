import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { XapiClientStore } from '../../src/db/stores/xapi-client-store.js';
import { parseMultipart } from '../../src/domain/xapi/index.js';
import { validStatement, type Json } from './fixtures.js';

const text = 'Certificate of attendance: pharmacogenomics webinar';
const sha2 = createHash('sha256').update(text).digest('hex');
const attachment = { usageType: 'http://id.tincanapi.com/attachment/certificate-of-completion', display: { 'en-GB': 'Certificate' }, contentType: 'text/plain', length: Buffer.byteLength(text), sha2 };

function multipartBody(statements: unknown, parts: { content: string; hash: string; encoding?: string | null }[]): { payload: Buffer; type: string } {
  const boundary = 'abcABC0123';
  let body = `--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(statements)}\r\n`;
  for (const p of parts) {
    const encoding = p.encoding === undefined ? 'binary' : p.encoding;
    body += `--${boundary}\r\nContent-Type: text/plain\r\n${encoding === null ? '' : `Content-Transfer-Encoding: ${encoding}\r\n`}X-Experience-API-Hash: ${p.hash}\r\n\r\n${p.content}\r\n`;
  }
  body += `--${boundary}--\r\n`;
  return { payload: Buffer.from(body), type: `multipart/mixed; boundary=${boundary}` };
}

describe('multipart reading', () => {
  it('reads parts and refuses malformed bodies', () => {
    const { payload } = multipartBody({ a: 1 }, [{ content: 'x', hash: 'h' }]);
    const parts = parseMultipart(payload, 'abcABC0123');
    expect(parts?.map((p) => Buffer.from(p.body).toString())).toEqual(['{"a":1}', 'x']);
    expect(parts?.[1]?.headers['x-experience-api-hash']).toBe('h');
    expect(parseMultipart(Buffer.from('nothing here'), 'abcABC0123')).toBeNull();
    expect(parseMultipart(Buffer.from('--abcABC0123\r\nunterminated'), 'abcABC0123')).toBeNull();
  });
});

describe.each(engines)('xAPI attachments on $name', (engine) => {
  let t: TestApp;
  let auth: string;
  beforeAll(async () => {
    t = await buildTestApp(engine);
    const { client, secret } = await XapiClientStore.create(t.database.db).createClient({ organisationCode: '7A7', name: 'att', scopes: ['all'] }, null);
    auth = `Basic ${Buffer.from(`${client.key}:${secret}`).toString('base64')}`;
  });
  afterAll(async () => { await t.close(); });

  const post = (payload: Buffer | string, type: string) => t.app.inject({ method: 'POST', url: '/xapi/statements', headers: { authorization: auth, 'x-experience-api-version': '1.0.3', 'content-type': type }, payload });

  it('stores a statement with its attachment and returns both with attachments=true', async () => {
    const { payload, type } = multipartBody(validStatement({ attachments: [attachment] }), [{ content: text, hash: sha2 }]);
    const r = await post(payload, type);
    expect(r.statusCode).toBe(200);
    const [id] = r.json<string[]>();
    const got = await t.app.inject({ method: 'GET', url: `/xapi/statements?statementId=${id}&attachments=true`, headers: { authorization: auth, 'x-experience-api-version': '1.0.3' } });
    expect(got.headers['content-type']).toMatch(/^multipart\/mixed; boundary=/);
    const boundary = /boundary=(.+)$/.exec(String(got.headers['content-type']))?.[1] ?? '';
    const parts = parseMultipart(got.rawPayload, boundary);
    expect((JSON.parse(Buffer.from(parts?.[0]?.body ?? []).toString()) as Json)['id']).toBe(id);
    expect(Buffer.from(parts?.[1]?.body ?? []).toString()).toBe(text);
  });

  it('stores attachment content in the statements\' transaction: nothing of it when the batch is refused', async () => {
    const content = `Certificate ${Math.random()}`;
    const hash = createHash('sha256').update(content).digest('hex');
    const declared = { ...attachment, length: Buffer.byteLength(content), sha2: hash };
    const stored = async () => (await t.database.db.selectFrom('xapi_attachments').select('sha2').where('sha2', '=', hash).execute()).length;
    const first = validStatement({ attachments: [declared] });
    const [id] = (await post(multipartBody(validStatement(), []).payload, multipartBody(validStatement(), []).type)).json<string[]>();
    // The second statement reuses a stored id with different content: 409, and the attachment is not kept.
    const conflicting = multipartBody([first, validStatement({ id, verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } })], [{ content, hash }]);
    expect((await post(conflicting.payload, conflicting.type)).statusCode).toBe(409);
    expect(await stored()).toBe(0);
    const ok = multipartBody([first], [{ content, hash }]);
    expect((await post(ok.payload, ok.type)).statusCode).toBe(200);
    expect(await stored()).toBe(1);
  });

  it('refuses a wrong hash, a missing part, an undeclared part and a JSON body without the content', async () => {
    const bad = multipartBody(validStatement({ attachments: [attachment] }), [{ content: 'tampered', hash: sha2 }]);
    expect((await post(bad.payload, bad.type)).json<Json>()['problems']).toEqual([expect.objectContaining({ rule: 'attachment.sha2' })]);
    const missing = multipartBody(validStatement({ attachments: [attachment] }), []);
    expect((await post(missing.payload, missing.type)).statusCode).toBe(400);
    const extra = multipartBody(validStatement(), [{ content: text, hash: sha2 }]);
    expect((await post(extra.payload, extra.type)).statusCode).toBe(400);
    expect((await post(JSON.stringify(validStatement({ attachments: [attachment] })), 'application/json')).statusCode).toBe(400);
    expect((await post(JSON.stringify(validStatement({ attachments: [{ ...attachment, fileUrl: 'https://files.example.org/c.txt' }] })), 'application/json')).statusCode).toBe(200);
    expect((await post('--x\r\nbroken', 'multipart/mixed; boundary=x')).statusCode).toBe(400);
  });

  it('refuses an attachment part not sent as binary, whatever its hash says, in both versions', async () => {
    for (const version of ['1.0.3', '2.0.0']) {
      for (const encoding of ['base64', null]) {
        const body = multipartBody(validStatement({ attachments: [attachment] }), [{ content: text, hash: sha2, encoding }]);
        const r = await t.app.inject({ method: 'POST', url: '/xapi/statements', headers: { authorization: auth, 'x-experience-api-version': version, 'content-type': body.type }, payload: body.payload });
        expect({ version, encoding, status: r.statusCode }).toEqual({ version, encoding, status: 400 });
        expect(r.json<Json>()['problems']).toEqual([expect.objectContaining({ rule: 'multipart' })]);
      }
    }
    const binary = multipartBody(validStatement({ attachments: [attachment] }), [{ content: text, hash: sha2, encoding: 'Binary' }]);
    expect((await post(binary.payload, binary.type)).statusCode).toBe(200);
  });

  it('reads statements only from application/json or multipart/mixed bodies (POST and PUT)', async () => {
    const json = JSON.stringify(validStatement({ attachments: [{ ...attachment, fileUrl: 'https://files.example.org/c.txt' }] }));
    for (const type of ['multipart/form-data; boundary=abcABC0123', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/mixed']) {
      const r = await post(json, type);
      expect({ type, status: r.statusCode }).toEqual({ type, status: 400 });
      expect(r.json<Json>()['problems']).toEqual([expect.objectContaining({ rule: 'content-type', path: 'Content-Type' })]);
      const put = await t.app.inject({ method: 'PUT', url: `/xapi/statements?statementId=${randomUUID()}`, headers: { authorization: auth, 'x-experience-api-version': '1.0.3', 'content-type': type }, payload: json });
      expect({ type, status: put.statusCode }).toEqual({ type, status: 400 });
    }
    expect((await post(json, 'application/json; charset=utf-8')).statusCode).toBe(200);
  });
});
