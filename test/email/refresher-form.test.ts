// The requirement form's refresher period: stored when it is a whole number of
// years from 1 to 10, shown again when changing the requirement; anything else
// is refused naming the field, and nothing is written.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';

describe.each(engines)('a requirement\'s refresher period ($name)', (engine) => {
  let t: TestApp;
  let admin: SignedIn;
  const post = (url: string, payload: Record<string, string>) =>
    t.app.inject({ method: 'POST', url, headers: { cookie: admin.cookie, accept: 'text/html' }, payload: { _csrf: admin.csrf, ...payload } });
  const stored = () => t.app.database.db.selectFrom('learning_requirements').select(['id', 'refresher_years']).execute();

  beforeAll(async () => {
    t = await buildTestApp(engine);
    admin = await signedIn(t.app, [{ role: 'org-admin', organisationCode: '7A7' }]);
  }, 120_000);
  afterAll(async () => { await t.close(); }, 60_000);

  const fields = { organisationCode: '7A7', module: 'sample-genomics', dueKind: 'days', dueDays: '90' };

  it('refuses a period that is not 1 to 10 whole years, naming the field, and writes nothing', async () => {
    for (const bad of ['0', '11', 'two', '1.5']) {
      const response = await post('/admin/learning/requirements', { ...fields, refresherYears: bad });
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('href="#refresherYears"');
      expect(response.body).toContain('Enter the refresher period as a whole number of years from 1 to 10');
    }
    expect(await stored()).toHaveLength(0);
  });

  it('stores a period, and none when the field is left empty', async () => {
    expect((await post('/admin/learning/requirements', { ...fields, refresherYears: '3' })).statusCode).toBe(303);
    const [row] = await stored();
    expect(row?.refresher_years).toBe(3);
    const form = await t.app.inject({ method: 'GET', url: `/admin/learning/requirements/${row?.id ?? ''}`, headers: { cookie: admin.cookie } });
    expect(form.body).toMatch(/name="refresherYears"[^>]*value="3"|value="3"[^>]*name="refresherYears"/);
    await t.app.database.db.deleteFrom('learning_requirements').execute();
    expect((await post('/admin/learning/requirements', { ...fields, refresherYears: '' })).statusCode).toBe(303);
    expect((await stored())[0]?.refresher_years).toBeNull();
  });
});
