// The platform administrator's page for data-protection requests: one email
// address finds a person's records under every identifier and organisation
// (their mbox, its SHA-1, the platform's own account for them), each can be
// downloaded, and erased only after an explicit confirmation; bad input says
// which field is wrong and changes nothing.

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../../src/web/i18n.js';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { recordLearning, recordStatements } from '../../src/services/xapi/record.js';
import { checkPersonQuery, identifiersOf } from '../../src/domain/xapi/index.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('who a request is about', () => {
  it('says which field is wrong', () => {
    const none = { email: '', accountHomePage: '', accountName: '' };
    expect(checkPersonQuery(none)).toEqual([{ field: 'email', problem: 'none-given' }]);
    expect(checkPersonQuery({ ...none, email: 'not an address' })).toEqual([{ field: 'email', problem: 'email-invalid' }]);
    expect(checkPersonQuery({ ...none, accountHomePage: 'moodle' })).toEqual([
      { field: 'accountHomePage', problem: 'home-page-invalid' }, { field: 'accountName', problem: 'account-name-missing' },
    ]);
    expect(checkPersonQuery({ ...none, accountName: 'u123' })).toEqual([{ field: 'accountHomePage', problem: 'home-page-missing' }]);
    expect(checkPersonQuery({ email: 'a.b@nhs.wales', accountHomePage: 'https://moodle.example.ac.uk', accountName: 'u123' })).toEqual([]);
  });

  it('looks for the address as an mbox and as its SHA-1, the platform account, and another account', () => {
    const ids = identifiersOf({ email: 'Ann.Jones@Example.org', accountHomePage: 'https://lms.example.org', accountName: 'aj1' }, 'user-1');
    expect(ids.map((i) => [i.kind, i.key])).toEqual([
      ['mbox', 'mbox:mailto:ann.jones@example.org'],
      ['mbox_sha1sum', `sha1:${createHash('sha1').update('mailto:ann.jones@example.org').digest('hex')}`],
      ['platform-account', 'account:https://genomeg.nhs.wales|user-1'],
      ['account', 'account:https://lms.example.org|aj1'],
    ]);
  });
});

describe.each(engines)('requests about a person\'s learning records on $name', (engine) => {
  let t: TestApp;
  let admin: SignedIn;
  const email = `subject.${engine.name.toLowerCase()}@example.org`;
  let learnerId = '';

  beforeAll(async () => {
    t = await buildTestApp(engine);
    admin = await signedIn(t.app, [{ role: 'platform-admin', organisationCode: null }]);
    const learner = await t.app.stores.users.create({ email, displayName: 'Synthetic Subject', passwordHash: null, grants: [{ role: 'learner', organisationCode: null }], staffId: null }, null);
    learnerId = learner.id;
    // The platform's own record of their learning, and two statements an external client sent (one with the hashed address).
    const outcome = await recordLearning(t.database.db, { userId: learner.id, displayName: 'Synthetic Subject', language: 'en' }, [
      { kind: 'page-viewed', moduleId: 'what-is-genomics', page: 1 }, { kind: 'page-viewed', moduleId: 'what-is-genomics', page: 2 },
    ]);
    expect(outcome.status).toBe('stored');
    const verb = { id: 'http://adlnet.gov/expapi/verbs/completed' };
    const sha1 = createHash('sha1').update(`mailto:${email}`).digest('hex');
    const external = await recordStatements(t.database.db, [
      { actor: { mbox: `mailto:${email}` }, verb, object: { id: 'https://lms.example.org/course/1' } },
      { actor: { mbox_sha1sum: sha1 }, verb, object: { id: 'https://lms.example.org/course/2' } },
      { actor: { mbox: 'mailto:someone.else@example.org' }, verb, object: { id: 'https://lms.example.org/course/1' } },
    ], undefined, { organisationCode: '7A7', clientId: 'test-client' });
    expect(external.status).toBe('stored');
  });
  afterAll(async () => { await t.close(); });

  const post = (url: string, fields: Record<string, string>) =>
    t.app.inject({ method: 'POST', url, headers: { cookie: admin.cookie, ...FORM }, payload: new URLSearchParams({ _csrf: admin.csrf, ...fields }).toString() });

  it('finds the records under each identifier, per organisation', async () => {
    const page = await post('/admin/learning-records', { email: email.toUpperCase(), accountHomePage: '', accountName: '' });
    expect(page.statusCode).toBe(200);
    const rows = [...page.body.matchAll(/<tr class="nhsuk-table__row">\s*<td class="nhsuk-table__cell">([^<]+)<\/td>\s*<td class="nhsuk-table__cell">([^<]+)<\/td>\s*<td[^>]*>(\d+)<\/td>\s*<td[^>]*>(\d+)<\/td>/g)]
      .map((m) => [m[1], m[2], m[3], m[4]]);
    expect(rows).toEqual([
      ['Powys Teaching Health Board', 'Email address', '1', '1'],
      ['Powys Teaching Health Board', 'Hashed email address', '1', '1'],
      ['Genomeg (the platform&#39;s own learning)', 'Genomeg account', '2', '2'],
    ]);
    expect(page.body).toContain('A Genomeg account has this email address');
  });

  it('says which field is wrong, in English and in Welsh, and finds nothing', async () => {
    const bad = await post('/admin/learning-records', { email: 'nobody-at-all', accountHomePage: 'moodle', accountName: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('<title>Error: Requests about a person&#39;s learning records – Genomeg</title>');
    expect(bad.body).toContain('href="#email"');
    expect(bad.body).toContain('Enter an email address in the correct format');
    expect(bad.body).toContain('href="#accountHomePage"');
    expect(bad.body).toContain('href="#accountName"');
    expect(bad.body).not.toContain('nhsuk-table');
    const cy = await post('/cy/admin/learning-records', { email: '', accountHomePage: '', accountName: '' });
    expect(cy.statusCode).toBe(400);
    expect(cy.body).toContain('Rhowch gyfeiriad e-bost, neu hafan ac enw cyfrif');
  });

  it('downloads one organisation\'s records as JSON, audited', async () => {
    const key = `account:https://genomeg.nhs.wales|${learnerId}`;
    const download = await post('/admin/learning-records/export', { organisationCode: 'PLATFORM', key });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="learning-record-platform-\d{4}-\d{2}-\d{2}\.json"$/);
    const data = download.json<{ statements: { actor: { account: { name: string } } }[]; progress: unknown[] }>();
    expect(data.statements.map((s) => s.actor.account.name)).toEqual([learnerId, learnerId]);
    const audit = await t.database.db.selectFrom('audit_events').select(['action', 'actor_user_id']).where('action', '=', 'xapi.person.export').execute();
    expect(audit).toEqual([{ action: 'xapi.person.export', actor_user_id: admin.userId }]);
  });

  it('erases only after confirmation, then only that person\'s records in that organisation', async () => {
    const key = `mbox:mailto:${email}`;
    const count = async () => Number((await t.database.db.selectFrom('xapi_statements').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const review = await post('/admin/learning-records/erase', { organisationCode: '7A7', key, step: 'review' });
    expect(review.statusCode).toBe(200);
    expect(review.body).toContain('Erasure cannot be undone');
    const unconfirmed = await post('/admin/learning-records/erase', { organisationCode: '7A7', key, step: 'erase' });
    expect(unconfirmed.statusCode).toBe(400);
    expect(unconfirmed.body).toContain('href="#confirm"');
    expect(await count()).toBe(before);

    const done = await post('/admin/learning-records/erase', { organisationCode: '7A7', key, step: 'erase', confirm: 'yes' });
    expect(done.statusCode).toBe(200);
    // Regression: "Erased 1 statements" (issue 14, item 21).
    expect(done.body).toContain('Erased 1 statement and no documents from the learning record store of Powys Teaching Health Board');
    expect(await count()).toBe(before - 1);
    const left = await t.database.db.selectFrom('xapi_statements').select('actor_key').where('organisation_code', '=', '7A7').orderBy('actor_key').execute();
    expect(left.map((r) => r.actor_key)).toEqual(['mbox:mailto:someone.else@example.org', `sha1:${createHash('sha1').update(`mailto:${email}`).digest('hex')}`]);
    const audit = await t.database.db.selectFrom('audit_events').select(['actor_user_id', 'organisation_code']).where('action', '=', 'xapi.person.erase').execute();
    expect(audit).toEqual([{ actor_user_id: admin.userId, organisation_code: '7A7' }]);
    // Nothing left there to erase: the review says so rather than offering it.
    expect((await post('/admin/learning-records/erase', { organisationCode: '7A7', key, step: 'review' })).statusCode).toBe(404);
  });

  it('refuses a malformed target and a missing form token', async () => {
    expect((await post('/admin/learning-records/export', { organisationCode: '7a7; drop', key: 'x' })).statusCode).toBe(400);
    const noToken = await t.app.inject({ method: 'POST', url: '/admin/learning-records/export', headers: { cookie: admin.cookie, ...FORM }, payload: 'organisationCode=PLATFORM&key=mbox%3Amailto%3Aa%40b.org' });
    expect(noToken.statusCode).toBe(403);
  });
});

describe('the erasure message in both languages', () => {
  it('counts statements and documents with the plural form each number needs', () => {
    const say = (language: 'en' | 'cy', statements: number, documents: number) => {
      const t = translator(language);
      return t('xapi.people.erased', { statements: t('xapi.people.statementCount', { count: statements }), documents: t('xapi.people.documentCount', { count: documents }), organisation: 'X' });
    };
    expect(say('en', 1, 0)).toBe('Erased 1 statement and no documents from the learning record store of X. The erasure is recorded in the audit log.');
    expect(say('en', 2, 1)).toContain('Erased 2 statements and 1 document from');
    expect(say('cy', 1, 1)).toContain('X: 1 datganiad a 1 ddogfen.');
    expect(say('cy', 2, 2)).toContain('2 ddatganiad a 2 ddogfen');
    expect(say('cy', 3, 3)).toContain('3 datganiad a 3 dogfen');
    expect(say('cy', 0, 0)).toContain('dim datganiadau a dim dogfennau');
  });

  // The Welsh interface review (2026-12), rows 13, 22, 49 and 50.
  it('uses the Welsh the review asked for', () => {
    const cy = translator('cy');
    expect(cy('xapi.people.erased', { statements: 'S', documents: 'D', organisation: 'Bwrdd Iechyd Addysgu Powys' })).toBe("Cofnodion wedi'u dileu o storfa cofnodion dysgu Bwrdd Iechyd Addysgu Powys: S a D. Mae'r dileu wedi'i gofnodi yn y log archwilio.");
    expect(cy('xapi.people.identifier')).toBe('Dynodydd');
    expect(cy('xapi.people.lookedFor')).toBe('Dynodyddion a chwiliwyd amdanynt');
    expect(cy('xapi.people.none')).toContain('o dan y dynodyddion hyn');
    expect(cy('xapi.people.emailHint')).toContain("cofnodion y platfform ei hun o'i ddysgu.");
    expect(cy('xapi.people.eraseWarning')).toContain("Bydd datganiadau a oedd yn gwneud dim mwy na chyfeirio at ddatganiad sydd wedi'i ddileu yn aros.");
  });
});
