// A person's own password, the one-time password that must be changed at the
// first sign-in, and administrators disabling and enabling accounts.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordProblem } from '../../src/domain/auth/password-policy.js';
import { commonPasswords } from '../../src/security/common-passwords.js';
import { hashPassword, verifyPassword } from '../../src/security/passwords.js';
import { buildTestApp, signedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';

describe('the password rules', () => {
  const context = { email: 'gareth.price@wales.nhs.uk', common: commonPasswords() };
  it('needs 12 characters, refuses common passwords (also with digits or spaces changed) and the email, and checks the confirmation', () => {
    expect(passwordProblem('', '', context)).toBe('required');
    expect(passwordProblem('short-one', 'short-one', context)).toBe('too-short');
    expect(passwordProblem('Password1234', 'Password1234', context)).toBe('common');
    expect(passwordProblem('qwerty123456', 'qwerty123456', context)).toBe('common');
    expect(passwordProblem('Sunshine 2026!!', 'Sunshine 2026!!', context)).toBe('common');
    expect(passwordProblem('gareth.price-wales', 'gareth.price-wales', context)).toBe('email');
    expect(passwordProblem('otter lantern quarry', 'otter lantern query', context)).toBe('mismatch');
    expect(passwordProblem('otter lantern quarry', 'otter lantern quarry', context)).toBeNull();
  });
});

describe.each(engines)('accounts on $name', (engine) => {
  let t: TestApp;
  beforeAll(async () => { t = await buildTestApp(engine); }, 120_000);
  afterAll(async () => { await t.close(); });

  it('sends a person with a one-time password to the password page from everywhere until they change it, then ends their other sessions', async () => {
    const person = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    await t.app.stores.users.setPasswordHash(person.userId, await hashPassword('one-time-Xy7QpL2mVn'), null);
    await t.app.stores.accounts.requirePasswordChange(person.userId);
    const other = await t.app.stores.sessions.start(person.userId);

    const home = await t.app.inject({ method: 'GET', url: '/learn', headers: { cookie: person.cookie, accept: 'text/html' } });
    expect(home.statusCode).toBe(303);
    expect(home.headers.location).toBe('/account/password');
    const welsh = await t.app.inject({ method: 'GET', url: '/cy/learn', headers: { cookie: person.cookie, accept: 'text/html' } });
    expect(welsh.headers.location).toBe('/cy/account/password');
    const page = await t.app.inject({ method: 'GET', url: '/account/password', headers: { cookie: person.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('You signed in with a one-time password');
    expect(page.headers['cache-control']).toBe('no-store');

    const common = await t.app.inject({ method: 'POST', url: '/cy/account/password', headers: { cookie: person.cookie }, payload: { _csrf: person.csrf, currentPassword: 'one-time-Xy7QpL2mVn', newPassword: 'password2024', confirmPassword: 'password2024' } });
    expect(common.statusCode).toBe(400);
    expect(common.body).toContain('Mae eich cyfrinair newydd yn rhy gyffredin');
    expect(common.body).toContain('href="#newPassword"');
    const short = await t.app.inject({ method: 'POST', url: '/account/password', headers: { cookie: person.cookie }, payload: { _csrf: person.csrf, currentPassword: 'one-time-Xy7QpL2mVn', newPassword: 'short', confirmPassword: 'short' } });
    expect(short.body).toContain('Your new password must be at least 12 characters long');
    const wrong = await t.app.inject({ method: 'POST', url: '/account/password', headers: { cookie: person.cookie }, payload: { _csrf: person.csrf, currentPassword: 'not it', newPassword: 'otter lantern quarry', confirmPassword: 'otter lantern quarry' } });
    expect(wrong.body).toContain('Your current password is not right');
    expect((await t.app.stores.users.findById(person.userId))?.mustChangePassword).toBe(true);

    const changed = await t.app.inject({ method: 'POST', url: '/account/password', headers: { cookie: person.cookie }, payload: { _csrf: person.csrf, currentPassword: 'one-time-Xy7QpL2mVn', newPassword: 'otter lantern quarry', confirmPassword: 'otter lantern quarry' } });
    expect(changed.statusCode).toBe(303);
    expect(changed.headers.location).toBe('/account/password?done=1');
    const user = await t.app.stores.users.findCredentialsByEmail((await t.app.stores.users.findById(person.userId))?.email ?? '');
    expect(user?.user.mustChangePassword).toBe(false);
    expect(await verifyPassword(user?.passwordHash ?? '', 'otter lantern quarry')).toBe(true);
    expect((await t.app.inject({ method: 'GET', url: '/learn', headers: { cookie: person.cookie } })).statusCode).toBe(200);
    expect(await t.app.stores.sessions.findWithUser(other.token)).toBeUndefined();
    const audit = await t.app.stores.audit.list({ entityType: 'user', entityId: person.userId });
    expect(audit.map((e) => e.action)).toContain('user.password-changed');
  });

  it('refuses forms other than the password page while the password must be changed', async () => {
    const person = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    await t.app.stores.accounts.requirePasswordChange(person.userId);
    const post = await t.app.inject({ method: 'POST', url: '/learn/sample-genomics/assessment', headers: { cookie: person.cookie }, payload: { _csrf: person.csrf } });
    expect(post.statusCode).toBe(403);
    const out = await t.app.inject({ method: 'POST', url: '/sign-out', headers: { cookie: person.cookie }, payload: { _csrf: person.csrf } });
    expect(out.statusCode).toBe(303);
  });

  it('lets an administrator disable an account, ending its sessions at once, and enable it again; every step audited', async () => {
    const admin = await signedIn(t.app, [{ role: 'org-admin', organisationCode: '7A7' }]);
    const person = await signedIn(t.app, [{ role: 'line-manager', organisationCode: '7A7' }]);
    await t.app.stores.users.recordSuccessfulSignIn(person.userId);
    const page = await t.app.inject({ method: 'GET', url: `/admin/users/${person.userId}/account`, headers: { cookie: admin.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Last signed in');
    expect(page.body).not.toContain('>Never<');

    const disabled = await t.app.inject({ method: 'POST', url: `/admin/users/${person.userId}/disable`, headers: { cookie: admin.cookie }, payload: { _csrf: admin.csrf } });
    expect(disabled.statusCode).toBe(303);
    const after = await t.app.inject({ method: 'GET', url: '/learn', headers: { cookie: person.cookie, accept: 'text/html' } });
    expect(after.statusCode).toBe(303);
    expect(String(after.headers.location)).toContain('/sign-in?returnTo=');
    expect((await t.app.stores.users.findById(person.userId))?.active).toBe(false);

    const enabled = await t.app.inject({ method: 'POST', url: `/cy/admin/users/${person.userId}/enable`, headers: { cookie: admin.cookie }, payload: { _csrf: admin.csrf } });
    expect(enabled.headers.location).toBe(`/cy/admin/users/${person.userId}/account?done=enabled`);
    expect((await t.app.stores.users.findById(person.userId))?.active).toBe(true);
    const audit = await t.app.stores.audit.list({ entityType: 'user', entityId: person.userId });
    expect(audit.filter((e) => e.actorUserId === admin.userId).map((e) => e.action)).toEqual(['user.enabled', 'user.disabled']);
  });

  it('tells an organisation administrator, on the account page, in both languages, when emails to the person\'s address are failing', async () => {
    const admin = await signedIn(t.app, [{ role: 'org-admin', organisationCode: '7A7' }]);
    const person = await signedIn(t.app, [{ role: 'line-manager', organisationCode: '7A7' }]);
    const email = (await t.app.stores.users.findById(person.userId))?.email ?? '';
    const url = `/admin/users/${person.userId}/account`;
    expect((await t.app.inject({ method: 'GET', url, headers: { cookie: admin.cookie } })).body).not.toContain('Emails to this address are failing');
    await t.app.email.store.recordFailedAddress(email.toUpperCase(), '550 5.1.1 No such mailbox', null);
    const page = await t.app.inject({ method: 'GET', url, headers: { cookie: admin.cookie } });
    expect(page.body).toContain('Emails to this address are failing');
    expect(page.body).toContain('550 5.1.1 No such mailbox');
    const welsh = await t.app.inject({ method: 'GET', url: `/cy${url}`, headers: { cookie: admin.cookie } });
    expect(welsh.body).toContain('Mae negeseuon e-bost i’r cyfeiriad hwn yn methu');
  });

  it('does not let an administrator disable their own account', async () => {
    const admin = await signedIn(t.app, [{ role: 'platform-admin', organisationCode: null }]);
    const response = await t.app.inject({ method: 'POST', url: `/admin/users/${admin.userId}/disable`, headers: { cookie: admin.cookie }, payload: { _csrf: admin.csrf } });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('You cannot disable your own account');
    expect((await t.app.stores.users.findById(admin.userId))?.active).toBe(true);
  });

  it('does not let an organisation administrator manage an account outside their organisation', async () => {
    const admin = await signedIn(t.app, [{ role: 'org-admin', organisationCode: '7A7' }]);
    const elsewhere = await signedIn(t.app, [{ role: 'line-manager', organisationCode: '7A1' }]);
    const response = await t.app.inject({ method: 'POST', url: `/admin/users/${elsewhere.userId}/disable`, headers: { cookie: admin.cookie }, payload: { _csrf: admin.csrf } });
    expect(response.statusCode).toBe(404);
    expect((await t.app.stores.users.findById(elsewhere.userId))?.active).toBe(true);
  });
});
