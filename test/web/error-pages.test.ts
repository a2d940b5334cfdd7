import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';

describe.each(engines)('error pages on $name', (engine) => {
  let t: TestApp;
  beforeAll(async () => { t = await buildTestApp(engine); });
  afterAll(async () => { await t.close(); });

  it('answers an unknown page with a helpful 404 in each language', async () => {
    const en = await t.app.inject({ method: 'GET', url: '/no-such-page', headers: { accept: 'text/html' } });
    expect(en.statusCode).toBe(404);
    expect(en.body).toContain('Page not found');
    const cy = await t.app.inject({ method: 'GET', url: '/cy/no-such-page', headers: { accept: 'text/html' } });
    expect(cy.statusCode).toBe(404);
    expect(cy.body).toContain('<html lang="cy"');
    expect(cy.body).toContain('Heb ddod o hyd i&#39;r dudalen');
  });

  it('answers a refused page with a 403 that says what to do', async () => {
    const learner = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    const response = await t.app.inject({ method: 'GET', url: '/cy/admin/audit', headers: { cookie: learner.cookie, accept: 'text/html' } });
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('Ni allwch weld y dudalen hon');
  });

  it('answers machines with JSON carrying the error code', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/no-such-page', headers: { accept: 'application/json' } });
    expect(response.json()).toMatchObject({ code: 'GNM_NOT_FOUND' });
  });

  it('reports a failure as a 500 page with a reference, and a failing health check as 503', async () => {
    const broken = await buildTestApp(engine);
    const admin = await signedIn(broken.app, [{ role: 'platform-admin', organisationCode: null }]);
    // Take the database away from under the running app. Its job runner stops
    // first: pg-boss 10 completes a finished job without awaiting it, so a job
    // ending as the schema is dropped would reject where nobody listens.
    await broken.app.jobs.stop();
    await broken.database.close();
    const health = await broken.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(503);
    const page = await broken.app.inject({ method: 'GET', url: '/cy/staff', headers: { cookie: admin.cookie, accept: 'text/html' } });
    expect(page.statusCode).toBe(500);
    expect(page.body).toContain('Mae&#39;n ddrwg gennym, mae problem gyda&#39;r gwasanaeth');
    expect(page.body).toMatch(/rhowch y cyfeirnod hwn: [0-9a-f-]{36}/);
    await broken.app.close();
  });
});
