// Issue 13 item 14: planners shared and could delete each other's scenarios.
// A scenario has an owner (who created it, or copied it): others read, run and
// copy it; only the owner or a platform administrator changes or deletes it.
// Issue 14 item 14: a run keeps the name its scenario had when it was run.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, html, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { HAND, formFields } from './helpers.js';

const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

describe.each(engines)('scenario owners on $name', (engine) => {
  let t: TestApp;
  let owner: SignedIn, other: SignedIn, admin: SignedIn;
  beforeAll(async () => {
    t = await buildTestApp(engine);
    owner = await signedIn(t.app, [{ role: 'workforce-planner', organisationCode: null }]);
    other = await signedIn(t.app, [{ role: 'workforce-planner', organisationCode: null }]);
    admin = await signedIn(t.app, [{ role: 'platform-admin', organisationCode: null }]);
  }, 120_000);
  afterAll(async () => { await t.close(); });

  const post = (who: SignedIn, url: string, fields: Record<string, string>) => t.app.inject({
    method: 'POST', url, headers: { cookie: who.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    payload: form({ _csrf: who.csrf, ...fields }),
  });
  const get = (who: SignedIn, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } });

  it('lets others read, run and copy a scenario but not change or delete it; the owner and a platform administrator may', async () => {
    const saved = await post(owner, '/plan/scenarios', { source: JSON.stringify({ ...HAND, id: 'owned-hand', name: 'Owned hand' }) });
    expect(saved.statusCode).toBe(303);
    const url = saved.headers.location as string;

    const mine = html(await get(owner, url));
    expect(mine).toContain('Owner: you');
    expect(mine).toContain(`${url}/edit`);
    expect(mine).toContain(`${url}/delete`);

    const theirs = await get(other, url);
    expect(theirs.statusCode).toBe(200);
    expect(html(theirs)).toMatch(/Owner: Test Person \d+/);
    expect(html(theirs)).toContain('Only its owner or a platform administrator can change or delete it.');
    expect(html(theirs)).not.toContain(`${url}/delete`);
    expect(html(theirs)).not.toContain(`${url}/edit`);

    expect((await post(other, `${url}/delete`, {})).statusCode).toBe(403);
    expect((await get(other, `${url}/edit`)).statusCode).toBe(403);
    expect((await post(other, `${url}/edit`, { name: 'Taken over', version: '1' })).statusCode).toBe(403);
    expect((await post(other, `${url}/baseline`, { version: '1' })).statusCode).toBe(403);
    const sameId = await post(other, '/plan/scenarios', { source: JSON.stringify({ ...HAND, id: 'owned-hand', name: 'Taken over' }) });
    expect(sameId.statusCode).toBe(403);
    expect(html(sameId)).toContain('belongs to someone else');
    expect(html(await get(owner, url))).toContain('Owned hand');
    expect(html(await get(owner, url))).not.toContain('Taken over');

    // Reading is shared: another planner runs and copies it; the copy is theirs.
    expect((await post(other, `${url}/runs`, { runs: '10', seed: '1' })).statusCode).toBe(303);
    const copied = await post(other, `${url}/copy`, {});
    expect(copied.statusCode).toBe(303);
    const copyUrl = copied.headers.location as string;
    expect(html(await get(other, copyUrl))).toContain('Owner: you');
    expect((await post(other, `${copyUrl}/delete`, {})).statusCode).toBe(303);

    // A platform administrator deletes anyone's scenario; the deletion is audited with its owner.
    expect((await post(admin, `${url}/delete`, {})).statusCode).toBe(303);
    expect((await get(owner, url)).statusCode).toBe(404);
    const id = url.split('/').pop() ?? '';
    const audit = await t.app.stores.audit.list({ entityType: 'workforce_scenario', entityId: id });
    expect(audit.find((a) => a.action === 'workforce.scenario.delete')).toMatchObject({ actorUserId: admin.userId, before: expect.objectContaining({ owner: owner.userId }) });
  });

  it('keeps the name and version a scenario had when it was run, in the run list, compare list, results.json and report', async () => {
    const saved = await post(owner, '/plan/scenarios', { source: JSON.stringify({ ...HAND, id: 'renamed-hand', name: 'Before the rename' }) });
    const url = saved.headers.location as string;
    const runUrl = (await post(owner, `${url}/runs`, { runs: '10', seed: '2' })).headers.location as string;
    for (let i = 0; i < 100 && html(await get(owner, runUrl)).includes('id="progress"'); i++) await new Promise((r) => setTimeout(r, 100));
    expect((await post(owner, `${url}/edit`, { ...editFields(html(await get(owner, `${url}/edit`))), name: 'After the rename' })).statusCode).toBe(303);
    expect(html(await get(owner, url))).toContain('After the rename');

    const runPage = html(await get(owner, runUrl));
    expect(runPage).toContain('Before the rename');
    const json = JSON.parse((await get(owner, `${runUrl}/results.json`)).body) as { scenario: { name: string; version: number } };
    expect(json.scenario).toMatchObject({ name: 'Before the rename', version: 1 });
    const report = (await get(owner, `${runUrl}/report.html`)).body;
    expect(report).toContain('Before the rename');
    expect(report).not.toContain('After the rename');
    const compare = html(await get(owner, '/plan/compare'));
    expect(compare).toContain('Before the rename');
  });
});

/** Every field of the edit form with the value it shows, as a browser would send them back. */
function editFields(page: string): Record<string, string> {
  return formFields(page);
}

describe.each(engines)('scenario problems in Welsh on $name', (engine) => {
  let t: TestApp;
  let planner: SignedIn;
  beforeAll(async () => {
    t = await buildTestApp(engine);
    planner = await signedIn(t.app, [{ role: 'workforce-planner', organisationCode: null }]);
  }, 120_000);
  afterAll(async () => { await t.close(); });

  // Welsh review row 18: "startYear: Too small: expected number to be >=1990" on a Welsh page.
  it('says the commonest schema problems in Welsh on Welsh pages, and as before in English', async () => {
    const send = (url: string) => t.app.inject({
      method: 'POST', url, headers: { cookie: planner.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ _csrf: planner.csrf, source: JSON.stringify({ ...HAND, startYear: 1500 }) }),
    });
    const welsh = await send('/cy/plan/scenarios');
    expect(welsh.statusCode).toBe(422);
    expect(html(welsh)).toContain('startYear: mae&#39;r gwerth yn rhy fach – rhaid iddo fod yn 1990 neu fwy');
    expect(html(welsh)).not.toContain('Too small');
    expect(html(await send('/plan/scenarios'))).toContain('startYear: Too small');
  });
});
