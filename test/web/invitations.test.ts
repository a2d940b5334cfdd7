// An organisation administrator invites a person from the staff directory; the
// single-use link sets a password and creates a learner account linked to the
// staff record.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/env.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import type { AccountMessages, InvitationMessage } from '../../src/services/auth/account-messages.js';
import { buildApp } from '../../src/web/app.js';
import { cookieFrom, csrfFrom, signedIn } from '../support/app.js';
import { engines } from '../support/engines.js';

describe.each(engines)('invitations on $name', (engine) => {
  let app: FastifyInstance;
  let database: DatabaseHandle;
  const sent: InvitationMessage[] = [];
  const messages: AccountMessages = { passwordReset: () => Promise.resolve(), invitation: (m) => { sent.push(m); return Promise.resolve(); } };
  const powys = randomUUID();
  const cardiff = randomUUID();
  const rhian = randomUUID();

  beforeAll(async () => {
    database = await engine.open();
    app = await buildApp({ config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', CONTENT_DIR: 'test/fixtures/content', PUBLIC_URL: 'http://genomeg.test' }), database, logger: false, accountMessages: messages });
    await app.ready();
    const now = new Date();
    for (const [id, org, n, email] of [[powys, '7A7', '1', 'dafydd.owen@wales.nhs.uk'], [cardiff, '7A4', '2', 'cardiff.person@wales.nhs.uk'], [rhian, '7A7', '3', 'rhian.hughes@wales.nhs.uk']] as const) {
      await database.db.insertInto('staff').values({
        id, employee_number: `2000000${n}`, assignment_number: `2000000${n}-1`, first_name: { '1': 'Dafydd', '2': 'Cardiff', '3': 'Rhian' }[n], last_name: { '1': 'Owen', '2': 'Person', '3': 'Hughes' }[n], email,
        organisation_code: org, staff_group_code: 'NUR', job_role: 'Staff Nurse', band_code: '5', wte: 1, assignment_start_date: '2020-01-01', age_band: '25-29',
        line_manager_assignment_number: null, active: true, left_at: null, search_text: email, created_at: now, updated_at: now,
      }).execute();
    }
  }, 120_000);
  afterAll(async () => { await app.close(); await database.close(); });

  it('invites a person from the directory in the page’s language; accepting sets a password, links the staff record and signs in; the link then stops working', async () => {
    const admin = await signedIn(app, [{ role: 'org-admin', organisationCode: '7A7' }]);
    expect((await app.inject({ method: 'GET', url: `/staff/${powys}`, headers: { cookie: admin.cookie } })).body).toContain('Invite to Genomeg');
    const invite = await app.inject({ method: 'POST', url: `/cy/admin/staff/${powys}/invite`, headers: { cookie: admin.cookie }, payload: { _csrf: admin.csrf } });
    expect(invite.statusCode).toBe(200);
    expect(invite.body).toContain('Gwahoddiad wedi’i anfon');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.to).toBe('dafydd.owen@wales.nhs.uk');
    expect(sent[0]?.link).toMatch(/^http:\/\/genomeg\.test\/cy\/invitation\//);
    const path = new URL(sent[0]?.link ?? '').pathname;
    const form = await app.inject({ method: 'GET', url: path });
    expect(form.body).toContain('Sefydlu eich cyfrif Genomeg');
    const cookie = `gnm_csrf=${cookieFrom(form.headers['set-cookie'], 'gnm_csrf')}`;
    const short = await app.inject({ method: 'POST', url: path, headers: { cookie }, payload: { _csrf: csrfFrom(form.body), newPassword: 'short', confirmPassword: 'short' } });
    expect(short.statusCode).toBe(400);
    const accepted = await app.inject({ method: 'POST', url: path, headers: { cookie }, payload: { _csrf: csrfFrom(form.body), newPassword: 'kestrel harbour lantern', confirmPassword: 'kestrel harbour lantern' } });
    expect(accepted.statusCode).toBe(303);
    expect(cookieFrom(accepted.headers['set-cookie'], 'gnm_session')).not.toBe('');
    const user = await app.stores.users.findByEmail('dafydd.owen@wales.nhs.uk');
    expect(user?.staffId).toBe(powys);
    expect(user?.displayName).toBe('Dafydd Owen');
    expect(user?.grants).toEqual([{ role: 'learner', organisationCode: null }]);
    const again = await app.inject({ method: 'GET', url: path });
    expect(again.statusCode).toBe(400);
    const twice = await app.inject({ method: 'POST', url: `/admin/staff/${powys}/invite`, headers: { cookie: admin.cookie }, payload: { _csrf: admin.csrf } });
    expect(twice.statusCode).toBe(400);
    expect(twice.body).toContain('This person already has an account');
  });

  it('does not let an organisation administrator invite someone from another organisation', async () => {
    const admin = await signedIn(app, [{ role: 'org-admin', organisationCode: '7A7' }]);
    const response = await app.inject({ method: 'POST', url: `/admin/staff/${cardiff}/invite`, headers: { cookie: admin.cookie }, payload: { _csrf: admin.csrf } });
    expect(response.statusCode).toBe(404);
    expect(await app.stores.users.findByEmail('cardiff.person@wales.nhs.uk')).toBeUndefined();
  });
  it('resends a pending invitation from the staff record: a new link, the old one spent, audited as a resend', async () => {
    const admin = await signedIn(app, [{ role: 'org-admin', organisationCode: '7A7' }]);
    const first = await app.inject({ method: 'POST', url: `/admin/staff/${rhian}/invite`, headers: { cookie: admin.cookie }, payload: { _csrf: admin.csrf } });
    expect(first.statusCode).toBe(200);
    const oldPath = new URL(sent.at(-1)?.link ?? '').pathname;
    const record = await app.inject({ method: 'GET', url: `/staff/${rhian}`, headers: { cookie: admin.cookie } });
    expect(record.body).toContain('Resend invitation');
    expect(record.body).toContain('An invitation was sent on');
    const welsh = await app.inject({ method: 'GET', url: `/cy/staff/${rhian}`, headers: { cookie: admin.cookie } });
    expect(welsh.body).toContain('Anfon y gwahoddiad eto');
    const count = sent.length;
    const resent = await app.inject({ method: 'POST', url: `/admin/staff/${rhian}/invite`, headers: { cookie: admin.cookie }, payload: { _csrf: admin.csrf } });
    expect(resent.statusCode).toBe(200);
    expect(sent).toHaveLength(count + 1);
    expect(sent.at(-1)?.to).toBe('rhian.hughes@wales.nhs.uk');
    const newPath = new URL(sent.at(-1)?.link ?? '').pathname;
    expect(newPath).not.toBe(oldPath);
    expect((await app.inject({ method: 'GET', url: oldPath })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: newPath })).statusCode).toBe(200);
    const audit = await app.stores.audit.list({ entityType: 'staff', entityId: rhian, limit: 10 });
    expect(audit.map((e) => e.action).sort()).toEqual(['user.invitation-resent', 'user.invited']);
    const cardiffAdmin = await signedIn(app, [{ role: 'org-admin', organisationCode: '7A4' }]);
    const other = await app.inject({ method: 'POST', url: `/admin/staff/${rhian}/invite`, headers: { cookie: cardiffAdmin.cookie }, payload: { _csrf: cardiffAdmin.csrf } });
    expect(other.statusCode).toBe(404);
    expect(sent).toHaveLength(count + 1);
    expect((await app.inject({ method: 'GET', url: newPath })).statusCode).toBe(200);
  });
  it('invites every active person of a staff group without an account, showing the count first; skipped people are counted; an organisation administrator cannot reach another organisation', async () => {
    const now = new Date();
    const people = [['Ahp', 'One', 'ahp.one@wales.nhs.uk', '7A7', true], ['Ahp', 'Two', 'ahp.two@wales.nhs.uk', '7A7', true], ['Ahp', 'Three', 'ahp.three@wales.nhs.uk', '7A7', true],
      ['Ahp', 'Noemail', null, '7A7', true], ['Ahp', 'Hasaccount', 'ahp.account@wales.nhs.uk', '7A7', true], ['Ahp', 'Left', 'ahp.left@wales.nhs.uk', '7A7', false], ['Ahp', 'Cardiff', 'ahp.cardiff@wales.nhs.uk', '7A4', true]] as const;
    let n = 100;
    for (const [first, last, email, org, active] of people) {
      n += 1;
      await database.db.insertInto('staff').values({
        id: randomUUID(), employee_number: `3${engine.name.length}00${n}`, assignment_number: `3${engine.name.length}00${n}-1`, first_name: first, last_name: last, email,
        organisation_code: org, staff_group_code: 'ahp', job_role: 'Physiotherapist', band_code: '6', wte: 1, assignment_start_date: '2020-01-01', age_band: '25-29',
        line_manager_assignment_number: null, active, left_at: active ? null : now, search_text: last, created_at: now, updated_at: now,
      }).execute();
    }
    await app.stores.users.create({ email: 'ahp.account@wales.nhs.uk', displayName: 'Ahp Hasaccount', passwordHash: null, grants: [{ role: 'learner', organisationCode: null }], staffId: null }, null);
    const admin = await signedIn(app, [{ role: 'org-admin', organisationCode: '7A7' }]);
    const form = await app.inject({ method: 'GET', url: '/cy/admin/invitations', headers: { cookie: admin.cookie } });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Gwahodd grŵp staff neu sefydliad');
    expect(form.body).not.toContain('value="7A4"');
    const confirm = await app.inject({ method: 'POST', url: '/admin/invitations/confirm', headers: { cookie: admin.cookie }, payload: { _csrf: admin.csrf, organisation: '7A7', staffGroup: 'ahp' } });
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('This will invite 3 people');
    expect(confirm.body).toContain('no work email in the staff directory: 1');
    expect(confirm.body).toContain('already have an account: 1');
    const before = sent.length;
    const send = await app.inject({ method: 'POST', url: '/admin/invitations/send', headers: { cookie: admin.cookie }, payload: { _csrf: admin.csrf, organisation: '7A7', staffGroup: 'ahp' } });
    expect(send.statusCode).toBe(200);
    expect(send.body).toContain('We have sent 3 invitations');
    expect(sent.slice(before).map((m) => m.to).sort()).toEqual(['ahp.one@wales.nhs.uk', 'ahp.three@wales.nhs.uk', 'ahp.two@wales.nhs.uk']);
    expect((await app.inject({ method: 'GET', url: new URL(sent.at(-1)?.link ?? '').pathname })).statusCode).toBe(200);
    const other = await app.inject({ method: 'POST', url: '/admin/invitations/send', headers: { cookie: admin.cookie }, payload: { _csrf: admin.csrf, organisation: '7A4', staffGroup: 'ahp' } });
    expect(other.statusCode).toBe(400);
    expect(other.body).toContain('Choose an organisation you administer');
    const noCsrf = await app.inject({ method: 'POST', url: '/admin/invitations/send', headers: { cookie: admin.cookie }, payload: { organisation: '7A7', staffGroup: 'ahp' } });
    expect(noCsrf.statusCode).toBe(403);
    expect(sent).toHaveLength(before + 3);
    const platform = await signedIn(app, [{ role: 'platform-admin', organisationCode: null }]);
    const cardiffConfirm = await app.inject({ method: 'POST', url: '/admin/invitations/confirm', headers: { cookie: platform.cookie }, payload: { _csrf: platform.csrf, organisation: '7A4', staffGroup: 'ahp' } });
    expect(cardiffConfirm.body).toContain('This will invite 1 person');
  });
});
