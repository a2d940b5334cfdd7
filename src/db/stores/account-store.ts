// Account state beyond the roles: the link to an identity provider, sign-in
// times, password changes, disabling and re-enabling, and single sign-ins under
// way. Every change here is audited in the same transaction. Password hashes
// come in already hashed; nothing here sees a password.

import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Language } from '../../domain/i18n.js';
import type { RoleGrant } from '../../domain/auth/index.js';
import type { Database } from '../schema.js';
import { toDate } from '../dialect.js';
import { AuditStore } from './audit-store.js';
import { hashToken, newToken } from './session-store.js';
import { writingAccounts } from './accounts-version.js';

export interface PendingSignIn {
  readonly browserHash: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly returnTo: string | null;
  readonly language: Language;
  readonly expiresAt: Date;
  /** SHA-256 of the invitation this sign-in accepts, when begun from an invitation's page. */
  readonly invitationHash: string | null;
}

export interface DirectoryMatch {
  readonly staffId: string;
  readonly organisationCode: string;
  readonly displayName: string;
}

export class AccountStore {
  private constructor(private readonly db: Kysely<Database>) {}

  static create(db: Kysely<Database>): AccountStore {
    return new AccountStore(db);
  }

  /** A transaction that writes accounts, roles or sessions: counted once it has ended (accounts-version.ts). */
  private accountsTransaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return writingAccounts(() => this.db.transaction().execute(work));
  }

  // ---- single sign-ins under way ------------------------------------------

  async beginSignIn(state: string, pending: Omit<PendingSignIn, 'expiresAt'>, lifetimeMs: number): Promise<void> {
    const now = new Date();
    // Old, abandoned sign-ins go as new ones begin.
    await this.db.deleteFrom('oidc_sign_ins').where('expires_at', '<=', now).execute();
    await this.db.insertInto('oidc_sign_ins').values({
      state_hash: hashToken(state), browser_hash: pending.browserHash, nonce: pending.nonce, code_verifier: pending.codeVerifier,
      return_to: pending.returnTo, language: pending.language, created_at: now, expires_at: new Date(now.getTime() + lifetimeMs),
      invitation_hash: pending.invitationHash,
    }).execute();
  }

  /** The sign-in this state began, removed as it is read: a state works once. Undefined when unknown or expired. */
  async takeSignIn(state: string): Promise<PendingSignIn | undefined> {
    const stateHash = hashToken(state);
    return this.accountsTransaction(async (trx) => {
      const row = await trx.selectFrom('oidc_sign_ins').selectAll().where('state_hash', '=', stateHash).executeTakeFirst();
      if (row === undefined) return undefined;
      const deleted = await trx.deleteFrom('oidc_sign_ins').where('state_hash', '=', stateHash).executeTakeFirst();
      // Two callbacks racing with the same state: only the one that deleted the row goes on.
      if (Number(deleted.numDeletedRows) === 0) return undefined;
      const expiresAt = toDate(row.expires_at);
      if (expiresAt.getTime() <= Date.now()) return undefined;
      return {
        browserHash: row.browser_hash, nonce: row.nonce, codeVerifier: row.code_verifier, returnTo: row.return_to,
        language: row.language === 'cy' ? 'cy' : 'en', expiresAt, invitationHash: row.invitation_hash,
      };
    });
  }

  // ---- linking accounts to the provider and the directory ------------------

  async findIdBySubject(issuer: string, subject: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('users').select('id').where('oidc_issuer', '=', issuer).where('oidc_subject', '=', subject).executeTakeFirst();
    return row?.id;
  }

  async linkSubject(userId: string, issuer: string, subject: string): Promise<void> {
    await this.accountsTransaction(async (trx) => {
      await trx.updateTable('users').set({ oidc_issuer: issuer, oidc_subject: subject, updated_at: new Date() }).where('id', '=', userId).execute();
      await AuditStore.record(trx, { actorUserId: userId, action: 'user.sso-linked', entityType: 'user', entityId: userId, after: { issuer } });
    });
  }

  /** The active staff record with this employee number, or else this work email; undefined when none, or more than one, matches. */
  async matchDirectory(by: { email: string; employeeNumber: string | null }): Promise<DirectoryMatch | undefined> {
    const base = this.db.selectFrom('staff').select(['id', 'organisation_code', 'first_name', 'last_name', 'employee_number']).where('active', '=', true).limit(2);
    const rows = by.employeeNumber !== null
      ? await base.where('employee_number', '=', by.employeeNumber).execute()
      : await base.where((eb) => eb(eb.fn('lower', ['email']), '=', by.email.toLowerCase())).execute();
    // A person with two assignments has two rows under one employee number: the same person, one account.
    const people = new Set(rows.map((r) => r.employee_number));
    const first = rows[0];
    if (first === undefined || people.size > 1) return undefined;
    return { staffId: first.id, organisationCode: first.organisation_code, displayName: `${first.first_name} ${first.last_name}` };
  }

  /** A new account from a first single sign-on: linked to the provider's subject, no password, the learner role only. */
  async createFromSignOn(input: { email: string; displayName: string; language: Language; staffId: string | null; issuer: string; subject: string }): Promise<string> {
    const id = randomUUID();
    const now = new Date();
    const grant: RoleGrant = { role: 'learner', organisationCode: null };
    await this.accountsTransaction(async (trx) => {
      await trx.insertInto('users').values({
        id, email: input.email.toLowerCase(), display_name: input.displayName, password_hash: null, language: input.language,
        staff_id: input.staffId, active: true, failed_sign_ins: 0, locked_until: null, created_at: now, updated_at: now,
        oidc_issuer: input.issuer, oidc_subject: input.subject,
      }).execute();
      await trx.insertInto('role_grants').values({ id: randomUUID(), user_id: id, role: grant.role, organisation_code: '', granted_by: null, created_at: now }).execute();
      await AuditStore.record(trx, {
        actorUserId: null, action: 'user.created', entityType: 'user', entityId: id,
        after: { email: input.email.toLowerCase(), displayName: input.displayName, grants: [grant], via: 'sso', staffId: input.staffId },
      });
    });
    return id;
  }

  // ---- signing in -----------------------------------------------------------

  async recordSignIn(userId: string, method: 'password' | 'sso'): Promise<void> {
    await this.accountsTransaction(async (trx) => {
      await trx.updateTable('users').set({ last_signed_in_at: new Date(), failed_sign_ins: 0, locked_until: null }).where('id', '=', userId).execute();
      await AuditStore.record(trx, { actorUserId: userId, action: 'user.signed-in', entityType: 'user', entityId: userId, after: { method } });
    });
  }

  // ---- passwords ------------------------------------------------------------

  async requirePasswordChange(userId: string): Promise<void> {
    await writingAccounts(() => this.db.updateTable('users').set({ must_change_password: true }).where('id', '=', userId).execute());
  }

  async passwordHashOf(userId: string): Promise<string | null> {
    const row = await this.db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst();
    return row?.password_hash ?? null;
  }

  /** A new password; every other session of the account ends (one taken with the old password is worthless). */
  async changePassword(userId: string, passwordHash: string, keepSessionHash: string | null): Promise<void> {
    await this.accountsTransaction(async (trx) => {
      await trx.updateTable('users').set({ password_hash: passwordHash, must_change_password: false, updated_at: new Date() }).where('id', '=', userId).execute();
      let ending = trx.deleteFrom('sessions').where('user_id', '=', userId);
      if (keepSessionHash !== null) ending = ending.where('id_hash', '!=', keepSessionHash);
      await ending.execute();
      await AuditStore.record(trx, { actorUserId: userId, action: 'user.password-changed', entityType: 'user', entityId: userId });
    });
  }

  // ---- administration -------------------------------------------------------

  /** Disable or re-enable an account; disabling ends every session at once. False when it was already so. */
  async setActive(userId: string, active: boolean, actorUserId: string): Promise<boolean> {
    return this.accountsTransaction(async (trx) => {
      const row = await trx.selectFrom('users').select('active').where('id', '=', userId).executeTakeFirst();
      if (row === undefined || Boolean(row.active) === active) return false;
      await trx.updateTable('users').set({ active, updated_at: new Date(), failed_sign_ins: 0, locked_until: null }).where('id', '=', userId).execute();
      if (!active) await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
      await AuditStore.record(trx, {
        actorUserId, action: active ? 'user.enabled' : 'user.disabled', entityType: 'user', entityId: userId,
        before: { active: !active }, after: { active },
      });
      return true;
    });
  }

  // ---- single-use links (password reset; invitations later) ----------------

  /** A new password-reset link's token for this account; earlier unused ones stop working. */
  async issueResetToken(userId: string, email: string, language: Language, lifetimeMs: number): Promise<string> {
    const token = newToken();
    const now = new Date();
    await this.accountsTransaction(async (trx) => {
      await trx.updateTable('account_tokens').set({ used_at: now }).where('user_id', '=', userId).where('kind', '=', 'reset').where('used_at', 'is', null).execute();
      await trx.insertInto('account_tokens').values({
        token_hash: hashToken(token), kind: 'reset', user_id: userId, email, language, created_by: null, created_at: now, expires_at: new Date(now.getTime() + lifetimeMs), used_at: null,
      }).execute();
      await AuditStore.record(trx, { actorUserId: null, action: 'user.password-reset-requested', entityType: 'user', entityId: userId });
    });
    return token;
  }

  /** The account a reset token is for, while it is unused and in date. */
  async resetTokenUser(token: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('account_tokens').select(['user_id', 'expires_at', 'used_at'])
      .where('token_hash', '=', hashToken(token)).where('kind', '=', 'reset').executeTakeFirst();
    if (row?.user_id == null || row.used_at !== null || toDate(row.expires_at).getTime() <= Date.now()) return undefined;
    return row.user_id;
  }

  /**
   * Use a reset token: the new password, every session of the account ended,
   * the token spent; all or nothing. False when the token is unknown, used or expired.
   */
  async resetPassword(token: string, passwordHash: string): Promise<boolean> {
    const tokenHash = hashToken(token);
    return this.accountsTransaction(async (trx) => {
      const row = await trx.selectFrom('account_tokens').select(['user_id', 'expires_at']).where('token_hash', '=', tokenHash).where('kind', '=', 'reset').where('used_at', 'is', null).executeTakeFirst();
      if (row?.user_id == null || toDate(row.expires_at).getTime() <= Date.now()) return false;
      const spent = await trx.updateTable('account_tokens').set({ used_at: new Date() }).where('token_hash', '=', tokenHash).where('used_at', 'is', null).executeTakeFirst();
      if (Number(spent.numUpdatedRows) !== 1) return false;
      const userId = row.user_id;
      await trx.updateTable('users').set({ password_hash: passwordHash, must_change_password: false, failed_sign_ins: 0, locked_until: null, updated_at: new Date() }).where('id', '=', userId).execute();
      await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
      await AuditStore.record(trx, { actorUserId: userId, action: 'user.password-reset', entityType: 'user', entityId: userId });
      return true;
    });
  }

  // ---- invitations ----------------------------------------------------------

  /** When the latest unused, in-date invitation for this staff record was sent and when it expires; undefined when none is pending. */
  async pendingInvitation(staffId: string): Promise<{ sentAt: Date; expiresAt: Date } | undefined> {
    const rows = await this.db.selectFrom('account_tokens').select(['created_at', 'expires_at'])
      .where('staff_id', '=', staffId).where('kind', '=', 'invitation').where('used_at', 'is', null).execute();
    const live = rows.map((r) => ({ sentAt: toDate(r.created_at), expiresAt: toDate(r.expires_at) })).filter((r) => r.expiresAt.getTime() > Date.now());
    return live.sort((a, b) => b.sentAt.getTime() - a.sentAt.getTime())[0];
  }

  /** An invitation's token for a person in the staff directory; earlier unused ones for the same email stop working (audited as a resend when one was still pending). */
  async issueInvitation(input: { staffId: string; email: string; language: Language; organisationCode: string }, actorUserId: string, lifetimeMs: number): Promise<string> {
    const token = newToken();
    const now = new Date();
    const email = input.email.toLowerCase();
    await this.accountsTransaction(async (trx) => {
      const spent = await trx.updateTable('account_tokens').set({ used_at: now }).where('email', '=', email).where('kind', '=', 'invitation').where('used_at', 'is', null)
        .where('expires_at', '>', now).executeTakeFirst();
      await trx.updateTable('account_tokens').set({ used_at: now }).where('email', '=', email).where('kind', '=', 'invitation').where('used_at', 'is', null).execute();
      await trx.insertInto('account_tokens').values({
        token_hash: hashToken(token), kind: 'invitation', user_id: null, staff_id: input.staffId, email, language: input.language,
        created_by: actorUserId, created_at: now, expires_at: new Date(now.getTime() + lifetimeMs), used_at: null,
      }).execute();
      const resent = Number(spent.numUpdatedRows) > 0;
      await AuditStore.record(trx, { actorUserId, action: resent ? 'user.invitation-resent' : 'user.invited', entityType: 'staff', entityId: input.staffId, organisationCode: input.organisationCode, after: { email } });
    });
    return token;
  }

  /**
   * Who inviting a whole organisation (or one staff group of it) reaches: every
   * active person without an account; people with no work email, or whose email
   * already has an account, are counted as skipped. The confirmation page and the
   * send both use this, so the count shown is the count sent.
   */
  async bulkInvitees(organisationCode: string, staffGroupCode: string | null): Promise<{ invite: { staffId: string; email: string; name: string }[]; noEmail: number; hasAccount: number }> {
    let query = this.db.selectFrom('staff').select(['id', 'email', 'first_name', 'last_name']).where('organisation_code', '=', organisationCode).where('active', '=', true);
    if (staffGroupCode !== null) query = query.where('staff_group_code', '=', staffGroupCode);
    const people = await query.orderBy('id').execute();
    const emails = [...new Set(people.flatMap((p) => (p.email === null || p.email.trim() === '' ? [] : [p.email.trim().toLowerCase()])))];
    const taken = new Set<string>();
    for (let i = 0; i < emails.length; i += 500) {
      for (const row of await this.db.selectFrom('users').select('email').where('email', 'in', emails.slice(i, i + 500)).execute()) taken.add(row.email);
    }
    const invite: { staffId: string; email: string; name: string }[] = [];
    const seen = new Set<string>();
    let noEmail = 0;
    let hasAccount = 0;
    for (const p of people) {
      const email = p.email?.trim().toLowerCase() ?? '';
      if (email === '') noEmail += 1;
      else if (taken.has(email) || seen.has(email)) hasAccount += 1;
      else { seen.add(email); invite.push({ staffId: p.id, email, name: `${p.first_name} ${p.last_name}` }); }
    }
    return { invite, noEmail, hasAccount };
  }

  /** Invitations for many people in one transaction (earlier unused links for them spent), each audited as user.invited; one token per person, in order. */
  async issueInvitations(people: readonly { staffId: string; email: string }[], context: { language: Language; organisationCode: string }, actorUserId: string, lifetimeMs: number): Promise<string[]> {
    const now = new Date();
    const tokens = people.map(() => newToken());
    await this.accountsTransaction(async (trx) => {
      for (let i = 0; i < people.length; i += 200) {
        const chunk = people.slice(i, i + 200);
        await trx.updateTable('account_tokens').set({ used_at: now }).where('email', 'in', chunk.map((p) => p.email)).where('kind', '=', 'invitation').where('used_at', 'is', null).execute();
        await trx.insertInto('account_tokens').values(chunk.map((p, j) => ({
          token_hash: hashToken(tokens[i + j] ?? ''), kind: 'invitation', user_id: null, staff_id: p.staffId, email: p.email, language: context.language,
          created_by: actorUserId, created_at: now, expires_at: new Date(now.getTime() + lifetimeMs), used_at: null,
        }))).execute();
      }
      for (const p of people) {
        await AuditStore.record(trx, { actorUserId, action: 'user.invited', entityType: 'staff', entityId: p.staffId, organisationCode: context.organisationCode, after: { email: p.email, bulk: true } });
      }
    });
    return tokens;
  }

  /** The invitation a token stands for, while unused and in date. */
  async invitation(token: string): Promise<{ staffId: string; email: string; language: Language } | undefined> {
    return this.invitationByHash(hashToken(token));
  }

  async invitationByHash(tokenHash: string): Promise<{ staffId: string; email: string; language: Language } | undefined> {
    const row = await this.db.selectFrom('account_tokens').select(['staff_id', 'email', 'language', 'expires_at', 'used_at'])
      .where('token_hash', '=', tokenHash).where('kind', '=', 'invitation').executeTakeFirst();
    if (row?.staff_id == null || row.used_at !== null || toDate(row.expires_at).getTime() <= Date.now()) return undefined;
    return { staffId: row.staff_id, email: row.email, language: row.language === 'cy' ? 'cy' : 'en' };
  }

  /** Accept an invitation: a learner account with this password, linked to the staff record; the token spent. Undefined when spent, expired, or the email already has an account. */
  async acceptInvitation(token: string, input: { displayName: string; passwordHash: string }): Promise<string | undefined> {
    return this.spendInvitation(hashToken(token), { displayName: input.displayName, passwordHash: input.passwordHash, issuer: null, subject: null });
  }

  /**
   * Accept an invitation by single sign-on: a learner account with no password,
   * linked to the provider's subject and to the invited staff record; the token
   * spent. Undefined as for acceptInvitation, or when the subject is already linked.
   */
  async acceptInvitationBySignOn(tokenHash: string, input: { displayName: string; issuer: string; subject: string }): Promise<string | undefined> {
    return this.spendInvitation(tokenHash, { displayName: input.displayName, passwordHash: null, issuer: input.issuer, subject: input.subject });
  }

  private async spendInvitation(tokenHash: string, input: { displayName: string; passwordHash: string | null; issuer: string | null; subject: string | null }): Promise<string | undefined> {
    return this.accountsTransaction(async (trx) => {
      const row = await trx.selectFrom('account_tokens').select(['staff_id', 'email', 'language', 'expires_at']).where('token_hash', '=', tokenHash)
        .where('kind', '=', 'invitation').where('used_at', 'is', null).executeTakeFirst();
      if (row?.staff_id == null || toDate(row.expires_at).getTime() <= Date.now()) return undefined;
      const existing = await trx.selectFrom('users').select('id').where('email', '=', row.email).executeTakeFirst();
      if (existing !== undefined) return undefined;
      if (input.issuer !== null && input.subject !== null) {
        const linked = await trx.selectFrom('users').select('id').where('oidc_issuer', '=', input.issuer).where('oidc_subject', '=', input.subject).executeTakeFirst();
        if (linked !== undefined) return undefined;
      }
      const spent = await trx.updateTable('account_tokens').set({ used_at: new Date() }).where('token_hash', '=', tokenHash).where('used_at', 'is', null).executeTakeFirst();
      if (Number(spent.numUpdatedRows) !== 1) return undefined;
      const id = randomUUID();
      const now = new Date();
      await trx.insertInto('users').values({
        id, email: row.email, display_name: input.displayName, password_hash: input.passwordHash, language: row.language === 'cy' ? 'cy' : 'en',
        staff_id: row.staff_id, active: true, failed_sign_ins: 0, locked_until: null, created_at: now, updated_at: now,
        oidc_issuer: input.issuer, oidc_subject: input.subject,
      }).execute();
      await trx.insertInto('role_grants').values({ id: randomUUID(), user_id: id, role: 'learner', organisation_code: '', granted_by: null, created_at: now }).execute();
      await AuditStore.record(trx, {
        actorUserId: id, action: 'user.invitation-accepted', entityType: 'user', entityId: id,
        after: { email: row.email, staffId: row.staff_id, ...(input.issuer === null ? {} : { via: 'sso' }) },
      });
      return id;
    });
  }
}
