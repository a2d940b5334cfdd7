// The header and footer are rendered once per variant and kept; each page must
// still show its own person's name (escaped), form token, menu and language twin.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { SESSION_COOKIE } from '../../src/web/plugins/auth.js';
import { activeNavSection, escapeHtml } from '../../src/web/plugins/views.js';
import type { RoleGrant } from '../../src/domain/auth/index.js';

const sqlite = engines.filter((e) => e.name === 'sqlite');

describe('the page chrome', () => {
  it('marks the most specific menu section as active', () => {
    expect(activeNavSection('/')).toBe('/');
    expect(activeNavSection('/staff/import')).toBe('/staff/import');
    expect(activeNavSection('/staff/123')).toBe('/staff');
    expect(activeNavSection('/my-learning.csv')).toBe('/my-learning');
    expect(activeNavSection('/learn/what-is-genomics/pages/2')).toBe('/learn');
    expect(activeNavSection('/accessibility')).toBe('');
  });

  it('escapes every character that could break out of text or an attribute', () => {
    expect(escapeHtml(`<a href="x">O'Brien & co</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;O&#39;Brien &amp; co&lt;/a&gt;');
  });
});

describe.each(sqlite)('the kept header and footer on $name', (engine) => {
  let t: TestApp;
  const person = async (displayName: string, grants: RoleGrant[]) => {
    const user = await t.app.stores.users.create({ email: `${String(Math.random()).slice(2)}@test.genomeg.test`, displayName, passwordHash: null, grants, staffId: null }, null);
    const { token, session } = await t.app.stores.sessions.start(user.id);
    return { cookie: `${SESSION_COOKIE}=${token}`, csrf: session.csrfToken };
  };
  const page = async (url: string, cookie?: string) =>
    (await t.app.inject({ method: 'GET', url, headers: { accept: 'text/html', ...(cookie === undefined ? {} : { cookie }) } })).body;

  beforeAll(async () => { t = await buildTestApp(engine); });
  afterAll(async () => { await t.close(); });

  it('shows each person their own name, token and menu, and never another\'s', async () => {
    const first = await person('Siân <b>Evans</b>', [{ role: 'learner', organisationCode: null }]);
    const second = await person('Llŷr Owen', [{ role: 'platform-admin', organisationCode: null }]);
    const a = await page('/learn', first.cookie);
    const b = await page('/learn', second.cookie);
    const again = await page('/learn', first.cookie);

    expect(a).toContain('Siân &lt;b&gt;Evans&lt;/b&gt;');
    expect(a).not.toContain('<b>Evans</b>');
    expect(a).toContain(`_csrf=${first.csrf}`);
    expect(a).not.toContain('Llŷr Owen');
    expect(b).toContain('Llŷr Owen');
    expect(b).toContain(`_csrf=${second.csrf}`);
    expect(b).not.toContain(first.csrf);
    const withoutNonce = (html: string) => html.replace(/nonce="[^"]+"/g, '');
    expect(withoutNonce(again)).toBe(withoutNonce(a));
    // The administrator's menu has the audit log; the learner's does not.
    expect(b).toContain('href="/admin/audit"');
    expect(a).not.toContain('href="/admin/audit"');
    // Nothing of the stand-ins is left behind.
    expect(a + b).not.toContain('\u0001');
  });

  it('links each page to its own twin in the other language, in the header and the footer', async () => {
    const visitor = await page('/accessibility');
    expect(visitor.match(/href="\/cy\/accessibility"/g)?.length).toBeGreaterThanOrEqual(2);
    const welsh = await page('/cy/sign-in');
    expect(welsh.match(/href="\/sign-in"/g)?.length).toBeGreaterThanOrEqual(2);
    expect(welsh).toContain('href="/sign-in" hreflang="en"');
    expect(welsh).not.toContain('href="/accessibility" hreflang');
  });
});

describe.each(sqlite)('a kept module page on $name', (engine) => {
  let t: TestApp;
  const learner = async (displayName: string) => {
    const user = await t.app.stores.users.create({ email: `${String(Math.random()).slice(2)}@test.genomeg.test`, displayName, passwordHash: null, grants: [{ role: 'learner', organisationCode: null }], staffId: null }, null);
    const { token, session } = await t.app.stores.sessions.start(user.id);
    return { cookie: `${SESSION_COOKIE}=${token}`, csrf: session.csrfToken };
  };
  const get = async (url: string, cookie: string) =>
    (await t.app.inject({ method: 'GET', url, headers: { accept: 'text/html', cookie } })).body;

  beforeAll(async () => { t = await buildTestApp(engine); });
  afterAll(async () => { await t.close(); });

  it('shows each learner their own pages seen, name and form token, in either language', async () => {
    const first = await learner('Gwenllian Hughes');
    const second = await learner('Dewi <i>Jones</i>');
    await get('/learn/sample-genomics/pages/2', first.cookie);
    const a = await get('/learn/sample-genomics/pages/1', first.cookie);
    const b = await get('/learn/sample-genomics/pages/1', second.cookie);

    // The first learner has seen page 2; the second has seen only the page shown.
    expect(a).toContain('(read)</span><span aria-hidden="true">✓</span>');
    expect(b).not.toContain('(read)');
    expect(a).toContain('Gwenllian Hughes');
    expect(a).toContain(`name="_csrf" value="${first.csrf}"`);
    expect(b).toContain('Dewi &lt;i&gt;Jones&lt;/i&gt;');
    expect(b).toContain(`name="_csrf" value="${second.csrf}"`);
    expect(b).not.toContain(first.csrf);
    expect(b).not.toContain('Gwenllian');
    // Each page has its own nonce, in the header and on the inline script.
    const nonce = (html: string) => /<script nonce="([^"]+)">/.exec(html)?.[1];
    expect(nonce(a)).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(nonce(a)).not.toBe(nonce(b));
    expect(a + b).not.toContain('\u0001');
    // Kept without the templates' indentation and blank lines.
    expect(a).not.toMatch(/\n[ \t]+</);
    expect(a).not.toMatch(/\n\n/);

    const welsh = await get('/cy/learn/sample-genomics/pages/1', first.cookie);
    expect(welsh).toContain('<html lang="cy"');
    expect(welsh).toContain('href="/learn/sample-genomics/pages/1" hreflang="en"');
    expect(welsh).toContain('(wedi&#39;i darllen)</span><span aria-hidden="true">✓</span>');
    expect(welsh).not.toContain('(read)');
    expect(welsh).not.toContain('\u0001');
  });

  it('shows a check\'s feedback only to the learner who answered it', async () => {
    const first = await learner('Elin Morgan');
    const second = await learner('Owain Price');
    const answered = await t.app.inject({ method: 'POST', url: '/learn/sample-genomics/pages/1/checks/k1', headers: { cookie: first.cookie }, payload: { _csrf: first.csrf, answer: 'b' } });
    expect(answered.body).toContain('role="status"');
    expect(answered.body).not.toContain('\u0001');
    expect(await get('/learn/sample-genomics/pages/1', second.cookie)).not.toContain('role="status"');
    // The same answer from another learner: the same feedback, with that learner's own token.
    const post = (who: { cookie: string; csrf: string }, answer?: string) => t.app.inject({
      method: 'POST', url: '/learn/sample-genomics/pages/1/checks/k1', headers: { cookie: who.cookie }, payload: answer === undefined ? { _csrf: who.csrf } : { _csrf: who.csrf, answer },
    });
    const same = await post(second, 'b');
    expect(same.body).toContain('Not quite.');
    expect(same.body).toContain(`name="_csrf" value="${second.csrf}"`);
    expect(same.body).not.toContain(first.csrf);
    // Another answer, or none, gets its own feedback.
    expect((await post(second, 'a')).body).not.toContain('Not quite.');
    expect((await post(first)).body).toContain('Select an answer first');
    // An option the check does not have is answered too (not right), and filled in like any other.
    const unknown = await post(first, 'zz');
    expect(unknown.statusCode).toBe(200);
    expect(unknown.body).toContain('Not quite.');
    expect(unknown.body).toContain(`name="_csrf" value="${first.csrf}"`);
    expect(unknown.body).not.toContain('\u0001');
  });
});
