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
