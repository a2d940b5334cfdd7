// A person's home page is their start. Regression: the home page of a learner
// (and of an education lead) said "Here is what you can do with your roles" and
// listed only the role; education leads could not find their admin pages.
// Now: their own learning (carry on, required with due dates, recommended,
// recent certificates, or help to begin), then the cards for each other role.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role, RoleGrant } from '../../src/domain/auth/index.js';
import { WORK_CARDS, learnerStart, workSections, type LearningModule } from '../../src/domain/learning/index.js';
import { translator } from '../../src/web/i18n.js';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';
import { importStaffExtract } from '../../src/services/staff-import.js';

const SAMPLE = 'https://genomeg.wales/xapi/activities/module/sample-genomics';

/** The cards each role's home page must offer, by address. */
const CARDS: Record<Exclude<Role, 'learner'>, string[]> = {
  'line-manager': ['/team', '/insights'],
  'education-lead': ['/insights', '/admin/learning/modules', '/admin/learning/requirements', '/admin/events', '/admin/funded', '/funded/review', '/credentials/verify', '/admin/xapi-clients'],
  'funded-reviewer': ['/funded/review'],
  'workforce-planner': ['/plan', '/plan/compare'],
  'org-admin': ['/insights', '/admin/learning/requirements', '/staff', '/staff/import', '/admin/users', '/admin/xapi-clients'],
  // Everything but a team: only a line manager has people who report to them.
  'platform-admin': WORK_CARDS.filter((c) => c.id !== 'team').map((c) => c.href),
};

function cardLinks(html: string): string[] {
  return [...html.matchAll(/<a class="nhsuk-card__link" href="([^"]+)"/g)].map((m) => m[1] ?? '');
}

describe('the home page\'s decisions', () => {
  it('gives each role besides learner a section with the cards its permissions lead to, each card once', () => {
    for (const [role, hrefs] of Object.entries(CARDS)) {
      const grant: RoleGrant = { role: role as Role, organisationCode: role === 'line-manager' || role === 'org-admin' ? '7A7' : null };
      const sections = workSections([grant, { role: 'learner', organisationCode: null }]);
      expect({ role, sections: sections.map((s) => [s.role, s.cards.map((c) => c.href)]) }).toEqual({ role, sections: [[role, hrefs]] });
    }
    // Two roles: the second shows only what the first did not.
    const both = workSections([{ role: 'org-admin', organisationCode: '7A7' }, { role: 'education-lead', organisationCode: null }]);
    expect(both.map((s) => s.role)).toEqual(['education-lead', 'org-admin']);
    expect(both[1]?.cards.map((c) => c.id)).toEqual(['staff', 'import', 'users']);
    expect(workSections([{ role: 'learner', organisationCode: null }])).toEqual([]);
  });

  it('names every card in English and in Welsh', () => {
    for (const lang of ['en', 'cy'] as const) {
      const t = translator(lang);
      for (const card of WORK_CARDS) {
        for (const part of ['title', 'description']) expect(t(`learning.home.cards.${card.id}.${part}`)).not.toMatch(/^\[/);
      }
    }
  });

  it('offers a place to start when there is nothing yet, and never a completed module to carry on', () => {
    const module = (id: string, level: 'awareness' | 'foundation') => ({ manifest: { id, version: '1.0.0', level }, pages: [{}, {}] }) as unknown as LearningModule;
    const modules = [module('a', 'foundation'), module('b', 'awareness')];
    const empty = learnerStart({ modules, progress: [], completions: [], required: [], requiredLevel: null, credentials: [] });
    expect(empty.empty).toBe(true);
    expect(empty.recommended.map((m) => m.manifest.id)).toEqual(['b']);
    expect(empty.recommendedForRole).toBe(false);
    const done = learnerStart({
      modules, progress: [{ moduleId: 'b', moduleVersion: '1.0.0', lastPage: 2, updatedAt: new Date() }], completions: [{ moduleId: 'b', moduleVersion: '1.0.0' }],
      required: [], requiredLevel: 'foundation', credentials: [{ id: 'c', moduleId: 'b', issuedAt: new Date(), revokedAt: null }],
    });
    expect(done.continueWith).toEqual([]);
    expect(done.certificates.map((c) => c.credentialId)).toEqual(['c']);
    expect(done.recommended.map((m) => m.manifest.id)).toEqual(['a']);
    expect(done.recommendedForRole).toBe(true);
    expect(done.empty).toBe(false);
  });

  it('recommends for the role the modules of the learner\'s pathway, in the pathway\'s order, when there is one', () => {
    const module = (slug: string, level: 'awareness' | 'foundation') => ({ manifest: { id: slug, slug, version: '1.0.0', level }, pages: [{}] }) as unknown as LearningModule;
    const modules = [module('a', 'awareness'), module('b', 'foundation'), module('c', 'foundation'), module('d', 'awareness')];
    const pathway = { staffGroup: 'nursing-midwifery', level: 'foundation' as const, modules: ['c', 'a', 'b'] };
    const start = learnerStart({ modules, progress: [], completions: [{ moduleId: 'c', moduleVersion: '1.0.0' }], required: [], requiredLevel: 'foundation', pathway, credentials: [] });
    expect(start.recommended.map((m) => m.manifest.id)).toEqual(['a', 'b']);
    expect(start.recommendedForRole).toBe(true);
    // Without a pathway, the level rule: everything at or below foundation not yet done.
    expect(learnerStart({ modules, progress: [], completions: [], required: [], requiredLevel: 'foundation', credentials: [] }).recommended.map((m) => m.manifest.id)).toEqual(['a', 'b', 'c']);
  });
});

describe.each(engines)('the home page on $name', (engine) => {
  let t: TestApp;
  const get = (who: SignedIn, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } });
  const post = (who: SignedIn, url: string, payload: string) => t.app.inject({ method: 'POST', url, headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${who.csrf}${payload === '' ? '' : `&${payload}`}` });

  beforeAll(async () => {
    t = await buildTestApp(engine);
  });
  afterAll(async () => { await t.close(); });

  it('shows every role the cards that lead to its work, in English and in Welsh', async () => {
    for (const [role, hrefs] of Object.entries(CARDS)) {
      const who = await signedIn(t.app, [{ role: role as Role, organisationCode: role === 'line-manager' || role === 'org-admin' ? '7A7' : null }]);
      for (const lang of ['en', 'cy'] as const) {
        const prefix = lang === 'cy' ? '/cy' : '';
        const page = await get(who, `${prefix}/`);
        expect(page.statusCode).toBe(200);
        const links = cardLinks(page.body);
        expect({ role, lang, missing: hrefs.map((h) => `${prefix}${h}`).filter((h) => !links.includes(h)) }).toEqual({ role, lang, missing: [] });
        expect(page.body).toContain(translator(lang)(`roles.${role}`));
        expect(page.body).not.toContain('Here is what you can do with your roles');
        expect(page.body).not.toMatch(/\[learning\.|\[home\./);
      }
    }
  });

  it('helps a new learner begin, then offers to carry on, then shows their certificate', async () => {
    const learner = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    const fresh = (await get(learner, '/')).body;
    expect(fresh).toContain('You have not started a module yet.');
    expect(fresh).toContain('A place to start');
    expect(cardLinks(fresh)).toEqual(['/learn/sample-genomics']);
    expect((await get(learner, '/cy/')).body).toContain('Nid ydych wedi dechrau modiwl eto.');

    await get(learner, '/learn/sample-genomics/pages/2');
    const reading = (await get(learner, '/')).body;
    expect(reading).toContain('Continue where you left off');
    expect(cardLinks(reading)).toEqual(['/learn/sample-genomics/pages/2']);
    expect(reading).toContain('Page 2 of 2');
    expect(reading).not.toContain('You have not started a module yet.');

    await post(learner, '/learn/sample-genomics/assessment', '');
    const form = (await get(learner, '/learn/sample-genomics/assessment')).body;
    const attempt = /\/assessment\/([0-9a-f-]{36})"/.exec(form)?.[1] ?? '';
    await post(learner, `/learn/sample-genomics/assessment/${attempt}`, 'q-q1=a&q-q2=a&q-q2=b');
    const passed = (await get(learner, '/')).body;
    expect(passed).not.toContain('Continue where you left off');
    expect(passed).toContain('Your recent certificates');
    expect(passed).toMatch(/href="\/my-learning\/certificates\/[0-9a-f-]{36}">Sample: genes and DNA<\/a>, completed on /);
    const welsh = (await get(learner, '/cy/')).body;
    expect(welsh).toContain('Eich tystysgrifau diweddar');
    expect(welsh).toMatch(/href="\/cy\/my-learning\/certificates\/[0-9a-f-]{36}">Enghraifft: genynnau a DNA<\/a>, wedi&#39;i gwblhau ar /);
  });

  it('lists the learning a learner\'s organisation requires, overdue first, with due dates, and what is recommended for their role', async () => {
    const row = buildStaffRow({ organisationCode: '7A7', staffGroup: 'Nursing and Midwifery Registered', jobRole: 'Staff Nurse', band: '5' });
    await importStaffExtract(t.app.stores.staff, { text: staffCsv([row]), fileName: 'x.csv', mode: 'partial', permittedOrganisations: 'all', actorUserId: null });
    const staffId = (await t.app.stores.staff.findByAssignment(row.assignmentNumber))?.id;
    const nurse = await signedIn(t.app, [{ role: 'learner', organisationCode: null }], { staffId });
    const { RequirementStore } = await import('../../src/db/stores/requirement-store.js');
    await RequirementStore.create(t.app.database.db).add({ organisationCode: '7A7', moduleId: SAMPLE, staffGroupCodes: [], due: { kind: 'date', date: '2020-01-31' } }, null);
    const page = (await get(nurse, '/')).body;
    expect(page).toContain('Required by your organisation');
    expect(page).toContain('1 module is overdue.');
    expect(page).toMatch(/<a class="nhsuk-link" href="\/learn\/sample-genomics">Sample: genes and DNA<\/a>\s*<strong class="nhsuk-tag nhsuk-tag--red">\s*Overdue\s*<\/strong>\s*due by 31 January 2020/);
    expect(page).toContain('href="/my-learning/required"');
    const welsh = (await get(nurse, '/cy/')).body;
    expect(welsh).toContain('Yn ofynnol gan eich sefydliad');
    expect(welsh).toContain('Mae 1 modiwl yn hwyr.');
    // The only module is required, so nothing else is recommended and the page does not offer it twice.
    expect(page).not.toContain('Recommended for your role');
  });
});
