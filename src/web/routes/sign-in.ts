// Signing in with a local account and signing out. Failed attempts are counted
// per client address and per account (in the database, so every process sees
// them); too many and sign-in waits. A wrong email and a wrong password get
// the same answer, and take about the same time.

import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { localPath } from '../plugins/language.js';
import { hashToken } from '../../db/stores/session-store.js';
import { verifyNothing, verifyPassword } from '../../security/passwords.js';

const SignInSchema = z.object({
  email: z.string().trim().max(254),
  password: z.string().max(1024),
  returnTo: z.string().max(2000).optional(),
});

/** Only paths on this site, so a sign-in link cannot send someone elsewhere. */
export function safeReturnPath(value: string | undefined): string | null {
  if (value === undefined || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return null;
  return value;
}

export async function signInRoutes(app: FastifyInstance): Promise<void> {
  app.get('/sign-in', { config: { access: 'public' } }, (request, reply) => {
    const returnTo = safeReturnPath((request.query as { returnTo?: string }).returnTo);
    return reply.render('pages/sign-in.njk', { returnTo, values: {} });
  });

  app.post('/sign-in', { config: { access: 'public' } }, async (request, reply) => {
    const parsed = SignInSchema.safeParse(request.body);
    const body = parsed.success ? parsed.data : { email: '', password: '', returnTo: undefined };
    const returnTo = safeReturnPath(body.returnTo);
    const errors: { field: string; key: string }[] = [];
    if (body.email === '') errors.push({ field: 'email', key: 'signIn.errors.emailRequired' });
    if (body.password === '') errors.push({ field: 'password', key: 'signIn.errors.passwordRequired' });
    if (errors.length > 0) return reply.code(400).render('pages/sign-in.njk', { errors, returnTo, values: { email: body.email } });

    const keys = [`ip:${request.ip}`, `email:${hashToken(body.email.toLowerCase())}`];
    if (await app.stores.throttle.isBlocked(keys)) {
      return reply.code(429).render('pages/sign-in.njk', { errors: [{ field: 'email', key: 'signIn.errors.throttled' }], returnTo, values: { email: body.email } });
    }
    const found = await app.stores.users.findCredentialsByEmail(body.email);
    const passwordOk = found?.passwordHash == null ? await verifyNothing(body.password) : await verifyPassword(found.passwordHash, body.password);
    const locked = found?.user.lockedUntil !== null && found?.user.lockedUntil !== undefined && found.user.lockedUntil.getTime() > Date.now();
    if (found === undefined || !found.user.active || !passwordOk || locked || found.passwordHash === null) {
      await app.stores.throttle.fail(keys);
      if (found !== undefined && !passwordOk) await app.stores.users.recordFailedSignIn(found.user.id, app.config.SIGN_IN_MAX_FAILURES * 2, app.config.SIGN_IN_WINDOW_MINUTES * 60_000);
      request.log.info({ event: 'sign-in.failed' }, 'sign-in failed');
      return reply.code(401).render('pages/sign-in.njk', { errors: [{ field: 'email', key: 'signIn.errors.failed' }], returnTo, values: { email: body.email } });
    }
    await app.stores.throttle.clear(keys);
    await app.stores.users.recordSuccessfulSignIn(found.user.id);
    await reply.startSession(found.user);
    request.log.info({ event: 'sign-in', userId: found.user.id }, 'signed in');
    // Back where they were going, or home in the language they chose last.
    return reply.redirect(returnTo ?? localPath(found.user.language, '/'), 303);
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

