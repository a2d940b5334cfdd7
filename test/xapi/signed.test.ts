// Signed statements. The key and certificate in ./keys were made for these tests
// only (openssl req -x509 -newkey rsa:2048, CN "genomeg xapi test signer").

import { createHash, createHmac, createPrivateKey, sign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { XapiClientStore } from '../../src/db/stores/xapi-client-store.js';
import { SIGNATURE_USAGE } from '../../src/domain/xapi/index.js';
import { validStatement, type Json } from './fixtures.js';

const key = createPrivateKey(readFileSync(new URL('./keys/test-signer.key.pem', import.meta.url)));
const certPem = readFileSync(new URL('./keys/test-signer.cert.pem', import.meta.url));
const certDer = new X509Certificate(certPem).raw.toString('base64');
const publicPem = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'pem' }).toString();
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function jws(payload: unknown, header: Json = { alg: 'RS256', x5c: [certDer] }): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const alg = String(header['alg']);
  const signature = alg.startsWith('RS') ? sign(`sha${alg.slice(2)}`, Buffer.from(input), key).toString('base64url') : 'c2ln';
  return `${input}.${signature}`;
}

function signedBody(statement: Json, token: string): { payload: Buffer; type: string } {
  const sha2 = createHash('sha256').update(token).digest('hex');
  const withSig = { ...statement, attachments: [{ usageType: SIGNATURE_USAGE, display: { en: 'signature' }, contentType: 'application/octet-stream', length: Buffer.byteLength(token), sha2 }] };
  const boundary = 'sig0boundary';
  const body = `--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(withSig)}\r\n`
    + `--${boundary}\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ${sha2}\r\n\r\n${token}\r\n--${boundary}--\r\n`;
  return { payload: Buffer.from(body), type: `multipart/mixed; boundary=${boundary}` };
}

describe.each(engines)('signed statements on $name', (engine) => {
  let t: TestApp;
  let auth: string;
  beforeAll(async () => {
    t = await buildTestApp(engine);
    const { client, secret } = await XapiClientStore.create(t.database.db).createClient({ organisationCode: '7A7', name: 'sig', scopes: ['all'] }, null);
    auth = `Basic ${Buffer.from(`${client.key}:${secret}`).toString('base64')}`;
  });
  afterAll(async () => { await t.close(); });

  const post = (body: { payload: Buffer; type: string }) => t.app.inject({ method: 'POST', url: '/xapi/statements', headers: { authorization: auth, 'x-experience-api-version': '1.0.3', 'content-type': body.type }, payload: body.payload });

  it('accepts a statement whose JWS verifies with its x5c certificate', async () => {
    const statement = validStatement();
    expect((await post(signedBody(statement, jws(statement)))).statusCode).toBe(200);
    expect((await post(signedBody(statement, jws(statement, { alg: 'RS512', x5c: [certDer] })))).statusCode).toBe(200);
  });

  it('refuses a changed statement, a wrong algorithm, a bad signature and something that is not a JWS', async () => {
    const statement = validStatement();
    const cases: [string, string][] = [
      ['changed', jws({ ...statement, verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } })],
      ['HS256', jws(statement, { alg: 'HS256' })],
      ['forged', `${jws(statement).split('.').slice(0, 2).join('.')}.${Buffer.from('forged').toString('base64url')}`],
      ['not a JWS', 'hello'],
    ];
    for (const [name, token] of cases) {
      const r = await post(signedBody(statement, token));
      expect({ name, status: r.statusCode, rule: (r.json<Json>()['problems'] as Json[] | undefined)?.[0]?.['rule'] }).toEqual({ name, status: 400, rule: 'signature' });
    }
  });

  it('refuses the usual attacks on a JWS: alg none, an HMAC keyed with the public key, a critical extension, a header that is not JSON', async () => {
    const statement = validStatement();
    const input = (header: Json) => `${b64(header)}.${b64(statement)}`;
    const hmac = (header: Json) => `${input(header)}.${createHmac('sha256', publicPem).update(input(header)).digest('base64url')}`;
    const cases: [string, string][] = [
      ['alg none', `${input({ alg: 'none' })}.`],
      ['alg none with x5c', `${input({ alg: 'none', x5c: [certDer] })}.`],
      ['HMAC key confusion', hmac({ alg: 'HS256', x5c: [certDer] })],
      ['HMAC without x5c', hmac({ alg: 'HS256' })],
      ['unknown crit', jws(statement, { alg: 'RS256', x5c: [certDer], crit: ['http://x.org/must'], 'http://x.org/must': true })],
      ['crit without x5c', jws(statement, { alg: 'RS256', crit: ['exp'], exp: 1 })],
      ['x5c not a certificate', jws(statement, { alg: 'RS256', x5c: [Buffer.from('not a certificate').toString('base64')] })],
      ['header not JSON', `${Buffer.from('{alg:RS256').toString('base64url')}.${b64(statement)}.c2ln`],
    ];
    for (const [name, token] of cases) {
      const r = await post(signedBody(statement, token));
      expect({ name, status: r.statusCode, rule: (r.json<Json>()['problems'] as Json[] | undefined)?.[0]?.['rule'] }).toEqual({ name, status: 400, rule: 'signature' });
    }
  });

  it('compares the statement with its signature to 0.01 s in durations: PT0.1237S signed as PT0.12S is accepted, PT0.13S is not', async () => {
    const statement = validStatement({ result: { duration: 'PT0.1237S' } });
    expect((await post(signedBody(statement, jws({ ...statement, result: { duration: 'PT0.12S' } })))).statusCode).toBe(200);
    const other = validStatement({ result: { duration: 'PT0.1237S' } });
    expect((await post(signedBody(other, jws({ ...other, result: { duration: 'PT0.13S' } })))).statusCode).toBe(400);
  });
});
