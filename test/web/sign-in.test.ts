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

  it('signs in, rotates to a new HttpOnly SameSite session cookie, and goes home in the language of the sign-in page', async () => {
    const { csrf, cookie } = await signInPage();
    const response = await t.app.inject({ method: 'POST', url: '/cy/sign-in', headers: { cookie }, payload: { _csrf: csrf, email: 'SIÂN.JONES@demo.genomeg.test', password } });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/cy');
    const setCookie = [response.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('gnm_session='));
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    const session = cookiesFrom(response.headers['set-cookie']).get('gnm_session');
    const home = await t.app.inject({ method: 'GET', url: '/cy', headers: { cookie: `gnm_session=${session ?? ''}` } });
    expect(home.body).toContain('Helo, Siân Jones');
  });

  it('keeps the Welsh chosen on the sign-in page: lands on the Welsh home page and saves Welsh as the account language (Welsh review row 5)', async () => {
    await t.app.stores.users.create({ email: 'english@demo.genomeg.test', displayName: 'E', passwordHash: await hashPassword(password), grants: [] }, null);
    const { csrf, cookie } = await signInPage('10.0.0.31');
    const response = await t.app.inject({ method: 'POST', url: '/cy/sign-in', remoteAddress: '10.0.0.31', headers: { cookie }, payload: { _csrf: csrf, email: 'english@demo.genomeg.test', password } });
    expect(response.headers.location).toBe('/cy');
    expect((await t.app.stores.users.findByEmail('english@demo.genomeg.test'))?.language).toBe('cy');
    // Choosing a language is not an event for the audit log (issue 14 item 11).
    expect((await t.app.stores.audit.list({ limit: 500 })).some((e) => e.action === 'user.language-changed')).toBe(false);
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

  it('only returns to paths on this site after sign-in, and goes home for anything else (issue 13 item 8)', async () => {
    const cases: [string, string][] = [
      ['//evil.example/', '/'],
      ['/\t/evil.example', '/'],
      ['/%09/evil.example', '/%09/evil.example'],
      ['/\\evil.example', '/'],
      ['/\n/evil.example', '/'],
      ['/.//evil.example', '/'],
      ['https://evil.example/', '/'],
      ['/\u0000', '/'],
      ['/\u0085x', '/'],
      ['/learn?topic=ŷ#ŵ', '/learn?topic=%C5%B7#%C5%B5'],
      ['/cy/dysgu/ŵyn', '/cy/dysgu/%C5%B5yn'],
      ['/my-learning', '/my-learning'],
    ];
    let n = 0;
    for (const [returnTo, location] of cases) {
      n += 1;
      const address = `10.0.6.${String(n)}`;
      const { csrf, cookie } = await signInPage(address);
      const response = await t.app.inject({ method: 'POST', url: '/sign-in', remoteAddress: address, headers: { cookie }, payload: { _csrf: csrf, email: 'siân.jones@demo.genomeg.test', password, returnTo } });
      expect(response.statusCode, returnTo).toBe(303);
      expect(response.headers.location, returnTo).toBe(location);
    }
    // The sign-in page keeps only a safe returnTo, and never fails on one.
    for (const returnTo of ['/%09/evil.example', '//evil', '/%5Cevil', '/%C5%B7', '/%00', '/%E2%80%A8', '/%ZZ']) {
      const page = await t.app.inject({ method: 'GET', url: `/sign-in?returnTo=${returnTo}` });
      expect(page.statusCode, returnTo).toBe(200);
      const kept = /name="returnTo" value="([^"]*)"/.exec(page.body)?.[1];
      if (kept !== undefined) expect(kept, returnTo).toMatch(/^\/[^/\\]/);
    }
  });
});

describe.each(engines)('sign-in throttling on $name (issue 13 item 4)', (engine) => {
  let t: TestApp;
  const password = 'correct horse battery staple';

  beforeAll(async () => {
    t = await buildTestApp(engine, { SIGN_IN_MAX_FAILURES: '3', SIGN_IN_ADDRESS_MAX_FAILURES: '4', TRUST_PROXY: '10.9.9.9' });
    for (const name of ['victim', 'owner', 'colleague', 'attacker', 'spoofed', 'decays']) {
      await t.app.stores.users.create({ email: `${name}@demo.genomeg.test`, displayName: name, passwordHash: await hashPassword(password), grants: [] }, null);
    }
  }, 120_000);
  afterAll(async () => { await t.close(); });

  async function attempt(email: string, guess: string, remoteAddress: string, headers: Record<string, string> = {}) {
    const page = await t.app.inject({ method: 'GET', url: '/sign-in', remoteAddress, headers });
    const cookie = `gnm_csrf=${cookiesFrom(page.headers['set-cookie']).get('gnm_csrf') ?? ''}`;
    return t.app.inject({ method: 'POST', url: '/sign-in', remoteAddress, headers: { ...headers, cookie }, payload: { _csrf: csrfFrom(page.body), email, password: guess } });
  }

  /** As if this long had passed since every failure so far. */
  async function later(ms: number) {
    const rows = await t.database.db.selectFrom('sign_in_counters').selectAll().execute();
    for (const row of rows) {
      await t.database.db.updateTable('sign_in_counters').set({ last_failure_at: new Date(new Date(row.last_failure_at).getTime() - ms) }).where('key', '=', row.key).execute();
    }
  }

  it("keeps counting an address's guesses after the guesser signs in to their own account", async () => {
    const from = '10.1.0.1';
    expect((await attempt('attacker@demo.genomeg.test', password, from)).statusCode).toBe(303);
    for (let i = 0; i < 4; i += 1) expect((await attempt(`nobody${String(i)}@demo.genomeg.test`, 'guess', from)).statusCode).toBe(401);
    // Their own account still signs in from there (they have before)...
    expect((await attempt('attacker@demo.genomeg.test', password, from)).statusCode).toBe(303);
    // ...and that does not wipe the count of their guesses.
    const next = await attempt('victim@demo.genomeg.test', 'guess', from);
    expect(next.statusCode).toBe(429);
    expect(Number(next.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('takes the client address only from the proxies configured, not from what the client writes in X-Forwarded-For', async () => {
    const proxy = '10.9.9.9';
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      // The client makes up a new left-most address each time; the proxy appends the real one.
      const r = await attempt(`sprayed${String(i)}@demo.genomeg.test`, 'guess', proxy, { 'x-forwarded-for': `198.51.100.${String(i)}, 203.0.113.7` });
      statuses.push(r.statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    // A client that is not the configured proxy cannot name an address at all.
    const direct = await attempt('nobody@demo.genomeg.test', 'guess', '192.0.2.50', { 'x-forwarded-for': '203.0.113.99' });
    expect(direct.statusCode).toBe(401);
    const audit = await t.app.stores.audit.list({ limit: 1 });
    expect(audit[0]?.after).toMatchObject({ address: '192.0.2.50' });
  });

  it('slows guessing at an account from elsewhere but lets its owner in from an address they have used, and everyone in after the wait', async () => {
    expect((await attempt('owner@demo.genomeg.test', password, '10.2.0.9')).statusCode).toBe(303);
    for (let i = 0; i < 3; i += 1) expect((await attempt('owner@demo.genomeg.test', `guess ${String(i)}`, '10.2.0.1')).statusCode).toBe(401);
    // The guesser waits, even with the right password, and so does a new address...
    expect((await attempt('owner@demo.genomeg.test', 'guess 4', '10.2.0.1')).statusCode).toBe(429);
    const fresh = await attempt('owner@demo.genomeg.test', password, '10.2.0.50');
    expect(fresh.statusCode).toBe(429);
    expect(fresh.body).toContain('Wait 1 minute and try again');
    // ...but the owner at their usual address is not locked out.
    expect((await attempt('owner@demo.genomeg.test', password, '10.2.0.9')).statusCode).toBe(303);
    // After the wait, the right password works from anywhere.
    await later(Number(fresh.headers['retry-after']) * 1000);
    expect((await attempt('owner@demo.genomeg.test', password, '10.2.0.50')).statusCode).toBe(303);
  });

  it('never asks anyone to wait longer than the window, however many failures, and lets the right password in after the wait', async () => {
    const waits: number[] = [];
    for (let i = 0; i < 14; i += 1) {
      const r = await attempt('victim@demo.genomeg.test', `guess ${String(i)}`, '10.4.0.1');
      if (r.statusCode === 429) {
        waits.push(Number(r.headers['retry-after']));
        await later(Number(r.headers['retry-after']) * 1000);
      }
    }
    expect(waits.length).toBeGreaterThan(0);
    expect(Math.max(...waits)).toBeLessThanOrEqual(15 * 60);
    const r = await attempt('victim@demo.genomeg.test', password, '10.4.0.2');
    if (r.statusCode === 429) await later(Number(r.headers['retry-after']) * 1000);
    expect((await attempt('victim@demo.genomeg.test', password, '10.4.0.2')).statusCode).toBe(303);
  });

  it('does not stop everyone behind one hospital NAT after a few failures there', async () => {
    const nat = '10.3.0.1';
    for (let i = 0; i < 3; i += 1) expect((await attempt('victim@demo.genomeg.test', `typo ${String(i)}`, nat)).statusCode).toBeGreaterThanOrEqual(401);
    expect((await attempt('colleague@demo.genomeg.test', password, nat)).statusCode).toBe(303);
  });

  it('lets counts decay, so old failures stop slowing sign-in', async () => {
    for (let i = 0; i < 3; i += 1) await attempt('decays@demo.genomeg.test', `guess ${String(i)}`, '10.5.0.1');
    expect((await attempt('decays@demo.genomeg.test', 'guess', '10.5.0.2')).statusCode).toBe(429);
    await later(30 * 60_000);
    // Three failures two half-lives ago count as 0.75; one more is 1.75, under the limit of 3.
    expect((await attempt('decays@demo.genomeg.test', 'guess', '10.5.0.2')).statusCode).toBe(401);
    expect((await attempt('decays@demo.genomeg.test', password, '10.5.0.3')).statusCode).toBe(303);
  });

  it('audits sign-ins, failures and throttled attempts, never with the password', async () => {
    const events = await t.app.stores.audit.list({ limit: 1000 });
    const actions = new Set(events.map((e) => e.action));
    expect(actions).toEqual(expect.objectContaining(new Set(['sign-in.succeeded', 'sign-in.failed', 'sign-in.throttled'])));
    for (const a of ['sign-in.succeeded', 'sign-in.failed', 'sign-in.throttled']) expect(actions.has(a), a).toBe(true);
    const text = JSON.stringify(events);
    expect(text).not.toContain(password);
    expect(text).not.toContain('guess');
    expect(text).not.toContain('nobody0@');
    const victim = await t.app.stores.users.findByEmail('victim@demo.genomeg.test');
    expect(events.filter((e) => e.action === 'sign-in.failed' && e.entityId === victim?.id).map((e) => e.after)).toContainEqual({ reason: 'wrong-password', address: '10.4.0.1' });
    expect(events.filter((e) => e.action === 'sign-in.throttled' && e.entityId === victim?.id).length).toBeGreaterThan(0);
    expect(events.filter((e) => e.action === 'sign-in.succeeded' && e.actorUserId === victim?.id).length).toBeGreaterThan(0);
  });
});
