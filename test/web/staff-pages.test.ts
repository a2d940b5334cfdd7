import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, multipart, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';

describe.each(engines)('staff pages on $name', (engine) => {
  let t: TestApp;
  let powysAdmin: SignedIn;
  let platformAdmin: SignedIn;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    powysAdmin = await signedIn(t.app, [{ role: 'org-admin', organisationCode: '7A7' }]);
    platformAdmin = await signedIn(t.app, [{ role: 'platform-admin', organisationCode: null }]);
  });
  afterAll(async () => { await t.close(); });

  const upload = (who: SignedIn, content: string, fields: Record<string, string> = {}, url = '/staff/import') => {
    const body = multipart({ _csrf: who.csrf, mode: 'full', ...fields }, { name: 'file', filename: 'extract.csv', content });
    return t.app.inject({ method: 'POST', url, headers: { ...body.headers, cookie: who.cookie, accept: 'text/html' }, payload: body.payload });
  };

  it('imports a file through the page and shows what changed', async () => {
    const rows = [buildStaffRow({ organisationCode: '7A7', lastName: 'Vaughan' }), buildStaffRow({ organisationCode: '7A7' })];
    const response = await upload(powysAdmin, staffCsv(rows));
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Staff imported');
    expect(response.body).toContain('2 added, 0 updated, 0 marked as leavers, 0 unchanged');
    const directory = await t.app.inject({ method: 'GET', url: '/staff?q=vaughan', headers: { cookie: powysAdmin.cookie } });
    expect(directory.body).toContain('Vaughan');
  });

  it('shows every problem with its line and column, in Welsh too, and changes nothing', async () => {
    const good = buildStaffRow({ organisationCode: '7A7' });
    const rows = [good, buildStaffRow({ organisationCode: '7A7', email: 'not-an-email' })];
    const response = await upload(powysAdmin, staffCsv(rows), {}, '/cy/staff/import');
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('Ni chafodd y ffeil ei mewnforio');
    expect(response.body).toMatch(/<td class="nhsuk-table__cell">3<\/td>\s*<td class="nhsuk-table__cell">Email Address<\/td>/);
    expect(response.body).toContain('Rhowch gyfeiriad e-bost yn y fformat cywir');
    expect(await t.app.stores.staff.findByAssignment(good.assignmentNumber)).toBeUndefined();
  });

  it('refuses rows for another organisation from an organisation administrator', async () => {
    const response = await upload(powysAdmin, staffCsv([buildStaffRow({ organisationCode: '7A2' })]));
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('You cannot import staff for this organisation');
  });

  it('lets a platform administrator import any organisation', async () => {
    const response = await upload(platformAdmin, staffCsv([buildStaffRow({ organisationCode: '7A2', lastName: 'Okafor' })]), { mode: 'partial' });
    expect(response.statusCode).toBe(200);
  });

  it('hides another organisation\'s staff from an organisation administrator', async () => {
    const row = buildStaffRow({ organisationCode: '7A2', lastName: 'Hiddenname' });
    await upload(platformAdmin, staffCsv([row]), { mode: 'partial' });
    const member = await t.app.stores.staff.findByAssignment(row.assignmentNumber);
    const list = await t.app.inject({ method: 'GET', url: '/staff?q=hiddenname', headers: { cookie: powysAdmin.cookie } });
    expect(list.body).not.toContain('Hiddenname');
    const detail = await t.app.inject({ method: 'GET', url: `/staff/${member?.id ?? ''}`, headers: { cookie: powysAdmin.cookie, accept: 'text/html' } });
    expect(detail.statusCode).toBe(404);
    const filtered = await t.app.inject({ method: 'GET', url: '/staff?org=7A2', headers: { cookie: powysAdmin.cookie, accept: 'text/html' } });
    expect(filtered.statusCode).toBe(403);
  });

  it('asks for a file when none is chosen, and refuses a binary file', async () => {
    const body = multipart({ _csrf: powysAdmin.csrf, mode: 'full' });
    const none = await t.app.inject({ method: 'POST', url: '/staff/import', headers: { ...body.headers, cookie: powysAdmin.cookie }, payload: body.payload });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('Select an ESR staff extract to upload');
    const binary = await upload(powysAdmin, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]).toString('latin1'));
    expect(binary.statusCode).toBe(400);
    expect(binary.body).toContain('The file must be a CSV file saved as UTF-8 text');
  });

  it('refuses an upload without the form token', async () => {
    const body = multipart({ mode: 'full' }, { name: 'file', filename: 'x.csv', content: staffCsv([buildStaffRow()]) });
    const response = await t.app.inject({ method: 'POST', url: '/staff/import', headers: { ...body.headers, cookie: powysAdmin.cookie, accept: 'text/html' }, payload: body.payload });
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('The form had expired');
  });
});
