// The catalogue shows the learning pathways of content/pathways.yaml, the
// learner's own staff group's first, and marks "Recommended for your role"
// the modules on that pathway (issue 19).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importStaffExtract } from '../../src/services/staff-import.js';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';

describe.each(engines)('learning pathways on the catalogue on $name', (engine) => {
  let t: TestApp;
  let nurse: SignedIn;
  let unlinked: SignedIn;
  const get = (who: SignedIn, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } });
  /** The card of a module, by its link. */
  const card = (html: string, slug: string) => new RegExp(`<li class="nhsuk-grid-column-one-half nhsuk-card-group__item">(?:(?!</li>)[\\s\\S])*?href="(?:/cy)?/learn/${slug}"[\\s\\S]*?</li>`).exec(html)?.[0] ?? '';

  beforeAll(async () => {
    t = await buildTestApp(engine, { CONTENT_DIR: 'content' });
    const row = buildStaffRow({ organisationCode: '7A7', staffGroup: 'Nursing and Midwifery Registered', jobRole: 'Midwife', band: '6' });
    await importStaffExtract(t.app.stores.staff, { text: staffCsv([row]), fileName: 'x.csv', mode: 'partial', permittedOrganisations: 'all', actorUserId: null });
    const staffId = (await t.app.stores.staff.findByAssignment(row.assignmentNumber))?.id;
    nurse = await signedIn(t.app, [{ role: 'learner', organisationCode: null }], { staffId });
    unlinked = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
  });
  afterAll(async () => { await t.close(); });

  it('shows the learner\'s own pathway first, in order, then the other staff groups\' pathways', async () => {
    const html = (await get(nurse, '/learn')).body;
    const own = /<ol class="nhsuk-list nhsuk-list--number" data-pathway="Nursing and Midwifery Registered">([\s\S]*?)<\/ol>/.exec(html)?.[1] ?? '';
    const titles = [...own.matchAll(/<a class="nhsuk-link" href="\/learn\/([a-z-]+)">/g)].map((m) => m[1]);
    expect(titles[0]).toBe('what-is-genomics');
    expect(titles).toContain('reproductive-antenatal-and-newborn-genomics');
    expect(html.indexOf('Your pathway: Nursing and Midwifery Registered')).toBeGreaterThan(-1);
    expect(html.indexOf('Your pathway')).toBeLessThan(html.indexOf('Pathways for other staff groups'));
    expect(html).toContain('Medical and Dental: to the Foundation level');
    expect(html).not.toContain('Nursing and Midwifery Registered: to the');

    const welsh = (await get(nurse, '/cy/learn')).body;
    expect(welsh).toContain('Eich llwybr: Nyrsys a Bydwragedd Cofrestredig');
    expect(welsh).toContain('Llwybrau ar gyfer grwpiau staff eraill');
  });

  it('marks the modules on the learner\'s pathway as recommended for their role, and no others', async () => {
    const html = (await get(nurse, '/learn')).body;
    expect(card(html, 'reproductive-antenatal-and-newborn-genomics')).toContain('Recommended for your role');
    expect(card(html, 'what-is-genomics')).toContain('Recommended for your role');
    // At the foundation level, but not on the nursing and midwifery pathway.
    expect(card(html, 'genomics-in-primary-care')).not.toBe('');
    expect(card(html, 'genomics-in-primary-care')).not.toContain('Recommended for your role');
  });

  it('tells a learner without a staff group that pathways are set per group, and still lists them', async () => {
    const html = (await get(unlinked, '/learn')).body;
    expect(html).toContain('you are not linked to a staff group');
    expect(html).not.toContain('Your pathway:');
    expect(html).toContain('Students: to the Awareness level');
  });
});
