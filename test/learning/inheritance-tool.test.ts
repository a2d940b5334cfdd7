// The inheritance-risk tool on the web: at /tools/inheritance and inside the
// "Family history and inheritance" module, as a GET form that answers without
// JavaScript, in English and Welsh, with the Punnett square as a table with
// row and column headers. The arithmetic itself is tested against hand-worked
// squares in test/domain/learning/inheritance.test.ts.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';

/** The text of the tool's result region, tags stripped and spaces squeezed. */
function resultText(html: string): string {
  const start = html.indexOf('data-inheritance-result');
  const end = html.indexOf('data-inheritance-status');
  expect(start).toBeGreaterThan(0);
  return html.slice(start, end).replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/\s+/g, ' ');
}

describe.each(engines)('the inheritance-risk tool on $name', (engine) => {
  let t: TestApp;
  let learner: SignedIn;
  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: learner.cookie, accept: 'text/html' } });

  beforeAll(async () => {
    t = await buildTestApp(engine, { CONTENT_DIR: 'content' });
    learner = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
  });
  afterAll(async () => { await t.close(); });

  it('answers the GET form without JavaScript: two carriers, autosomal recessive', async () => {
    const page = await get('/tools/inheritance?pattern=autosomal-recessive&mother=carrier&father=carrier');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<form method="get" action="/tools/inheritance#inheritance-tool"');
    expect(page.body).toMatch(/<input[^>]*value="autosomal-recessive"[^>]*checked/);
    const text = resultText(page.body);
    expect(text).toContain('Chance of having the condition: 1 in 4 (25%)');
    expect(text).toContain('Chance of being a carrier: 1 in 2 (50%)');
    expect(text).toContain('Chance of having no copy with the variant: 1 in 4 (25%)');
    // A table with a caption, column headers for the father's copies and row headers for the mother's.
    expect(page.body).toContain('<caption class="nhsuk-table__caption nhsuk-table__caption--s">Punnett square');
    expect(page.body.match(/<th scope="col"/g)).toHaveLength(2);
    expect(page.body.match(/<th scope="row"/g)).toHaveLength(2);
    expect(page.body).toContain('Mother: copy with the variant');
    expect(page.body).toContain('Father: usual copy');
  });

  it('gives the chances by sex for an X-linked pattern, in Welsh', async () => {
    const page = await get('/cy/tools/inheritance?pattern=x-linked-recessive&mother=carrier&father=unaffected');
    expect(page.statusCode).toBe(200);
    const text = resultText(page.body);
    expect(text).toContain('Pob merch');
    expect(text).toContain('Pob mab');
    expect(text).toContain('Siawns o fod yn gludydd: 1 mewn 2 (50%)');
    expect(text).toContain('Mab: â\'r cyflwr');
    expect(text).not.toMatch(/Each (son|daughter|child)|Chance of/);
  });

  it('falls back to the pattern\'s default for a status it does not offer, and explains mitochondrial inheritance in words', async () => {
    const page = await get('/tools/inheritance?pattern=autosomal-dominant&mother=carrier&father=%3Cscript%3E');
    expect(page.statusCode).toBe(200);
    expect(resultText(page.body)).toContain('Chance of having the condition: 1 in 2 (50%)');
    expect(page.body).not.toContain('<script>');
    const mito = await get('/tools/inheritance?pattern=mitochondrial');
    expect(mito.body).not.toContain('<table');
    expect(resultText(mito.body)).toContain('a father does not pass his on');
  });

  it('sits inside the module page, whose form comes back to the same page with the answer', async () => {
    const page = await get('/learn/family-history-and-inheritance/pages/4?pattern=x-linked-dominant&mother=unaffected&father=affected');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('action="/learn/family-history-and-inheritance/pages/4#inheritance-tool"');
    expect(page.body).toContain('data-live="/tools/inheritance"');
    const text = resultText(page.body);
    // An affected father: every daughter, no son.
    expect(text).toMatch(/Each daughter Chance of having the condition: every one \(100%\)/);
    expect(text).toMatch(/Each son Chance of having the condition: none \(0%\)/);
    expect(page.body).toContain('<script type="module" src="/assets/app/inheritance.js"></script>');
    // Another choice is another answer, not the first one kept.
    const again = await get('/learn/family-history-and-inheritance/pages/4?pattern=autosomal-dominant&mother=unaffected&father=affected');
    expect(resultText(again.body)).toContain('Each child');
    const welsh = await get('/cy/learn/family-history-and-inheritance/pages/4');
    expect(welsh.body).toContain('action="/cy/learn/family-history-and-inheritance/pages/4#inheritance-tool"');
    expect(welsh.body).toContain('Offeryn risg etifeddu');
    expect(welsh.body).toContain('<a class="nhsuk-link" href="/cy/tools/inheritance">Agor yr offeryn ar ei dudalen ei hun</a>');
  });

  it('is for signed-in people only, as the module pages are', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: '/tools/inheritance' });
    expect(anonymous.statusCode).not.toBe(200);
  });
});
