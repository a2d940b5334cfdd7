// Signed-in sessions are kept in memory for a few seconds per process
// (session-store.ts): what this process changes about who may do what takes
// effect on the very next request, kept or not. Each person reads a page
// first, so their session is kept when the change is made.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';

describe.each(engines)('sessions kept in memory on $name', (engine) => {
  let t: TestApp;
  let admin: SignedIn;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    admin = await signedIn(t.app, [{ role: 'platform-admin', organisationCode: null }]);
  }, 120_000);
  afterAll(async () => { await t.close(); });

  const get = (who: SignedIn, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } });
  const post = (who: SignedIn, url: string, body: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, headers: { cookie: who.cookie, accept: 'text/html' }, payload: { _csrf: who.csrf, ...body } });

  it('signs a person out on the next request after they sign out', async () => {
    const learner = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    expect((await get(learner, '/my-learning')).statusCode).toBe(200);
    expect((await post(learner, '/sign-out')).statusCode).toBe(303);
    const after = await get(learner, '/my-learning');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toBe('/sign-in?returnTo=%2Fmy-learning');
  });

  it('refuses what a removed role allowed on the next request', async () => {
    const other = await signedIn(t.app, [{ role: 'platform-admin', organisationCode: null }, { role: 'learner', organisationCode: null }]);
    expect((await get(other, '/admin/users')).statusCode).toBe(200);
    const removed = await post(admin, `/admin/users/${other.userId}/roles/revoke`, { role: 'platform-admin', organisationCode: '', confirm: 'yes' });
    expect(removed.statusCode).toBe(303);
    expect((await t.app.stores.users.findById(other.userId))?.grants).toEqual([{ role: 'learner', organisationCode: null }]);
    expect((await get(other, '/admin/users')).statusCode).toBe(403);
    expect((await get(other, '/my-learning')).statusCode).toBe(200);
  });

  it('signs out a deactivated person on the next request', async () => {
    const learner = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    expect((await get(learner, '/my-learning')).statusCode).toBe(200);
    expect((await post(admin, `/admin/users/${learner.userId}/disable`)).statusCode).toBe(303);
    expect((await t.app.stores.users.findById(learner.userId))?.active).toBe(false);
    expect((await get(learner, '/my-learning')).statusCode).toBe(303);
  });

  it('sees a role given on the next request', async () => {
    const learner = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    expect((await get(learner, '/admin/users')).statusCode).toBe(403);
    await t.app.stores.users.grant(learner.userId, { role: 'platform-admin', organisationCode: null }, admin.userId);
    expect((await get(learner, '/admin/users')).statusCode).toBe(200);
  });
});
