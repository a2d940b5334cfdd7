// The accounts' messages go by email through the app's own email service: a
// password reset in the person's language and an invitation in Welsh then
// English are kept in the outbox (no SMTP server configured), and the link in
// each one opens its page.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/env.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import { hashPassword } from '../../src/security/passwords.js';
import { buildApp } from '../../src/web/app.js';
import { engines } from '../support/engines.js';
import { cookieFrom, csrfFrom, signedIn } from '../support/app.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';
import { importStaffExtract } from '../../src/services/staff-import.js';

const PUBLIC_URL = 'http://genomeg.test';

describe.each(engines)('account emails on $name', (engine) => {
  let app: FastifyInstance;
  let database: DatabaseHandle;

  beforeAll(async () => {
    database = await engine.open();
    app = await buildApp({ config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', CONTENT_DIR: 'test/fixtures/content', PUBLIC_URL }), database, logger: false });
    await app.ready();
    await app.stores.users.create({ email: 'gwen.morgan@wales.nhs.uk', displayName: 'Gwen Morgan', passwordHash: await hashPassword('an old password of hers'), language: 'cy', grants: [{ role: 'learner', organisationCode: null }] }, null);
  }, 120_000);
  afterAll(async () => { await app.close(); await database.close(); });

  it('sends a password reset as an email in the person\'s language whose link opens the reset page', async () => {
    const page = await app.inject({ method: 'GET', url: '/forgot-password' });
    const cookie = `gnm_csrf=${cookieFrom(page.headers['set-cookie'], 'gnm_csrf')}`;
    const asked = await app.inject({ method: 'POST', url: '/forgot-password', headers: { cookie }, payload: { _csrf: csrfFrom(page.body), email: 'gwen.morgan@wales.nhs.uk' } });
    expect(asked.statusCode).toBe(200);

    const messages = (await app.email.store.list({ limit: 10 })).filter((m) => m.template === 'password-reset');
    expect(messages).toHaveLength(1);
    const message = messages[0]!;
    expect(message.recipient).toBe('gwen.morgan@wales.nhs.uk');
    expect(message.language).toBe('cy');
    expect(message.subject).toBe('Ailosod eich cyfrinair Genomeg');
    expect(message.text).toContain('Annwyl Gwen Morgan');
    expect(message.text).not.toContain('{');
    const link = /http:\/\/genomeg\.test(\/\S*reset-password\/[A-Za-z0-9_-]+)/.exec(message.text)?.[1];
    expect(link).toBeDefined();
    const opened = await app.inject({ method: 'GET', url: link ?? '' });
    expect(opened.statusCode).toBe(200);
    expect(opened.body).toContain('name="newPassword"');
  });

  it('sends an invitation in Welsh then English, naming who invited them, whose link opens the invitation', async () => {
    const row = buildStaffRow({ organisationCode: '7A7', email: 'dafydd.rees@wales.nhs.uk', firstName: 'Dafydd', lastName: 'Rees' });
    await importStaffExtract(app.stores.staff, { text: staffCsv([row]), fileName: 'x.csv', mode: 'partial', permittedOrganisations: 'all', actorUserId: null });
    const staff = await app.stores.staff.findByAssignment(row.assignmentNumber);
    const admin = await signedIn(app, [{ role: 'org-admin', organisationCode: '7A7' }], { displayName: 'Mair Price' });
    const sent = await app.inject({ method: 'POST', url: `/admin/staff/${staff?.id ?? ''}/invite`, headers: { cookie: admin.cookie }, payload: { _csrf: admin.csrf } });
    expect(sent.statusCode).toBe(200);

    const message = (await app.email.store.list({ limit: 10 })).find((m) => m.template === 'invitation');
    expect(message?.recipient).toBe('dafydd.rees@wales.nhs.uk');
    expect(message?.language).toBe('cy+en');
    expect(message?.subject).toBe('Gwahoddiad i Genomeg / You are invited to Genomeg');
    const text = message?.text ?? '';
    expect(text.indexOf('Mae Mair Price wedi eich gwahodd')).toBeGreaterThanOrEqual(0);
    expect(text.indexOf('Mae Mair Price wedi eich gwahodd')).toBeLessThan(text.indexOf('Mair Price has invited you'));
    const link = /http:\/\/genomeg\.test(\/\S*invitation\/[A-Za-z0-9_-]+)/.exec(text)?.[1];
    expect(link).toBeDefined();
    const opened = await app.inject({ method: 'GET', url: link ?? '' });
    expect(opened.statusCode).toBe(200);
    expect(opened.body).toContain('name="newPassword"');
  });
  it('inviting a staff group sends one email per person, in one batch, kept in the outbox; the count shown is the count kept', async () => {
    const rows = [1, 2].map((n) => buildStaffRow({ organisationCode: '7A6', email: `batch.person${n}@wales.nhs.uk`, firstName: 'Batch', lastName: `Person${n}` }));
    await importStaffExtract(app.stores.staff, { text: staffCsv(rows), fileName: 'y.csv', mode: 'partial', permittedOrganisations: 'all', actorUserId: null });
    const staff = await app.stores.staff.findByAssignment(rows[0]?.assignmentNumber ?? '');
    const admin = await signedIn(app, [{ role: 'platform-admin', organisationCode: null }]);
    const body = { _csrf: admin.csrf, organisation: '7A6', staffGroup: staff?.staffGroupCode ?? '' };
    const confirm = await app.inject({ method: 'POST', url: '/admin/invitations/confirm', headers: { cookie: admin.cookie }, payload: body });
    expect(confirm.body).toContain('This will invite 2 people');
    const sent = await app.inject({ method: 'POST', url: '/admin/invitations/send', headers: { cookie: admin.cookie }, payload: body });
    expect(sent.statusCode).toBe(200);
    const kept = (await app.email.store.list({ limit: 50 })).filter((m) => m.template === 'invitation' && m.recipient.startsWith('batch.person'));
    expect(kept.map((m) => m.recipient).sort()).toEqual(['batch.person1@wales.nhs.uk', 'batch.person2@wales.nhs.uk']);
    expect(kept.every((m) => m.language === 'cy+en')).toBe(true);
  });
});
