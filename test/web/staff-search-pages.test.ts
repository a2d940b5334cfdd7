import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importStaffExtract } from '../../src/services/staff-import.js';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';

describe.each(engines)('the staff directory\'s search on $name', (engine) => {
  let t: TestApp;
  let powysAdmin: SignedIn;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    powysAdmin = await signedIn(t.app, [{ role: 'org-admin', organisationCode: '7A7' }]);
    const rows = [
      buildStaffRow({ organisationCode: '7A7', firstName: 'Siân', lastName: 'Gwyndaf', assignmentNumber: '55501234' }),
      buildStaffRow({ organisationCode: '7A7', firstName: 'Sian', lastName: 'Gwynfor', assignmentNumber: '55509999' }),
      buildStaffRow({ organisationCode: '7A4', firstName: 'Siân', lastName: 'Gwynedd', assignmentNumber: '55500000' }),
    ];
    const outcome = await importStaffExtract(t.app.stores.staff, { text: staffCsv(rows), fileName: 'x.csv', mode: 'partial', permittedOrganisations: 'all', actorUserId: null });
    expect(outcome.status).toBe('applied');
  });
  afterAll(async () => { await t.close(); });

  const page = (url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: powysAdmin.cookie } });

  it('finds names with and without accents, in English and Welsh, only in the administrator\'s organisations', async () => {
    for (const url of ['/staff?q=sian+gwyn', '/cy/staff?q=SI%C3%82N+gwyn']) {
      const response = await page(url);
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('Gwyndaf, Siân');
      expect(response.body).toContain('Gwynfor, Sian');
      expect(response.body).not.toContain('Gwynedd');
    }
    expect((await page('/staff?q=sian+gwyn')).body).toContain('2 people found');
  });

  it('finds a post from the start of its assignment number, and not another organisation\'s', async () => {
    const response = await page('/staff?q=555012');
    expect(response.body).toContain('Gwyndaf, Siân');
    expect(response.body).not.toContain('Gwynfor');
    expect((await page('/staff?q=55500000')).body).not.toContain('Gwynedd');
  });
});
