/// <reference types="pdfkit" />
// Issuing and verifying Open Badges 3.0 credentials for completed modules, and
// drawing the bilingual PDF certificate that goes with them.

import { createHash, createSign, createVerify, randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { decodeJwtPayload, jwtSigningInput, openBadgeCredential, type LearningModule } from '../../domain/learning/index.js';
import type { Language } from '../../domain/i18n.js';
import type { CredentialStore, IssuedCredential } from '../../db/stores/credential-store.js';
import type { Completion } from '../../db/stores/assessment-store.js';

export const ISSUER_NAME = 'Genomeg for NHS Wales';

export async function issueCredential(store: CredentialStore, input: {
  readonly userId: string; readonly learnerName: string; readonly email: string; readonly module: LearningModule;
  readonly completion: Completion; readonly baseUrl: string;
}): Promise<IssuedCredential> {
  const existing = await store.forVersion(input.userId, input.completion.moduleId, input.completion.moduleVersion);
  if (existing !== undefined) return existing;
  const key = await store.signingKey();
  const id = randomUUID();
  const salt = randomBytes(8).toString('hex');
  const m = input.module.manifest;
  const credential = openBadgeCredential({
    credentialId: id, baseUrl: input.baseUrl, issuerName: ISSUER_NAME, learnerName: input.learnerName,
    identityHash: `sha256$${createHash('sha256').update(input.email.toLowerCase() + salt).digest('hex')}`, salt,
    moduleId: m.id, moduleVersion: input.completion.moduleVersion, moduleTitle: `${m.title.en} / ${m.title.cy}`,
    moduleSummary: `${m.summary.en} / ${m.summary.cy}`,
    criteria: `Passed the module assessment with at least ${Math.round(m.passMark * 100)}% / Wedi pasio asesiad y modiwl gydag o leiaf ${Math.round(m.passMark * 100)}%`,
    score: input.completion.score, cpdHours: input.completion.cpdHours, issuedAt: input.completion.completedAt,
  });
  const signingInput = jwtSigningInput(credential, key.kid);
  const signature = createSign('RSA-SHA256').update(signingInput).sign(key.privatePem).toString('base64url');
  return store.save({ id, userId: input.userId, moduleId: m.id, moduleVersion: input.completion.moduleVersion, kid: key.kid, jwt: `${signingInput}.${signature}`, issuedAt: input.completion.completedAt });
}

export type Verification =
  | { readonly status: 'genuine'; readonly credential: IssuedCredential; readonly payload: Record<string, unknown> }
  | { readonly status: 'revoked'; readonly credential: IssuedCredential; readonly payload: Record<string, unknown> }
  | { readonly status: 'not-genuine' };

/** Genuine means: our key signed it, and it is the credential we issued under that id. */
export async function verifyCredential(store: CredentialStore, jwt: string): Promise<Verification> {
  const token = jwt.trim();
  const [headerPart, payloadPart, signaturePart] = token.split('.');
  if (headerPart === undefined || payloadPart === undefined || signaturePart === undefined) return { status: 'not-genuine' };
  let kid: unknown;
  try {
    kid = (JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8')) as { kid?: unknown }).kid;
  } catch {
    return { status: 'not-genuine' };
  }
  if (typeof kid !== 'string') return { status: 'not-genuine' };
  const publicPem = await store.publicKey(kid);
  if (publicPem === undefined) return { status: 'not-genuine' };
  const valid = createVerify('RSA-SHA256').update(`${headerPart}.${payloadPart}`).verify(publicPem, Buffer.from(signaturePart, 'base64url'));
  const payload = decodeJwtPayload(token);
  if (!valid || payload === null || typeof payload['jti'] !== 'string') return { status: 'not-genuine' };
  const id = payload['jti'].split('/').pop() ?? '';
  const credential = await store.find(id);
  if (credential?.jwt !== token) return { status: 'not-genuine' };
  return credential.revokedAt === null ? { status: 'genuine', credential, payload } : { status: 'revoked', credential, payload };
}

const require = createRequire(import.meta.url);
// pdfkit is CommonJS; loaded this way so the strict ESM settings need no loosening.
const PDFDocument = require('pdfkit') as new (options?: PDFKit.PDFDocumentOptions) => PDFKit.PDFDocument;
const FONT_REGULAR = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

export interface CertificateText {
  readonly heading: string;
  readonly certifies: string;
  readonly completed: string;
  readonly details: string;
  readonly verify: string;
}

/** A one-page A4 landscape certificate, the learner's language first and the other below. */
export function certificatePdf(input: {
  readonly learnerName: string; readonly moduleTitle: Readonly<Record<Language, string>>;
  readonly first: Language; readonly text: Readonly<Record<Language, CertificateText>>; readonly verifyUrl: string;
}): Promise<Buffer> {
  return new Promise((resolveBuffer, reject) => {
    const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 56, info: { Title: `${input.moduleTitle.en} / ${input.moduleTitle.cy}`, Author: ISSUER_NAME } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => { resolveBuffer(Buffer.concat(chunks)); });
    doc.on('error', reject);
    doc.registerFont('regular', FONT_REGULAR);
    doc.registerFont('bold', FONT_BOLD);
    doc.rect(28, 28, doc.page.width - 56, doc.page.height - 56).lineWidth(3).stroke('#005eb8');
    doc.y = doc.page.height * 0.16;
    const order: Language[] = input.first === 'cy' ? ['cy', 'en'] : ['en', 'cy'];
    order.forEach((lang, i) => {
      const t = input.text[lang];
      const size = i === 0 ? 1 : 0.8;
      doc.fillColor(i === 0 ? '#212b32' : '#4c6272');
      doc.font('bold').fontSize(26 * size).text(t.heading, { align: 'center' });
      doc.moveDown(0.4);
      doc.font('regular').fontSize(14 * size).text(t.certifies, { align: 'center' });
      doc.font('bold').fontSize(22 * size).text(input.learnerName, { align: 'center' });
      doc.font('regular').fontSize(14 * size).text(t.completed, { align: 'center' });
      doc.font('bold').fontSize(18 * size).text(input.moduleTitle[lang], { align: 'center' });
      doc.font('regular').fontSize(12 * size).text(t.details, { align: 'center' });
      doc.moveDown(1.2);
    });
    doc.fillColor('#212b32').font('regular').fontSize(10);
    doc.text(`${input.text[order[0] ?? 'en'].verify} ${input.verifyUrl}`, { align: 'center', link: input.verifyUrl });
    doc.end();
  });
}
