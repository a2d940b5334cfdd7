// Open Badges credentials signed and verified with jose, and the signing key
// sealed at rest (issue 13, items 11 and 13): the usual attacks on a JWT are
// refused, the private key is never in the database in plain text, a key
// stored in plain text before is sealed, and the key file must be private.

import { createHmac, createPrivateKey, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBadgeCredential } from '../../src/domain/learning/index.js';
import { CredentialStore } from '../../src/db/stores/credential-store.js';
import { signCredentialJwt, verifyCredential } from '../../src/services/learning/credentials.js';
import { isSealed, keyEncryptionKey } from '../../src/services/learning/signing-key-secret.js';
import { buildTestApp, signedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function credentialFor(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...openBadgeCredential({
      credentialId: id, baseUrl: 'https://genomeg.example.wales', issuerName: 'Genomeg for NHS Wales', learnerName: 'Siân Evans',
      identityHash: 'sha256$00', salt: '00', moduleId: 'sample-genomics', moduleVersion: '1.0.0', moduleTitle: 'Sample', moduleSummary: 'Sample',
      criteria: 'Passed', score: 1, cpdHours: 0.25, issuedAt: new Date('2026-01-01T00:00:00Z'),
    }),
    ...extra,
  };
}

describe.each(engines)('credential signing with jose, and the sealed signing key, on $name', (engine) => {
  let t: TestApp;
  let store: CredentialStore;
  let userId: string;
  const kek = randomBytes(32);
  let moduleCounter = 0;

  /** A credential signed as given and stored as ours (so only the signature and claims decide). */
  const stored = async (jwt: string, id: string): Promise<string> => {
    moduleCounter += 1;
    await store.save({ id, userId, moduleId: `m${String(moduleCounter)}`, moduleVersion: '1.0.0', kid: 'k', jwt, issuedAt: new Date() });
    return jwt;
  };

  beforeAll(async () => {
    t = await buildTestApp(engine);
    store = CredentialStore.create(t.database.db);
    userId = (await signedIn(t.app, [{ role: 'learner', organisationCode: null }])).userId;
  }, 120_000);
  afterAll(async () => { await t.close(); });

  it('keeps the private signing key sealed in the database: no PEM, and it opens only with the right key', async () => {
    const key = await store.signingKey(kek);
    const row = await t.database.db.selectFrom('signing_keys').selectAll().where('kid', '=', key.kid).executeTakeFirstOrThrow();
    expect(isSealed(row.private_pem)).toBe(true);
    expect(row.private_pem).not.toContain('PRIVATE KEY');
    expect(key.privatePem).toContain('-----BEGIN PRIVATE KEY-----');
    expect((await store.signingKey(kek)).privatePem).toBe(key.privatePem);
    await expect(store.signingKey(randomBytes(32))).rejects.toThrow(/GNM_CONFIG_INVALID/);
  });

  it('seals a signing key stored in plain text before (audited), and what it signed before still verifies', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const old = { kid: randomUUID(), publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
    await t.database.db.insertInto('signing_keys').values({ kid: old.kid, algorithm: 'RS256', public_pem: old.publicPem, private_pem: old.privatePem, created_at: new Date('2020-01-01T00:00:00Z') }).execute();
    const id = randomUUID();
    const jwt = await stored(await signCredentialJwt(credentialFor(id), old.kid, old.privatePem), id);
    expect(await store.sealPlaintextKeys(kek)).toBe(1);
    expect(await store.sealPlaintextKeys(kek)).toBe(0);
    const row = await t.database.db.selectFrom('signing_keys').selectAll().where('kid', '=', old.kid).executeTakeFirstOrThrow();
    expect(isSealed(row.private_pem)).toBe(true);
    const audit = await t.database.db.selectFrom('audit_events').selectAll().where('entity_id', '=', old.kid).execute();
    expect(audit.map((a) => a.action)).toEqual(['credential.key-sealed']);
    expect((await verifyCredential(store, jwt)).status).toBe('genuine');
  });

  it('verifies a credential it signed, and refuses alg none, an HMAC keyed with the public key, a changed payload, an expired credential and an unknown critical header', async () => {
    const key = await store.signingKey(kek);
    const id = randomUUID();
    const good = await stored(await signCredentialJwt(credentialFor(id), key.kid, key.privatePem), id);
    expect((await verifyCredential(store, good)).status).toBe('genuine');

    const [h = '', p = ''] = good.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
    const attacks: [string, string][] = [];
    // Each forgery names its own id (jti) and is stored as ours, so only the signature and the claims can refuse it.
    const own = () => { const newId = randomUUID(); return { newId, payload: b64({ ...claims, jti: `https://genomeg.example.wales/credentials/${newId}` }) }; };
    // alg none: no signature at all.
    const none = own();
    attacks.push(['alg none', await stored(`${b64({ alg: 'none', typ: 'JWT', kid: key.kid })}.${none.payload}.`, none.newId)]);
    // HMAC key confusion: HS256 keyed with our public key, which anyone can read.
    const hs = own();
    const hsInput = `${b64({ alg: 'HS256', typ: 'JWT', kid: key.kid })}.${hs.payload}`;
    attacks.push(['HMAC key confusion', await stored(`${hsInput}.${createHmac('sha256', key.publicPem).update(hsInput).digest('base64url')}`, hs.newId)]);
    // A changed payload under the original signature.
    const changed = own();
    attacks.push(['changed payload', await stored(`${h}.${changed.payload}.${good.split('.')[2] ?? ''}`, changed.newId)]);
    // Expired: signed by our key, stored as ours, but past its validUntil.
    const expiredId = randomUUID();
    attacks.push(['expired', await stored(await signCredentialJwt(credentialFor(expiredId, { validUntil: '2026-01-02T00:00:00Z' }), key.kid, key.privatePem), expiredId)]);
    // A critical header parameter the verifier does not understand.
    // (Made by hand: jose will not sign a header it does not understand either.)
    const critId = randomUUID();
    const critInput = `${b64({ alg: 'RS256', typ: 'JWT', kid: key.kid, crit: ['http://x.org/must'], 'http://x.org/must': true })}.${b64({ ...claims, jti: `https://genomeg.example.wales/credentials/${critId}` })}`;
    const critToken = `${critInput}.${sign('sha256', Buffer.from(critInput), createPrivateKey(key.privatePem)).toString('base64url')}`;
    attacks.push(['unknown crit', await stored(critToken, critId)]);
    for (const [name, token] of attacks) {
      expect({ name, status: (await verifyCredential(store, token)).status }).toEqual({ name, status: 'not-genuine' });
    }
  });
});

describe('the key that seals the signing key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genomeg-kek-'));
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

  it('makes the key file on first use, readable by its owner only, and reads the same key after', () => {
    const file = join(dir, 'sub', 'credential-key');
    const key = keyEncryptionKey({ CREDENTIAL_KEY_FILE: file });
    expect(key).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toEqual(key);
  });

  it('refuses a key file others can read, and a secret that is not 32 bytes; takes the secret from the environment first', () => {
    const open = join(dir, 'open-key');
    writeFileSync(open, `${randomBytes(32).toString('base64')}\n`);
    chmodSync(open, 0o644);
    expect(() => keyEncryptionKey({ CREDENTIAL_KEY_FILE: open })).toThrow(/GNM_CONFIG_INVALID/);
    expect(() => keyEncryptionKey({ CREDENTIAL_KEY_SECRET: 'too short', CREDENTIAL_KEY_FILE: open })).toThrow(/GNM_CONFIG_INVALID/);
    const secret = randomBytes(32);
    expect(keyEncryptionKey({ CREDENTIAL_KEY_SECRET: secret.toString('base64'), CREDENTIAL_KEY_FILE: open })).toEqual(secret);
    expect(keyEncryptionKey({ CREDENTIAL_KEY_SECRET: secret.toString('hex'), CREDENTIAL_KEY_FILE: open })).toEqual(secret);
  });
});
