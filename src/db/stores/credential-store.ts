// Issued credentials (Open Badges 3.0, as signed JWTs) and the keys that sign
// them. A credential is issued once per learner per module version; revoking it
// keeps the record and says so on the public verification page.

import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { CredentialsTable } from '../schema-learning.js';
import { toDate, toDateOrNull } from '../dialect.js';
import { AuditStore } from './audit-store.js';
import { openPrivateKey, sealPrivateKey } from '../../services/learning/signing-key-secret.js';

export interface SigningKey {
  readonly kid: string;
  readonly publicPem: string;
  readonly privatePem: string;
}

export interface IssuedCredential {
  readonly id: string;
  readonly userId: string;
  readonly moduleId: string;
  readonly moduleVersion: string;
  readonly kid: string;
  readonly jwt: string;
  readonly issuedAt: Date;
  readonly revokedAt: Date | null;
  readonly revokedReason: string | null;
}

function toCredential(row: Selectable<CredentialsTable>): IssuedCredential {
  return {
    id: row.id, userId: row.user_id, moduleId: row.module_id, moduleVersion: row.module_version, kid: row.kid, jwt: row.jwt,
    issuedAt: toDate(row.issued_at), revokedAt: toDateOrNull(row.revoked_at), revokedReason: row.revoked_reason,
  };
}

export class CredentialStore {
  private constructor(private readonly db: Kysely<Database>) {}

  static create(db: Kysely<Database>): CredentialStore {
    return new CredentialStore(db);
  }

  /**
   * The current signing key, made on first use (RSA 2048, as Open Badges 3.0
   * requires RS256). Its private half is stored sealed under the
   * key-encryption key `kek` (services/learning/signing-key-secret.ts), never
   * in plain text; a key stored in plain text before is sealed first.
   */
  async signingKey(kek: Buffer): Promise<SigningKey> {
    await this.sealPlaintextKeys(kek);
    const existing = await this.db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').limit(1).executeTakeFirst();
    if (existing !== undefined) return { kid: existing.kid, publicPem: existing.public_pem, privatePem: openPrivateKey(existing.private_pem, existing.kid, kek) };
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = { kid: randomUUID(), publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
    await this.db.insertInto('signing_keys').values({ kid: key.kid, algorithm: 'RS256', public_pem: key.publicPem, private_pem: sealPrivateKey(key.privatePem, key.kid, kek), created_at: new Date() })
      .onConflict((oc) => oc.column('kid').doNothing()).execute();
    return key;
  }

  /**
   * Seal every signing key still stored in plain text (databases from before
   * keys were encrypted at rest), in one audited transaction. Run at start-up
   * and before every signing; returns how many keys it sealed.
   */
  async sealPlaintextKeys(kek: Buffer): Promise<number> {
    const plain = await this.db.selectFrom('signing_keys').select(['kid', 'private_pem']).where('private_pem', 'like', '-----BEGIN%').execute();
    if (plain.length === 0) return 0;
    await this.db.transaction().execute(async (trx) => {
      for (const row of plain) {
        await trx.updateTable('signing_keys').set({ private_pem: sealPrivateKey(row.private_pem, row.kid, kek) })
          .where('kid', '=', row.kid).where('private_pem', '=', row.private_pem).execute();
      }
      await AuditStore.recordMany(trx, plain.map((row) => ({ actorUserId: null, action: 'credential.key-sealed', entityType: 'signing-key', entityId: row.kid, before: { sealed: false }, after: { sealed: true } })));
    });
    return plain.length;
  }

  async publicKey(kid: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('signing_keys').select('public_pem').where('kid', '=', kid).executeTakeFirst();
    return row?.public_pem;
  }

  async find(id: string): Promise<IssuedCredential | undefined> {
    const row = await this.db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toCredential(row);
  }

  async forUser(userId: string): Promise<IssuedCredential[]> {
    const rows = await this.db.selectFrom('credentials').selectAll().where('user_id', '=', userId).orderBy('issued_at', 'desc').execute();
    return rows.map(toCredential);
  }

  async forVersion(userId: string, moduleId: string, moduleVersion: string): Promise<IssuedCredential | undefined> {
    const row = await this.db.selectFrom('credentials').selectAll().where('user_id', '=', userId).where('module_id', '=', moduleId).where('module_version', '=', moduleVersion).executeTakeFirst();
    return row === undefined ? undefined : toCredential(row);
  }

  /** Store a credential unless this learner already has one for this module version; returns the one kept. */
  async save(credential: Omit<IssuedCredential, 'revokedAt' | 'revokedReason'>): Promise<IssuedCredential> {
    await this.db.insertInto('credentials').values({
      id: credential.id, user_id: credential.userId, module_id: credential.moduleId, module_version: credential.moduleVersion,
      kid: credential.kid, jwt: credential.jwt, issued_at: credential.issuedAt, revoked_at: null, revoked_reason: null,
    }).onConflict((oc) => oc.columns(['user_id', 'module_id', 'module_version']).doNothing()).execute();
    const kept = await this.forVersion(credential.userId, credential.moduleId, credential.moduleVersion);
    if (kept === undefined) throw new Error('credential was not stored');
    return kept;
  }

  async revoke(id: string, reason: string, actorUserId: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx.updateTable('credentials').set({ revoked_at: new Date(), revoked_reason: reason }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      const revoked = Number(result.numUpdatedRows) === 1;
      if (revoked) await AuditStore.record(trx, { actorUserId, action: 'credential.revoked', entityType: 'credential', entityId: id, before: { revoked: false }, after: { revoked: true, reason } });
      return revoked;
    });
  }
}
