import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';

describe.each(engines)('taking the assessment on $name', (engine) => {
  let t: TestApp;
  let learner: SignedIn;
  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: learner.cookie, accept: 'text/html' } });
  const post = (url: string, payload: Record<string, string | string[]> = {}) =>
    t.app.inject({ method: 'POST', url, headers: { cookie: learner.cookie, accept: 'text/html' }, payload: { _csrf: learner.csrf, ...payload } });
  const attemptId = (html: string) => /\/assessment\/([0-9a-f-]{36})"/.exec(html)?.[1] ?? '';

  beforeAll(async () => {
    t = await buildTestApp(engine);
    learner = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
  });
  afterAll(async () => { await t.close(); });

  it('starts, names unanswered questions, fails, retakes with a new draw, passes once, and records one completion', async () => {
    expect((await get('/learn/sample-genomics/assessment')).body).toContain('Start the assessment');
    expect((await post('/learn/sample-genomics/assessment')).statusCode).toBe(303);
    // A second start while an attempt is open carries on with the same attempt.
    const form = await get('/learn/sample-genomics/assessment');
    await post('/learn/sample-genomics/assessment');
    const id = attemptId(form.body);
    expect(attemptId((await get('/learn/sample-genomics/assessment')).body)).toBe(id);

    const missing = await post(`/learn/sample-genomics/assessment/${id}`, { 'q-q1': 'a' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toMatch(/Answer question [12]/);

    const failed = await post(`/learn/sample-genomics/assessment/${id}`, { 'q-q1': 'b', 'q-q2': ['a', 'b', 'c'] });
    expect(failed.statusCode).toBe(303);
    const result = await get('/learn/sample-genomics/assessment');
    expect(result.body).toContain('You did not pass this time');
    expect(result.body).toContain('You answered 0 of 2 questions correctly (0%).');
    // Submitting the same attempt again is refused and changes nothing.
    expect((await post(`/learn/sample-genomics/assessment/${id}`, { 'q-q1': 'a', 'q-q2': ['a', 'b'] })).statusCode).toBe(409);

    await post('/learn/sample-genomics/assessment');
    const retake = attemptId((await get('/learn/sample-genomics/assessment')).body);
    expect(retake).not.toBe(id);
    expect((await post(`/cy/learn/sample-genomics/assessment/${retake}`, { 'q-q1': 'a', 'q-q2': ['a', 'b'] })).statusCode).toBe(303);
    expect((await get('/learn/sample-genomics/assessment')).body).toContain('You passed');

    const record = await get('/my-learning');
    expect(record.body).toContain('Sample: genes and DNA');
    expect(record.body).toContain('100%');
    const csv = await get('/my-learning.csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('Sample: genes and DNA,1.0.0');
    expect(csv.body.trim().split('\r\n')).toHaveLength(2);
    // Regression: the language column held the codes "cy" and "en" (Welsh interface review, row 57).
    expect(csv.body.trim().split('\r\n')[1]).toMatch(/,Welsh$/);
    expect((await get('/cy/my-learning.csv')).body.trim().split('\r\n')[1]).toMatch(/,Cymraeg$/);

    // Passing again keeps the first completion: one per module version.
    await post('/learn/sample-genomics/assessment');
    const third = attemptId((await get('/learn/sample-genomics/assessment')).body);
    await post(`/learn/sample-genomics/assessment/${third}`, { 'q-q1': 'a', 'q-q2': ['a', 'b'] });
    expect((await get('/my-learning.csv')).body.trim().split('\r\n')).toHaveLength(2);
  });

  it('will not let one learner submit another learner\'s attempt', async () => {
    await post('/learn/sample-genomics/assessment');
    const id = attemptId((await get('/learn/sample-genomics/assessment')).body);
    const other = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    const response = await t.app.inject({ method: 'POST', url: `/learn/sample-genomics/assessment/${id}`, headers: { cookie: other.cookie, accept: 'text/html' }, payload: { _csrf: other.csrf, 'q-q1': 'a', 'q-q2': 'a' } });
    expect(response.statusCode).toBe(404);
  });
});
