// People with accounts and the roles they hold. Password hashes are written
// and read here and go no further than the sign-in code.

import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Language } from '../../domain/i18n.js';
import type { RoleGrant } from '../../domain/auth/index.js';
import { isRole } from '../../domain/auth/index.js';
import { DomainError } from '../../domain/errors.js';
import type { Database, UsersTable } from '../schema.js';
import { toBool, toDateOrNull } from '../dialect.js';
import { AuditStore } from './audit-store.js';
import { writingAccount, writingAccounts } from './accounts-version.js';

export interface User {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly language: Language;
  readonly staffId: string | null;
  readonly active: boolean;
  readonly lockedUntil: Date | null;
  readonly failedSignIns: number;
  readonly grants: readonly RoleGrant[];
  /** When the person last signed in, by password or single sign-on (null: never). */
  readonly lastSignedInAt: Date | null;
  /** The password is a one-time one and must be changed before anything else. */
  readonly mustChangePassword: boolean;
  /** Linked to an identity provider's account (single sign-on). */
  readonly ssoLinked: boolean;
  /** False until the person has read a page: `language` is then only a default, and emails go in Welsh then English. */
  readonly languageKnown: boolean;
}

export interface UserCredentials {
  readonly user: User;
  readonly passwordHash: string | null;
}

export interface NewUser {
  readonly email: string;
  readonly displayName: string;
  readonly passwordHash: string | null;
  readonly language?: Language;
  /** False: the language above is a default, not the person's choice (`users create`). */
  readonly languageKnown?: boolean;
  readonly staffId?: string | null;
  readonly grants?: readonly RoleGrant[];
}

export function toUser(row: Selectable<UsersTable>, grants: readonly RoleGrant[]): User {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    language: row.language === 'cy' ? 'cy' : 'en',
    staffId: row.staff_id,
    active: toBool(row.active),
    lockedUntil: toDateOrNull(row.locked_until),
    failedSignIns: row.failed_sign_ins,
    grants,
    lastSignedInAt: toDateOrNull(row.last_signed_in_at),
    mustChangePassword: toBool(row.must_change_password),
    ssoLinked: row.oidc_subject !== null,
    languageKnown: toBool(row.language_known),
  };
}

/** A role_grants row as a grant (the whole-Wales grant is stored as ''); undefined for a role no longer known. */
export function grantOf(role: string, organisationCode: string): RoleGrant | undefined {
  return isRole(role) ? { role, organisationCode: organisationCode === '' ? null : organisationCode } : undefined;
}

function grantKey(organisationCode: string | null): string {
  return organisationCode ?? '';
}

export class UserStore {
  private constructor(private readonly db: Kysely<Database>) {}

  static create(db: Kysely<Database>): UserStore {
    return new UserStore(db);
  }

  /** A transaction that writes accounts, roles or sessions: counted once it has ended (accounts-version.ts). */
  private accountsTransaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return writingAccounts(() => this.db.transaction().execute(work));
  }

  private async grantsFor(userIds: readonly string[]): Promise<Map<string, RoleGrant[]>> {
    const map = new Map<string, RoleGrant[]>();
    if (userIds.length === 0) return map;
    const rows = await this.db.selectFrom('role_grants').select(['user_id', 'role', 'organisation_code'])
      .where('user_id', 'in', userIds).orderBy('role').orderBy('organisation_code').execute();
    for (const row of rows) {
      const grant = grantOf(row.role, row.organisation_code);
      if (grant === undefined) continue;
      const list = map.get(row.user_id) ?? [];
      list.push(grant);
      map.set(row.user_id, list);
    }
    return map;
  }

  async findById(id: string): Promise<User | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) return undefined;
    return toUser(row, (await this.grantsFor([id])).get(id) ?? []);
  }

  async findCredentialsByEmail(email: string): Promise<UserCredentials | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
    if (row === undefined) return undefined;
    return { user: toUser(row, (await this.grantsFor([row.id])).get(row.id) ?? []), passwordHash: row.password_hash };
  }

  async findByEmail(email: string): Promise<User | undefined> {
    return (await this.findCredentialsByEmail(email))?.user;
  }

  async list(filter: { organisationCodes?: 'all' | readonly string[]; limit?: number; offset?: number } = {}): Promise<User[]> {
    let query = this.db.selectFrom('users').selectAll('users').orderBy('users.email').limit(filter.limit ?? 100).offset(filter.offset ?? 0);
    const orgs = filter.organisationCodes ?? 'all';
    if (orgs !== 'all') {
      // An organisation's users: its staff with accounts, and anyone holding a role there.
      query = query.where((eb) => eb.or([
        eb('users.staff_id', 'in', eb.selectFrom('staff').select('staff.id').where('staff.organisation_code', 'in', orgs.length > 0 ? [...orgs] : [''])),
        eb('users.id', 'in', eb.selectFrom('role_grants').select('role_grants.user_id').where('role_grants.organisation_code', 'in', orgs.length > 0 ? [...orgs] : ['-'])),
      ]));
    }
    const rows = await query.execute();
    const grants = await this.grantsFor(rows.map((r) => r.id));
    return rows.map((r) => toUser(r, grants.get(r.id) ?? []));
  }

  async create(input: NewUser, actorUserId: string | null): Promise<User> {
    const id = randomUUID();
    const now = new Date();
    await this.accountsTransaction(async (trx) => {
      await trx.insertInto('users').values({
        id,
        email: input.email.trim().toLowerCase(),
        display_name: input.displayName,
        password_hash: input.passwordHash,
        language: input.language ?? 'en',
        language_known: input.languageKnown ?? true,
        staff_id: input.staffId ?? null,
        active: true,
        failed_sign_ins: 0,
        locked_until: null,
        created_at: now,
        updated_at: now,
      }).execute();
      for (const grant of input.grants ?? []) {
        await trx.insertInto('role_grants').values({
          id: randomUUID(), user_id: id, role: grant.role, organisation_code: grantKey(grant.organisationCode),
          granted_by: actorUserId, created_at: now,
        }).execute();
      }
      await AuditStore.record(trx, {
        actorUserId, action: 'user.created', entityType: 'user', entityId: id,
        after: { email: input.email.trim().toLowerCase(), displayName: input.displayName, grants: input.grants ?? [] },
      });
    });
    const user = await this.findById(id);
    if (user === undefined) throw new DomainError('GNM_NOT_FOUND', { what: 'user' });
    return user;
  }

  async grant(userId: string, grant: RoleGrant, actorUserId: string): Promise<boolean> {
    return this.accountsTransaction(async (trx) => {
      const result = await trx.insertInto('role_grants').values({
        id: randomUUID(), user_id: userId, role: grant.role, organisation_code: grantKey(grant.organisationCode),
        granted_by: actorUserId, created_at: new Date(),
      }).onConflict((oc) => oc.columns(['user_id', 'role', 'organisation_code']).doNothing()).executeTakeFirst();
      const added = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
      if (added) {
        await AuditStore.record(trx, {
          actorUserId, action: 'role.granted', entityType: 'user', entityId: userId,
          organisationCode: grant.organisationCode, before: null, after: grant,
        });
      }
      return added;
    });
  }

  async revoke(userId: string, grant: RoleGrant, actorUserId: string): Promise<boolean> {
    return this.accountsTransaction(async (trx) => {
      const result = await trx.deleteFrom('role_grants')
        .where('user_id', '=', userId).where('role', '=', grant.role)
        .where('organisation_code', '=', grantKey(grant.organisationCode)).executeTakeFirst();
      const removed = Number(result.numDeletedRows) > 0;
      if (removed) {
        await AuditStore.record(trx, {
          actorUserId, action: 'role.revoked', entityType: 'user', entityId: userId,
          organisationCode: grant.organisationCode, before: grant, after: null,
        });
      }
      return removed;
    });
  }

  /**
   * A person's language, chosen by the pages they read. Not audited: it is
   * their own preference, changes with every switch of language, and would
   * bury the changes an investigation looks for (issue 14 item 11).
   */
  async setLanguage(userId: string, language: Language): Promise<void> {
    await writingAccount(userId, () => this.db.updateTable('users').set({ language, language_known: true, updated_at: new Date() })
      .where('id', '=', userId).where((eb) => eb.or([eb('language', '!=', language), eb('language_known', '=', false)])).execute());
  }

  async recordSuccessfulSignIn(userId: string): Promise<void> {
    await writingAccount(userId, () => this.db.updateTable('users').set({ failed_sign_ins: 0, locked_until: null, last_signed_in_at: new Date() }).where('id', '=', userId).execute());
  }

  async setPasswordHash(userId: string, passwordHash: string, actorUserId: string | null): Promise<void> {
    await this.accountsTransaction(async (trx) => {
      await trx.updateTable('users').set({ password_hash: passwordHash, updated_at: new Date() }).where('id', '=', userId).execute();
      await AuditStore.record(trx, { actorUserId, action: 'user.password-set', entityType: 'user', entityId: userId });
    });
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return row.n;
  }
}

