// Every route, every role: allowed or refused, as this table says. A route the
// table does not list fails the first test, so a new route cannot slip in
// without someone deciding who may use it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoleGrant } from '../../src/domain/auth/index.js';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';
import { importStaffExtract } from '../../src/services/staff-import.js';

type Who = 'anonymous' | 'learner' | 'line-manager' | 'education-lead' | 'workforce-planner' | 'org-admin' | 'platform-admin';
const EVERYONE: Who[] = ['anonymous', 'learner', 'line-manager', 'education-lead', 'workforce-planner', 'org-admin', 'platform-admin'];
const SIGNED_IN = EVERYONE.filter((w): w is Exclude<Who, 'anonymous'> => w !== 'anonymous');

const GRANTS: Record<Exclude<Who, 'anonymous'>, RoleGrant[]> = {
  learner: [{ role: 'learner', organisationCode: null }],
  'line-manager': [{ role: 'line-manager', organisationCode: '7A7' }],
  'education-lead': [{ role: 'education-lead', organisationCode: null }],
  'workforce-planner': [{ role: 'workforce-planner', organisationCode: null }],
  'org-admin': [{ role: 'org-admin', organisationCode: '7A7' }],
  'platform-admin': [{ role: 'platform-admin', organisationCode: null }],
};

interface Case { method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH'; url: string; path: string; allowed: Who[]; body?: Record<string, string> }

describe.each(engines)('route access on $name', (engine) => {
  let t: TestApp;
  const people = new Map<Who, SignedIn>();
  let staffId = '';
  let powysUserId = '';
  let cases: Case[] = [];

  beforeAll(async () => {
    t = await buildTestApp(engine);
    const row = buildStaffRow({ organisationCode: '7A7' });
    await importStaffExtract(t.app.stores.staff, { text: staffCsv([row]), fileName: 'x.csv', mode: 'partial', permittedOrganisations: 'all', actorUserId: null });
    staffId = (await t.app.stores.staff.findByAssignment(row.assignmentNumber))?.id ?? '';
    for (const who of SIGNED_IN) people.set(who, await signedIn(t.app, GRANTS[who], who === 'line-manager' ? { staffId } : {}));
    powysUserId = (await signedIn(t.app, [{ role: 'line-manager', organisationCode: '7A7' }], { staffId })).userId;
    cases = [
      { method: 'GET', url: '/', path: '/', allowed: EVERYONE },
      { method: 'GET', url: '/accessibility', path: '/accessibility', allowed: EVERYONE },
      { method: 'GET', url: '/health', path: '/health', allowed: EVERYONE },
      { method: 'GET', url: '/sign-in', path: '/sign-in', allowed: EVERYONE },
      { method: 'POST', url: '/sign-in', path: '/sign-in', allowed: EVERYONE, body: { email: '', password: '' } },
      { method: 'POST', url: '/sign-out', path: '/sign-out', allowed: EVERYONE },
      { method: 'GET', url: '/team', path: '/team', allowed: ['line-manager'] },
      { method: 'GET', url: '/staff', path: '/staff', allowed: ['org-admin', 'platform-admin'] },
      { method: 'GET', url: '/staff/:id', path: `/staff/${staffId}`, allowed: ['org-admin', 'platform-admin'] },
      { method: 'GET', url: '/staff/import', path: '/staff/import', allowed: ['org-admin', 'platform-admin'] },
      { method: 'POST', url: '/staff/import', path: '/staff/import', allowed: ['org-admin', 'platform-admin'] },
      { method: 'GET', url: '/admin/users', path: '/admin/users', allowed: ['org-admin', 'platform-admin'] },
      { method: 'GET', url: '/admin/users/:id', path: `/admin/users/${powysUserId}`, allowed: ['org-admin', 'platform-admin'] },
      { method: 'POST', url: '/admin/users/:id/roles', path: `/admin/users/${powysUserId}/roles`, allowed: ['org-admin', 'platform-admin'], body: { role: 'learner' } },
      { method: 'POST', url: '/admin/users/:id/roles/revoke', path: `/admin/users/${powysUserId}/roles/revoke`, allowed: ['org-admin', 'platform-admin'], body: { role: 'learner' } },
      { method: 'GET', url: '/admin/audit', path: '/admin/audit', allowed: ['platform-admin'] },
      { method: 'GET', url: '/admin/learning-records', path: '/admin/learning-records', allowed: ['platform-admin'] },
      { method: 'POST', url: '/admin/learning-records', path: '/admin/learning-records', allowed: ['platform-admin'], body: { email: 'nobody@example.org' } },
      { method: 'POST', url: '/admin/learning-records/export', path: '/admin/learning-records/export', allowed: ['platform-admin'], body: { organisationCode: 'PLATFORM', key: 'mbox:mailto:nobody@example.org' } },
      { method: 'POST', url: '/admin/learning-records/erase', path: '/admin/learning-records/erase', allowed: ['platform-admin'], body: { organisationCode: 'PLATFORM', key: 'mbox:mailto:nobody@example.org', step: 'erase', confirm: 'yes' } },
      { method: 'GET', url: '/learn', path: '/learn', allowed: SIGNED_IN },
      { method: 'GET', url: '/learn/:slug', path: '/learn/sample-genomics', allowed: SIGNED_IN },
      { method: 'GET', url: '/learn/:slug/glossary', path: '/learn/sample-genomics/glossary', allowed: SIGNED_IN },
      { method: 'GET', url: '/learn/:slug/pages/:page', path: '/learn/sample-genomics/pages/1', allowed: SIGNED_IN },
      { method: 'POST', url: '/learn/:slug/pages/:page/checks/:check', path: '/learn/sample-genomics/pages/1/checks/k1', allowed: SIGNED_IN, body: { answer: 'a' } },
      { method: 'GET', url: '/learn/:slug/assessment', path: '/learn/sample-genomics/assessment', allowed: SIGNED_IN },
      { method: 'POST', url: '/learn/:slug/assessment', path: '/learn/sample-genomics/assessment', allowed: SIGNED_IN },
      { method: 'POST', url: '/learn/:slug/assessment/:attempt', path: '/learn/sample-genomics/assessment/00000000-0000-0000-0000-000000000000', allowed: SIGNED_IN },
      { method: 'GET', url: '/my-learning', path: '/my-learning', allowed: SIGNED_IN },
      { method: 'GET', url: '/my-learning.csv', path: '/my-learning.csv', allowed: SIGNED_IN },
      { method: 'GET', url: '/my-learning/certificates/:id.pdf', path: '/my-learning/certificates/00000000-0000-0000-0000-000000000000.pdf', allowed: SIGNED_IN },
      { method: 'GET', url: '/my-learning/certificates/:id.jwt', path: '/my-learning/certificates/00000000-0000-0000-0000-000000000000.jwt', allowed: SIGNED_IN },
      { method: 'GET', url: '/my-learning/certificates/:id.png', path: '/my-learning/certificates/00000000-0000-0000-0000-000000000000.png', allowed: SIGNED_IN },
      { method: 'GET', url: '/my-learning/certificates/:id', path: '/my-learning/certificates/00000000-0000-0000-0000-000000000000', allowed: SIGNED_IN },
      { method: 'GET', url: '/credentials/:id', path: '/credentials/00000000-0000-0000-0000-000000000000', allowed: EVERYONE },
      { method: 'GET', url: '/credentials/verify', path: '/credentials/verify', allowed: EVERYONE },
      { method: 'POST', url: '/credentials/verify', path: '/credentials/verify', allowed: EVERYONE, body: { credential: 'x.y.z' } },
      { method: 'POST', url: '/credentials/:id/revoke', path: '/credentials/00000000-0000-0000-0000-000000000000/revoke', allowed: ['education-lead', 'platform-admin'], body: { reason: 'test' } },
      { method: 'GET', url: '/my-learning/required', path: '/my-learning/required', allowed: SIGNED_IN },
      { method: 'GET', url: '/my-learning/messages', path: '/my-learning/messages', allowed: SIGNED_IN },
      { method: 'GET', url: '/my-learning/messages/:id', path: '/my-learning/messages/00000000-0000-0000-0000-000000000000', allowed: SIGNED_IN },
      { method: 'GET', url: '/admin/outbox', path: '/admin/outbox', allowed: ['platform-admin'] },
      { method: 'GET', url: '/admin/outbox/:id', path: '/admin/outbox/00000000-0000-0000-0000-000000000000', allowed: ['platform-admin'] },
      { method: 'GET', url: '/admin/learning/requirements', path: '/admin/learning/requirements', allowed: ['education-lead', 'org-admin', 'platform-admin'] },
      { method: 'GET', url: '/admin/learning/requirements/new', path: '/admin/learning/requirements/new', allowed: ['education-lead', 'org-admin', 'platform-admin'] },
      { method: 'POST', url: '/admin/learning/requirements', path: '/admin/learning/requirements', allowed: ['education-lead', 'org-admin', 'platform-admin'], body: { module: '' } },
      { method: 'GET', url: '/admin/learning/requirements/:id', path: '/admin/learning/requirements/00000000-0000-0000-0000-000000000000', allowed: ['education-lead', 'org-admin', 'platform-admin'] },
      { method: 'POST', url: '/admin/learning/requirements/:id', path: '/admin/learning/requirements/00000000-0000-0000-0000-000000000000', allowed: ['education-lead', 'org-admin', 'platform-admin'], body: { module: '' } },
      { method: 'GET', url: '/admin/learning/requirements/:id/remove', path: '/admin/learning/requirements/00000000-0000-0000-0000-000000000000/remove', allowed: ['education-lead', 'org-admin', 'platform-admin'] },
      { method: 'POST', url: '/admin/learning/requirements/:id/remove', path: '/admin/learning/requirements/00000000-0000-0000-0000-000000000000/remove', allowed: ['education-lead', 'org-admin', 'platform-admin'], body: { revision: '1' } },
      { method: 'GET', url: '/admin/learning/modules', path: '/admin/learning/modules', allowed: ['education-lead', 'platform-admin'] },
      { method: 'POST', url: '/admin/learning/modules/:slug/publish', path: '/admin/learning/modules/sample-genomics/publish', allowed: ['education-lead', 'platform-admin'], body: { version: '9.9.9' } },
      // learning record store routes (xAPI): add rows below this line
      { method: 'GET', url: '/xapi/about', path: '/xapi/about', allowed: EVERYONE },
      { method: 'GET', url: '/xapi/statements', path: '/xapi/statements', allowed: EVERYONE },
      { method: 'POST', url: '/xapi/statements', path: '/xapi/statements', allowed: EVERYONE },
      { method: 'PUT', url: '/xapi/statements', path: '/xapi/statements', allowed: EVERYONE },
      { method: 'GET', url: '/xapi/activities/state', path: '/xapi/activities/state', allowed: EVERYONE },
      { method: 'PUT', url: '/xapi/activities/state', path: '/xapi/activities/state', allowed: EVERYONE },
      { method: 'POST', url: '/xapi/activities/state', path: '/xapi/activities/state', allowed: EVERYONE },
      { method: 'DELETE', url: '/xapi/activities/state', path: '/xapi/activities/state', allowed: EVERYONE },
      { method: 'GET', url: '/xapi/activities/profile', path: '/xapi/activities/profile', allowed: EVERYONE },
      { method: 'PUT', url: '/xapi/activities/profile', path: '/xapi/activities/profile', allowed: EVERYONE },
      { method: 'POST', url: '/xapi/activities/profile', path: '/xapi/activities/profile', allowed: EVERYONE },
      { method: 'DELETE', url: '/xapi/activities/profile', path: '/xapi/activities/profile', allowed: EVERYONE },
      { method: 'GET', url: '/xapi/agents/profile', path: '/xapi/agents/profile', allowed: EVERYONE },
      { method: 'PUT', url: '/xapi/agents/profile', path: '/xapi/agents/profile', allowed: EVERYONE },
      { method: 'POST', url: '/xapi/agents/profile', path: '/xapi/agents/profile', allowed: EVERYONE },
      { method: 'DELETE', url: '/xapi/agents/profile', path: '/xapi/agents/profile', allowed: EVERYONE },
      { method: 'GET', url: '/xapi/activities', path: '/xapi/activities', allowed: EVERYONE },
      { method: 'GET', url: '/xapi/agents', path: '/xapi/agents', allowed: EVERYONE },
      // methods an xAPI resource does not have: 405 from the LRS itself
      ...([['/xapi/statements', ['DELETE', 'PATCH']], ['/xapi/activities', ['DELETE', 'PATCH', 'POST', 'PUT']], ['/xapi/agents', ['DELETE', 'PATCH', 'POST', 'PUT']],
        ['/xapi/about', ['DELETE', 'PATCH', 'POST', 'PUT']], ['/xapi/activities/state', ['PATCH']], ['/xapi/activities/profile', ['PATCH']], ['/xapi/agents/profile', ['PATCH']]] as const)
        .flatMap(([url, methods]) => methods.map((method): Case => ({ method, url, path: url, allowed: EVERYONE }))),
      { method: 'GET', url: '/admin/xapi-clients', path: '/admin/xapi-clients', allowed: ['education-lead', 'org-admin', 'platform-admin'] },
      { method: 'POST', url: '/admin/xapi-clients', path: '/admin/xapi-clients', allowed: ['education-lead', 'org-admin', 'platform-admin'], body: { name: 'x' } },
      { method: 'POST', url: '/admin/xapi-clients/:id/revoke', path: '/admin/xapi-clients/00000000-0000-0000-0000-000000000000/revoke', allowed: ['education-lead', 'org-admin', 'platform-admin'] },
      // workforce planning routes: add rows below this line
      { method: 'GET', url: '/plan', path: '/plan', allowed: ['workforce-planner', 'platform-admin'] },
      { method: 'POST', url: '/plan/scenarios', path: '/plan/scenarios', allowed: ['workforce-planner', 'platform-admin'], body: { source: '' } },
      { method: 'GET', url: '/plan/scenarios/:id', path: '/plan/scenarios/00000000-0000-0000-0000-000000000000', allowed: ['workforce-planner', 'platform-admin'] },
      { method: 'POST', url: '/plan/scenarios/:id/delete', path: '/plan/scenarios/00000000-0000-0000-0000-000000000000/delete', allowed: ['workforce-planner', 'platform-admin'] },
      { method: 'POST', url: '/plan/scenarios/:id/runs', path: '/plan/scenarios/00000000-0000-0000-0000-000000000000/runs', allowed: ['workforce-planner', 'platform-admin'] },
      { method: 'GET', url: '/plan/runs/:id', path: '/plan/runs/00000000-0000-0000-0000-000000000000', allowed: ['workforce-planner', 'platform-admin'] },
      { method: 'GET', url: '/plan/runs/:id/results.csv', path: '/plan/runs/00000000-0000-0000-0000-000000000000/results.csv', allowed: ['workforce-planner', 'platform-admin'] },
      { method: 'POST', url: '/plan/scenarios/:id/copy', path: '/plan/scenarios/00000000-0000-0000-0000-000000000000/copy', allowed: ['workforce-planner', 'platform-admin'] },
      { method: 'GET', url: '/plan/scenarios/:id/edit', path: '/plan/scenarios/00000000-0000-0000-0000-000000000000/edit', allowed: ['workforce-planner', 'platform-admin'] },
      { method: 'POST', url: '/plan/scenarios/:id/edit', path: '/plan/scenarios/00000000-0000-0000-0000-000000000000/edit', allowed: ['workforce-planner', 'platform-admin'] },
      { method: 'GET', url: '/plan/scenarios/:id/baseline', path: '/plan/scenarios/00000000-0000-0000-0000-000000000000/baseline', allowed: ['workforce-planner', 'platform-admin'] },
      { method: 'POST', url: '/plan/scenarios/:id/baseline', path: '/plan/scenarios/00000000-0000-0000-0000-000000000000/baseline', allowed: ['workforce-planner', 'platform-admin'] },
      { method: 'POST', url: '/plan/runs/:id/cancel', path: '/plan/runs/00000000-0000-0000-0000-000000000000/cancel', allowed: ['workforce-planner', 'platform-admin'] },
      { method: 'POST', url: '/plan/runs/:id/rerun', path: '/plan/runs/00000000-0000-0000-0000-000000000000/rerun', allowed: ['workforce-planner', 'platform-admin'] },
      { method: 'GET', url: '/plan/runs/:id/progress.json', path: '/plan/runs/00000000-0000-0000-0000-000000000000/progress.json', allowed: ['workforce-planner', 'platform-admin'] },
      { method: 'GET', url: '/plan/runs/:id/results.json', path: '/plan/runs/00000000-0000-0000-0000-000000000000/results.json', allowed: ['workforce-planner', 'platform-admin'] },
      { method: 'GET', url: '/plan/runs/:id/scenario.json', path: '/plan/runs/00000000-0000-0000-0000-000000000000/scenario.json', allowed: ['workforce-planner', 'platform-admin'] },
      { method: 'GET', url: '/plan/runs/:id/report.html', path: '/plan/runs/00000000-0000-0000-0000-000000000000/report.html', allowed: ['workforce-planner', 'platform-admin'] },
      { method: 'GET', url: '/plan/runs/:id/charts/:file', path: '/plan/runs/00000000-0000-0000-0000-000000000000/charts/tornado.svg', allowed: ['workforce-planner', 'platform-admin'] },
      { method: 'GET', url: '/plan/compare', path: '/plan/compare', allowed: ['workforce-planner', 'platform-admin'] },
    ];
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
  });
});
