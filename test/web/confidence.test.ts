// Confidence self-assessment (issue 18): the optional rating page in both
// languages, each rating stored with its xAPI statement, skipping stores
// nothing, and /insights/confidence: counts per module, competency and staff
// group before and after, the change, suppression of counts under 5 (CSV
// included) and who sees which staff, on both engines.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';
import { importStaffExtract } from '../../src/services/staff-import.js';
import { ConfidenceStore } from '../../src/db/stores/confidence-store.js';
import { competencyName } from '../../src/web/routes/confidence.js';
import type { Segment } from '../../src/domain/confidence/index.js';

const SAMPLE = 'https://genomeg.wales/xapi/activities/module/sample-genomics';
const COMPETENCY = 'genomic-literacy-basics';

/** The people counts in a CSV's cells (a count, or a count with its share), which must never be under 5. */
function countsIn(csv: string): number[] {
  return csv.replace(/^\uFEFF/, '').trim().split('\r\n').slice(1)
    .flatMap((line) => line.match(/(?:^|,)"?(\d[\d,]*)(?: \(|"?(?:,|$))/g) ?? [])
    .map((cell) => Number(/(\d[\d,]*)/.exec(cell)?.[1]?.replace(/,/g, '') ?? 'NaN'));
}

describe.each(engines)('confidence self-assessment on $name', (engine) => {
  let t: TestApp;
  let lead: SignedIn; let orgAdmin: SignedIn; let manager: SignedIn; let learner: SignedIn;
  const get = (who: SignedIn, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } });
  const post = (who: SignedIn, url: string, fields: Record<string, string>) => t.app.inject({
    method: 'POST', url, headers: { cookie: who.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: who.csrf, ...fields }).toString(),
  });

  beforeAll(async () => {
    t = await buildTestApp(engine);
    const boss = buildStaffRow({ organisationCode: '7A7', firstName: 'Gethin', lastName: 'Bowen', staffGroup: 'Administrative and Clerical', jobRole: 'Manager' });
    const admins = Array.from({ length: 12 }, (_, i) => buildStaffRow({ organisationCode: '7A7', firstName: `Admin${i}`, lastName: 'Jones', staffGroup: 'Administrative and Clerical', jobRole: 'Administrator', lineManagerAssignmentNumber: boss.assignmentNumber }));
    const scientists = Array.from({ length: 3 }, (_, i) => buildStaffRow({ organisationCode: '7A7', firstName: `Sci${i}`, lastName: 'Hughes' }));
    const nurses = Array.from({ length: 6 }, (_, i) => buildStaffRow({ organisationCode: '7A3', firstName: `Nurse${i}`, lastName: 'Evans', staffGroup: 'Nursing and Midwifery Registered' }));
    await importStaffExtract(t.app.stores.staff, { text: staffCsv([boss, ...admins, ...scientists, ...nurses]), fileName: 'x.csv', mode: 'partial', permittedOrganisations: 'all', actorUserId: null });
    const store = ConfidenceStore.create(t.database.db);
    let n = 0;
    const rater = async (row: { assignmentNumber: string }, before: Segment | null, after: Segment | null) => {
      n += 1;
      const staffId = (await t.app.stores.staff.findByAssignment(row.assignmentNumber))?.id ?? '';
      const user = await t.app.stores.users.create({ email: `rater${n}-${engine.name}@test.genomeg.test`, displayName: 'Rater', passwordHash: null, grants: [{ role: 'learner', organisationCode: null }], staffId }, null);
      const learnerOf = { userId: user.id, displayName: 'Rater', language: 'en' as const };
      if (before !== null) await store.rate(learnerOf, SAMPLE, 'before', [{ competencyId: COMPETENCY, segment: before }]);
      if (after !== null) await store.rate(learnerOf, SAMPLE, 'after', [{ competencyId: COMPETENCY, segment: after }]);
    };
    // Administrators: before 5 competent and 7 with a specific need; after 10 competent and 2 with a need.
    for (const [i, row] of admins.entries()) await rater(row, i < 5 ? 'competent' : 'specific-need', i < 10 ? 'competent' : 'specific-need');
    // Three scientists: a group too small to show anything.
    for (const row of scientists) await rater(row, 'unsure', null);
    // Six nurses in Swansea Bay: outside Powys.
    for (const row of nurses) await rater(row, 'not-relevant', null);
    lead = await signedIn(t.app, [{ role: 'education-lead', organisationCode: null }]);
    orgAdmin = await signedIn(t.app, [{ role: 'org-admin', organisationCode: '7A7' }]);
    manager = await signedIn(t.app, [{ role: 'line-manager', organisationCode: '7A7' }], { staffId: (await t.app.stores.staff.findByAssignment(boss.assignmentNumber))?.id ?? '' });
    learner = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
  }, 120_000);
  afterAll(async () => { await t.close(); });

  it('offers the module\'s competencies as optional radio groups with a skip link, in English and Welsh', async () => {
    const en = await get(learner, '/learn/sample-genomics/confidence?when=before');
    expect(en.statusCode).toBe(200);
    expect(en.body).toContain('Explain what genes, DNA and the genome are');
    expect(en.body).toContain('name="c0"');
    expect(en.body).toContain('value="specific-need"');
    expect(en.body).toContain('name="_csrf"');
    expect(en.body).toContain('href="/learn/sample-genomics/pages/1">Skip this</a>');
    const cy = await get(learner, '/cy/learn/sample-genomics/confidence?when=after');
    expect(cy.statusCode).toBe(200);
    expect(cy.body).toContain("Esbonio beth yw genynnau, DNA a&#39;r genom");
    expect(cy.body).toContain('Hepgor hyn');
    expect(cy.body).toContain("Pa mor hyderus ydych chi&#39;n teimlo nawr?");
  });

  it('is linked from the module overview', async () => {
    const page = await get(learner, '/learn/sample-genomics');
    expect(page.body).toContain('href="/learn/sample-genomics/confidence?when=before"');
  });

  it('stores a rating with its xAPI statement (responded, the segment as response, the phase as an extension)', async () => {
    const me = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    const res = await post(me, '/learn/sample-genomics/confidence', { when: 'after', c0: 'unsure' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/learn/sample-genomics');
    const rows = await t.database.db.selectFrom('confidence_ratings').selectAll().where('user_id', '=', me.userId).execute();
    expect(rows.map((r) => [r.competency_id, r.phase, r.segment])).toEqual([[COMPETENCY, 'after', 'unsure']]);
    const statements = (await t.database.db.selectFrom('xapi_statements').select('statement_json').execute())
      .map((s) => JSON.parse(s.statement_json) as { actor: { account: { name: string } }; verb: { id: string }; object: { id: string }; result?: { response?: string }; context?: { extensions?: Record<string, string> } })
      .filter((s) => s.actor.account.name === me.userId);
    expect(statements).toHaveLength(1);
    expect(statements[0]?.verb.id).toBe('http://adlnet.gov/expapi/verbs/responded');
    expect(statements[0]?.object.id).toBe(`${SAMPLE}/competencies/${COMPETENCY}/confidence`);
    expect(statements[0]?.result?.response).toBe('unsure');
    expect(statements[0]?.context?.extensions?.['https://genomeg.nhs.wales/xapi/extensions/confidence-phase']).toBe('after');
    // Rating again replaces the row and adds a statement; the page shows the latest choice.
    await post(me, '/learn/sample-genomics/confidence', { when: 'after', c0: 'competent' });
    const again = await t.database.db.selectFrom('confidence_ratings').select('segment').where('user_id', '=', me.userId).execute();
    expect(again.map((r) => r.segment)).toEqual(['competent']);
    const page = await get(me, '/learn/sample-genomics/confidence?when=after');
    expect(page.body).toMatch(/value="competent" checked/);
  });

  it('stores nothing when the learner skips or sends no choice, and goes on into the module', async () => {
    const me = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    const res = await post(me, '/learn/sample-genomics/confidence', { when: 'before', c0: 'not-a-segment' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/learn/sample-genomics/pages/1');
    expect(await t.database.db.selectFrom('confidence_ratings').selectAll().where('user_id', '=', me.userId).execute()).toEqual([]);
  });

  it('refuses a rating without the form token', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/learn/sample-genomics/confidence', headers: { cookie: learner.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'when=before&c0=competent' });
    expect(res.statusCode).toBe(403);
  });

  it('names a competency the framework lacks by its id', () => {
    expect(competencyName('no-such-competency', 'cy')).toBe('no-such-competency');
  });

  it('shows an education lead the change per staff group, counts under 5 as fewer than 5', async () => {
    expect((await get(lead, '/insights')).body).toContain('href="/insights/confidence"');
    const page = await get(lead, '/insights/confidence');
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toContain('no-store');
    expect(page.body).toContain('Administrative and Clerical');
    expect(page.body).toContain('Nursing and Midwifery Registered');
    expect(page.body).toContain('5 (41.7%)');
    expect(page.body).toContain('10 (83.3%)');
    expect(page.body).toContain('+41.6 points');
    expect(page.body).toContain('fewer than 5');
    const csv = await get(lead, '/insights/confidence.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const counts = countsIn(csv.body);
    expect(counts).toContain(12);
    expect(counts.filter((c) => c < 5)).toEqual([]);
    expect(csv.body).toContain('Healthcare Scientists');
    expect(csv.body).not.toMatch(/,"?3(?: \(|,)/);
  });

  it('shows an organisation administrator their organisation only, and a line manager their team only', async () => {
    const org = await get(orgAdmin, '/insights/confidence');
    expect(org.statusCode).toBe(200);
    expect(org.body).toContain('Administrative and Clerical');
    expect(org.body).not.toContain('Nursing and Midwifery Registered');
    const team = await get(manager, '/insights/confidence');
    expect(team.statusCode).toBe(200);
    expect(team.body).toContain('Administrative and Clerical');
    expect(team.body).not.toContain('Healthcare Scientists');
  });

  it('refuses a learner, and speaks Welsh', async () => {
    expect((await get(learner, '/insights/confidence')).statusCode).toBe(403);
    const cy = await get(lead, '/cy/insights/confidence');
    expect(cy.body).toContain('Hyder cyn ac ar ôl modiwlau');
    expect(cy.body).toContain('llai na 5');
    expect(cy.body).toContain('Gweinyddol a Chlerigol');
  });
});
