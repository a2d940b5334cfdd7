// Database-backed sessions, so that any web process can serve any request.
// The cookie carries a random token; only its SHA-256 is stored, so a copy of
// the database does not let anyone sign in as someone else.
//
// A session ends after `idleMs` without a request (sliding), and in any case
// `maxMs` after it began (SESSION_MAX_HOURS), however active it has been: a
// token taken from a browser stops working then.
//
// Each process keeps the sessions it has read for at most `keepMs` (5 s), so a
// signed-in request usually costs no query. An entry is not trusted once this
// process has written any account, role or session (accounts-version.ts): a
// sign-out, a role removed, a deactivation, a password reset or a language
// change here is seen at the very next request. A write by another process
// (a second server, the worker, the command line) is seen within `keepMs`.
// Both ends of a session (sliding and absolute) are checked against the clock
// on every request, kept or not; a kept entry never ends a session itself, it
// only sends the request to the database.

import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { toDate } from '../dialect.js';
import type { RoleGrant } from '../../domain/auth/index.js';
import { grantOf, toUser, type User } from './user-store.js';
import { accountsVersion, accountsWritten, stillCurrent } from './accounts-version.js';

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

/** How long a process keeps a session it has read: the bound on seeing another process's sign-out or role change. */
export const SESSION_KEEP_MS = 5_000;

/** At most this many sessions are kept; past it the oldest kept is dropped. */
const KEEP_AT_MOST = 20_000;

export interface SessionStoreOptions {
  /** How long a session read from the database is kept in memory (default `SESSION_KEEP_MS`; 0: never). */
  readonly keepMs?: number;
  /** The time now in milliseconds (tests move it on). */
  readonly clock?: () => number;
}

interface Kept {
  /** `accountsVersion()` before the read: a later write of this process (for anyone, or to this person) makes the entry untrusted. */
  readonly version: number;
  readonly readAt: number;
  session: Session;
  readonly user: User;
}

export class SessionStore {
  /** By token hash: sessions read lately, with their person. */
  private readonly kept = new Map<string, Kept>();
  private readonly keepMs: number;
  private readonly clock: () => number;

  private constructor(private readonly db: Kysely<Database>, private readonly idleMs: number, private readonly maxMs: number, options: SessionStoreOptions) {
    this.keepMs = options.keepMs ?? SESSION_KEEP_MS;
    this.clock = options.clock ?? Date.now;
  }

  /** `idleMs`: how long a session lasts without a request; `maxMs`: how long it lasts at most. */
  static create(db: Kysely<Database>, idleMs: number, maxMs: number, options: SessionStoreOptions = {}): SessionStore {
    return new SessionStore(db, idleMs, maxMs, options);
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
    const now = new Date(this.clock());
    const session: Session = { userId, csrfToken: newToken(), createdAt: now, expiresAt: this.expiryAt(now.getTime(), now.getTime()), lastSeenAt: now };
    await this.db.insertInto('sessions').values({
      id_hash: hashToken(token), user_id: userId, csrf_token: session.csrfToken,
      created_at: now, expires_at: session.expiresAt, last_seen_at: now,
    }).execute();
    return { token, session };
  }

  /**
   * The session and the person it belongs to, with their roles, in one query:
   * every signed-in request asks this first. Kept for at most `keepMs` (see
   * the head of this file).
   */
  async findWithUser(token: string): Promise<{ session: Session; user: User } | undefined> {
    const hash = hashToken(token);
    const kept = this.kept.get(hash);
    if (kept !== undefined) {
      const now = this.clock();
      // Still within both ends of the session as last read; past either, the database decides (another process may have slid it).
      if (stillCurrent(kept.version, kept.user.id) && now - kept.readAt < this.keepMs && kept.session.expiresAt.getTime() > now && kept.session.createdAt.getTime() + this.maxMs > now) {
        return { session: kept.session, user: kept.user };
      }
      this.kept.delete(hash);
    }
    // Taken before the read: a later write of this process, or SESSION_KEEP_MS from now, ends the entry's trust.
    const version = accountsVersion();
    const readAt = this.clock();
    const rows = await this.db.selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .leftJoin('role_grants', 'role_grants.user_id', 'sessions.user_id')
      .selectAll('users')
      .select(['sessions.csrf_token', 'sessions.created_at', 'sessions.expires_at', 'sessions.last_seen_at', 'role_grants.role', 'role_grants.organisation_code'])
      .where('sessions.id_hash', '=', hash)
      .orderBy('role_grants.role').orderBy('role_grants.organisation_code')
      .execute();
    const first = rows[0];
    if (first === undefined) return undefined;
    const expiresAt = toDate(first.expires_at);
    const createdAt = toDate(first.created_at);
    // The absolute limit is checked here too, not only through expires_at: it
    // holds for sessions begun before it was set, or under a longer one.
    const now = this.clock();
    if (expiresAt.getTime() <= now || createdAt.getTime() + this.maxMs <= now) {
      await this.end(token);
      return undefined;
    }
    const grants: RoleGrant[] = [];
    for (const row of rows) {
      const grant = row.role === null || row.organisation_code === null ? undefined : grantOf(row.role, row.organisation_code);
      if (grant !== undefined) grants.push(grant);
    }
    const found = {
      session: { userId: first.id, csrfToken: first.csrf_token, createdAt, expiresAt, lastSeenAt: toDate(first.last_seen_at) },
      user: toUser(first, grants),
    };
    if (this.keepMs > 0) {
      if (this.kept.size >= KEEP_AT_MOST) this.dropOldest();
      this.kept.set(hash, { version, readAt, ...found });
    }
    return found;
  }

  /** Drop the entry kept longest (a Map iterates in insertion order). */
  private dropOldest(): void {
    for (const key of this.kept.keys()) {
      this.kept.delete(key);
      return;
    }
  }

  /** Slide the expiry forward (never past the session's absolute end), at most once a minute per session. */
  async touch(token: string, session: Session): Promise<void> {
    const now = this.clock();
    if (now - session.lastSeenAt.getTime() < 60_000) return;
    const hash = hashToken(token);
    const lastSeenAt = new Date(now);
    const expiresAt = this.expiryAt(session.createdAt.getTime(), now);
    await this.db.updateTable('sessions').set({ last_seen_at: lastSeenAt, expires_at: expiresAt }).where('id_hash', '=', hash).execute();
    // Only this session's ends moved, and only later: the kept entry follows rather than being dropped.
    const kept = this.kept.get(hash);
    if (kept !== undefined) kept.session = { ...kept.session, lastSeenAt, expiresAt };
  }

  async end(token: string): Promise<void> {
    const hash = hashToken(token);
    this.kept.delete(hash);
    try {
      await this.db.deleteFrom('sessions').where('id_hash', '=', hash).execute();
    } finally {
      accountsWritten();
    }
  }

  async endAllFor(userId: string): Promise<void> {
    try {
      await this.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
    } finally {
      accountsWritten();
    }
  }

  async purgeExpired(): Promise<number> {
    try {
      const result = await this.db.deleteFrom('sessions').where('expires_at', '<=', new Date(this.clock())).executeTakeFirst();
      return Number(result.numDeletedRows);
    } finally {
      accountsWritten();
    }
  }
}
