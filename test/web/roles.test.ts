// Giving and removing roles through the pages (issue 14 item 9): a missing
// organisation is a mistake in the form, removing asks first and says it is
// done, and an administrator cannot remove their own last administrator role.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';

describe.each(engines)('managing roles on $name', (engine) => {
  let t: TestApp;
  let admin: SignedIn;
  let platform: SignedIn;
  let target: SignedIn;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    admin = await signedIn(t.app, [{ role: 'org-admin', organisationCode: '7A7' }]);
    platform = await signedIn(t.app, [{ role: 'platform-admin', organisationCode: null }]);
    target = await signedIn(t.app, [{ role: 'line-manager', organisationCode: '7A7' }]);
  }, 120_000);
  afterAll(async () => { await t.close(); });

  const post = (who: SignedIn, url: string, body: Record<string, string>) =>
    t.app.inject({ method: 'POST', url, headers: { cookie: who.cookie, accept: 'text/html' }, payload: { _csrf: who.csrf, ...body } });
  const get = (who: SignedIn, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } });

  it('shows a line-manager role given without an organisation as an error on the organisation field, not a 403, in both languages', async () => {
    for (const [prefix, message] of [['', 'Choose the organisation this role is for'], ['/cy', 'Dewiswch y sefydliad y mae&#39;r rôl hon ar ei gyfer']] as const) {
      const response = await post(admin, `${prefix}/admin/users/${target.userId}/roles`, { role: 'line-manager', organisationCode: '' });
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('href="#organisationCode"');
      expect(response.body).toContain(message);
      expect(response.body).toMatch(/<select[^>]+nhsuk-select--error[^>]+id="organisationCode"|id="organisationCode"[^>]+nhsuk-select--error/);
      // The role chosen stays chosen.
      expect(response.body).toMatch(/<option value="line-manager" selected/);
    }
    expect((await t.app.stores.users.findById(target.userId))?.grants).toEqual([{ role: 'line-manager', organisationCode: '7A7' }]);
  });

  it('gives a role and says so', async () => {
    const response = await post(admin, `/admin/users/${target.userId}/roles`, { role: 'learner', organisationCode: '' });
    expect(response.statusCode).toBe(303);
    const page = await get(admin, String(response.headers.location));
    expect(page.body).toContain('now has the role Learner');
  });

  it('asks before removing a role, on a page that works without JavaScript, then removes it and says so', async () => {
    const user = await get(admin, `/admin/users/${target.userId}`);
    const link = /href="([^"]*\/roles\/remove\?role=line-manager[^"]*)"/.exec(user.body)?.[1]?.replace(/&amp;/g, '&');
    expect(link).toBeDefined();
    const confirm = await get(admin, link ?? '');
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Remove this role?');
    expect(confirm.body).toContain('name="confirm" value="yes"');
    // Nothing has changed yet.
    expect((await t.app.stores.users.findById(target.userId))?.grants).toContainEqual({ role: 'line-manager', organisationCode: '7A7' });
    // A post without the confirmation is sent to the question first.
    const unconfirmed = await post(admin, `/admin/users/${target.userId}/roles/revoke`, { role: 'line-manager', organisationCode: '7A7' });
    expect(unconfirmed.statusCode).toBe(303);
    expect(unconfirmed.headers.location).toContain('/roles/remove?role=line-manager');
    expect((await t.app.stores.users.findById(target.userId))?.grants).toContainEqual({ role: 'line-manager', organisationCode: '7A7' });
    const done = await post(admin, `/cy/admin/users/${target.userId}/roles/revoke`, { role: 'line-manager', organisationCode: '7A7', confirm: 'yes' });
    expect(done.statusCode).toBe(303);
    const page = await get(admin, String(done.headers.location));
    expect(page.body, String(done.headers.location)).toContain('nhsuk-notification-banner--success');
    expect(page.body).toContain('wedi&#39;i thynnu');
    expect(page.body).toContain('Rheolwr llinell');
    expect((await t.app.stores.users.findById(target.userId))?.grants).not.toContainEqual({ role: 'line-manager', organisationCode: '7A7' });
    const audit = await t.app.stores.audit.list({ limit: 5 });
    expect(audit[0]).toMatchObject({ action: 'role.revoked', actorUserId: admin.userId, entityId: target.userId });
  });

  it('offers to remove only the roles the administrator could give', async () => {
    const both = await signedIn(t.app, [{ role: 'workforce-planner', organisationCode: null }, { role: 'line-manager', organisationCode: '7A7' }]);
    const page = await get(admin, `/admin/users/${both.userId}`);
    expect(page.body).toContain('roles/remove?role=line-manager');
    expect(page.body).not.toContain('roles/remove?role=workforce-planner');
  });

  it('refuses an administrator removing their own last administrator role, with a clear error, and allows it while they hold another', async () => {
    for (const who of [admin, platform]) {
      const grant = who === admin ? { role: 'org-admin', organisationCode: '7A7' } : { role: 'platform-admin', organisationCode: '' };
      const confirm = await get(who, `/admin/users/${who.userId}/roles/remove?role=${grant.role}&organisationCode=${grant.organisationCode}`);
      expect(confirm.statusCode).toBe(409);
      expect(confirm.body).toContain('You cannot remove your own last administrator role');
      expect(confirm.body).not.toContain('name="confirm" value="yes"');
      const response = await post(who, `/admin/users/${who.userId}/roles/revoke`, { ...grant, confirm: 'yes' });
      expect(response.statusCode).toBe(409);
      expect(response.body).toContain('href="#confirm"');
      expect((await t.app.stores.users.findById(who.userId))?.grants.some((g) => g.role === grant.role)).toBe(true);
    }
    const welsh = await get(admin, `/cy/admin/users/${admin.userId}/roles/remove?role=org-admin&organisationCode=7A7`);
    expect(welsh.body).toContain('Ni allwch dynnu eich rôl weinyddu olaf eich hun');
    // With another administrator role held, one of them can go.
    await t.app.stores.users.grant(platform.userId, { role: 'org-admin', organisationCode: '7A7' }, platform.userId);
    const response = await post(platform, `/admin/users/${platform.userId}/roles/revoke`, { role: 'org-admin', organisationCode: '7A7', confirm: 'yes' });
    expect(response.statusCode).toBe(303);
  });
});
