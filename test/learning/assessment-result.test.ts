// What the assessment's result page tells a learner, and what a retake draws.
// Regressions: the fail page showed every correct answer and its rationale, and
// a retake drew mostly the same questions, so a learner could pass by copying;
// the fail page said "look back at the pages it mentions" and mentioned none.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';

describe.each(engines)('the assessment result on $name', (engine) => {
  let t: TestApp;
  let learner: SignedIn;
  const get = (url: string, who = learner) => t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } });
  const post = (url: string, payload: string, who = learner) =>
    t.app.inject({ method: 'POST', url, headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${who.csrf}${payload === '' ? '' : `&${payload}`}` });
  const attemptId = (html: string) => /\/assessment\/([0-9a-f-]{36})"/.exec(html)?.[1] ?? '';

  beforeAll(async () => {
    t = await buildTestApp(engine);
    learner = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
  });
  afterAll(async () => { await t.close(); });

  it('after a fail, names the outcomes missed and links to the pages that teach them, and reveals no answer', async () => {
    await post('/learn/sample-genomics/assessment', '');
    const id = attemptId((await get('/learn/sample-genomics/assessment')).body);
    expect((await post(`/learn/sample-genomics/assessment/${id}`, 'q-q1=b&q-q2=a&q-q2=b&q-q2=c')).statusCode).toBe(303);

    const failed = (await get('/learn/sample-genomics/assessment')).body;
    expect(failed).toContain('You did not pass this time');
    expect(failed).toContain('What to read again');
    expect(failed).toContain('Say what a gene is');
    expect(failed).toContain('<a class="nhsuk-link" href="/learn/sample-genomics/pages/1">Page 1: Genes</a>');
    expect(failed).toContain('<a class="nhsuk-link" href="/learn/sample-genomics/pages/2">Page 2: DNA</a>');
    expect(failed).toContain('You will see the right answers, and why they are right, once you pass.');
    // Neither the right options, their feedback, nor the rationales.
    for (const secret of ['correct answer', 'Genes are stretches of DNA.', 'DNA uses A, C, G and T.', 'Adenine.', 'Uracil is in RNA.', 'Proteins are made using genes.']) {
      expect(failed).not.toContain(secret);
    }

    const welsh = (await get('/cy/learn/sample-genomics/assessment')).body;
    expect(welsh).toContain('Ni wnaethoch basio&#39;r tro hwn');
    expect(welsh).toContain('Dweud beth yw genyn');
    expect(welsh).toContain('<a class="nhsuk-link" href="/cy/learn/sample-genomics/pages/1">Tudalen 1: Genynnau</a>');
    expect(welsh).not.toContain('Darnau o DNA yw genynnau.');
  });

  it('after a pass, shows every answer with its feedback and rationale', async () => {
    await post('/learn/sample-genomics/assessment', '');
    const id = attemptId((await get('/learn/sample-genomics/assessment')).body);
    await post(`/learn/sample-genomics/assessment/${id}`, 'q-q1=a&q-q2=a&q-q2=b');
    const passed = (await get('/learn/sample-genomics/assessment')).body;
    expect(passed).toContain('You passed');
    expect(passed).toContain('correct answer');
    expect(passed).toContain('Genes are stretches of DNA.');
    expect(passed).not.toContain('What to read again');
  });
});

describe.each(engines)('a retake of a real module on $name', (engine) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp(engine, { CONTENT_DIR: 'content' });
  });
  afterAll(async () => { await t.close(); });

  it('draws the questions the first attempt left out (13 in the bank, 10 an attempt)', async () => {
    const learner = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    const slug = 'what-is-genomics';
    const module = t.app.content.bySlug(slug);
    if (module === undefined) throw new Error('module missing');
    const drawnNow = async () => {
      const attempt = await t.app.database.db.selectFrom('assessment_attempts').select(['id', 'drawn']).where('user_id', '=', learner.userId)
        .orderBy('started_at', 'desc').limit(1).executeTakeFirstOrThrow();
      return { id: attempt.id, ids: (JSON.parse(attempt.drawn) as { id: string }[]).map((d) => d.id) };
    };
    const start = () => t.app.inject({ method: 'POST', url: `/learn/${slug}/assessment`, headers: { cookie: learner.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${learner.csrf}` });
    await start();
    const first = await drawnNow();
    expect(first.ids).toHaveLength(10);
    // Fail it: every question answered with a wrong option.
    const wrong = first.ids.map((id) => {
      const q = module.questions.find((x) => x.id === id);
      return `q-${id}=${q?.options.find((o) => !o.correct)?.id ?? ''}`;
    }).join('&');
    const submitted = await t.app.inject({ method: 'POST', url: `/learn/${slug}/assessment/${first.id}`, headers: { cookie: learner.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${learner.csrf}&${wrong}` });
    expect(submitted.statusCode).toBe(303);

    await start();
    const retake = await drawnNow();
    expect(retake.id).not.toBe(first.id);
    const leftOut = module.questions.map((q) => q.id).filter((id) => !first.ids.includes(id));
    expect(leftOut).toHaveLength(3);
    expect(leftOut.filter((id) => !retake.ids.includes(id))).toEqual([]);
  });
});
