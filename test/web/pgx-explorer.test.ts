// The genotype-to-phenotype explorer on its own page and in its module page:
// without JavaScript, a GET form whose answer the server renders, in English
// and in Welsh. (Its logic is tested against CPIC's examples in
// test/domain/learning/pgx-explorer.test.ts; the browser test checks the live update.)

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';

describe.each(engines)('the pharmacogenomics explorer on $name', (engine) => {
  let t: TestApp;
  let learner: SignedIn;
  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: learner.cookie, accept: 'text/html' } });

  beforeAll(async () => {
    t = await buildTestApp(engine, { CONTENT_DIR: 'content' });
    learner = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
  });
  afterAll(async () => { await t.close(); });

  it('answers a CYP2D6 genotype without JavaScript: activity score, phenotype and the codeine advice', async () => {
    const page = await get('/tools/pgx-explorer?gene=CYP2D6&a1=*1&a2=*4');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('CYP2D6 *1/*4');
    expect(page.body).toContain('1 + 0 = 1');
    expect(page.body).toContain('<strong>Intermediate metaboliser</strong>');
    expect(page.body).toContain('If pain relief is not enough and an opioid is needed, consider one other than tramadol.');
    expect(page.body).toMatch(/<option value="\*4" selected>\*4 \(no function\)<\/option>/);
  });

  it('answers in Welsh at /cy', async () => {
    const page = await get('/cy/tools/pgx-explorer?gene=CYP2C19&a1=*2&a2=*17');
    expect(page.body).toContain('<strong>Metaboleiddiwr canolradd</strong>');
    expect(page.body).toContain('Archwiliwr genoteip i ffenoteip');
    expect(page.body).not.toContain('Intermediate metaboliser');
  });

  it('shows the new gene\'s alleles, and no answer, when the gene changed without JavaScript', async () => {
    const page = await get('/tools/pgx-explorer?gene=SLCO1B1&a1=*17&a2=*2');
    expect(page.body).toContain('Choose two alleles of SLCO1B1');
    expect(page.body).toContain('<option value="*15">*15 (no function)</option>');
    expect(page.body).not.toContain('nhsuk-summary-list__row');
  });

  it('shows the form without an answer on a first visit, and ignores what it does not know', async () => {
    expect((await get('/tools/pgx-explorer')).body).not.toContain('nhsuk-summary-list__row');
    const odd = await get('/tools/pgx-explorer?gene=%3Cscript%3E&a1=x&a2=y&back=../x');
    expect(odd.statusCode).toBe(200);
    expect(odd.body).not.toContain('<script>');
    expect(odd.body).toContain('Choose two alleles of CYP2C19');
  });

  it('is embedded in its module page, with the way back to it from the answer', async () => {
    const page = await get('/learn/pharmacogenomics-beyond-the-first-four/pages/2');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('action="/tools/pgx-explorer#pgx-result"');
    expect(page.body).toContain('<input type="hidden" name="back" value="2">');
    expect(page.body).toContain('/assets/app/pgx-explorer.js');
    // The page's knowledge check is still there, after the explorer.
    expect(page.body).toMatch(/data-pgx-explorer[\s\S]*id="check-k1"/);
    const answer = await get('/tools/pgx-explorer?back=2&gene=CYP2C19&a1=*17&a2=*17');
    expect(answer.body).toContain('<strong>Ultrarapid metaboliser</strong>');
    expect(answer.body).toContain('href="/learn/pharmacogenomics-beyond-the-first-four/pages/2"');
  });
});
