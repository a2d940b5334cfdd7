import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';

describe.each(engines)('xAPI client management page on $name', (engine) => {
  let t: TestApp;
  beforeAll(async () => { t = await buildTestApp(engine); });
  afterAll(async () => { await t.close(); });

  it('lets an organisation administrator create a working client in their organisation only, and revoke it', async () => {
    const admin = await signedIn(t.app, [{ role: 'org-admin', organisationCode: '7A7' }]);
    const page = await t.app.inject({ method: 'GET', url: '/admin/xapi-clients', headers: { cookie: admin.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('value="7A7"');
    expect(page.body).not.toContain('value="7A1"');

    const created = await t.app.inject({
      method: 'POST', url: '/admin/xapi-clients', headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${admin.csrf}&name=Moodle&organisationCode=7A7&scopes=statements%2Fwrite&scopes=statements%2Fread%2Fmine`,
    });
    expect(created.statusCode).toBe(201);
    const key = /<code>([0-9a-f]{24})<\/code>/.exec(created.body)?.[1] ?? '';
    const secret = /<code>([A-Za-z0-9_-]{43})<\/code>/.exec(created.body)?.[1] ?? '';
    const auth = `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
    const post = await t.app.inject({ method: 'POST', url: '/xapi/statements', headers: { authorization: auth, 'x-experience-api-version': '2.0.0' },
      payload: { actor: { mbox: 'mailto:a@example.org' }, verb: { id: 'http://adlnet.gov/expapi/verbs/attempted' }, object: { id: 'http://example.org/a' } } });
    expect(post.statusCode).toBe(200);

    const elsewhere = await t.app.inject({ method: 'POST', url: '/admin/xapi-clients', headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${admin.csrf}&name=X&organisationCode=7A1&scopes=all` });
    expect(elsewhere.statusCode).toBe(403);
    const before = await t.database.db.selectFrom('xapi_clients').select('id').execute();
    const bad = await t.app.inject({ method: 'POST', url: '/admin/xapi-clients', headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${admin.csrf}&name=&organisationCode=7A7&scopes=everything` });
    expect(bad.statusCode).toBe(400);
    // Each field that is wrong is named and linked, and what was chosen is kept.
    expect(bad.body).toContain('<title>Error: Learning record store clients – Genomeg</title>');
    expect(bad.body).toContain('href="#name"');
    expect(bad.body).toContain('Enter a name for the client, up to 120 characters');
    expect(bad.body).toContain('href="#scope-1"');
    expect(bad.body).toContain('Choose at least one scope');
    expect(bad.body).not.toContain('href="#organisationCode"');
    expect(bad.body).toContain('<option value="7A7" selected>');
    expect(await t.database.db.selectFrom('xapi_clients').select('id').execute()).toHaveLength(before.length);

    const id = (await t.database.db.selectFrom('xapi_clients').select('id').where('key', '=', key).executeTakeFirstOrThrow()).id;
    const other = await signedIn(t.app, [{ role: 'org-admin', organisationCode: '7A1' }]);
    expect((await t.app.inject({ method: 'POST', url: `/admin/xapi-clients/${id}/revoke`, headers: { cookie: other.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${other.csrf}` })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'POST', url: `/admin/xapi-clients/${id}/revoke`, headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${admin.csrf}` })).statusCode).toBe(303);
    expect((await t.app.inject({ method: 'GET', url: '/xapi/statements', headers: { authorization: auth, 'x-experience-api-version': '2.0.0' } })).statusCode).toBe(401);
    const audit = await t.database.db.selectFrom('audit_events').select('action').where('entity_id', '=', id).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['xapi.client.create', 'xapi.client.revoke']);
  });

  it('renders in Welsh', async () => {
    const lead = await signedIn(t.app, [{ role: 'education-lead', organisationCode: null }]);
    const page = await t.app.inject({ method: 'GET', url: '/cy/admin/xapi-clients', headers: { cookie: lead.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Cleientiaid y storfa cofnodion dysgu');
  });

  // Issue 14, items 13 and 9: what a supplier needs, in words, and revoking asks first and says what it did.
  it('shows the full endpoint, organisation names, scopes in words, "No clients yet" once and no default organisation', async () => {
    const admin = await signedIn(t.app, [{ role: 'org-admin', organisationCode: '7A3' }]);
    const empty = await t.app.inject({ method: 'GET', url: '/admin/xapi-clients', headers: { cookie: admin.cookie } });
    expect(empty.body).toContain('<code>http://localhost:3000/xapi/</code>');
    expect(empty.body.match(/No clients yet/g)).toHaveLength(1);
    expect(empty.body).toContain('<option value="" selected>Choose an organisation</option>');
    expect(empty.body).toContain('Send statements: record learning');
    const none = await t.app.inject({ method: 'POST', url: '/admin/xapi-clients', headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${admin.csrf}&name=Moodle&organisationCode=&scopes=all` });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('href="#organisationCode"');
    const created = await t.app.inject({ method: 'POST', url: '/admin/xapi-clients', headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${admin.csrf}&name=Moodle&organisationCode=7A3&scopes=statements%2Fread%2Fmine` });
    expect(created.body).toContain('<code>http://localhost:3000/xapi/</code>');
    const listed = await t.app.inject({ method: 'GET', url: '/admin/xapi-clients', headers: { cookie: admin.cookie } });
    expect(listed.body).toContain('Swansea Bay University Health Board');
    expect(listed.body).not.toMatch(/>\s*7A3\s*</);
    expect(listed.body).toContain('<li>Read only the statements it sent</li>');
    expect(listed.body).toContain('1 client');
    expect(listed.body).not.toContain('No clients yet');
    const welsh = await t.app.inject({ method: 'GET', url: '/cy/admin/xapi-clients', headers: { cookie: admin.cookie } });
    expect(welsh.body).toContain('Bwrdd Iechyd Prifysgol Bae Abertawe');
    expect(welsh.body).toContain('<li>Darllen y datganiadau a anfonodd yn unig</li>');
  });

  it('asks before revoking, on a page that works without JavaScript, and then says the client is revoked', async () => {
    const admin = await signedIn(t.app, [{ role: 'org-admin', organisationCode: '7A6' }]);
    await t.app.inject({ method: 'POST', url: '/admin/xapi-clients', headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${admin.csrf}&name=Learning%20Pool&organisationCode=7A6&scopes=statements%2Fwrite` });
    const id = (await t.database.db.selectFrom('xapi_clients').select('id').where('name', '=', 'Learning Pool').executeTakeFirstOrThrow()).id;
    const list = await t.app.inject({ method: 'GET', url: '/admin/xapi-clients', headers: { cookie: admin.cookie } });
    // Revoke is a link to a page that asks, not a button that acts at once.
    expect(list.body).toContain(`href="/admin/xapi-clients/${id}/revoke"`);
    const confirm = await t.app.inject({ method: 'GET', url: `/admin/xapi-clients/${id}/revoke`, headers: { cookie: admin.cookie } });
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Revoke the client &quot;Learning Pool&quot;?');
    expect(confirm.body).toContain(`action="/admin/xapi-clients/${id}/revoke"`);
    expect(confirm.body).toContain('name="_csrf"');
    expect(confirm.body).toContain('href="/admin/xapi-clients">Cancel</a>');
    // Looking is not revoking.
    expect((await t.database.db.selectFrom('xapi_clients').select('revoked_at').where('id', '=', id).executeTakeFirstOrThrow()).revoked_at).toBeNull();
    const other = await signedIn(t.app, [{ role: 'org-admin', organisationCode: '7A1' }]);
    expect((await t.app.inject({ method: 'GET', url: `/admin/xapi-clients/${id}/revoke`, headers: { cookie: other.cookie } })).statusCode).toBe(404);
    const revoked = await t.app.inject({ method: 'POST', url: `/admin/xapi-clients/${id}/revoke`, headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${admin.csrf}` });
    expect(revoked.statusCode).toBe(303);
    expect(revoked.headers.location).toBe(`/admin/xapi-clients?revoked=${id}`);
    const after = await t.app.inject({ method: 'GET', url: revoked.headers.location ?? '', headers: { cookie: admin.cookie } });
    expect(after.body).toContain('Client revoked');
    expect(after.body).toContain('&quot;Learning Pool&quot; is revoked.');
    // Another organisation's administrator is told nothing about it.
    expect((await t.app.inject({ method: 'GET', url: `/admin/xapi-clients?revoked=${id}`, headers: { cookie: other.cookie } })).body).not.toContain('Learning Pool');
    const welsh = await t.app.inject({ method: 'POST', url: `/cy/admin/xapi-clients/${id}/revoke`, headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${admin.csrf}` });
    expect(welsh.headers.location).toBe(`/cy/admin/xapi-clients?revoked=${id}`);
    expect((await t.app.inject({ method: 'GET', url: `/cy/admin/xapi-clients/${id}/revoke`, headers: { cookie: admin.cookie } })).headers.location).toBe(`/cy/admin/xapi-clients?revoked=${id}`);
    expect((await t.app.inject({ method: 'GET', url: `/cy/admin/xapi-clients?revoked=${id}`, headers: { cookie: admin.cookie } })).body).toContain('Cleient wedi&#39;i ddirymu');
  });
});
