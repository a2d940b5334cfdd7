// Database-backed sessions, so that any web process can serve any request.
// The cookie carries a random token; only its SHA-256 is stored, so a copy of
// the database does not let anyone sign in as someone else.

import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { toDate } from '../dialect.js';

export interface Session {
  readonly userId: string;
  readonly csrfToken: string;
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
  private constructor(private readonly db: Kysely<Database>, private readonly lifetimeMs: number) {}

  static create(db: Kysely<Database>, lifetimeMs: number): SessionStore {
    return new SessionStore(db, lifetimeMs);
  }

  /** Start a session; returns the token for the cookie. */
  async start(userId: string): Promise<{ token: string; session: Session }> {
    const token = newToken();
    const now = new Date();
    const session: Session = { userId, csrfToken: newToken(), expiresAt: new Date(now.getTime() + this.lifetimeMs), lastSeenAt: now };
    await this.db.insertInto('sessions').values({
      id_hash: hashToken(token), user_id: userId, csrf_token: session.csrfToken,
      created_at: now, expires_at: session.expiresAt, last_seen_at: now,
    }).execute();
    return { token, session };
  }

  async find(token: string): Promise<Session | undefined> {
    const row = await this.db.selectFrom('sessions').selectAll().where('id_hash', '=', hashToken(token)).executeTakeFirst();
    if (row === undefined) return undefined;
    const expiresAt = toDate(row.expires_at);
    if (expiresAt.getTime() <= Date.now()) {
      await this.end(token);
      return undefined;
    }
    return { userId: row.user_id, csrfToken: row.csrf_token, expiresAt, lastSeenAt: toDate(row.last_seen_at) };
  }

  /** Slide the expiry forward, at most once a minute per session. */
  async touch(token: string, session: Session): Promise<void> {
    const now = Date.now();
    if (now - session.lastSeenAt.getTime() < 60_000) return;
    await this.db.updateTable('sessions')
      .set({ last_seen_at: new Date(now), expires_at: new Date(now + this.lifetimeMs) })
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
