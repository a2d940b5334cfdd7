// "Report a problem with this page" and the education leads' queue, on every
// database engine: the form in both languages, its errors, what a report keeps,
// marking one dealt with, and the audit log.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';

const SAMPLE = 'https://genomeg.wales/xapi/activities/module/sample-genomics';

describe.each(engines)('reporting a problem with a module page on $name', (engine) => {
  let t: TestApp;
  let learner: SignedIn;
  let lead: SignedIn;
  const get = (who: SignedIn, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } });
  const post = (who: SignedIn, url: string, payload: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, headers: { cookie: who.cookie, accept: 'text/html' }, payload: { _csrf: who.csrf, ...payload } });
  const reports = () => t.app.database.db.selectFrom('content_problem_reports').selectAll().orderBy('reported_at').execute();

  beforeAll(async () => {
    t = await buildTestApp(engine);
    learner = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    lead = await signedIn(t.app, [{ role: 'education-lead', organisationCode: null }]);
  }, 120_000);
  afterAll(async () => { await t.close(); });

  it('links every module page and the overview to the form, in both languages', async () => {
    const en = await get(learner, '/learn/sample-genomics/pages/2');
    expect(en.body).toContain('href="/learn/sample-genomics/report?page=2"');
    expect(en.body).toContain('Report a problem with this page');
    const cy = await get(learner, '/cy/learn/sample-genomics/pages/2');
    expect(cy.body).toContain('href="/cy/learn/sample-genomics/report?page=2"');
    expect(cy.body).toContain('Rhoi gwybod am broblem gyda&#39;r dudalen hon');
    expect((await get(learner, '/learn/sample-genomics')).body).toContain('href="/learn/sample-genomics/report"');
  });

  it('shows the form with the page, version and language, and a CSRF token', async () => {
    const form = await get(learner, '/cy/learn/sample-genomics/report?page=2');
    expect(form.statusCode).toBe(200);
    expect(form.headers['cache-control']).toBe('no-store');
    expect(form.body).toContain('name="_csrf"');
    expect(form.body).toContain('name="page" value="2"');
    expect(form.body).toContain('Tudalen 2 o');
    expect(form.body).toContain('Beth yw&#39;r broblem?');
  });

  it('refuses an empty report and a report without a CSRF token, and writes nothing', async () => {
    const before = (await reports()).length;
    const empty = await post(learner, '/learn/sample-genomics/report', { page: '2', message: '   ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('There is a problem');
    expect(empty.body).toContain('href="#message"');
    expect(empty.body).toContain('Enter what the problem is');
    const tooLong = await post(learner, '/cy/learn/sample-genomics/report', { page: '2', message: 'x'.repeat(2001) });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.body).toContain('Rhaid i&#39;r adroddiad fod yn 2,000 nod neu lai');
    const forged = await t.app.inject({ method: 'POST', url: '/learn/sample-genomics/report', headers: { cookie: learner.cookie, accept: 'text/html' }, payload: { page: '2', message: 'Hello' } });
    expect(forged.statusCode).toBe(403);
    expect((await reports()).length).toBe(before);
  });

  it('keeps the module, version, page, language and message, audits it, and thanks the learner', async () => {
    const sent = await post(learner, '/cy/learn/sample-genomics/report', { page: '2', message: 'Mae "genom" heb ei dreiglo.\nAil linell <b>bold</b>' });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe('/cy/learn/sample-genomics/report/sent?page=2');
    expect((await get(learner, '/cy/learn/sample-genomics/report/sent?page=2')).body).toContain('Diolch: mae eich adroddiad wedi');
    const [report] = (await reports()).slice(-1);
    expect(report).toMatchObject({ module_id: SAMPLE, module_slug: 'sample-genomics', page: 2, language: 'cy', reported_by: learner.userId, dealt_with_at: null });
    expect(report?.module_version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(report?.message).toBe('Mae "genom" heb ei dreiglo.\nAil linell <b>bold</b>');
    const audit = await t.app.database.db.selectFrom('audit_events').selectAll().where('entity_id', '=', report?.id ?? '').execute();
    expect(audit.map((a) => a.action)).toEqual(['content-problem.reported']);
    // A page number that is not one of the module's pages is the overview.
    await post(learner, '/learn/sample-genomics/report', { page: '999', message: 'Overview typo' });
    expect((await reports()).slice(-1)[0]).toMatchObject({ page: null, language: 'en' });
  });

  it('lists open reports for education leads only, escaped, and marks one dealt with (audited, once)', async () => {
    expect((await get(learner, '/admin/learning/problems')).statusCode).toBe(403);
    const queue = await get(lead, '/admin/learning/problems');
    expect(queue.statusCode).toBe(200);
    expect(queue.body).toContain('Ail linell &lt;b&gt;bold&lt;/b&gt;');
    expect(queue.body).not.toContain('<b>bold</b>');
    expect(queue.body).toContain('href="/cy/learn/sample-genomics/pages/2"');
    expect(queue.body).toContain('2 open reports');
    const welsh = await get(lead, '/cy/admin/learning/problems');
    expect(welsh.body).toContain('2 adroddiad agored');

    const id = (await reports()).find((r) => r.page === 2)?.id ?? '';
    const done = await post(lead, `/admin/learning/problems/${id}/dealt-with`);
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/admin/learning/problems?done=1');
    const row = (await reports()).find((r) => r.id === id);
    expect(row?.dealt_with_by).toBe(lead.userId);
    expect(row?.dealt_with_at).not.toBeNull();
    const audit = await t.app.database.db.selectFrom('audit_events').selectAll().where('entity_id', '=', id).orderBy('id').execute();
    expect(audit.map((a) => [a.action, a.actor_user_id])).toEqual([['content-problem.reported', learner.userId], ['content-problem.dealt-with', lead.userId]]);
    // Twice is a conflict, not a second record; an unknown report is not found.
    expect((await post(lead, `/admin/learning/problems/${id}/dealt-with`)).statusCode).toBe(409);
    expect((await post(lead, '/admin/learning/problems/00000000-0000-0000-0000-000000000000/dealt-with')).statusCode).toBe(404);
    const after = await get(lead, '/admin/learning/problems?done=1');
    expect(after.body).toContain('1 open report');
    expect(after.body).toContain('Recently dealt with');
  });
});
