// Signed statements (xAPI 1.0.3 §2.6, 2.0.0 §4.4): a JWS in compact form sent as
// an attachment with the signature usage type. Its payload must be the
// statement as signed, its algorithm RS256/384/512, and, when it carries an
// x5c certificate chain, its signature must verify with the first certificate.
// Pure: the caller supplies the RSA verification.

import { sameStatement, type Json } from './statement.js';

export const SIGNATURE_USAGE = 'http://adlnet.gov/expapi/attachments/signature';
const ALGORITHMS = ['RS256', 'RS384', 'RS512'] as const;
export type JwsAlgorithm = (typeof ALGORITHMS)[number];

export type Verifier = (algorithm: JwsAlgorithm, certificateDer: Uint8Array, signingInput: string, signature: Uint8Array) => boolean;

function decode(segment: string): Uint8Array | null {
  return /^[A-Za-z0-9_-]*$/.test(segment) ? Buffer.from(segment, 'base64url') : null;
}

function parseJson(bytes: Uint8Array | null): Json | null {
  if (bytes === null) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Json : null;
  } catch {
    return null;
  }
}

function withoutAttachments(s: Json): Json {
  const copy: Json = { ...s };
  Reflect.deleteProperty(copy, 'attachments');
  return copy;
}

/** The SHA-2 of the statement's signature attachment, if it is signed. */
export function signatureSha2(statement: Json): string | null {
  const attachments = statement['attachments'];
  if (!Array.isArray(attachments)) return null;
  const sig = attachments.find((a: unknown) => typeof a === 'object' && a !== null && (a as Json)['usageType'] === SIGNATURE_USAGE) as Json | undefined;
  return sig !== undefined && typeof sig['sha2'] === 'string' ? sig['sha2'].toLowerCase() : null;
}

/** Why a signed statement is refused, or null when its signature holds. */
export function signatureProblem(statement: Json, jws: string, verify: Verifier): string | null {
  const attachments = statement['attachments'] as Json[];
  const sig = attachments.find((a) => a['usageType'] === SIGNATURE_USAGE);
  if (sig?.['contentType'] !== 'application/octet-stream') return 'a signature attachment must have contentType application/octet-stream';
  const segments = jws.trim().split('.');
  if (segments.length !== 3) return 'the signature is not a JWS in compact serialization';
  const [h = '', p = '', s = ''] = segments;
  const header = parseJson(decode(h));
  const payload = parseJson(decode(p));
  const signature = decode(s);
  if (header === null || payload === null || signature === null) return 'the signature is not a JWS in compact serialization';
  const alg = header['alg'];
  if (typeof alg !== 'string' || !(ALGORITHMS as readonly string[]).includes(alg)) return 'the JWS algorithm must be RS256, RS384 or RS512';
  if (!sameStatement(withoutAttachments(payload), withoutAttachments(statement))) return 'the JWS payload is not the statement that was signed';
  const x5c = header['x5c'];
  if (x5c !== undefined) {
    const first: unknown = Array.isArray(x5c) ? x5c[0] : undefined;
    if (typeof first !== 'string') return 'x5c must be an array of base64 certificates';
    if (!verify(alg as JwsAlgorithm, Buffer.from(first, 'base64'), `${h}.${p}`, signature)) return 'the JWS signature does not verify with the x5c certificate';
  }
  return null;
}
