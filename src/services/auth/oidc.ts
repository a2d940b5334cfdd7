// Single sign-on with the organisation's OpenID Connect provider (Microsoft
// Entra ID for NHS Wales; any standard provider works), through `openid-client`:
// the authorisation code flow with PKCE, a state and a nonce; the ID token's
// issuer, audience, expiry, nonce and signature (from the provider's JWKS) are
// checked by openid-client before any claim is read here.
//
// This file speaks to the provider and nothing else: it never creates accounts
// and never reads roles from the provider (services/auth/sign-on.ts decides who
// the person is; roles are granted in the product as for everyone else).

import * as oidc from 'openid-client';
import type { Config } from '../../config/env.js';

export interface SingleSignOnSettings {
  readonly issuerUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly emailClaim: string;
  readonly allowedEmailDomains: readonly string[];
  readonly employeeNumberClaim: string | null;
  readonly buttonLabel: { readonly en: string; readonly cy: string };
}

/** The settings from the configuration, or null when single sign-on is off. */
export function singleSignOnSettings(config: Config): SingleSignOnSettings | null {
  if (config.OIDC_ISSUER_URL === undefined || config.OIDC_CLIENT_ID === undefined || config.OIDC_CLIENT_SECRET === undefined) return null;
  return {
    issuerUrl: config.OIDC_ISSUER_URL,
    clientId: config.OIDC_CLIENT_ID,
    clientSecret: config.OIDC_CLIENT_SECRET,
    emailClaim: config.OIDC_EMAIL_CLAIM,
    allowedEmailDomains: config.OIDC_ALLOWED_EMAIL_DOMAINS,
    employeeNumberClaim: config.OIDC_EMPLOYEE_NUMBER_CLAIM ?? null,
    buttonLabel: { en: config.OIDC_BUTTON_LABEL_EN, cy: config.OIDC_BUTTON_LABEL_CY },
  };
}

/** What the provider vouched for, after every check. */
export interface ProviderIdentity {
  readonly issuer: string;
  readonly subject: string;
  readonly email: string | null;
  readonly emailVerified: boolean | null;
  readonly name: string | null;
  readonly employeeNumber: string | null;
}

export interface AuthorisationRequest {
  readonly url: URL;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

export type ProviderFetch = (url: string, options: oidc.CustomFetchOptions) => Promise<Response>;

function claimString(claims: Record<string, unknown>, name: string): string | null {
  const value = claims[name];
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number') return String(value);
  return null;
}

export class SingleSignOn {
  private configuration: Promise<oidc.Configuration> | null = null;

  private constructor(readonly settings: SingleSignOnSettings, private readonly fetchImpl: ProviderFetch | undefined) {}

  /** `fetch`: how to reach the provider (tests put one in front of their local provider). */
  static create(settings: SingleSignOnSettings, options: { fetch?: ProviderFetch } = {}): SingleSignOn {
    return new SingleSignOn(settings, options.fetch);
  }

  /** The provider's metadata, fetched at first use (not at start-up: a provider that is down must not stop the app) and kept. */
  private discovered(): Promise<oidc.Configuration> {
    this.configuration ??= (async () => {
      const issuer = new URL(this.settings.issuerUrl);
      const insecure = issuer.protocol === 'http:';
      const configuration = await oidc.discovery(issuer, this.settings.clientId, this.settings.clientSecret, undefined, {
        // Plain http is allowed by env.ts only for a provider on this machine outside production (the tests' provider).
        // eslint-disable-next-line @typescript-eslint/no-deprecated
        ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
        ...(this.fetchImpl === undefined ? {} : { [oidc.customFetch]: this.fetchImpl }),
        timeout: 10,
      });
      if (this.fetchImpl !== undefined) configuration[oidc.customFetch] = this.fetchImpl;
      return configuration;
    })();
    this.configuration.catch(() => { this.configuration = null; });
    return this.configuration;
  }

  async authorisationRequest(redirectUri: string, language: 'en' | 'cy'): Promise<AuthorisationRequest> {
    const configuration = await this.discovered();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ui_locales: language === 'cy' ? 'cy en' : 'en',
    });
    return { url, state, nonce, codeVerifier };
  }

  /**
   * Exchange the code the provider sent back, checking state, PKCE, and the ID
   * token (signature, issuer, audience, expiry, nonce). Throws on any failure.
   */
  async finish(callbackUrl: URL, expected: { state: string; nonce: string; codeVerifier: string }): Promise<ProviderIdentity> {
    const configuration = await this.discovered();
    const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
      expectedState: expected.state,
      expectedNonce: expected.nonce,
      pkceCodeVerifier: expected.codeVerifier,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (claims === undefined) throw new Error('the provider sent no ID token');
    const all = claims as unknown as Record<string, unknown>;
    const verified = all['email_verified'];
    return {
      issuer: claims.iss,
      subject: claims.sub,
      email: claimString(all, this.settings.emailClaim)?.toLowerCase() ?? null,
      emailVerified: typeof verified === 'boolean' ? verified : null,
      name: claimString(all, 'name'),
      employeeNumber: this.settings.employeeNumberClaim === null ? null : claimString(all, this.settings.employeeNumberClaim),
    };
  }

  /** The provider's sign-out address, or null when it publishes none. */
  async endSessionUrl(postLogoutRedirectUri: string): Promise<URL | null> {
    try {
      const configuration = await this.discovered();
      if (configuration.serverMetadata().end_session_endpoint === undefined) return null;
      return oidc.buildEndSessionUrl(configuration, { post_logout_redirect_uri: postLogoutRedirectUri, client_id: this.settings.clientId });
    } catch {
      return null;
    }
  }
}
