import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/security/passwords.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';

function cookiesFrom(setCookie: string | string[] | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const c of [setCookie ?? []].flat()) {
    const [pair = ''] = c.split(';');
    const [name = '', value = ''] = pair.split('=');
    map.set(name, value);
  }
  return map;
}

function csrfFrom(body: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(body);
  if (match?.[1] === undefined) throw new Error('no _csrf field on the page');
  return match[1];
}

describe.each(engines)('signing in and out on $name', (engine) => {
  let t: TestApp;
  const password = 'correct horse battery staple';

  beforeAll(async () => {
    t = await buildTestApp(engine, { SIGN_IN_MAX_FAILURES: '3' });
    await t.app.stores.users.create({ email: 'siân.jones@demo.genomeg.test', displayName: 'Siân Jones', passwordHash: await hashPassword(password), grants: [{ role: 'learner', organisationCode: null }], language: 'cy' }, null);
    await t.app.stores.users.create({ email: 'throttled@demo.genomeg.test', displayName: 'T', passwordHash: await hashPassword(password), grants: [] }, null);
  });
  afterAll(async () => { await t.close(); });

  async function signInPage(remoteAddress = '10.0.0.1') {
    const page = await t.app.inject({ method: 'GET', url: '/sign-in', remoteAddress });
    const cookies = cookiesFrom(page.headers['set-cookie']);
    return { csrf: csrfFrom(page.body), cookie: `gnm_csrf=${cookies.get('gnm_csrf') ?? ''}` };
  }

  it('stores passwords as argon2id hashes', async () => {
    const found = await t.app.stores.users.findCredentialsByEmail('siân.jones@demo.genomeg.test');
    expect(found?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,(t=2,p=1|p=1,t=2)\$/);
  });

  it('signs in, rotates to a new HttpOnly SameSite session cookie, and goes home in the language last chosen', async () => {
    const { csrf, cookie } = await signInPage();
    const response = await t.app.inject({ method: 'POST', url: '/sign-in', headers: { cookie }, payload: { _csrf: csrf, email: 'SIÂN.JONES@demo.genomeg.test', password } });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/cy');
    const setCookie = [response.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('gnm_session='));
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    const session = cookiesFrom(response.headers['set-cookie']).get('gnm_session');
    const home = await t.app.inject({ method: 'GET', url: '/cy', headers: { cookie: `gnm_session=${session ?? ''}` } });
    expect(home.body).toContain('Helo, Siân Jones');
  });

  it('sets the Secure flag on the session cookie behind TLS', async () => {
    const secure = await buildTestApp(engine, { TRUST_PROXY: 'true' });
    try {
      await secure.app.stores.users.create({ email: 'tls@demo.genomeg.test', displayName: 'TLS', passwordHash: await hashPassword(password), grants: [] }, null);
      const page = await secure.app.inject({ method: 'GET', url: '/sign-in', headers: { 'x-forwarded-proto': 'https' } });
      const csrf = csrfFrom(page.body);
      const cookie = `gnm_csrf=${cookiesFrom(page.headers['set-cookie']).get('gnm_csrf') ?? ''}`;
      const response = await secure.app.inject({ method: 'POST', url: '/sign-in', headers: { cookie, 'x-forwarded-proto': 'https' }, payload: { _csrf: csrf, email: 'tls@demo.genomeg.test', password } });
      const setCookie = [response.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('gnm_session='));
      expect(setCookie).toMatch(/Secure/);
    } finally {
      await secure.close();
    }
  });

  it('gives the same answer for a wrong password and an unknown email', async () => {
    const { csrf, cookie } = await signInPage('10.0.0.2');
    const wrong = await t.app.inject({ method: 'POST', url: '/sign-in', remoteAddress: '10.0.0.2', headers: { cookie }, payload: { _csrf: csrf, email: 'siân.jones@demo.genomeg.test', password: 'nope' } });
    const unknown = await t.app.inject({ method: 'POST', url: '/sign-in', remoteAddress: '10.0.0.3', headers: { cookie }, payload: { _csrf: csrf, email: 'nobody@demo.genomeg.test', password: 'nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.body).toContain('Your email address or password is not right');
    expect(unknown.body).toContain('Your email address or password is not right');
  });

  it('names each empty field', async () => {
    const { csrf, cookie } = await signInPage('10.0.0.4');
    const response = await t.app.inject({ method: 'POST', url: '/cy/sign-in', remoteAddress: '10.0.0.4', headers: { cookie }, payload: { _csrf: csrf, email: '', password: '' } });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('href="#email"');
    expect(response.body).toContain('Rhowch eich cyfeiriad e-bost');
    expect(response.body).toContain('Rhowch eich cyfrinair');
  });

  it('refuses a sign-in without the form token', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/sign-in', payload: { email: 'siân.jones@demo.genomeg.test', password } });
    expect(response.statusCode).toBe(403);
    expect(response.headers['set-cookie']?.toString() ?? '').not.toContain('gnm_session=');
  });

  it('slows down guessing: after too many failures even the right password waits', async () => {
    const { csrf, cookie } = await signInPage('10.0.0.9');
    for (let i = 0; i < 3; i += 1) {
      const r = await t.app.inject({ method: 'POST', url: '/sign-in', remoteAddress: '10.0.0.9', headers: { cookie }, payload: { _csrf: csrf, email: 'throttled@demo.genomeg.test', password: `guess ${i}` } });
      expect(r.statusCode).toBe(401);
    }
    const blocked = await t.app.inject({ method: 'POST', url: '/sign-in', remoteAddress: '10.0.0.9', headers: { cookie }, payload: { _csrf: csrf, email: 'throttled@demo.genomeg.test', password } });
    expect(blocked.statusCode).toBe(429);
    // Another address is blocked too, because the account's own count is over the limit.
    const elsewhere = await t.app.inject({ method: 'POST', url: '/sign-in', remoteAddress: '10.0.0.10', headers: { cookie }, payload: { _csrf: csrf, email: 'throttled@demo.genomeg.test', password } });
    expect(elsewhere.statusCode).toBe(429);
  });

  it('signs out, and the old session cookie no longer works', async () => {
    const { csrf, cookie } = await signInPage('10.0.0.5');
    const response = await t.app.inject({ method: 'POST', url: '/sign-in', remoteAddress: '10.0.0.5', headers: { cookie }, payload: { _csrf: csrf, email: 'siân.jones@demo.genomeg.test', password } });
    const session = cookiesFrom(response.headers['set-cookie']).get('gnm_session') ?? '';
    const home = await t.app.inject({ method: 'GET', url: '/', headers: { cookie: `gnm_session=${session}` } });
    const token = csrfFrom(home.body.replace(/_csrf=([^"&]+)/, 'name="_csrf" value="$1"'));
    const out = await t.app.inject({ method: 'POST', url: `/sign-out?_csrf=${token}`, headers: { cookie: `gnm_session=${session}` } });
    expect(out.statusCode).toBe(303);
    const after = await t.app.inject({ method: 'GET', url: '/', headers: { cookie: `gnm_session=${session}` } });
    expect(after.body).not.toContain('Siân Jones');
  });

  it('only returns to paths on this site after sign-in', async () => {
    const { csrf, cookie } = await signInPage('10.0.0.6');
    const response = await t.app.inject({ method: 'POST', url: '/sign-in', remoteAddress: '10.0.0.6', headers: { cookie }, payload: { _csrf: csrf, email: 'siân.jones@demo.genomeg.test', password, returnTo: '//evil.example/' } });
    expect(response.headers.location).toBe('/cy');
  });
});
