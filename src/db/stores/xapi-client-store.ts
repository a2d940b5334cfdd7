// Learning record store clients: a key and secret for HTTP Basic, scopes, and
// the organisation that owns them (whose statements they read and write). Only
// a SHA-256 of the secret is kept: secrets are 32 random bytes, shown once.
// An organisation may also grant another organisation's client read access to
// its statements (audited, like every change here).

import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { toDate, toDateOrNull } from '../dialect.js';
import { AuditStore } from './audit-store.js';
import { isScope, type XapiScope } from '../../domain/xapi/scopes.js';
import type { Json } from '../../domain/xapi/statement.js';

export interface XapiClient {
  readonly id: string;
  readonly organisationCode: string;
  readonly name: string;
  readonly key: string;
  readonly scopes: readonly XapiScope[];
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
  /** Other organisations that let this client read their statements. */
  readonly grantedOrganisations: readonly string[];
}

export interface ReadGrant {
  readonly clientId: string;
  readonly clientName: string;
  /** The client's own organisation. */
  readonly clientOrganisationCode: string;
  /** The organisation whose statements it may read. */
  readonly organisationCode: string;
  readonly createdAt: Date;
}

export type GrantOutcome = 'granted' | 'already' | 'no-such-client' | 'own-organisation';

/** Where client authorities live: account.homePage of every client's authority. */
export const CLIENT_HOME_PAGE = 'https://genomeg.nhs.wales/xapi/clients';

/** The authority the LRS puts on every statement this client writes. */
export function authorityOf(client: Pick<XapiClient, 'name' | 'key'>): Json {
  return { objectType: 'Agent', name: client.name, account: { homePage: CLIENT_HOME_PAGE, name: client.key } };
}

function hash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function toClient(row: { id: string; organisation_code: string; name: string; key: string; scopes: string; created_at: Date | string; revoked_at: Date | string | null }, granted: readonly string[] = []): XapiClient {
  return {
    id: row.id, organisationCode: row.organisation_code, name: row.name, key: row.key,
    scopes: row.scopes.split(' ').filter(isScope), createdAt: toDate(row.created_at), revokedAt: toDateOrNull(row.revoked_at),
    grantedOrganisations: granted,
  };
}

export class XapiClientStore {
  private constructor(private readonly db: Kysely<Database>) {}

  static create(db: Kysely<Database>): XapiClientStore {
    return new XapiClientStore(db);
  }

  /** A new client; the secret is returned once and never again. */
  async createClient(input: { organisationCode: string; name: string; scopes: readonly XapiScope[] }, actorUserId: string | null): Promise<{ client: XapiClient; secret: string }> {
    const id = randomUUID();
    const key = randomBytes(12).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const now = new Date();
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('xapi_clients').values({
        id, organisation_code: input.organisationCode, name: input.name, key, secret_hash: hash(secret),
        scopes: input.scopes.join(' '), created_by: actorUserId, created_at: now, revoked_at: null,
      }).execute();
      await AuditStore.record(trx, {
        actorUserId, action: 'xapi.client.create', entityType: 'xapi_client', entityId: id,
        organisationCode: input.organisationCode, after: { name: input.name, key, scopes: input.scopes },
      });
    });
    return { client: { id, organisationCode: input.organisationCode, name: input.name, key, scopes: [...input.scopes], createdAt: now, revokedAt: null, grantedOrganisations: [] }, secret };
  }

  /** The live client with this key and secret (with its read grants, in the same query), or null. */
  async authenticate(key: string, secret: string): Promise<XapiClient | null> {
    const rows = await this.db.selectFrom('xapi_clients as c').leftJoin('xapi_read_grants as g', 'g.client_id', 'c.id')
      .select(['c.id', 'c.organisation_code', 'c.name', 'c.key', 'c.secret_hash', 'c.scopes', 'c.created_at', 'c.revoked_at', 'g.organisation_code as granted'])
      .where('c.key', '=', key).execute();
    const row = rows[0];
    if (row === undefined || row.revoked_at !== null) return null;
    const a = Buffer.from(row.secret_hash, 'hex');
    const b = Buffer.from(hash(secret), 'hex');
    if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
    return toClient(row, rows.map((r) => r.granted).filter((g): g is string => g !== null).sort());
  }

  async find(id: string): Promise<XapiClient | null> {
    const row = await this.db.selectFrom('xapi_clients').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : toClient(row);
  }

  async list(organisationCodes: readonly string[] | 'all'): Promise<XapiClient[]> {
    let q = this.db.selectFrom('xapi_clients').selectAll().orderBy('created_at', 'desc');
    if (organisationCodes !== 'all') {
      if (organisationCodes.length === 0) return [];
      q = q.where('organisation_code', 'in', organisationCodes);
    }
    return (await q.execute()).map((row) => toClient(row));
  }

  /** Let a client of another organisation read this organisation's statements. */
  async grantRead(clientId: string, organisationCode: string, actorUserId: string | null): Promise<GrantOutcome> {
    return this.db.transaction().execute(async (trx) => {
      const client = await trx.selectFrom('xapi_clients').select(['organisation_code', 'key']).where('id', '=', clientId).executeTakeFirst();
      if (client === undefined) return 'no-such-client';
      if (client.organisation_code === organisationCode) return 'own-organisation';
      const result = await trx.insertInto('xapi_read_grants').values({ client_id: clientId, organisation_code: organisationCode, created_by: actorUserId, created_at: new Date() })
        .onConflict((oc) => oc.columns(['client_id', 'organisation_code']).doNothing()).executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return 'already';
      await AuditStore.record(trx, {
        actorUserId, action: 'xapi.grant.create', entityType: 'xapi_client', entityId: clientId, organisationCode,
        after: { readsStatementsOf: organisationCode, clientOrganisation: client.organisation_code, key: client.key },
      });
      return 'granted';
    });
  }

  /** Withdraw a read grant; false when there was none. */
  async revokeRead(clientId: string, organisationCode: string, actorUserId: string | null): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx.deleteFrom('xapi_read_grants').where('client_id', '=', clientId).where('organisation_code', '=', organisationCode).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) return false;
      await AuditStore.record(trx, {
        actorUserId, action: 'xapi.grant.revoke', entityType: 'xapi_client', entityId: clientId, organisationCode, before: { readsStatementsOf: organisationCode },
      });
      return true;
    });
  }

  /** Read grants, all or those given by one organisation. */
  async grants(organisationCode?: string): Promise<ReadGrant[]> {
    let q = this.db.selectFrom('xapi_read_grants as g').innerJoin('xapi_clients as c', 'c.id', 'g.client_id')
      .select(['g.client_id', 'c.name', 'c.organisation_code as client_org', 'g.organisation_code', 'g.created_at'])
      .orderBy('g.organisation_code').orderBy('g.created_at');
    if (organisationCode !== undefined) q = q.where('g.organisation_code', '=', organisationCode);
    return (await q.execute()).map((r) => ({
      clientId: r.client_id, clientName: r.name, clientOrganisationCode: r.client_org, organisationCode: r.organisation_code, createdAt: toDate(r.created_at),
    }));
  }

  async revoke(id: string, actorUserId: string | null): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx.updateTable('xapi_clients').set({ revoked_at: new Date() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return false;
      const row = await trx.selectFrom('xapi_clients').select(['organisation_code', 'key']).where('id', '=', id).executeTakeFirstOrThrow();
      await AuditStore.record(trx, { actorUserId, action: 'xapi.client.revoke', entityType: 'xapi_client', entityId: id, organisationCode: row.organisation_code, after: { key: row.key } });
      return true;
    });
  }
}
