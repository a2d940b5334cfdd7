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
    expect(response.body).toMatch(/<td class="nhsuk-table__cell">3<\/td>\s*<td class="nhsuk-table__cell"><span lang="en">Email Address<\/span><\/td>/);
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
    expect(binary.body).toContain('The file must be a CSV file saved as text (UTF-8, Windows-1252 or UTF-16)');
  });

  it('refuses an upload without the form token', async () => {
    const body = multipart({ mode: 'full' }, { name: 'file', filename: 'x.csv', content: staffCsv([buildStaffRow()]) });
    const response = await t.app.inject({ method: 'POST', url: '/staff/import', headers: { ...body.headers, cookie: powysAdmin.cookie, accept: 'text/html' }, payload: body.payload });
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('The form had expired');
  });

  // Issue 13, item 1: an organisation administrator cannot take over another organisation's staff.
  it('refuses a row whose assignment number another organisation holds, names the line, and writes nothing', async () => {
    const cardiff = buildStaffRow({ organisationCode: '7A4', lastName: 'Cardiffperson' });
    await upload(platformAdmin, staffCsv([cardiff]), { mode: 'partial' });
    const before = await t.app.stores.staff.findByAssignment(cardiff.assignmentNumber);
    const mine = buildStaffRow({ organisationCode: '7A7' });
    const takeover = { ...cardiff, organisationCode: '7A7', lastName: 'Renamed', email: 'attacker@test.genomeg.test' };
    const response = await upload(powysAdmin, staffCsv([mine, takeover]), { mode: 'partial' });
    expect(response.statusCode).toBe(422);
    expect(response.body).toMatch(/<td class="nhsuk-table__cell">3<\/td>\s*<td class="nhsuk-table__cell"><span lang="en">Assignment Number<\/span><\/td>\s*<td class="nhsuk-table__cell">This assignment number is held by another organisation/);
    expect(await t.app.stores.staff.findByAssignment(cardiff.assignmentNumber)).toEqual(before);
    expect(await t.app.stores.staff.findByAssignment(mine.assignmentNumber)).toBeUndefined();
  });

  it('lists a platform administrator\'s move between organisations in the check', async () => {
    const person = buildStaffRow({ organisationCode: '7A5', firstName: 'Mererid', lastName: 'Movesacross' });
    await upload(platformAdmin, staffCsv([person]), { mode: 'partial' });
    const check = await upload(platformAdmin, staffCsv([{ ...person, organisationCode: '7A6' }]), { mode: 'partial', dryRun: '1' });
    expect(check.statusCode).toBe(200);
    expect(check.body).toContain('People this file moves to another organisation');
    expect(check.body).toMatch(/Mererid Movesacross<\/td><td class="nhsuk-table__cell">\d+<\/td><td class="nhsuk-table__cell">Cwm Taf Morgannwg University Health Board<\/td><td class="nhsuk-table__cell">Aneurin Bevan University Health Board/);
  });

  // Issue 14, item 8: the mode is a choice, a check can be imported without choosing the file again,
  // and a full extract that would empty an organisation needs a second confirmation.
  it('asks which kind of file it is instead of assuming a full extract', async () => {
    const body = multipart({ _csrf: powysAdmin.csrf }, { name: 'file', filename: 'extract.csv', content: staffCsv([buildStaffRow()]) });
    const response = await t.app.inject({ method: 'POST', url: '/staff/import', headers: { ...body.headers, cookie: powysAdmin.cookie, accept: 'text/html' }, payload: body.payload });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Select what the file contains');
    const page = await t.app.inject({ method: 'GET', url: '/staff/import', headers: { cookie: powysAdmin.cookie } });
    expect(page.body).not.toMatch(/name="mode"[^>]*checked/);
  });

  it('holds a full extract that would mark more than a tenth of an organisation as leavers until it is confirmed, and imports the checked file without choosing it again', async () => {
    const hywelAdmin = await signedIn(t.app, [{ role: 'org-admin', organisationCode: 'RYT' }]);
    const everyone = Array.from({ length: 10 }, (_, i) => buildStaffRow({ organisationCode: 'RYT', firstName: 'Leaver', lastName: `Person${String(i)}` }));
    expect((await upload(platformAdmin, staffCsv(everyone), { mode: 'full' })).statusCode).toBe(200);
    const kept = everyone.slice(0, 2);
    const held = await upload(hywelAdmin, staffCsv(kept), { mode: 'full', asOfDay: '30', asOfMonth: '11', asOfYear: '2026' });
    expect(held.statusCode).toBe(200);
    expect(held.body).toContain('Confirm the leavers before you import');
    expect(held.body).toContain('8 of the 10 active staff in Public Health Wales NHS Trust are missing from this file');
    expect(held.body).toContain('Leaver Person9');
    expect(held.body).not.toContain('nhsuk-panel');
    expect((await t.app.stores.staff.findByAssignment(everyone[9]?.assignmentNumber ?? ''))?.active).toBe(true);
    const pending = /name="pending" value="([0-9a-f-]+)"/.exec(held.body)?.[1] ?? '';
    expect(pending).not.toBe('');

    // Someone else cannot use another person's checked file.
    const other = await t.app.inject({ method: 'POST', url: '/staff/import/confirm', headers: { cookie: platformAdmin.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, payload: `_csrf=${platformAdmin.csrf}&pending=${pending}&confirmLeavers=1` });
    expect(other.statusCode).toBe(400);
    expect(other.body).toContain('The checked file is no longer kept');

    const unconfirmed = await t.app.inject({ method: 'POST', url: '/staff/import/confirm', headers: { cookie: hywelAdmin.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, payload: `_csrf=${hywelAdmin.csrf}&pending=${pending}` });
    expect(unconfirmed.statusCode).toBe(400);
    expect(unconfirmed.body).toContain('Confirm that these people have left');
    expect((await t.app.stores.staff.findByAssignment(everyone[9]?.assignmentNumber ?? ''))?.active).toBe(true);

    const again = /name="pending" value="([0-9a-f-]+)"/.exec(unconfirmed.body)?.[1] ?? '';
    const confirmed = await t.app.inject({ method: 'POST', url: '/staff/import/confirm', headers: { cookie: hywelAdmin.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, payload: `_csrf=${hywelAdmin.csrf}&pending=${again}&confirmLeavers=1` });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('Staff imported');
    const leaver = await t.app.stores.staff.findByAssignment(everyone[9]?.assignmentNumber ?? '');
    expect(leaver?.active).toBe(false);
    // Issue 13, item 17: leavers leave on the extract's date, not the day the import ran.
    expect(leaver?.leftAt?.toISOString().slice(0, 10)).toBe('2026-11-30');
    // The kept file is gone once imported.
    const reused = await t.app.inject({ method: 'POST', url: '/staff/import/confirm', headers: { cookie: hywelAdmin.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, payload: `_csrf=${hywelAdmin.csrf}&pending=${again}&confirmLeavers=1` });
    expect(reused.statusCode).toBe(400);
  });

  // Issue 13, item 15: a Windows-1252 file keeps its Welsh letters, with a warning naming the encoding.
  it('reads a Windows-1252 upload with a warning, shows the names as read, and stores them intact', async () => {
    const row = buildStaffRow({ organisationCode: '7A7', firstName: 'Siân', lastName: 'Ap Gruffudd' });
    const bytes = Buffer.from(staffCsv([row]), 'latin1');
    const body = multipart({ _csrf: powysAdmin.csrf, mode: 'partial', dryRun: '1' }, { name: 'file', filename: 'excel.csv', content: bytes });
    const checked = await t.app.inject({ method: 'POST', url: '/staff/import', headers: { ...body.headers, cookie: powysAdmin.cookie, accept: 'text/html' }, payload: body.payload });
    expect(checked.statusCode).toBe(200);
    expect(checked.body).toContain('it was read as Windows-1252');
    expect(checked.body).toContain('Names as read from the file');
    expect(checked.body).toContain('<li>Siân Ap Gruffudd</li>');
    const pending = /name="pending" value="([0-9a-f-]+)"/.exec(checked.body)?.[1] ?? '';
    const confirmed = await t.app.inject({ method: 'POST', url: '/staff/import/confirm', headers: { cookie: powysAdmin.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, payload: `_csrf=${powysAdmin.csrf}&pending=${pending}` });
    expect(confirmed.statusCode).toBe(200);
    const stored = await t.app.stores.staff.findByAssignment(row.assignmentNumber);
    expect(stored?.firstName).toBe('Siân');
  });

  // Issue 14, item 12.
  it('shows an organisation administrator only the imports of their own organisations', async () => {
    const body = multipart({ _csrf: platformAdmin.csrf, mode: 'partial' }, { name: 'file', filename: 'all-wales-demo.csv', content: staffCsv([buildStaffRow({ organisationCode: '7A7' }), buildStaffRow({ organisationCode: '7A1' })]) });
    await t.app.inject({ method: 'POST', url: '/staff/import', headers: { ...body.headers, cookie: platformAdmin.cookie, accept: 'text/html' }, payload: body.payload });
    const mineBody = multipart({ _csrf: powysAdmin.csrf, mode: 'partial' }, { name: 'file', filename: 'powys-only.csv', content: staffCsv([buildStaffRow({ organisationCode: '7A7' })]) });
    await t.app.inject({ method: 'POST', url: '/staff/import', headers: { ...mineBody.headers, cookie: powysAdmin.cookie, accept: 'text/html' }, payload: mineBody.payload });
    const powysPage = await t.app.inject({ method: 'GET', url: '/staff/import', headers: { cookie: powysAdmin.cookie } });
    expect(powysPage.body).toContain('powys-only.csv');
    expect(powysPage.body).not.toContain('all-wales-demo.csv');
    const platformPage = await t.app.inject({ method: 'GET', url: '/staff/import', headers: { cookie: platformAdmin.cookie } });
    expect(platformPage.body).toContain('all-wales-demo.csv');
  });

  // Issue 13, item 5: multipart only where a file is taken, and only after the session and form token.
  it('refuses a multipart body on a route that takes no file, and an upload without a session, before reading it', async () => {
    const body = multipart({ email: 'a@b.test', password: 'x' }, { name: 'file', filename: 'big.bin', content: Buffer.alloc(1024) });
    const signIn = await t.app.inject({ method: 'POST', url: '/sign-in', headers: { ...body.headers, accept: 'text/html' }, payload: body.payload });
    expect(signIn.statusCode).toBe(415);
    const confirm = await t.app.inject({ method: 'POST', url: '/staff/import/confirm', headers: { ...body.headers, cookie: powysAdmin.cookie, accept: 'text/html' }, payload: body.payload });
    expect(confirm.statusCode).toBe(415);
    const anonymous = await t.app.inject({ method: 'POST', url: '/staff/import', headers: { ...body.headers, accept: 'text/html' }, payload: body.payload });
    expect(anonymous.statusCode).toBe(401);
    const learner = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    const forbidden = await t.app.inject({ method: 'POST', url: '/staff/import', headers: { ...body.headers, cookie: learner.cookie, accept: 'text/html' }, payload: body.payload });
    expect(forbidden.statusCode).toBe(403);
  });
});
