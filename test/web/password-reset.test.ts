// "Forgot your password", end to end in Welsh: the same answer whether or not
// the address has an account, a single-use link in the person's language that
// works for an hour, every session ended on reset, and a limit on asking.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/env.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import type { AccountMessages, PasswordResetMessage } from '../../src/services/auth/account-messages.js';
import { hashPassword, verifyPassword } from '../../src/security/passwords.js';
import { buildApp } from '../../src/web/app.js';
import { engines } from '../support/engines.js';
import { cookieFrom, csrfFrom } from '../support/app.js';

const PUBLIC_URL = 'http://genomeg.test';

describe.each(engines)('forgot your password on $name', (engine) => {
  let app: FastifyInstance;
  let database: DatabaseHandle;
  const sent: PasswordResetMessage[] = [];
  const messages: AccountMessages = {
    passwordReset: (m) => { sent.push(m); return Promise.resolve(); },
    invitation: () => Promise.resolve(),
  };
  let userId = '';

  beforeAll(async () => {
    database = await engine.open();
    app = await buildApp({ config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', CONTENT_DIR: 'test/fixtures/content', PUBLIC_URL, SIGN_IN_MAX_FAILURES: '3' }), database, logger: false, accountMessages: messages });
    await app.ready();
    userId = (await app.stores.users.create({ email: 'elin.hughes@wales.nhs.uk', displayName: 'Elin Hughes', passwordHash: await hashPassword('the old password here'), language: 'cy', grants: [{ role: 'learner', organisationCode: null }] }, null)).id;
  }, 120_000);
  afterAll(async () => { await app.close(); await database.close(); });

  async function ask(email: string, remoteAddress: string) {
    const page = await app.inject({ method: 'GET', url: '/cy/forgot-password', remoteAddress });
    const cookie = `gnm_csrf=${cookieFrom(page.headers['set-cookie'], 'gnm_csrf')}`;
    return app.inject({ method: 'POST', url: '/cy/forgot-password', remoteAddress, headers: { cookie }, payload: { _csrf: csrfFrom(page.body), email } });
  }

  it('gives the same answer whether or not the address has an account, and sends a link only to a real one, in its language', async () => {
    const unknown = await ask('nobody.here@wales.nhs.uk', '10.1.0.1');
    const known = await ask('Elin.Hughes@wales.nhs.uk', '10.1.0.2');
    expect(unknown.statusCode).toBe(200);
    expect(known.statusCode).toBe(200);
    const main = (body: string) => /<main[\s\S]*<\/main>/.exec(body)?.[0] ?? '';
    expect(main(known.body).replace(/elin\.hughes/g, 'X')).toBe(main(unknown.body).replace(/nobody\.here/g, 'X'));
    expect(main(known.body)).toContain('Gwiriwch eich e-bost');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.to).toBe('elin.hughes@wales.nhs.uk');
    expect(sent[0]?.language).toBe('cy');
    expect(sent[0]?.link).toMatch(/^http:\/\/genomeg\.test\/cy\/reset-password\/[A-Za-z0-9_-]{40,}$/);
  });

  it('resets the password with the link once, ending every session, and refuses the link afterwards', async () => {
    const session = await app.stores.sessions.start(userId);
    const path = new URL(sent[0]?.link ?? '').pathname;
    const form = await app.inject({ method: 'GET', url: path });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Dewis cyfrinair newydd');
    const cookie = `gnm_csrf=${cookieFrom(form.headers['set-cookie'], 'gnm_csrf')}`;
    const weak = await app.inject({ method: 'POST', url: path, headers: { cookie }, payload: { _csrf: csrfFrom(form.body), newPassword: 'password1234', confirmPassword: 'password1234' } });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('Mae eich cyfrinair newydd yn rhy gyffredin');
    const done = await app.inject({ method: 'POST', url: path, headers: { cookie }, payload: { _csrf: csrfFrom(form.body), newPassword: 'heron willow chapel', confirmPassword: 'heron willow chapel' } });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Mae eich cyfrinair wedi’i newid');
    expect(await app.stores.sessions.findWithUser(session.token)).toBeUndefined();
    const found = await app.stores.users.findCredentialsByEmail('elin.hughes@wales.nhs.uk');
    expect(await verifyPassword(found?.passwordHash ?? '', 'heron willow chapel')).toBe(true);
    const again = await app.inject({ method: 'POST', url: path, headers: { cookie }, payload: { _csrf: csrfFrom(form.body), newPassword: 'another long phrase', confirmPassword: 'another long phrase' } });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('Mae’r ddolen hon wedi dod i ben neu wedi’i defnyddio’n barod');
    const audit = await app.stores.audit.list({ entityType: 'user', entityId: userId });
    expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['user.password-reset-requested', 'user.password-reset']));
  });

  it('refuses a link older than its hour', async () => {
    const token = await app.stores.accounts.issueResetToken(userId, 'elin.hughes@wales.nhs.uk', 'cy', -1000);
    const response = await app.inject({ method: 'GET', url: `/reset-password/${token}` });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('This link has expired or has already been used');
  });

  it('limits how often a link can be asked for, and names the field when the address is missing', async () => {
    const empty = await ask('', '10.1.0.9');
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('href="#email"');
    for (let i = 0; i < 3; i += 1) expect((await ask('limited@wales.nhs.uk', '10.1.0.10')).statusCode).toBe(200);
    const limited = await ask('limited@wales.nhs.uk', '10.1.0.10');
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain('Rydych wedi gofyn am ormod o ddolenni');
  });
});
