// Every route, every role: allowed or refused, as this table says. A route the
// table does not list fails the first test, so a new route cannot slip in
// without someone deciding who may use it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';
import { importStaffExtract } from '../../src/services/staff-import.js';
import { EVERYONE, GRANTS, SIGNED_IN, routeCases, type Case, type Who } from '../support/route-table.js';

describe.each(engines)('route access on $name', (engine) => {
  let t: TestApp;
  const people = new Map<Who, SignedIn>();
  let staffId = '';
  let powysUserId = '';
  let reportStaffId = '';
  let cases: Case[] = [];

  beforeAll(async () => {
    t = await buildTestApp(engine);
    const row = buildStaffRow({ organisationCode: '7A7' });
    const report = buildStaffRow({ organisationCode: '7A7', lineManagerAssignmentNumber: row.assignmentNumber });
    await importStaffExtract(t.app.stores.staff, { text: staffCsv([row, report]), fileName: 'x.csv', mode: 'partial', permittedOrganisations: 'all', actorUserId: null });
    staffId = (await t.app.stores.staff.findByAssignment(row.assignmentNumber))?.id ?? '';
    reportStaffId = (await t.app.stores.staff.findByAssignment(report.assignmentNumber))?.id ?? '';
    for (const who of SIGNED_IN) people.set(who, await signedIn(t.app, GRANTS[who], who === 'line-manager' ? { staffId } : {}));
    powysUserId = (await signedIn(t.app, [{ role: 'line-manager', organisationCode: '7A7' }], { staffId })).userId;
    cases = routeCases({ staffId, powysUserId, reportStaffId });
  });
  afterAll(async () => { await t.close(); });

  it('lists every route the app serves', () => {
    const served = t.app.routeAccess.map((r) => `${r.method} ${r.url}`).sort();
    expect(served).toEqual(cases.map((c) => `${c.method} ${c.url}`).sort());
  });

  it.each(EVERYONE)('allows and refuses %s exactly as the table says, in both languages', async (who) => {
    const anonymousCsrf = 'a'.repeat(43);
    for (const c of cases) {
      for (const prefix of ['', '/cy']) {
        let person = people.get(who);
        // Signing out ends the session it is sent with, so it gets a session of its own.
        if (person !== undefined && c.url === '/sign-out') {
          const { token, session } = await t.app.stores.sessions.start(person.userId);
          person = { userId: person.userId, cookie: `gnm_session=${token}`, csrf: session.csrfToken };
        }
        const cookie = person === undefined ? `gnm_csrf=${anonymousCsrf}` : person.cookie;
        const csrf = person === undefined ? anonymousCsrf : person.csrf;
        const response = await t.app.inject({
          method: c.method, url: `${prefix}${c.path}`, headers: { cookie, accept: 'text/html' },
          ...(c.method === 'POST' ? { payload: { _csrf: csrf, ...(c.body ?? {}) } } : {}),
        });
        const refused = response.statusCode === 401 || response.statusCode === 403
          || (response.statusCode === 303 && String(response.headers.location).includes('/sign-in?returnTo'));
        const expected = c.allowed.includes(who);
        expect({ route: `${c.method} ${prefix}${c.path}`, who, allowed: !refused }).toEqual({ route: `${c.method} ${prefix}${c.path}`, who, allowed: expected });
        expect({ route: `${c.method} ${prefix}${c.path}`, status: response.statusCode < 500 ? 'ok' : response.body.slice(0, 300) }).toEqual({ route: `${c.method} ${prefix}${c.path}`, status: 'ok' });
      }
    }
  }, 120_000);
});
