// A requirement with a refresher period ("every N years") counts from the
// latest completion. Completions are one per learner per module version, and
// passing the same version again kept only the first: a learner whose
// completion had expired passed the module again and stayed overdue (on My
// learning, the team page, reminders and insights) until a new version was
// published. The later pass now renews it (`renewed_at`, migration 0034); the
// first stays the completion (certificate, CPD hours, level reached). Insights
// counted refresher periods from the first completion even where the learner's
// own page counted from the latest: the kept facts, the rebuild and the direct
// count now count from the latest too. Both engines.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { linkStaff } from '../events/support.js';
import { InsightsAggregateStore } from '../../src/db/stores/insights-aggregate-store.js';
import { InsightsStore } from '../../src/db/stores/insights-store.js';
import { RequirementStore } from '../../src/db/stores/requirement-store.js';
import { offeredOf, rebuildInsights } from '../../src/services/insights/aggregates.js';
import { literacyPopulation } from '../../src/services/insights/literacy-population.js';
import { addDays, calendarDateIn } from '../../src/domain/learning/index.js';

const MODULE = 'https://genomeg.wales/xapi/activities/module/sample-genomics';
const YEAR = 365 * 24 * 3_600_000;

describe.each(engines)('renewing a refresher by passing the same version again on $name', (engine) => {
  let t: TestApp;
  let learner: SignedIn;
  let staffId: string;
  const firstPass = new Date(Date.now() - 2 * YEAR);
  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: learner.cookie, accept: 'text/html' } });
  const post = (url: string, payload: string) =>
    t.app.inject({ method: 'POST', url, headers: { cookie: learner.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${learner.csrf}${payload === '' ? '' : `&${payload}`}` });
  /** The learner's compliance as the kept insights aggregates hold it. */
  const kept = async () => (await InsightsAggregateStore.create(t.app.database.db).cells({ staffIds: [staffId] })).filter((c) => c.people > 0).map((c) => c.compliance);
  /** The same counted directly from the records. */
  const direct = async () => (await literacyPopulation({ insights: InsightsStore.create(t.app.database.db), requirements: RequirementStore.create(t.app.database.db), library: t.app.content }, { organisations: ['7A7'] }))
    .map((p) => p.compliance);
  /** What the learner's required learning page says. */
  const requiredPage = async (lang: '' | '/cy' = '') => (await get(`${lang}/my-learning/required`)).body;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    const db = t.app.database.db;
    learner = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    staffId = await linkStaff(db, learner.userId, { organisationCode: '7A7', assignmentNumber: '41001-1' });
    // Passed version 1.0.0 two years ago; required of everyone in 7A7 by a past date, renewed every year.
    await db.insertInto('module_completions').values({
      user_id: learner.userId, module_id: MODULE, module_version: '1.0.0', attempt_id: 'first-attempt', score: 1, cpd_hours: 0.5, language: 'en', completed_at: firstPass,
    }).execute();
    await RequirementStore.create(db).add({
      organisationCode: '7A7', moduleId: MODULE, staffGroupCodes: [], due: { kind: 'date', date: addDays(calendarDateIn(new Date()), -30) }, refresherYears: 1,
    }, null);
    await rebuildInsights(db, offeredOf(t.app.content.modules));
  }, 120_000);
  afterAll(async () => { await t.close(); });

  it('counts the expired completion as overdue, and a pass of the same version as renewing it everywhere', async () => {
    expect(await kept()).toEqual(['overdue']);
    expect(await direct()).toEqual(['overdue']);
    expect(await requiredPage()).toContain('1 module is overdue.');
    expect(await requiredPage('/cy')).toContain('Mae 1 modiwl yn hwyr.');

    await post('/learn/sample-genomics/assessment', '');
    const attempt = /\/assessment\/([0-9a-f-]{36})"/.exec((await get('/learn/sample-genomics/assessment')).body)?.[1] ?? '';
    expect((await post(`/learn/sample-genomics/assessment/${attempt}`, 'q-q1=a&q-q2=a&q-q2=b')).statusCode).toBe(303);
    expect((await get('/learn/sample-genomics/assessment')).body).toContain('You passed');

    // The first completion stays the completion; the pass renews it.
    const row = await t.app.database.db.selectFrom('module_completions').selectAll().where('user_id', '=', learner.userId).execute();
    expect(row).toHaveLength(1);
    expect(row[0]?.attempt_id).toBe('first-attempt');
    expect(new Date(row[0]?.completed_at ?? 0).getTime()).toBe(firstPass.getTime());
    expect(row[0]?.renewed_at).not.toBeNull();
    expect(Date.now() - new Date(row[0]?.renewed_at ?? 0).getTime()).toBeLessThan(60_000);

    // In the same request, the kept insights; counted directly; rebuilt; and on the learner's own page.
    expect(await kept()).toEqual(['complete']);
    expect(await direct()).toEqual(['complete']);
    await rebuildInsights(t.app.database.db, offeredOf(t.app.content.modules));
    expect(await kept()).toEqual(['complete']);
    expect(await requiredPage()).toContain('Nothing is overdue.');
    expect(await requiredPage('/cy')).toContain('Nid oes dim yn hwyr.');
  });

  it('does not renew on a failed attempt', async () => {
    const before = (await t.app.database.db.selectFrom('module_completions').select('renewed_at').where('user_id', '=', learner.userId).executeTakeFirstOrThrow()).renewed_at;
    await post('/learn/sample-genomics/assessment', '');
    const attempt = /\/assessment\/([0-9a-f-]{36})"/.exec((await get('/learn/sample-genomics/assessment')).body)?.[1] ?? '';
    await post(`/learn/sample-genomics/assessment/${attempt}`, 'q-q1=b&q-q2=c');
    expect((await get('/learn/sample-genomics/assessment')).body).toContain('You did not pass this time');
    const after = (await t.app.database.db.selectFrom('module_completions').select('renewed_at').where('user_id', '=', learner.userId).executeTakeFirstOrThrow()).renewed_at;
    expect(new Date(after ?? 0).getTime()).toBe(new Date(before ?? 0).getTime());
  });
});
