import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwtPayload } from '../../src/domain/learning/index.js';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';

describe.each(engines)('certificates and credentials on $name', (engine) => {
  let t: TestApp;
  let learner: SignedIn;
  let credentialId = '';
  let jwt = '';
  const as = (who: SignedIn | null, method: 'GET' | 'POST', url: string, payload?: Record<string, string>) =>
    t.app.inject({ method, url, headers: { accept: 'text/html', ...(who === null ? {} : { cookie: who.cookie }) }, ...(payload === undefined ? {} : { payload: { _csrf: who?.csrf ?? '', ...payload } }) });

  beforeAll(async () => {
    t = await buildTestApp(engine, { PUBLIC_URL: 'https://genomeg.example.wales/' });
    learner = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    await as(learner, 'POST', '/learn/sample-genomics/assessment', {});
    const form = await as(learner, 'GET', '/learn/sample-genomics/assessment');
    const attempt = /\/assessment\/([0-9a-f-]{36})"/.exec(form.body)?.[1] ?? '';
    await t.app.inject({ method: 'POST', url: `/learn/sample-genomics/assessment/${attempt}`, headers: { cookie: learner.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${learner.csrf}&q-q1=a&q-q2=a&q-q2=b` });
    const result = await as(learner, 'GET', '/learn/sample-genomics/assessment');
    credentialId = /\/my-learning\/certificates\/([0-9a-f-]{36})\.pdf/.exec(result.body)?.[1] ?? '';
    jwt = (await as(learner, 'GET', `/my-learning/certificates/${credentialId}.jwt`)).body;
  });
  afterAll(async () => { await t.close(); });

  it('issues an Open Badges 3.0 credential as a signed JWT on passing', () => {
    expect(credentialId).toMatch(/^[0-9a-f-]{36}$/);
    expect(jwt.split('.')).toHaveLength(3);
    const payload = decodeJwtPayload(jwt);
    expect(payload).toMatchObject({
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      id: `https://genomeg.example.wales/credentials/${credentialId}`,
      issuer: { type: ['Profile'] },
      credentialSubject: { type: ['AchievementSubject'], achievement: { type: ['Achievement'], version: '1.0.0' } },
    });
    expect(JSON.stringify(payload)).not.toContain('@test.genomeg.test');
  });

  it('says on a public page that the credential is genuine', async () => {
    const page = await as(null, 'GET', `/credentials/${credentialId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('This credential is genuine');
    const welsh = await as(null, 'GET', `/cy/credentials/${credentialId}`);
    expect(welsh.body).toContain('Mae&#39;r cymhwyster hwn yn ddilys');
  });

  it('checks a pasted credential, and catches one that was altered', async () => {
    const anonymous = { userId: '', cookie: `gnm_csrf=${'b'.repeat(43)}`, csrf: 'b'.repeat(43) };
    expect((await as(anonymous, 'POST', '/credentials/verify', { credential: jwt })).body).toContain('This credential is genuine');
    const [h, p, s] = jwt.split('.');
    const forged = Buffer.from(Buffer.from(p ?? '', 'base64url').toString().replace('"creditsEarned":0.25', '"creditsEarned":25')).toString('base64url');
    expect((await as(anonymous, 'POST', '/credentials/verify', { credential: `${h ?? ''}.${forged}.${s ?? ''}` })).body).toContain('This credential is not genuine');
    expect((await as(anonymous, 'POST', '/credentials/verify', { credential: 'not a credential' })).body).toContain('This credential is not genuine');
    const empty = await as(anonymous, 'POST', '/credentials/verify', { credential: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Paste a credential to check');
  });

  it('gives the learner a PDF certificate, and nobody else', async () => {
    const pdf = await as(learner, 'GET', `/my-learning/certificates/${credentialId}.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.rawPayload.toString('latin1')).toContain('DejaVuSans');
    const other = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    expect((await as(other, 'GET', `/my-learning/certificates/${credentialId}.pdf`)).statusCode).toBe(404);
    expect((await as(other, 'GET', `/my-learning/certificates/${credentialId}.jwt`)).statusCode).toBe(404);
  });

  it('lets an education lead revoke a credential with a reason, audited, and the public page says so', async () => {
    const lead = await signedIn(t.app, [{ role: 'education-lead', organisationCode: null }]);
    expect((await as(learner, 'POST', `/credentials/${credentialId}/revoke`, { reason: 'x' })).statusCode).toBe(403);
    expect((await as(lead, 'POST', `/credentials/${credentialId}/revoke`, { reason: '' })).statusCode).toBe(400);
    expect((await as(lead, 'POST', `/credentials/${credentialId}/revoke`, { reason: 'Issued in error' })).statusCode).toBe(303);
    const page = await as(null, 'GET', `/credentials/${credentialId}`);
    expect(page.body).toContain('This credential has been revoked');
    expect(page.body).toContain('Issued in error');
    const audit = await t.app.stores.audit.list({ entityType: 'credential', entityId: credentialId });
    expect(audit[0]).toMatchObject({ action: 'credential.revoked', actorUserId: lead.userId });
  });

  it('says plainly when there is no credential at an address', async () => {
    const page = await as(null, 'GET', '/credentials/00000000-0000-0000-0000-000000000000');
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('We have no credential at this address');
  });
});
