// Logs carry ids, never secrets or personal data: no passwords, no session
// tokens, no email addresses, no search terms about people.

import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import { buildApp } from '../../src/web/app.js';
import { hashPassword } from '../../src/security/passwords.js';
import { engines } from '../support/engines.js';
import type { FastifyInstance } from 'fastify';

const sqlite = engines[0];

describe('logging', () => {
  let database: DatabaseHandle;
  let app: FastifyInstance;
  let logged = '';
  const password = 'Pa55word-never-logged';
  const email = 'private.person@demo.genomeg.test';

  beforeAll(async () => {
    if (sqlite === undefined) throw new Error('no SQLite engine');
    database = await sqlite.open();
    const stream = new Writable({ write(chunk: Buffer, _enc, done) { logged += chunk.toString(); done(); } });
    app = await buildApp({ config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'debug' }), database, logger: { stream } });
    await app.stores.users.create({ email, displayName: 'Private Person', passwordHash: await hashPassword(password), grants: [{ role: 'platform-admin', organisationCode: null }] }, null);
  });
  afterAll(async () => { await app.close(); await database.close(); });

  it('logs sign-ins, failures and searches by id only', async () => {
    const page = await app.inject({ method: 'GET', url: '/sign-in' });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const cookie = [page.headers['set-cookie'] ?? []].flat().map((c) => c.split(';')[0]).join('; ');
    await app.inject({ method: 'POST', url: '/sign-in', headers: { cookie }, payload: { _csrf: csrf, email, password: 'wrong-guess-123' } });
    const ok = await app.inject({ method: 'POST', url: '/sign-in', headers: { cookie }, payload: { _csrf: csrf, email, password } });
    const session = [ok.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('gnm_session='))?.split(';')[0] ?? '';
    await app.inject({ method: 'GET', url: '/staff?q=Gwenllian', headers: { cookie: session } });

    expect(logged).toContain('"event":"sign-in.failed"');
    expect(logged).toContain('"event":"sign-in"');
    expect(logged).toContain('"path":"/staff"');
    for (const secret of [password, 'wrong-guess-123', email, session.split('=')[1] ?? 'x', csrf, 'Gwenllian']) {
      expect({ secret, found: logged.includes(secret) }).toEqual({ secret, found: false });
    }
  });
});
