// The audit log as an investigation tool (issue 14 item 11): names not ids,
// filters, search, pages, before and after, a CSV of what is filtered, and
// every action the code records shown in both languages.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../../src/web/i18n.js';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('audit actions in the code', () => {
  const source = sourceFiles('src').map((f) => readFileSync(f, 'utf8')).join('\n');
  const actions = [...new Set([...source.matchAll(/\baction: '([a-z][a-z0-9.-]+)'|'(sign-in\.[a-z]+)'/g)].map((m) => m[1] ?? m[2] ?? ''))].filter((a) => a.includes('.'));
  const entities = [...new Set([...source.matchAll(/\bentityType: '([a-z][a-z_-]+)'/g)].map((m) => m[1] ?? ''))];

  it('finds the actions the stores record', () => {
    expect(actions).toEqual(expect.arrayContaining(['role.granted', 'role.revoked', 'user.created', 'sign-in.failed']));
    expect(actions).not.toContain('user.language-changed');
  });

  it.each(['en', 'cy'] as const)('names every action and kind of record in %s', (lang) => {
    const t = translator(lang);
    for (const action of actions) expect(t(`audit.actions.${action}`), action).not.toMatch(/^\[/);
    for (const entity of entities) expect(t(`audit.entities.${entity}`), entity).not.toMatch(/^\[/);
  });
});

describe.each(engines)('the audit log on $name', (engine) => {
  let t: TestApp;
  let platform: SignedIn;
  let admin: SignedIn;
  let target: SignedIn;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    platform = await signedIn(t.app, [{ role: 'platform-admin', organisationCode: null }]);
    admin = await signedIn(t.app, [{ role: 'org-admin', organisationCode: '7A7' }]);
    target = await signedIn(t.app, []);
    await t.app.stores.users.grant(target.userId, { role: 'line-manager', organisationCode: '7A7' }, admin.userId);
    await t.app.stores.users.grant(target.userId, { role: 'line-manager', organisationCode: '7A1' }, platform.userId);
    await t.app.stores.users.revoke(target.userId, { role: 'line-manager', organisationCode: '7A1' }, platform.userId);
    // Enough entries for more than one page, and one that would be a formula in a spreadsheet.
    for (let i = 0; i < 55; i += 1) {
      await t.app.stores.audit.add({ actorUserId: null, action: 'user.password-set', entityType: 'user', entityId: target.userId, after: { note: i === 0 ? '=HYPERLINK("x")' : `n${String(i)}` } });
    }
  }, 120_000);
  afterAll(async () => { await t.close(); });

  const tbody = (html: string) => /<tbody[\s\S]*<\/tbody>/.exec(html)?.[0] ?? '';
  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: platform.cookie, accept: 'text/html' } });
  const targetName = async () => (await t.app.stores.users.findById(target.userId))?.displayName ?? '';
  const adminName = async () => (await t.app.stores.users.findById(admin.userId))?.displayName ?? '';

  it('names and links who acted and on whom, with no truncated ids', async () => {
    const page = await get(`/admin/audit?action=role.granted`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`href="/admin/users/${admin.userId}">${await adminName()}</a>`);
    expect(page.body).toContain(`href="/admin/users/${target.userId}">${await targetName()}</a>`);
    expect(page.body).toContain('User account');
    expect(page.body).not.toContain('…');
    const welsh = await get(`/cy/admin/audit?action=role.granted`);
    expect(welsh.body).toContain('Cyfrif defnyddiwr');
    expect(welsh.body).toContain('Rhoddwyd rôl');
  });

  it('filters by who, what, organisation and date, and searches', async () => {
    const byWho = await get(`/admin/audit?who=${encodeURIComponent((await adminName()).toUpperCase())}`);
    expect(byWho.body.match(/<tr class="nhsuk-table__row" role="row">/g)?.length).toBe(2);
    const byOrg = tbody((await get('/admin/audit?organisation=7A1')).body);
    expect(byOrg).toContain('Role given');
    expect(byOrg).toContain('Role removed');
    expect(byOrg).not.toContain('Password set');
    const byAction = await get('/admin/audit?action=role.revoked');
    expect(byAction.body.match(/<tr class="nhsuk-table__row" role="row">/g)?.length).toBe(2);
    const future = await get('/admin/audit?from=2999-01-01');
    expect(future.body).toContain('No entries match these filters.');
    const today = new Date().toISOString().slice(0, 10);
    const past = await get(`/admin/audit?from=2000-01-01&to=${today}&action=role.revoked`);
    expect(past.body).toContain('Role removed');
    const search = await get('/admin/audit?q=n54');
    expect(search.body.match(/<tr class="nhsuk-table__row" role="row">/g)?.length).toBe(2);
    // A search for a literal % is not a wildcard.
    expect((await get('/admin/audit?q=%25%25%25')).body).toContain('No entries match these filters.');
  });

  it('names a date that is not a date as an error on its field, and changes nothing', async () => {
    const page = await get('/admin/audit?from=2026-02-30&to=yesterday');
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('href="#from"');
    expect(page.body).toContain('href="#to"');
    expect(page.body).toContain('Enter a date as year-month-day');
  });

  it('shows each entry’s before and after', async () => {
    const page = await get('/admin/audit?action=role.revoked');
    expect(page.body).toContain('Before and after');
    expect(page.body).toMatch(/Role<\/dt>\s*<dd><span class="app-audit-before">Before:<\/span> Line manager/);
    expect(page.body).toMatch(/After:<\/span> \(nothing\)/);
  });

  it('pages through the entries, older and newer, keeping the filters', async () => {
    const first = await get('/admin/audit?action=user.password-set');
    const older = /href="([^"]*before=\d+)"><span class="nhsuk-pagination__title">Older/.exec(first.body)?.[1]?.replace(/&amp;/g, '&');
    expect(older).toContain('action=user.password-set');
    expect(first.body.match(/<tr class="nhsuk-table__row" role="row">/g)?.length).toBe(51);
    const second = await get(older ?? '');
    expect(second.body.match(/<tr class="nhsuk-table__row" role="row">/g)?.length).toBe(6);
    expect(second.body).not.toContain('nhsuk-pagination__link--next');
    const newer = /href="([^"]*after=\d+)"><span class="nhsuk-pagination__title">Newer/.exec(second.body)?.[1]?.replace(/&amp;/g, '&');
    const back = await get(newer ?? '');
    expect(back.body.match(/<tr class="nhsuk-table__row" role="row">/g)?.length).toBe(51);
  });

  it('downloads the filtered entries as CSV, safe to open in a spreadsheet', async () => {
    const csv = await get('/admin/audit.csv?action=user.password-set');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toContain('id,at,action');
    expect(lines).toHaveLength(56);
    expect(lines.every((l, i) => i === 0 || l.includes('user.password-set'))).toBe(true);
    expect(csv.body).toContain(await targetName());
    expect(csv.body).not.toMatch(/,=HYPERLINK/);
    const refused = await t.app.inject({ method: 'GET', url: '/admin/audit.csv', headers: { cookie: admin.cookie } });
    expect(refused.statusCode).toBe(403);
  });
});
