// Every route the app serves, who may use it, and a real path to try it on: the
// one list that the route-access walk (test/web/route-access.test.ts) and the
// every-page browser check (test/browser/every-page.test.ts) both read. Append a
// row for each new route; the walk fails on a route this table does not list.

import type { RoleGrant } from '../../src/domain/auth/index.js';

export type Who = 'anonymous' | 'learner' | 'line-manager' | 'education-lead' | 'workforce-planner' | 'org-admin' | 'platform-admin';
export const EVERYONE: Who[] = ['anonymous', 'learner', 'line-manager', 'education-lead', 'workforce-planner', 'org-admin', 'platform-admin'];
export const SIGNED_IN = EVERYONE.filter((w): w is Exclude<Who, 'anonymous'> => w !== 'anonymous');

export const GRANTS: Record<Exclude<Who, 'anonymous'>, RoleGrant[]> = {
  learner: [{ role: 'learner', organisationCode: null }],
  'line-manager': [{ role: 'line-manager', organisationCode: '7A7' }],
  'education-lead': [{ role: 'education-lead', organisationCode: null }],
  'workforce-planner': [{ role: 'workforce-planner', organisationCode: null }],
  'org-admin': [{ role: 'org-admin', organisationCode: '7A7' }],
  'platform-admin': [{ role: 'platform-admin', organisationCode: null }],
};

export interface Case { method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH'; url: string; path: string; allowed: Who[]; body?: Record<string, string> }

/** The ids the paths need: a Powys staff record (the line manager's own), one of their reports, and a Powys account. */
export interface RouteIds {
  readonly staffId: string;
  readonly powysUserId: string;
  readonly reportStaffId: string;
}

export function routeCases({ staffId, powysUserId, reportStaffId }: RouteIds): Case[] {
  return [
    { method: 'GET', url: '/', path: '/', allowed: EVERYONE },
    { method: 'GET', url: '/accessibility', path: '/accessibility', allowed: EVERYONE },
    { method: 'GET', url: '/health', path: '/health', allowed: EVERYONE },
    { method: 'GET', url: '/sign-in', path: '/sign-in', allowed: EVERYONE },
    { method: 'POST', url: '/sign-in', path: '/sign-in', allowed: EVERYONE, body: { email: '', password: '' } },
    { method: 'POST', url: '/sign-out', path: '/sign-out', allowed: EVERYONE },
    { method: 'GET', url: '/team', path: '/team', allowed: ['line-manager'] },
    { method: 'GET', url: '/team.csv', path: '/team.csv', allowed: ['line-manager'] },
    { method: 'GET', url: '/team/:staffId', path: `/team/${reportStaffId}`, allowed: ['line-manager'] },
    { method: 'GET', url: '/staff', path: '/staff', allowed: ['org-admin', 'platform-admin'] },
    { method: 'GET', url: '/staff/:id', path: `/staff/${staffId}`, allowed: ['org-admin', 'platform-admin'] },
    { method: 'GET', url: '/staff/import', path: '/staff/import', allowed: ['org-admin', 'platform-admin'] },
    { method: 'POST', url: '/staff/import', path: '/staff/import', allowed: ['org-admin', 'platform-admin'] },
    { method: 'GET', url: '/admin/users', path: '/admin/users', allowed: ['org-admin', 'platform-admin'] },
    { method: 'GET', url: '/admin/users/:id', path: `/admin/users/${powysUserId}`, allowed: ['org-admin', 'platform-admin'] },
    { method: 'POST', url: '/admin/users/:id/roles', path: `/admin/users/${powysUserId}/roles`, allowed: ['org-admin', 'platform-admin'], body: { role: 'learner' } },
    { method: 'POST', url: '/admin/users/:id/roles/revoke', path: `/admin/users/${powysUserId}/roles/revoke`, allowed: ['org-admin', 'platform-admin'], body: { role: 'learner' } },
    { method: 'GET', url: '/admin/users/:id/roles/remove', path: `/admin/users/${powysUserId}/roles/remove?role=line-manager&organisationCode=7A7`, allowed: ['org-admin', 'platform-admin'] },
    { method: 'GET', url: '/admin/audit', path: '/admin/audit', allowed: ['platform-admin'] },
    { method: 'GET', url: '/admin/audit.csv', path: '/admin/audit.csv?action=role.granted', allowed: ['platform-admin'] },
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
    // report a problem with a module page, and the education leads' queue (curriculum)
    { method: 'GET', url: '/learn/:slug/report', path: '/learn/sample-genomics/report?page=1', allowed: SIGNED_IN },
    { method: 'POST', url: '/learn/:slug/report', path: '/learn/sample-genomics/report', allowed: SIGNED_IN, body: { page: '1', message: '' } },
    { method: 'GET', url: '/learn/:slug/report/sent', path: '/learn/sample-genomics/report/sent', allowed: SIGNED_IN },
    { method: 'GET', url: '/admin/learning/problems', path: '/admin/learning/problems', allowed: ['education-lead', 'platform-admin'] },
    { method: 'POST', url: '/admin/learning/problems/:id/dealt-with', path: '/admin/learning/problems/00000000-0000-0000-0000-000000000000/dealt-with', allowed: ['education-lead', 'platform-admin'] },
    { method: 'GET', url: '/events', path: '/events', allowed: SIGNED_IN },
    { method: 'GET', url: '/events/:id', path: '/events/00000000-0000-0000-0000-000000000000', allowed: SIGNED_IN },
    { method: 'POST', url: '/events/:id/sessions/:sessionId/book', path: '/events/00000000-0000-0000-0000-000000000000/sessions/00000000-0000-0000-0000-000000000000/book', allowed: SIGNED_IN },
    { method: 'POST', url: '/events/:id/sessions/:sessionId/cancel', path: '/events/00000000-0000-0000-0000-000000000000/sessions/00000000-0000-0000-0000-000000000000/cancel', allowed: SIGNED_IN },
    { method: 'GET', url: '/admin/events', path: '/admin/events', allowed: ['education-lead', 'platform-admin'] },
    { method: 'GET', url: '/admin/events/new', path: '/admin/events/new', allowed: ['education-lead', 'platform-admin'] },
    { method: 'POST', url: '/admin/events', path: '/admin/events', allowed: ['education-lead', 'platform-admin'], body: { titleEn: '' } },
    { method: 'POST', url: '/admin/events/:id/publish', path: '/admin/events/00000000-0000-0000-0000-000000000000/publish', allowed: ['education-lead', 'platform-admin'] },
    { method: 'POST', url: '/admin/events/:id/cancel', path: '/admin/events/00000000-0000-0000-0000-000000000000/cancel', allowed: ['education-lead', 'platform-admin'] },
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
    { method: 'GET', url: '/admin/xapi-clients/:id/revoke', path: '/admin/xapi-clients/00000000-0000-0000-0000-000000000000/revoke', allowed: ['education-lead', 'org-admin', 'platform-admin'] },
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
    // staff import: importing a checked file without choosing it again
    { method: 'POST', url: '/staff/import/confirm', path: '/staff/import/confirm', allowed: ['org-admin', 'platform-admin'], body: { pending: '00000000-0000-0000-0000-000000000000' } },
    { method: 'GET', url: '/plan/runs/:id/goal', path: '/plan/runs/00000000-0000-0000-0000-000000000000/goal', allowed: ['workforce-planner', 'platform-admin'] },
    { method: 'POST', url: '/plan/runs/:id/goal', path: '/plan/runs/00000000-0000-0000-0000-000000000000/goal', allowed: ['workforce-planner', 'platform-admin'] },
  ];
}
