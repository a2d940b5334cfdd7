// Regression: personal pages (a learner's learning and certificates, a
// one-time xAPI secret, staff records) were sent without Cache-Control:
// no-store, so a shared computer's browser or a proxy could keep them; no
// HSTS was sent behind TLS; and a session had no absolute lifetime, so a
// token in use never stopped working.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/security/passwords.js';
import { hashToken } from '../../src/db/stores/session-store.js';
import { accountsWritten } from '../../src/db/stores/accounts-version.js';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';

describe.each(engines)('personal pages and sessions on $name', (engine) => {
  let t: TestApp;
  let admin: SignedIn;

  beforeAll(async () => {
    t = await buildTestApp(engine, { SESSION_LIFETIME_HOURS: '8', SESSION_MAX_HOURS: '12', TRUST_PROXY: 'true' });
    admin = await signedIn(t.app, [{ role: 'platform-admin', organisationCode: null }]);
  });
  afterAll(async () => { await t.close(); });

  it('sends Cache-Control: no-store with every page and file a signed-in person gets', async () => {
    // Every GET route (an id that matches nothing gives its not-found page, which is personal too), and a Welsh page.
    const paths = t.app.routeAccess.filter((r) => r.method === 'GET' && !r.url.startsWith('/xapi'))
      .map((r) => r.url.replace(/:[a-zA-Z]+/g, '00000000-0000-4000-8000-000000000000'));
    expect(paths.length).toBeGreaterThan(30);
    for (const path of [...paths, '/cy/my-learning']) {
      const response = await t.app.inject({ method: 'GET', url: path, headers: { cookie: admin.cookie, accept: 'text/html' } });
      expect({ path, cacheControl: response.headers['cache-control'] }).toEqual({ path, cacheControl: 'no-store' });
    }
  }, 120_000);

  it('sends no-store with the page that shows an xAPI client\'s one-time secret', async () => {
    const created = await t.app.inject({
      method: 'POST', url: '/admin/xapi-clients', headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${admin.csrf}&name=Moodle&organisationCode=7A7&scopes=statements%2Fwrite`,
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
  });

  it('lets static assets keep their caching, for signed-in people too', async () => {
    const css = await t.app.inject({ method: 'GET', url: '/assets/nhsuk/nhsuk-frontend.min.css', headers: { cookie: admin.cookie } });
    expect(css.statusCode).toBe(200);
    expect(css.headers['cache-control']).toBe('public, max-age=86400');
  });

  it('sends HSTS only over HTTPS as the trusted proxy reports it', async () => {
    const secure = await t.app.inject({ method: 'GET', url: '/accessibility', headers: { 'x-forwarded-proto': 'https' } });
    expect(secure.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    const plain = await t.app.inject({ method: 'GET', url: '/accessibility' });
    expect(plain.headers['strict-transport-security']).toBeUndefined();
  });

  it('ignores X-Forwarded-Proto for HSTS when no proxy is trusted', async () => {
    const direct = await buildTestApp(engine);
    try {
      const response = await direct.app.inject({ method: 'GET', url: '/accessibility', headers: { 'x-forwarded-proto': 'https' } });
      expect(response.headers['strict-transport-security']).toBeUndefined();
    } finally {
      await direct.close();
    }
  });

  it('ends a session SESSION_MAX_HOURS after sign-in even while it is in use', async () => {
    const learner = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    const token = learner.cookie.split('=')[1] ?? '';
    const home = () => t.app.inject({ method: 'GET', url: '/my-learning', headers: { cookie: learner.cookie, accept: 'text/html' } });
    // Signed in 11 hours ago and active a minute ago: still signed in.
    const ago = (hours: number) => new Date(Date.now() - hours * 3600_000);
    await t.database.db.updateTable('sessions').set({ created_at: ago(11), last_seen_at: ago(1 / 60), expires_at: ago(-8) }).where('id_hash', '=', hashToken(token)).execute();
    expect((await home()).statusCode).toBe(200);
    // Twelve hours after sign-in, the session has ended, however recently it was used.
    await t.database.db.updateTable('sessions').set({ created_at: ago(12.01), last_seen_at: ago(1 / 60), expires_at: ago(-8) }).where('id_hash', '=', hashToken(token)).execute();
    // Written behind the stores' back, as by another process (seen within SESSION_KEEP_MS): said here, so it is seen at once.
    accountsWritten();
    const after = await home();
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toBe('/sign-in?returnTo=%2Fmy-learning');
    expect(await t.database.db.selectFrom('sessions').select('id_hash').where('id_hash', '=', hashToken(token)).executeTakeFirst()).toBeUndefined();
  });

  it('keeps the session cookie for SESSION_MAX_HOURS, and sends no-store when signing in', async () => {
    const password = 'a long synthetic test password';
    await t.app.stores.users.create({ email: `cookie-${engine.name}@test.genomeg.test`, displayName: 'Cookie', passwordHash: await hashPassword(password), grants: [] }, null);
    const page = await t.app.inject({ method: 'GET', url: '/sign-in' });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const csrfCookie = [page.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('gnm_csrf='))?.split(';')[0] ?? '';
    const response = await t.app.inject({ method: 'POST', url: '/sign-in', headers: { cookie: csrfCookie }, payload: { _csrf: csrf, email: `cookie-${engine.name}@test.genomeg.test`, password } });
    expect(response.statusCode).toBe(303);
    expect(response.headers['cache-control']).toBe('no-store');
    const session = [response.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('gnm_session='));
    expect(session).toMatch(/Max-Age=43200/);
  });
});
