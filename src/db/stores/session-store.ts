// Database-backed sessions, so that any web process can serve any request.
// The cookie carries a random token; only its SHA-256 is stored, so a copy of
// the database does not let anyone sign in as someone else.
//
// A session ends after `idleMs` without a request (sliding), and in any case
// `maxMs` after it began (SESSION_MAX_HOURS), however active it has been: a
// token taken from a browser stops working then.

import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { toDate } from '../dialect.js';
import type { RoleGrant } from '../../domain/auth/index.js';
import { grantOf, toUser, type User } from './user-store.js';

export interface Session {
  readonly userId: string;
  readonly csrfToken: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly lastSeenAt: Date;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export class SessionStore {
  private constructor(private readonly db: Kysely<Database>, private readonly idleMs: number, private readonly maxMs: number) {}

  /** `idleMs`: how long a session lasts without a request; `maxMs`: how long it lasts at most. */
  static create(db: Kysely<Database>, idleMs: number, maxMs: number): SessionStore {
    return new SessionStore(db, idleMs, maxMs);
  }

  /** How long the cookie is kept: the longest a session can last. */
  get cookieMaxAgeSeconds(): number {
    return Math.floor(this.maxMs / 1000);
  }

  /** The later end of a session: `idleMs` after now, but never past `maxMs` after it began. */
  private expiryAt(createdAt: number, now: number): Date {
    return new Date(Math.min(now + this.idleMs, createdAt + this.maxMs));
  }

  /** Start a session; returns the token for the cookie. */
  async start(userId: string): Promise<{ token: string; session: Session }> {
    const token = newToken();
    const now = new Date();
    const session: Session = { userId, csrfToken: newToken(), createdAt: now, expiresAt: this.expiryAt(now.getTime(), now.getTime()), lastSeenAt: now };
    await this.db.insertInto('sessions').values({
      id_hash: hashToken(token), user_id: userId, csrf_token: session.csrfToken,
      created_at: now, expires_at: session.expiresAt, last_seen_at: now,
    }).execute();
    return { token, session };
  }

  /**
   * The session and the person it belongs to, with their roles, in one query:
   * every signed-in request asks this first.
   */
  async findWithUser(token: string): Promise<{ session: Session; user: User } | undefined> {
    const rows = await this.db.selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .leftJoin('role_grants', 'role_grants.user_id', 'sessions.user_id')
      .selectAll('users')
      .select(['sessions.csrf_token', 'sessions.created_at', 'sessions.expires_at', 'sessions.last_seen_at', 'role_grants.role', 'role_grants.organisation_code'])
      .where('sessions.id_hash', '=', hashToken(token))
      .orderBy('role_grants.role').orderBy('role_grants.organisation_code')
      .execute();
    const first = rows[0];
    if (first === undefined) return undefined;
    const expiresAt = toDate(first.expires_at);
    const createdAt = toDate(first.created_at);
    // The absolute limit is checked here too, not only through expires_at: it
    // holds for sessions begun before it was set, or under a longer one.
    const now = Date.now();
    if (expiresAt.getTime() <= now || createdAt.getTime() + this.maxMs <= now) {
      await this.end(token);
      return undefined;
    }
    const grants: RoleGrant[] = [];
    for (const row of rows) {
      const grant = row.role === null || row.organisation_code === null ? undefined : grantOf(row.role, row.organisation_code);
      if (grant !== undefined) grants.push(grant);
    }
    return {
      session: { userId: first.id, csrfToken: first.csrf_token, createdAt, expiresAt, lastSeenAt: toDate(first.last_seen_at) },
      user: toUser(first, grants),
    };
  }

  /** Slide the expiry forward (never past the session's absolute end), at most once a minute per session. */
  async touch(token: string, session: Session): Promise<void> {
    const now = Date.now();
    if (now - session.lastSeenAt.getTime() < 60_000) return;
    await this.db.updateTable('sessions')
      .set({ last_seen_at: new Date(now), expires_at: this.expiryAt(session.createdAt.getTime(), now) })
      .where('id_hash', '=', hashToken(token)).execute();
  }

  async end(token: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', hashToken(token)).execute();
  }

  async endAllFor(userId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }

  async purgeExpired(): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('expires_at', '<=', new Date()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
