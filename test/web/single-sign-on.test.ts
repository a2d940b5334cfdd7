// Single sign-on end to end against a real OpenID Connect provider on
// 127.0.0.1: the first sign-in creates an account linked to the staff record,
// and a wrong audience, an expired ID token, a replayed state and an email
// domain not allowed are each refused with a clear page, in English and
// Welsh, with nothing created.

import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import { SingleSignOn, singleSignOnSettings } from '../../src/services/auth/oidc.js';
import { buildApp } from '../../src/web/app.js';
import { engines } from '../support/engines.js';
import { signedIn as signedInAs } from '../support/app.js';
import { startTestProvider, type TestProvider } from '../support/oidc-provider.js';

const PUBLIC_URL = 'http://genomeg.test';

function cookieFrom(setCookie: string | string[] | undefined, name: string): string | undefined {
  for (const c of [setCookie ?? []].flat()) {
    const [pair = ''] = c.split(';');
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq) === name) return pair.slice(eq + 1);
  }
  return undefined;
}

describe.each(engines)('single sign-on on $name', (engine) => {
  let provider: TestProvider;
  let app: FastifyInstance;
  let database: DatabaseHandle;
  const staffId = randomUUID();
  const invitedStaffId = randomUUID();

  beforeAll(async () => {
    provider = await startTestProvider(`${PUBLIC_URL}/sign-in/sso/callback`, `${PUBLIC_URL}/sign-in?signedOut=1`);
    database = await engine.open();
    const config = loadConfig({
      NODE_ENV: 'test', LOG_LEVEL: 'silent', CONTENT_DIR: 'test/fixtures/content', PUBLIC_URL,
      OIDC_ISSUER_URL: provider.issuer, OIDC_CLIENT_ID: provider.clientId, OIDC_CLIENT_SECRET: provider.clientSecret,
      OIDC_ALLOWED_EMAIL_DOMAINS: 'wales.nhs.uk, nhs.wales',
    });
    const settings = singleSignOnSettings(config);
    if (settings === null) throw new Error('single sign-on is not configured');
    app = await buildApp({ config, database, logger: false, singleSignOn: SingleSignOn.create(settings, { fetch: (url, options) => provider.fetch(url, options) }) });
    await app.ready();
    const now = new Date();
    await database.db.insertInto('staff').values({
      id: staffId, employee_number: '10000001', assignment_number: '10000001-1', first_name: 'Nia', last_name: 'Evans',
      email: 'nia.evans@wales.nhs.uk', organisation_code: '7A7', staff_group_code: 'NUR', job_role: 'Staff Nurse', band_code: '5',
      wte: 1, assignment_start_date: '2020-01-01', age_band: '25-29', line_manager_assignment_number: null, active: true, left_at: null,
      search_text: 'nia evans 10000001 nia.evans@wales.nhs.uk', created_at: now, updated_at: now,
    }).execute();
    provider.accounts.set('sub-nia', { email: 'Nia.Evans@wales.nhs.uk', name: 'Nia E', email_verified: true });
    provider.accounts.set('sub-stranger', { email: 'new.starter@nhs.wales', name: 'New Starter', email_verified: true });
    provider.accounts.set('sub-outsider', { email: 'someone@gmail.com', name: 'Someone', email_verified: true });
    provider.accounts.set('sub-replay', { email: 'replay.person@wales.nhs.uk', name: 'Replay Person', email_verified: true });
    provider.accounts.set('sub-aud', { email: 'aud.person@wales.nhs.uk', name: 'Aud Person', email_verified: true });
    provider.accounts.set('sub-exp', { email: 'exp.person@wales.nhs.uk', name: 'Exp Person', email_verified: true });
    provider.accounts.set('sub-iss', { email: 'iss.person@wales.nhs.uk', name: 'Iss Person', email_verified: true });
    provider.accounts.set('sub-nonce', { email: 'nonce.person@wales.nhs.uk', name: 'Nonce Person', email_verified: true });
    await database.db.insertInto('staff').values({
      id: invitedStaffId, employee_number: '10000002', assignment_number: '10000002-1', first_name: 'Gwen', last_name: 'Jones',
      email: 'gwen.jones@wales.nhs.uk', organisation_code: '7A7', staff_group_code: 'NUR', job_role: 'Staff Nurse', band_code: '5',
      wte: 1, assignment_start_date: '2020-01-01', age_band: '25-29', line_manager_assignment_number: null, active: true, left_at: null,
      search_text: 'gwen jones 10000002 gwen.jones@wales.nhs.uk', created_at: now, updated_at: now,
    }).execute();
    provider.accounts.set('sub-gwen', { email: 'Gwen.Jones@wales.nhs.uk', name: 'G Jones', email_verified: true });
    provider.accounts.set('sub-not-gwen', { email: 'not.gwen@wales.nhs.uk', name: 'Not Gwen', email_verified: true });
  }, 120_000);

  afterAll(async () => {
    await app.close();
    await database.close();
    await provider.close();
  });

  /** Begin at the app, sign in at the provider, and return the callback to inject, with the browser's cookie. */
  async function throughProvider(accountId: string, language: 'en' | 'cy' = 'en', from?: string): Promise<{ callback: string; cookie: string }> {
    const begin = await app.inject({ method: 'GET', url: from ?? (language === 'cy' ? '/cy/sign-in/sso' : '/sign-in/sso') });
    expect(begin.statusCode).toBe(303);
    const authorisation = new URL(String(begin.headers.location));
    expect(authorisation.origin).toBe(provider.issuer);
    expect(authorisation.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorisation.searchParams.get('nonce')).not.toBeNull();
    expect(authorisation.searchParams.get('state')).not.toBeNull();
    const browser = cookieFrom(begin.headers['set-cookie'], 'gnm_sso');
    const back = await provider.signIn(authorisation.href, accountId);
    return { callback: `${back.pathname}${back.search}`, cookie: `gnm_sso=${browser ?? ''}; gnm_lang=${language}` };
  }

  async function counts() {
    const users = await database.db.selectFrom('users').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    const sessions = await database.db.selectFrom('sessions').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    return { users: Number(users.n), sessions: Number(sessions.n) };
  }

  it('shows the button on the sign-in page in both languages', async () => {
    expect((await app.inject({ method: 'GET', url: '/sign-in' })).body).toContain('Sign in with your NHS Wales account');
    expect((await app.inject({ method: 'GET', url: '/cy/sign-in' })).body).toContain('Mewngofnodi gyda’ch cyfrif GIG Cymru');
  });

  it('creates an account at the first sign-in, linked to the staff record with the same work email, as a learner only, and audits it', async () => {
    const { callback, cookie } = await throughProvider('sub-nia');
    const response = await app.inject({ method: 'GET', url: callback, headers: { cookie } });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/');
    const user = await app.stores.users.findByEmail('nia.evans@wales.nhs.uk');
    expect(user?.staffId).toBe(staffId);
    expect(user?.displayName).toBe('Nia Evans');
    expect(user?.grants).toEqual([{ role: 'learner', organisationCode: null }]);
    expect(user?.ssoLinked).toBe(true);
    expect(user?.lastSignedInAt).not.toBeNull();
    const session = cookieFrom(response.headers['set-cookie'], 'gnm_session');
    const home = await app.inject({ method: 'GET', url: '/', headers: { cookie: `gnm_session=${session ?? ''}` } });
    expect(home.body).toContain('Nia Evans');
    const audit = await app.stores.audit.list({ entityType: 'user', entityId: user?.id ?? '' });
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['user.created', 'user.signed-in']));
    expect(audit.find((e) => e.action === 'user.signed-in')?.after).toEqual({ method: 'sso' });

    // The second time, the same account (found by the provider's subject).
    const again = await throughProvider('sub-nia');
    expect((await app.inject({ method: 'GET', url: again.callback, headers: { cookie: again.cookie } })).statusCode).toBe(303);
    expect((await database.db.selectFrom('users').select('id').where('email', '=', 'nia.evans@wales.nhs.uk').execute()).length).toBe(1);
  });

  it('gives a person not in the directory a learner account with no organisation, and a page saying what to do, in Welsh', async () => {
    const { callback, cookie } = await throughProvider('sub-stranger', 'cy');
    const response = await app.inject({ method: 'GET', url: callback, headers: { cookie } });
    expect(response.headers.location).toBe('/cy/account/not-in-directory');
    const user = await app.stores.users.findByEmail('new.starter@nhs.wales');
    expect(user?.staffId).toBeNull();
    expect(user?.grants).toEqual([{ role: 'learner', organisationCode: null }]);
    const session = cookieFrom(response.headers['set-cookie'], 'gnm_session');
    const page = await app.inject({ method: 'GET', url: '/cy/account/not-in-directory', headers: { cookie: `gnm_session=${session ?? ''}` } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('nid oeddem yn gallu dod o hyd i’ch cofnod staff');
    expect(page.body).toContain('new.starter@nhs.wales');
  });

  it.each(['en', 'cy'] as const)('refuses a replayed state with a clear page, creating nothing (%s)', async (language) => {
    const { callback, cookie } = await throughProvider('sub-replay', language);
    const first = await app.inject({ method: 'GET', url: callback, headers: { cookie } });
    expect(first.statusCode).toBe(303);
    const before = await counts();
    const replay = await app.inject({ method: 'GET', url: callback, headers: { cookie } });
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain(language === 'cy' ? 'Mae eich mewngofnodi wedi dod i ben neu wedi’i ddefnyddio’n barod' : 'Your sign-in has expired or was already used');
    expect(cookieFrom(replay.headers['set-cookie'], 'gnm_session')).toBeUndefined();
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['a wrong audience', 'sub-aud', (c: Record<string, unknown>) => ({ ...c, aud: 'some-other-application' })],
    ['an expired ID token', 'sub-exp', (c: Record<string, unknown>) => ({ ...c, iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 })],
    ['a wrong issuer', 'sub-iss', (c: Record<string, unknown>) => ({ ...c, iss: 'https://login.example.invalid/other-tenant/v2.0' })],
    ['a nonce from another sign-in', 'sub-nonce', (c: Record<string, unknown>) => ({ ...c, nonce: 'not-the-nonce-this-browser-was-given' })],
  ])('refuses %s with a clear page in both languages, creating nothing', async (_what, accountId, change) => {
    provider.tamper = change;
    try {
      for (const language of ['en', 'cy'] as const) {
        const before = await counts();
        const { callback, cookie } = await throughProvider(accountId, language);
        const response = await app.inject({ method: 'GET', url: callback, headers: { cookie } });
        expect(response.statusCode).toBe(400);
        expect(response.body).toContain(language === 'cy' ? 'Nid oeddem yn gallu gwirio eich mewngofnodi gyda’ch sefydliad' : 'We could not check your sign-in with your organisation');
        expect(response.body).toContain(language === 'cy' ? 'ni chafodd unrhyw gyfrif ei greu' : 'no account was created');
        expect(await counts()).toEqual(before);
      }
    } finally {
      provider.tamper = null;
    }
    expect(await app.stores.users.findByEmail(`${accountId.slice(4)}.person@wales.nhs.uk`)).toBeUndefined();
  });

  it.each(['en', 'cy'] as const)('refuses an email domain that is not allowed with a clear page, creating nothing (%s)', async (language) => {
    const before = await counts();
    const { callback, cookie } = await throughProvider('sub-outsider', language);
    const response = await app.inject({ method: 'GET', url: callback, headers: { cookie } });
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain(language === 'cy' ? 'Ni ellir defnyddio eich cyfeiriad e-bost i fewngofnodi yma' : 'Your email address cannot be used to sign in here');
    expect(await counts()).toEqual(before);
    expect(await app.stores.users.findByEmail('someone@gmail.com')).toBeUndefined();
  });

  it('refuses a callback finished in another browser than the one that began it', async () => {
    const { callback } = await throughProvider('sub-replay');
    const response = await app.inject({ method: 'GET', url: callback, headers: { cookie: 'gnm_sso=someone-elses' } });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Your sign-in has expired or was already used');
  });

  it('offers the provider’s sign-out after signing out of a single sign-on account', async () => {
    const { callback, cookie } = await throughProvider('sub-nia');
    const signedIn = await app.inject({ method: 'GET', url: callback, headers: { cookie } });
    const session = cookieFrom(signedIn.headers['set-cookie'], 'gnm_session') ?? '';
    const csrf = (await database.db.selectFrom('sessions').select('csrf_token').orderBy('created_at', 'desc').executeTakeFirstOrThrow()).csrf_token;
    const out = await app.inject({ method: 'POST', url: '/sign-out', headers: { cookie: `gnm_session=${session}` }, payload: { _csrf: csrf } });
    expect(out.headers.location).toBe('/signed-out');
    const page = await app.inject({ method: 'GET', url: '/signed-out' });
    expect(page.body).toContain('Sign out of your organisation account');
    const provide = await app.inject({ method: 'GET', url: '/sign-out/sso' });
    const end = new URL(String(provide.headers.location));
    expect(end.origin).toBe(provider.issuer);
    expect(end.searchParams.get('client_id')).toBe(provider.clientId);
  });

  it('accepts an invitation by single sign-on: refused with a clear page for another email (nothing created, the invitation still good), then linked to the invited staff record and the invitation spent', async () => {
    const admin = await signedInAs(app, [{ role: 'org-admin', organisationCode: '7A7' }]);
    const token = await app.stores.accounts.issueInvitation({ staffId: invitedStaffId, email: 'gwen.jones@wales.nhs.uk', language: 'cy', organisationCode: '7A7' }, admin.userId, 7 * 24 * 3600_000);
    const page = await app.inject({ method: 'GET', url: `/cy/invitation/${token}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`href="/cy/sign-in/sso?invitation=${token}"`);
    expect(page.body).toContain('Mewngofnodi gyda’ch cyfrif GIG Cymru');
    expect(page.body).toContain('Neu dewiswch gyfrinair');

    // Signed in at the provider as someone else: refused, nothing created, the invitation not spent.
    const before = await counts();
    const wrong = await throughProvider('sub-not-gwen', 'cy', `/cy/sign-in/sso?invitation=${token}`);
    const refused = await app.inject({ method: 'GET', url: wrong.callback, headers: { cookie: wrong.cookie } });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Gwnaethoch fewngofnodi gyda chyfeiriad e-bost gwahanol i’r un a wahoddwyd');
    expect(refused.body).toContain('gwen.jones@wales.nhs.uk');
    expect(refused.body).toContain('not.gwen@wales.nhs.uk');
    expect(await counts()).toEqual(before);
    expect(await app.stores.users.findByEmail('not.gwen@wales.nhs.uk')).toBeUndefined();
    expect((await app.inject({ method: 'GET', url: `/invitation/${token}` })).statusCode).toBe(200);

    // The invited person: an account linked to the invited staff record and to the provider, in the invitation's language.
    const right = await throughProvider('sub-gwen', 'cy', `/cy/sign-in/sso?invitation=${token}`);
    const accepted = await app.inject({ method: 'GET', url: right.callback, headers: { cookie: right.cookie } });
    expect(accepted.statusCode).toBe(303);
    expect(accepted.headers.location).toBe('/cy');
    expect(cookieFrom(accepted.headers['set-cookie'], 'gnm_session')).toBeTruthy();
    const user = await app.stores.users.findByEmail('gwen.jones@wales.nhs.uk');
    expect(user?.staffId).toBe(invitedStaffId);
    expect(user?.ssoLinked).toBe(true);
    expect(user?.language).toBe('cy');
    expect(user?.grants).toEqual([{ role: 'learner', organisationCode: null }]);
    const audit = await app.stores.audit.list({ entityType: 'user', entityId: user?.id ?? '' });
    expect(audit.find((e) => e.action === 'user.invitation-accepted')?.after).toEqual({ email: 'gwen.jones@wales.nhs.uk', staffId: invitedStaffId, via: 'sso' });
    // The invitation is spent: its page, and a new sign-in from it, are refused.
    expect((await app.inject({ method: 'GET', url: `/invitation/${token}` })).statusCode).toBe(400);
    const spent = await app.inject({ method: 'GET', url: `/sign-in/sso?invitation=${token}` });
    expect(spent.statusCode).toBe(400);
    expect(spent.body).toContain('This invitation has expired or has already been used');
  });
});
