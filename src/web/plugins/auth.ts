// Who is asking: the session cookie is looked up in the database (kept by the
// session store for at most a few seconds, see session-store.ts). Each route declares its access in
// config.access: 'public', 'signed-in', or a permission from the domain's role
// matrix. A route without a declaration refuses to start, so no route is ever
// open by accident.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can, type Permission, type Principal } from '../../domain/auth/index.js';
import { DomainError } from '../../domain/errors.js';
import type { SessionStore, Session } from '../../db/stores/session-store.js';
import type { User, UserStore } from '../../db/stores/user-store.js';
import { localPath } from './language.js';

export type Access = 'public' | 'signed-in' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyInstance {
    /** Every route with its declared access, for the access test and the docs. */
    routeAccess: { method: string; url: string; access: Access }[];
  }
  interface FastifyRequest {
    user: User | null;
    session: Session | null;
    sessionToken: string | null;
  }
  interface FastifyReply {
    startSession(user: User): Promise<void>;
    endSession(): Promise<void>;
  }
}

export const SESSION_COOKIE = 'gnm_session';

export function principalOf(user: User): Principal {
  return { userId: user.id, grants: user.grants };
}

/** The signed-in person, for routes open to anyone signed in. */
export function currentUser(request: FastifyRequest): User {
  if (request.user === null) throw new DomainError('GNM_UNAUTHENTICATED');
  return request.user;
}

/** Throws unless the signed-in person may do this, optionally in one organisation. */
export function authorise(request: FastifyRequest, permission: Permission, organisationCode?: string): User {
  const user = request.user;
  if (user === null) throw new DomainError('GNM_UNAUTHENTICATED');
  if (!can(principalOf(user), permission, organisationCode)) throw new DomainError('GNM_FORBIDDEN');
  return user;
}

interface AuthDeps {
  readonly sessions: SessionStore;
  readonly users: UserStore;
  readonly sessionLifetimeMs: number;
}

export function installAuth(app: FastifyInstance, deps: AuthDeps): void {
  app.decorateRequest('user', null);
  app.decorateRequest('session', null);
  app.decorateRequest('sessionToken', null);

  const table: { method: string; url: string; access: Access }[] = [];
  app.decorate('routeAccess', table);
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/assets')) return;
    const access = route.config?.access;
    if (access === undefined) throw new Error(`Route ${route.method.toString()} ${route.url} does not declare config.access`);
    for (const method of [route.method].flat()) if (method !== 'HEAD') table.push({ method, url: route.url, access });
  });

  const cookieOptions = (request: FastifyRequest) => ({
    path: '/', httpOnly: true, sameSite: 'lax' as const, secure: request.protocol === 'https',
  });

  app.decorateReply('startSession', async function startSession(this: FastifyReply, user: User) {
    // A new token at every sign-in: a token planted before sign-in is worthless after.
    if (this.request.sessionToken !== null) await deps.sessions.end(this.request.sessionToken);
    const { token, session } = await deps.sessions.start(user.id);
    this.request.user = user;
    this.request.session = session;
    this.request.sessionToken = token;
    // The cookie lasts as long as the session can (SESSION_MAX_HOURS); the server ends it sooner when idle.
    this.setCookie(SESSION_COOKIE, token, { ...cookieOptions(this.request), maxAge: deps.sessions.cookieMaxAgeSeconds });
  });

  app.decorateReply('endSession', async function endSession(this: FastifyReply) {
    if (this.request.sessionToken !== null) await deps.sessions.end(this.request.sessionToken);
    this.request.user = null;
    this.request.session = null;
    this.request.sessionToken = null;
    this.clearCookie(SESSION_COOKIE, cookieOptions(this.request));
  });

  app.addHook('onRequest', async (request) => {
    // Static assets are the same for everyone: no session is looked up for them, so
    // they cost no query, and still load while the database cannot be reached.
    if ((request.routeOptions.url ?? '').startsWith('/assets/')) return;
    const token = request.cookies[SESSION_COOKIE];
    if (token === undefined || token === '') return;
    const found = await deps.sessions.findWithUser(token);
    if (found === undefined) return;
    const { session, user } = found;
    if (!user.active) {
      await deps.sessions.end(token);
      return;
    }
    request.user = user;
    request.session = session;
    request.sessionToken = token;
    await deps.sessions.touch(token, session);
    if (request.method === 'GET' && (user.language !== request.lang || !user.languageKnown) && request.headers.accept?.includes('text/html') === true) {
      await deps.users.setLanguage(user.id, request.lang);
    }
  });

  app.addHook('preHandler', async (request, reply) => {
    // Static assets and the not-found page are open to all; every other route declares its access.
    const open = request.is404 || (request.routeOptions.url ?? '').startsWith('/assets/');
    const access = request.routeOptions.config.access ?? (open ? 'public' : 'signed-in');
    if (access === 'public') return;
    if (request.user === null) {
      if (request.method === 'GET' && request.headers.accept?.includes('text/html') === true) {
        const back = encodeURIComponent(localPath(request.lang, request.pagePath));
        await reply.redirect(`${localPath(request.lang, '/sign-in')}?returnTo=${back}`, 303);
        return reply;
      }
      throw new DomainError('GNM_UNAUTHENTICATED');
    }
    if (access === 'signed-in') return;
    if (!can(principalOf(request.user), access)) throw new DomainError('GNM_FORBIDDEN');
  });
}
