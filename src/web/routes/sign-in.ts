// Signing in with a local account and signing out. Failed attempts are counted
// per account and per client address (in the database, so every process sees
// them) and slow further attempts down; they never lock the rightful owner out
// (src/domain/auth/sign-in-throttle.ts says how). A wrong email and a wrong
// password get the same answer, and take about the same time. Every sign-in,
// failure and throttled attempt is audited, never with the password.

import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { addressKeyOf } from '../../domain/auth/index.js';
import { localPath } from '../plugins/language.js';
import { hashToken } from '../../db/stores/session-store.js';
import { verifyNothing, verifyPassword } from '../../security/passwords.js';

const SignInSchema = z.object({
  email: z.string().trim().max(254),
  password: z.string().max(1024),
  returnTo: z.string().max(2000).optional(),
});

// Any C0 or C1 control character, a space of any kind, or a backslash:
// browsers drop tabs and newlines from a URL and read "\" as "/", so
// "/\t/evil.example" and "/\\evil.example" would leave the site.
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const UNSAFE_IN_PATH = /[\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff\\]/u;
const THIS_SITE = 'http://genomeg.invalid';

/**
 * Only paths on this site, so a sign-in link cannot send someone elsewhere.
 * The answer is what the Location header will carry: the path as a URL
 * parser resolves it, percent-encoded (so Welsh letters such as ŷ and ŵ are
 * safe in a header), or null for anything else (the caller goes home).
 */
export function safeReturnPath(value: string | undefined): string | null {
  if (value === undefined || !value.startsWith('/') || value.startsWith('//') || UNSAFE_IN_PATH.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value, THIS_SITE);
  } catch {
    return null;
  }
  if (url.origin !== THIS_SITE) return null;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // "/.//evil.example" resolves to the path "//evil.example", which a browser reads as another host.
  if (!path.startsWith('/') || path.startsWith('//') || UNSAFE_IN_PATH.test(path)) return null;
  return path;
}

/** A short, stable reference to an email address that is not the address itself. */
function accountKeyOf(email: string): string {
  return hashToken(email.trim().toLowerCase());
}

export async function signInRoutes(app: FastifyInstance): Promise<void> {
  const audit = (request: FastifyRequest, action: 'sign-in.succeeded' | 'sign-in.failed' | 'sign-in.throttled', who: { userId: string | null; accountKey: string }, detail: Record<string, string | number> = {}) =>
    app.stores.audit.add({
      actorUserId: action === 'sign-in.succeeded' ? who.userId : null,
      action,
      // An attempt at an email address with no account is recorded against a hash of it, never the text typed.
      entityType: who.userId === null ? 'sign-in' : 'user',
      entityId: who.userId ?? who.accountKey.slice(0, 16),
      after: { address: request.ip, ...detail },
    });

  app.get('/sign-in', { config: { access: 'public' } }, (request, reply) => {
    const returnTo = safeReturnPath((request.query as { returnTo?: string }).returnTo);
    return reply.render('pages/sign-in.njk', { returnTo, values: {} });
  });

  app.post('/sign-in', { config: { access: 'public' } }, async (request, reply) => {
    const parsed = SignInSchema.safeParse(request.body);
    const body = parsed.success ? parsed.data : { email: '', password: '', returnTo: undefined };
    const returnTo = safeReturnPath(body.returnTo);
    const errors: { field: string; key: string; params?: Record<string, number> }[] = [];
    if (body.email === '') errors.push({ field: 'email', key: 'signIn.errors.emailRequired' });
    if (body.password === '') errors.push({ field: 'password', key: 'signIn.errors.passwordRequired' });
    if (errors.length > 0) return reply.code(400).render('pages/sign-in.njk', { errors, returnTo, values: { email: body.email } });

    const accountKey = accountKeyOf(body.email);
    const address = addressKeyOf(request.ip);
    const decision = await app.stores.throttle.check(accountKey, address);
    if (decision.waitMs > 0) {
      const seconds = Math.ceil(decision.waitMs / 1000);
      const known = await app.stores.users.findByEmail(body.email);
      await audit(request, 'sign-in.throttled', { userId: known?.id ?? null, accountKey }, { waitSeconds: seconds, counter: decision.counter ?? '' });
      request.log.info({ event: 'sign-in.throttled', counter: decision.counter, waitSeconds: seconds }, 'sign-in throttled');
      reply.header('Retry-After', String(seconds));
      return reply.code(429).render('pages/sign-in.njk', { errors: [{ field: 'email', key: 'signIn.errors.wait', params: { count: Math.ceil(seconds / 60) } }], returnTo, values: { email: body.email } });
    }
    const found = await app.stores.users.findCredentialsByEmail(body.email);
    const passwordOk = found?.passwordHash == null ? await verifyNothing(body.password) : await verifyPassword(found.passwordHash, body.password);
    const locked = found?.user.lockedUntil !== null && found?.user.lockedUntil !== undefined && found.user.lockedUntil.getTime() > Date.now();
    if (found === undefined || !found.user.active || !passwordOk || locked || found.passwordHash === null) {
      await app.stores.throttle.recordFailure(accountKey, address);
      const reason = found === undefined ? 'no-account' : !passwordOk || found.passwordHash === null ? 'wrong-password' : !found.user.active ? 'inactive' : 'locked';
      await audit(request, 'sign-in.failed', { userId: found?.user.id ?? null, accountKey }, { reason });
      request.log.info({ event: 'sign-in.failed' }, 'sign-in failed');
      return reply.code(401).render('pages/sign-in.njk', { errors: [{ field: 'email', key: 'signIn.errors.failed' }], returnTo, values: { email: body.email } });
    }
    await app.stores.throttle.recordSuccess(accountKey, address);
    await app.stores.throttle.prune();
    await app.stores.users.recordSuccessfulSignIn(found.user.id);
    // The language of the page they signed in on is the one they chose last (Welsh review row 5).
    if (found.user.language !== request.lang || !found.user.languageKnown) await app.stores.users.setLanguage(found.user.id, request.lang);
    await reply.startSession({ ...found.user, language: request.lang });
    await audit(request, 'sign-in.succeeded', { userId: found.user.id, accountKey });
    request.log.info({ event: 'sign-in', userId: found.user.id }, 'signed in');
    // Back where they were going, or home in the language they signed in in.
    return reply.redirect(returnTo ?? localPath(request.lang, '/'), 303);
  });

  app.post('/sign-out', { config: { access: 'public' } }, async (request, reply) => {
    const userId = request.user?.id;
    const viaSingleSignOn = request.user?.ssoLinked === true;
    await reply.endSession();
    if (userId !== undefined) request.log.info({ event: 'sign-out', userId }, 'signed out');
    // Single sign-on accounts are offered the provider's sign-out too (routes/oidc.ts).
    if (viaSingleSignOn) return reply.redirect(localPath(request.lang, '/signed-out'), 303);
    return reply.redirect(`${localPath(request.lang, '/sign-in')}?signedOut=1`, 303);
  });
}

