/// <reference types="pdfkit" />
// Issuing and verifying Open Badges 3.0 credentials for completed modules, and
// drawing the bilingual PDF certificate that goes with them.

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { decodeProtectedHeader, importPKCS8, importSPKI, jwtVerify, SignJWT } from 'jose';
import { credentialJwtClaims, openBadgeCredential, type LearningModule } from '../../domain/learning/index.js';
import type { Language } from '../../domain/i18n.js';
import type { CredentialStore, IssuedCredential } from '../../db/stores/credential-store.js';
import type { Completion } from '../../db/stores/assessment-store.js';

export const ISSUER_NAME = 'Genomeg for NHS Wales';

/** The one algorithm credentials are signed and verified with (Open Badges 3.0 VC-JWT): RSA with SHA-256, never `none` or an HMAC. */
export const CREDENTIAL_ALGORITHM = 'RS256';

export async function issueCredential(store: CredentialStore, input: {
  readonly userId: string; readonly learnerName: string; readonly email: string; readonly module: LearningModule;
  readonly completion: Completion; readonly baseUrl: string;
  /** The key that opens the sealed signing key (keyEncryptionKey in signing-key-secret.ts). */
  readonly keyEncryptionKey: Buffer;
}): Promise<IssuedCredential> {
  const existing = await store.forVersion(input.userId, input.completion.moduleId, input.completion.moduleVersion);
  if (existing !== undefined) return existing;
  const key = await store.signingKey(input.keyEncryptionKey);
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
  const jwt = await signCredentialJwt(credential, key.kid, key.privatePem);
  return store.save({ id, userId: input.userId, moduleId: m.id, moduleVersion: input.completion.moduleVersion, kid: key.kid, jwt, issuedAt: input.completion.completedAt });
}

/** A credential as a VC-JWT signed with jose (header: RS256, typ JWT, the key's kid). */
export async function signCredentialJwt(credential: Record<string, unknown>, kid: string, privatePem: string): Promise<string> {
  const key = await importPKCS8(privatePem, CREDENTIAL_ALGORITHM);
  return new SignJWT(credentialJwtClaims(credential)).setProtectedHeader({ alg: CREDENTIAL_ALGORITHM, typ: 'JWT', kid }).sign(key);
}

export type Verification =
  | { readonly status: 'genuine'; readonly credential: IssuedCredential; readonly payload: Record<string, unknown> }
  | { readonly status: 'revoked'; readonly credential: IssuedCredential; readonly payload: Record<string, unknown> }
  | { readonly status: 'not-genuine' };

/**
 * Genuine means: our key signed it (jose: RS256 only, the key an RSA public key
 * of ours named by kid, no critical extension it does not understand, and
 * within its validity: nbf, exp), and it is the credential we issued under that id.
 */
export async function verifyCredential(store: CredentialStore, jwt: string): Promise<Verification> {
  const token = jwt.trim();
  let kid: unknown;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    return { status: 'not-genuine' };
  }
  if (typeof kid !== 'string') return { status: 'not-genuine' };
  const publicPem = await store.publicKey(kid);
  if (publicPem === undefined) return { status: 'not-genuine' };
  let payload: Record<string, unknown>;
  try {
    const key = await importSPKI(publicPem, CREDENTIAL_ALGORITHM);
    payload = (await jwtVerify(token, key, { algorithms: [CREDENTIAL_ALGORITHM], typ: 'JWT' })).payload;
  } catch {
    return { status: 'not-genuine' };
  }
  if (typeof payload['jti'] !== 'string') return { status: 'not-genuine' };
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
  /** The issuer's name in this language. */
  readonly issuer: string;
}

/** Filled polygons in a 1000 × 1000 box (badge-design.ts), drawn as vectors. */
export type Emblem = readonly { readonly fill: string; readonly subpaths: readonly (readonly (readonly [number, number])[])[] }[];

export interface CertificateInput {
  readonly learnerName: string;
  readonly moduleTitle: Readonly<Record<Language, string>>;
  readonly text: Readonly<Record<Language, CertificateText>>;
  /** The public page that checks the credential, in each language. */
  readonly verifyUrl: Readonly<Record<Language, string>>;
  readonly credentialId: string;
  /** The issuer's mark (top left) and the module's badge (top right). */
  readonly mark: Emblem;
  readonly badge: Emblem;
}

/** What was drawn where, for tests and for anyone checking the layout: each piece of text, and each emblem. */
export interface CertificateDrawing {
  readonly kind: 'text' | 'emblem' | 'rule';
  readonly role: string;
  readonly lang: Language | null;
  readonly text: string;
  readonly size: number;
  readonly colour: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly link: string | null;
}

const INK = '#212b32';
const BLUE = '#005eb8';
const RULE = '#d8dde0';

/**
 * A one-page A4 landscape certificate. Welsh and English side by side, Welsh
 * on the left, each line of one at the same size, weight and colour as the
 * same line of the other, so neither language is shown as subordinate; the
 * learner's name across both; the issuer's mark and name above, the module's
 * badge at the top right, and the check line in each language, each linking
 * to the check page in its own language.
 */
export function certificatePdf(input: CertificateInput, drawing: CertificateDrawing[] = []): Promise<Buffer> {
  return new Promise((resolveBuffer, reject) => {
    const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 0, info: { Title: `${input.moduleTitle.cy} / ${input.moduleTitle.en}`, Author: `${input.text.cy.issuer} / ${input.text.en.issuer}` } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => { resolveBuffer(Buffer.concat(chunks)); });
    doc.on('error', reject);
    doc.registerFont('regular', FONT_REGULAR);
    doc.registerFont('bold', FONT_BOLD);
    const W = doc.page.width;
    const H = doc.page.height;

    const emblem = (role: string, shapes: Emblem, x: number, y: number, size: number) => {
      doc.save();
      doc.translate(x, y).scale(size / 1000);
      for (const shape of shapes) {
        for (const path of shape.subpaths) {
          path.forEach(([px, py], i) => { if (i === 0) doc.moveTo(px, py); else doc.lineTo(px, py); });
          doc.closePath();
        }
        doc.fill(shape.fill);
      }
      doc.restore();
      drawing.push({ kind: 'emblem', role, lang: null, text: '', size, colour: '', x, y, width: size, height: size, link: null });
    };
    const put = (role: string, lang: Language | null, text: string, x: number, y: number, width: number, font: 'regular' | 'bold', size: number, colour: string, link: string | null = null): number => {
      doc.font(font).fontSize(size).fillColor(colour);
      const options = { width, align: 'center' as const, lineGap: size * 0.15, ...(link === null ? {} : { link, underline: true }) };
      const height = doc.heightOfString(text, options);
      doc.text(text, x, y, options);
      drawing.push({ kind: 'text', role, lang, text, size, colour, x, y, width, height, link });
      return height;
    };
    const measure = (text: string, width: number, font: 'regular' | 'bold', size: number) => {
      doc.font(font).fontSize(size);
      return doc.heightOfString(text, { width, lineGap: size * 0.15 });
    };

    // The frame.
    doc.rect(18, 18, W - 36, H - 36).lineWidth(4).stroke(BLUE);
    doc.rect(28, 28, W - 56, H - 56).lineWidth(0.75).stroke(BLUE);

    // The issuer: mark and name (both languages alike), and the module's badge.
    emblem('mark', input.mark, 52, 44, 64);
    doc.font('bold').fontSize(24).fillColor(BLUE).text('Genomeg', 128, 50, { lineBreak: false });
    drawing.push({ kind: 'text', role: 'wordmark', lang: null, text: 'Genomeg', size: 24, colour: BLUE, x: 128, y: 50, width: 200, height: 28, link: null });
    doc.font('regular').fontSize(11).fillColor(INK);
    const issuerLine = `${input.text.cy.issuer}  ·  ${input.text.en.issuer}`;
    doc.text(issuerLine, 128, 82, { lineBreak: false });
    drawing.push({ kind: 'text', role: 'issuer', lang: null, text: issuerLine, size: 11, colour: INK, x: 128, y: 82, width: doc.widthOfString(issuerLine), height: 14, link: null });
    emblem('badge', input.badge, W - 52 - 96, 36, 96);

    // Welsh on the left, English on the right, row by row at one height.
    const margin = 64;
    const gutter = 36;
    const column = (W - 2 * margin - gutter) / 2;
    const left = margin;
    const right = margin + column + gutter;
    // The heading at the largest size (up to 26 points) at which both languages fit on one line.
    let headingSize = 26;
    doc.font('bold');
    while (headingSize > 16 && Math.max(doc.fontSize(headingSize).widthOfString(input.text.cy.heading), doc.widthOfString(input.text.en.heading)) > column) headingSize -= 1;
    const rows: { role: string; font: 'regular' | 'bold'; size: number; colour: string; cy: string; en: string }[] = [
      { role: 'heading', font: 'bold', size: headingSize, colour: BLUE, cy: input.text.cy.heading, en: input.text.en.heading },
      { role: 'certifies', font: 'regular', size: 14, colour: INK, cy: input.text.cy.certifies, en: input.text.en.certifies },
      { role: 'name', font: 'bold', size: 32, colour: INK, cy: input.learnerName, en: input.learnerName },
      { role: 'completed', font: 'regular', size: 14, colour: INK, cy: input.text.cy.completed, en: input.text.en.completed },
      { role: 'title', font: 'bold', size: 20, colour: INK, cy: input.moduleTitle.cy, en: input.moduleTitle.en },
      { role: 'details', font: 'regular', size: 12, colour: INK, cy: input.text.cy.details, en: input.text.en.details },
    ];
    const gap = (role: string) => (role === 'heading' ? 22 : role === 'certifies' || role === 'title' ? 10 : 14);
    const rowHeight = (r: (typeof rows)[number]) => (r.role === 'name' ? measure(r.en, W - 2 * margin, r.font, r.size) : Math.max(measure(r.cy, column, r.font, r.size), measure(r.en, column, r.font, r.size)));
    const top = 140;
    const bottom = 452;
    const total = rows.reduce((sum, r) => sum + rowHeight(r) + gap(r.role), 0) - gap('details');
    let y = top + Math.max(0, (bottom - top - total) / 2);
    const bodyTop = y;
    let nameSpan: readonly [number, number] = [y, y];
    for (const r of rows) {
      const height = rowHeight(r);
      if (r.role === 'name') {
        put('name', null, r.en, margin, y, W - 2 * margin, r.font, r.size, r.colour);
        nameSpan = [y, y + height];
      } else {
        put(r.role, 'cy', r.cy, left, y, column, r.font, r.size, r.colour);
        put(r.role, 'en', r.en, right, y, column, r.font, r.size, r.colour);
      }
      y += height + gap(r.role);
    }
    // A rule between the languages, broken where the name runs across it.
    const divider = margin + column + gutter / 2;
    doc.moveTo(divider, bodyTop).lineTo(divider, nameSpan[0] - 8).lineWidth(0.75).stroke(RULE);
    doc.moveTo(divider, nameSpan[1] + 4).lineTo(divider, y - gap('details')).lineWidth(0.75).stroke(RULE);
    drawing.push({ kind: 'rule', role: 'divider', lang: null, text: '', size: 0, colour: RULE, x: divider, y: bodyTop, width: 0, height: y - bodyTop, link: null });

    // How to check it, in each language, each linking to the page in its language.
    doc.moveTo(margin, 478).lineTo(W - margin, 478).lineWidth(0.75).stroke(RULE);
    put('verify', 'cy', `${input.text.cy.verify} ${input.verifyUrl.cy}`, left, 492, column, 'regular', 10, INK, input.verifyUrl.cy);
    put('verify', 'en', `${input.text.en.verify} ${input.verifyUrl.en}`, right, 492, column, 'regular', 10, INK, input.verifyUrl.en);
    put('credential-id', null, input.credentialId, margin, 536, W - 2 * margin, 'regular', 8, INK);
    doc.end();
  });
}
