// The platform's own learning lands in the learning record store: a page newly
// reached is "experienced", a knowledge check "answered", an assessment
// "attempted" then "passed" or "failed" (with each question "answered"), and a
// first pass "completed", all with the module's activity id and the learner's
// account, never their email.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { toBool } from '../../src/db/dialect.js';

const MODULE = 'https://genomeg.wales/xapi/activities/module/sample-genomics';
const ADL = 'http://adlnet.gov/expapi/verbs/';

interface Stored {
  actor: { account: { name: string }; mbox?: string };
  verb: { id: string };
  object: { id: string };
  result?: { success?: boolean; response?: string; score?: { scaled: number } };
  context?: { registration?: string; language?: string; contextActivities?: { parent?: { id: string }[] } };
}

describe.each(engines)('the learning record of the platform on $name', (engine) => {
  let t: TestApp;
  let learner: SignedIn;
  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: learner.cookie, accept: 'text/html' } });
  const post = (url: string, payload: Record<string, string | string[]> = {}) =>
    t.app.inject({ method: 'POST', url, headers: { cookie: learner.cookie, accept: 'text/html' }, payload: { _csrf: learner.csrf, ...payload } });
  const attemptId = (html: string) => /\/assessment\/([0-9a-f-]{36})"/.exec(html)?.[1] ?? '';

  const statements = async (): Promise<Stored[]> => {
    const rows = await t.database.db.selectFrom('xapi_statements').select(['statement_json', 'seq'])
      .where('organisation_code', '=', 'PLATFORM').orderBy('seq').execute();
    return rows.map((r) => JSON.parse(r.statement_json) as Stored).filter((s) => s.actor.account.name === learner.userId);
  };
  const verbs = async () => (await statements()).map((s) => s.verb.id.replace(ADL, ''));

  beforeAll(async () => {
    t = await buildTestApp(engine);
    learner = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
  });
  afterAll(async () => { await t.close(); });

  it('records a page when it is first reached, not when it is read again', async () => {
    expect((await get('/learn/sample-genomics/pages/1')).statusCode).toBe(200);
    expect((await get('/learn/sample-genomics/pages/1')).statusCode).toBe(200);
    expect((await get('/cy/learn/sample-genomics/pages/2')).statusCode).toBe(200);
    const all = await statements();
    expect(all.map((s) => s.object.id)).toEqual([`${MODULE}/pages/1`, `${MODULE}/pages/2`]);
    expect(all.every((s) => s.verb.id === `${ADL}experienced`)).toBe(true);
    expect(all[0]?.context?.contextActivities?.parent?.[0]?.id).toBe(MODULE);
    expect(all[1]?.context?.language).toBe('cy');
    expect(JSON.stringify(all)).not.toContain('mailto:');
  });

  it('records a knowledge check answer with whether it was right', async () => {
    const before = (await statements()).length;
    expect((await post('/learn/sample-genomics/pages/1/checks/k1', { answer: 'b' })).statusCode).toBe(200);
    // Going back to page 1 to answer is also a page reached again after page 2.
    const added = (await statements()).slice(before);
    expect(added.map((s) => s.verb.id.replace(ADL, ''))).toEqual(['answered', 'experienced']);
    const answered = added.filter((s) => s.verb.id === `${ADL}answered`);
    expect(answered[0]?.object.id).toBe(`${MODULE}/questions/check-k1`);
    expect(answered[0]?.result).toMatchObject({ response: 'b', success: false });
  });

  it('records attempted, each answer, failed; then a pass and one completion, in the attempt\'s registration', async () => {
    await post('/learn/sample-genomics/assessment');
    const first = attemptId((await get('/learn/sample-genomics/assessment')).body);
    expect(first).not.toBe('');
    await post(`/learn/sample-genomics/assessment/${first}`, { 'q-q1': 'b', 'q-q2': ['a', 'b', 'c'] });
    await post('/learn/sample-genomics/assessment');
    const second = attemptId((await get('/learn/sample-genomics/assessment')).body);
    await post(`/learn/sample-genomics/assessment/${second}`, { 'q-q1': 'a', 'q-q2': ['a', 'b'] });
    // Passing again is not a second completion.
    await post('/learn/sample-genomics/assessment');
    const third = attemptId((await get('/learn/sample-genomics/assessment')).body);
    await post(`/learn/sample-genomics/assessment/${third}`, { 'q-q1': 'a', 'q-q2': ['a', 'b'] });

    const all = await statements();
    const inAttempt = (id: string) => all.filter((s) => s.context?.registration === id).map((s) => s.verb.id.replace(ADL, ''));
    expect(inAttempt(first)).toEqual(['attempted', 'answered', 'answered', 'failed']);
    expect(inAttempt(second)).toEqual(['attempted', 'answered', 'answered', 'passed']);
    expect(inAttempt(third)).toEqual(['attempted', 'answered', 'answered', 'passed']);
    expect((await verbs()).filter((v) => v === 'completed')).toHaveLength(1);
    const passed = all.find((s) => s.verb.id === `${ADL}passed`);
    expect(passed?.object.id).toBe(MODULE);
    expect(passed?.result?.score?.scaled).toBe(1);

    // The progress projection is updated with the statements.
    const progress = await t.database.db.selectFrom('xapi_progress').selectAll()
      .where('organisation_code', '=', 'PLATFORM').where('activity_id', '=', MODULE).execute();
    expect(progress).toHaveLength(1);
    expect(toBool(progress[0]?.completed ?? false)).toBe(true);
    expect(toBool(progress[0]?.passed ?? false)).toBe(true);
    expect(progress[0]?.best_score).toBe(1);
  });
});
