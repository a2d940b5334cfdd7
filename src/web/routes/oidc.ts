// Single sign-on routes: begin a sign-in with the organisation's provider,
// come back from it, the page for a person not in the staff directory, and the
// provider's own sign-out. A refused sign-in gets a clear page in the person's
// language, and nothing is created. Off (404) unless OIDC_ISSUER_URL is set.
//
// Each sign-in under way is a database row keyed by the state's hash, bound to
// the browser that began it by a random HttpOnly cookie, and removed as it is
// used: a replayed or forged callback finds nothing.

import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import type { Language } from '../../domain/i18n.js';
import { hashToken } from '../../db/stores/session-store.js';
import type { SingleSignOn } from '../../services/auth/oidc.js';
import { acceptInvitationBySignOn, signOn, type SignOnRefusal } from '../../services/auth/sign-on.js';
import { LANGUAGE_COOKIE, localPath } from '../plugins/language.js';
import { translator } from '../i18n.js';
import { safeReturnPath } from './sign-in.js';

export const SSO_BROWSER_COOKIE = 'gnm_sso';
const SIGN_IN_LIFETIME_MS = 10 * 60_000;

type Refusal = SignOnRefusal | 'expired' | 'failed' | 'cancelled' | 'unavailable';

const STATUS: Record<Refusal, number> = {
  domain: 403, disabled: 403, conflict: 409, 'no-email': 400, 'email-unverified': 403, invitation: 400, 'invitation-email': 403,
  expired: 400, failed: 400, cancelled: 400, unavailable: 503,
};

export function oidcRoutes(sso: SingleSignOn | null) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const redirectUri = `${app.config.PUBLIC_URL}/sign-in/sso/callback`;

    function enabled(): SingleSignOn {
      if (sso === null) throw new DomainError('GNM_NOT_FOUND', { what: 'single sign-on' });
      return sso;
    }

    function refuse(request: FastifyRequest, reply: FastifyReply, reason: Refusal, language: Language, emails: { readonly invited: string; readonly signedIn: string } | null = null): FastifyReply {
      request.log.info({ event: 'sso.refused', reason }, 'single sign-on refused');
      request.lang = language;
      request.t = translator(language);
      return reply.code(STATUS[reason]).render('pages/account/sso-refused.njk', { reason, emails });
    }

    app.get('/sign-in/sso', { config: { access: 'public' } }, async (request, reply) => {
      const provider = enabled();
      const query = request.query as { returnTo?: string; invitation?: string };
      const returnTo = safeReturnPath(query.returnTo);
      // Begun from an invitation's page: the invitation must still be good, and is spent by the callback.
      const invitationHash = typeof query.invitation === 'string' && query.invitation !== '' ? hashToken(query.invitation) : null;
      if (invitationHash !== null && await app.stores.accounts.invitationByHash(invitationHash) === undefined) {
        return reply.code(400).render('pages/account/invitation-invalid.njk', {});
      }
      let begun;
      try {
        begun = await provider.authorisationRequest(redirectUri, request.lang);
      } catch (error) {
        request.log.warn({ event: 'sso.provider-unreachable', err: error }, 'identity provider unreachable');
        return refuse(request, reply, 'unavailable', request.lang);
      }
      const browser = randomBytes(32).toString('base64url');
      await app.stores.accounts.beginSignIn(begun.state, {
        browserHash: hashToken(browser), nonce: begun.nonce, codeVerifier: begun.codeVerifier, returnTo: invitationHash === null ? returnTo : null,
        language: request.lang, invitationHash,
      }, SIGN_IN_LIFETIME_MS);
      // SameSite=Lax: the provider sends the person back with a top-level GET, which carries it.
      reply.setCookie(SSO_BROWSER_COOKIE, browser, { path: '/sign-in/sso', httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https', maxAge: SIGN_IN_LIFETIME_MS / 1000 });
      return reply.redirect(begun.url.href, 303);
    });

    app.get('/sign-in/sso/callback', { config: { access: 'public' } }, async (request, reply) => {
      const provider = enabled();
      const query = request.query as Record<string, string | undefined>;
      const state = query['state'];
      const pending = state === undefined || state === '' ? undefined : await app.stores.accounts.takeSignIn(state);
      reply.clearCookie(SSO_BROWSER_COOKIE, { path: '/sign-in/sso' });
      // The callback's address carries no language; with no sign-in to say which, the browser's last choice does.
      if (pending === undefined) return refuse(request, reply, 'expired', request.cookies[LANGUAGE_COOKIE] === 'cy' ? 'cy' : request.lang);
      const browser = request.cookies[SSO_BROWSER_COOKIE];
      if (browser === undefined || hashToken(browser) !== pending.browserHash) return refuse(request, reply, 'expired', pending.language);
      if (query['error'] !== undefined) return refuse(request, reply, 'cancelled', pending.language);

      const callbackUrl = new URL(redirectUri);
      for (const [key, value] of Object.entries(query)) if (value !== undefined) callbackUrl.searchParams.set(key, value);
      let identity;
      try {
        identity = await provider.finish(callbackUrl, { state: state ?? '', nonce: pending.nonce, codeVerifier: pending.codeVerifier });
      } catch (error) {
        request.log.warn({ event: 'sso.token-refused', reason: error instanceof Error ? error.message : 'unknown' }, 'identity provider response refused');
        return refuse(request, reply, 'failed', pending.language);
      }
      const stores = { accounts: app.stores.accounts, users: app.stores.users };
      const outcome = pending.invitationHash === null
        ? await signOn(identity, provider.settings, stores, pending.language)
        : await acceptInvitationBySignOn(identity, provider.settings, stores, pending.invitationHash);
      if (outcome.kind === 'refused') {
        const invited = outcome.reason === 'invitation-email' && pending.invitationHash !== null ? await app.stores.accounts.invitationByHash(pending.invitationHash) : undefined;
        return refuse(request, reply, outcome.reason, pending.language, invited === undefined ? null : { invited: invited.email, signedIn: identity.email ?? '' });
      }
      const user = await app.stores.users.findById(outcome.userId);
      if (user === undefined) return refuse(request, reply, 'failed', pending.language);
      await reply.startSession(user);
      await app.stores.accounts.recordSignIn(user.id, 'sso');
      request.log.info({ event: 'sign-in', method: 'sso', userId: user.id }, 'signed in');
      if (!outcome.inDirectory && outcome.created) return reply.redirect(localPath(pending.language, '/account/not-in-directory'), 303);
      return reply.redirect(pending.returnTo ?? localPath(pending.language, '/'), 303);
    });

    app.get('/account/not-in-directory', { config: { access: 'signed-in' } }, (request, reply) => {
      return reply.render('pages/account/not-in-directory.njk', { linked: request.user?.staffId !== null });
    });

    // Offered after signing out of Genomeg: ends the session at the provider too, when it has an end-session address.
    app.get('/sign-out/sso', { config: { access: 'public' } }, async (request, reply) => {
      const provider = enabled();
      const back = `${app.config.PUBLIC_URL}${localPath(request.lang, '/sign-in')}?signedOut=1`;
      const url = await provider.endSessionUrl(back);
      return reply.redirect(url?.href ?? back, 303);
    });

    app.get('/signed-out', { config: { access: 'public' } }, async (request, reply) => {
      const providerSignOut = sso === null ? false : (await sso.endSessionUrl(app.config.PUBLIC_URL)) !== null;
      return reply.render('pages/account/signed-out.njk', { providerSignOut });
    });
  };
}

