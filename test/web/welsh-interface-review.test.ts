// The Welsh interface review of December 2026 (/work/shared/reviews), the rows
// about the interface's own strings and the page chrome: each pinned so a later
// edit cannot quietly put the old wording back. Row 1 (nhsuk-frontend's English
// defaults) is pinned in component-defaults.test.ts.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../../src/web/i18n.js';
import { buildTestApp, signedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';

const cy = translator('cy');
const en = translator('en');

describe('the Welsh interface review, rows on the interface strings', () => {
  it('row 7: chwe phroblem (aspirate mutation after chwe)', () => {
    expect(cy('learning.versions.problems', { count: 6 })).toBe('6 phroblem: rhedwch genomeg content check');
  });

  it('row 15: the error summary says "Mae problem wedi codi"', () => {
    expect(cy('common.errorSummaryTitle')).toBe('Mae problem wedi codi');
    expect(cy('xapi.clients.errorTitle')).toBe('Mae problem wedi codi');
  });

  it('row 24: staff in post are "presennol" and "Yn y swydd", not "gweithredol"', () => {
    expect(cy('home.staffHeading')).toBe('Staff presennol fesul sefydliad');
    expect(cy('home.activeStaff')).toBe('Staff presennol');
    expect(cy('staff.active')).toBe('Yn y swydd');
    expect(cy('workforce.baseline.intro')).toMatch(/^Cyfrifir staff presennol/);
  });

  it('row 26: the language note puts Welsh first on a Welsh page and marks the other language with lang', () => {
    expect(cy('start.languageNote')).toMatch(/^Mae'r gwasanaeth hwn ar gael yn Saesneg hefyd/);
    expect(cy('start.languageNote')).toContain('<span lang="en">This service is also available in English.</span>');
    expect(en('start.languageNote')).toContain('<span lang="cy">Mae\'r gwasanaeth hwn ar gael yn Gymraeg.</span>');
  });

  it('rows 28, 32 and 37: verb-noun button, "Ceisiadau am gofnodion dysgu", one term for actions', () => {
    expect(cy('learning.requirements.removeConfirm')).toBe("Ie, dileu'r gofyniad");
    expect(cy('nav.learningRecords')).toBe('Ceisiadau am gofnodion dysgu');
    expect(cy('learning.requirements.actions')).toBe(cy('xapi.people.actions'));
  });

  it('rows 47 and 48: organisation codes labelled as codes; "Hidlyddion" for filters', () => {
    expect(cy('common.orgWithCode', { name: 'Addysg a Gwella Iechyd Cymru', code: 'HEIW' })).toBe('Addysg a Gwella Iechyd Cymru (cod: HEIW)');
    expect(cy('staff.filters')).toBe('Hidlyddion');
  });

  it('rows 52 and 53: no calques, and the active voice with "we"', () => {
    expect(cy('start.lede')).toContain('i ddatblygu gweithlu');
    expect(cy('accessibility.known')).toMatch(/^Nid ydym yn gwybod am unrhyw fannau lle nad yw'r gwasanaeth yn bodloni WCAG 2.2 AA\./);
    expect(cy('workforce.deleteIntro')).toMatch(/^Bydd yn cael ei dynnu o'r rhestr\. Byddwn yn cadw/);
    expect(cy('staffImport.columnsIntro')).toContain('Byddwn yn anwybyddu colofnau eraill.');
    expect(cy('staffImport.columns.dateOfBirth')).toBe('Dim ond i gyfrifo band oedran y byddwn yn ei ddefnyddio, ac yna byddwn yn ei ddileu');
    expect(cy('learning.versions.how3')).toBe('Byddwn yn cofnodi pob cyhoeddi yn y log archwilio.');
  });
});

describe.each(engines)('the page chrome in Welsh on $name', (engine) => {
  let t: TestApp;
  beforeAll(async () => { t = await buildTestApp(engine); });
  afterAll(async () => { await t.close(); });

  it('row 27: the footer\'s language link says which language it is in; row 1: its hidden heading is Welsh', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/cy/accessibility' });
    expect(page.body).toMatch(/<a class="nhsuk-footer__list-item-link" href="\/accessibility"[^>]*lang="en"[^>]*hreflang="en"|<a class="nhsuk-footer__list-item-link" href="\/accessibility"[^>]*hreflang="en"[^>]*lang="en"/);
    expect(page.body).toContain('Dolenni cymorth');
    expect(page.body).not.toContain('Support links');
    const english = await t.app.inject({ method: 'GET', url: '/accessibility' });
    expect(english.body).toMatch(/href="\/cy\/accessibility"[^>]*lang="cy"/);
  });

  it('row 47: the staff record labels the organisation code as a code', async () => {
    const admin = await signedIn(t.app, [{ role: 'platform-admin', organisationCode: null }]);
    const page = await t.app.inject({ method: 'GET', url: '/cy/staff', headers: { cookie: admin.cookie } });
    expect(page.body).toContain('(cod: 7A7)');
  });
});
