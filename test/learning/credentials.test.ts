import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwtPayload } from '../../src/domain/learning/index.js';
import { CredentialStore } from '../../src/db/stores/credential-store.js';
import { verifyCredential } from '../../src/services/learning/credentials.js';
import { BADGE_KEYWORD, bakedCredential, decodePngSize, readPngChunks } from '../../src/services/learning/png.js';
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

  // Regression: the certificate's check link used http://localhost:3000 whatever
  // PUBLIC_URL said about where the server is, and only in English.
  it('links the certificate\'s check lines to the public address, one in each language', async () => {
    const pdf = (await as(learner, 'GET', `/my-learning/certificates/${credentialId}.pdf`)).rawPayload.toString('latin1');
    expect(pdf).toContain(`/URI (https://genomeg.example.wales/credentials/${credentialId})`);
    expect(pdf).toContain(`/URI (https://genomeg.example.wales/cy/credentials/${credentialId})`);
    expect(pdf).not.toContain('localhost');
  });

  // Regression: the badge was only a .jwt file.
  it('gives the learner the badge as a PNG image with the credential baked in, which verifies, and nobody else', async () => {
    const response = await as(learner, 'GET', `/my-learning/certificates/${credentialId}.png`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('image/png');
    const png = response.rawPayload;
    expect(decodePngSize(png)).toEqual({ width: 600, height: 600, rawBytes: 600 * (600 * 4 + 1) });
    const chunks = readPngChunks(png);
    expect(chunks.filter((c) => c.type === 'iTXt' && c.data.toString('latin1').startsWith(`${BADGE_KEYWORD}\0`))).toHaveLength(1);
    const baked = bakedCredential(png);
    expect(baked).toBe(jwt);
    const verification = await verifyCredential(CredentialStore.create(t.app.database.db), baked ?? '');
    expect(verification.status).toBe('genuine');
    const download = await as(learner, 'GET', `/my-learning/certificates/${credentialId}.png?download=1`);
    expect(download.headers['content-disposition']).toBe('attachment; filename="sample-genomics-badge.png"');
    const other = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    expect((await as(other, 'GET', `/my-learning/certificates/${credentialId}.png`)).statusCode).toBe(404);
  });

  it('gives the learner a page for the credential: the badge, the downloads, the address to share and how to add it to a profile, in both languages', async () => {
    const page = await as(learner, 'GET', `/my-learning/certificates/${credentialId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Your certificate and badge');
    expect(page.body).toContain(`href="https://genomeg.example.wales/credentials/${credentialId}">https://genomeg.example.wales/credentials/${credentialId}</a>`);
    expect(page.body).toContain(`https://genomeg.example.wales/cy/credentials/${credentialId}`);
    expect(page.body).toContain(`src="/my-learning/certificates/${credentialId}.png"`);
    for (const field of ['Issuing organisation', 'Issue date', 'Credential ID', 'Credential URL', 'Genomeg for NHS Wales']) expect(page.body).toContain(field);
    expect(page.body).toContain(`href="/my-learning/certificates/${credentialId}.png?download=1"`);
    const welsh = await as(learner, 'GET', `/cy/my-learning/certificates/${credentialId}`);
    expect(welsh.body).toContain('Eich tystysgrif a&#39;ch bathodyn');
    expect(welsh.body).toContain('Genomeg ar gyfer GIG Cymru');
    expect(welsh.body).toContain(`href="https://genomeg.example.wales/cy/credentials/${credentialId}"`);
    const other = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
    expect((await as(other, 'GET', `/my-learning/certificates/${credentialId}`)).statusCode).toBe(404);
  });

  it('names the issuer in the page\'s language on the public check page', async () => {
    expect((await as(null, 'GET', `/cy/credentials/${credentialId}`)).body).toContain('Genomeg ar gyfer GIG Cymru');
    expect((await as(null, 'GET', `/credentials/${credentialId}`)).body).toContain('Genomeg for NHS Wales');
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
