// A real OpenID Connect provider (the `oidc-provider` package) on 127.0.0.1 for
// the single sign-on tests, with its development login form driven over HTTP,
// and a way to tamper with the ID token it issues (re-signed with the
// provider's own key, so only the claim under test is wrong).

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import Provider from 'oidc-provider';

export interface ProviderAccount {
  readonly email: string;
  readonly name?: string;
  readonly email_verified?: boolean;
  readonly employee_number?: string;
}

export interface TestProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly accounts: Map<string, ProviderAccount>;
  /** Change the next ID tokens' claims (null: leave them alone). */
  tamper: ((claims: JWTPayload) => JWTPayload) | null;
  /** How the app reaches the provider: plain fetch, with tampering applied to token responses. */
  fetch(url: string, options: RequestInit): Promise<Response>;
  /** Sign in at the provider as this account, from the authorisation URL; returns where the provider sends the browser back. */
  signIn(authorisationUrl: string, accountId: string): Promise<URL>;
  close(): Promise<void>;
}

class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export async function startTestProvider(redirectUri: string, postLogoutRedirectUri: string): Promise<TestProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'test-signing-key', alg: 'RS256', use: 'sig' };
  const accounts = new Map<string, ProviderAccount>();
  const clientId = 'genomeg-test';
  const clientSecret = 'a-test-client-secret-that-is-long-enough-0123456789';

  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], post_logout_redirect_uris: [postLogoutRedirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    jwks: { keys: [jwk] },
    cookies: { keys: ['test-cookie-key-0123456789'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'employee_number'] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    findAccount: (_ctx, sub) => {
      const account = accounts.get(sub);
      if (account === undefined) return undefined;
      return { accountId: sub, claims: () => ({ sub, ...account }) };
    },
    // Consent is assumed, as an organisation's own provider does for its own applications.
    loadExistingGrant: async (ctx) => {
      const session = ctx.oidc.session;
      const client = ctx.oidc.client;
      if (session?.accountId === undefined || client === undefined) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid email profile');
      grant.addOIDCClaims(['email', 'email_verified', 'name', 'employee_number']);
      await grant.save();
      return grant;
    },
  });
  const handle = provider.callback();
  server.on('request', (req, res) => { void handle(req, res); });

  const state: { tamper: ((claims: JWTPayload) => JWTPayload) | null } = { tamper: null };
  const key: CryptoKey = privateKey;

  async function resign(idToken: string, change: (claims: JWTPayload) => JWTPayload): Promise<string> {
    const claims = change(decodeJwt(idToken));
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' }).sign(key);
  }

  return {
    issuer, clientId, clientSecret, accounts,
    get tamper() { return state.tamper; },
    set tamper(value) { state.tamper = value; },
    async fetch(url, options) {
      const response = await fetch(url, options);
      const change = state.tamper;
      if (change === null || !url.endsWith('/token') || !response.ok) return response;
      const body = await response.json() as Record<string, unknown>;
      if (typeof body['id_token'] === 'string') body['id_token'] = await resign(body['id_token'], change);
      return new Response(JSON.stringify(body), { status: response.status, headers: response.headers });
    },
    async signIn(authorisationUrl, accountId) {
      const jar = new CookieJar();
      let response = await fetch(authorisationUrl, { redirect: 'manual' });
      jar.take(response);
      let location = new URL(response.headers.get('location') ?? '', issuer);
      for (let step = 0; step < 6; step += 1) {
        if (location.href.startsWith(redirectUri)) return location;
        if (location.pathname.startsWith('/interaction/')) {
          response = await fetch(location, { method: 'POST', redirect: 'manual', headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ prompt: 'login', login: accountId, password: 'any' }).toString() });
        } else {
          response = await fetch(location, { redirect: 'manual', headers: { cookie: jar.header() } });
        }
        jar.take(response);
        const next = response.headers.get('location');
        if (next === null) throw new Error(`the provider stopped at ${location.href} with ${String(response.status)}: ${(await response.text()).slice(0, 300)}`);
        location = new URL(next, issuer);
      }
      throw new Error('the provider never sent the browser back');
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => { resolve(); }); }),
  };
}
