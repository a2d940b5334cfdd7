// Signed statements (xAPI 1.0.3 §2.6, 2.0.0 §4.4): a JWS in compact form sent as
// an attachment with the signature usage type. Its payload must be the
// statement as signed, its algorithm RS256/384/512, and, when it carries an
// x5c certificate chain, its signature must verify with the first certificate.
// The JWS itself is read and verified by `jose` (algorithm allow-list, `crit`,
// the key's type), never by hand (issue 13, item 13).

import { base64url, compactVerify, decodeProtectedHeader, importX509, type CryptoKey } from 'jose';
import { jsonTooDeep } from './limits.js';
import { sameStatement, type Json } from './statement.js';

export const SIGNATURE_USAGE = 'http://adlnet.gov/expapi/attachments/signature';
/** The only algorithms accepted: RSA with SHA-2, as both versions of xAPI require. Never `none`, never an HMAC. */
export const JWS_ALGORITHMS = ['RS256', 'RS384', 'RS512'] as const;
export type JwsAlgorithm = (typeof JWS_ALGORITHMS)[number];

function parseJson(bytes: Uint8Array): Json | null {
  if (jsonTooDeep(bytes)) return null;
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

function certificatePem(base64Der: string): string {
  const body = base64Der.replace(/\s+/g, '').match(/.{1,64}/g)?.join('\n') ?? '';
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;
}

/** Why a signed statement is refused, or null when its signature holds. */
export async function signatureProblem(statement: Json, jws: string): Promise<string | null> {
  const attachments = statement['attachments'] as Json[];
  const sig = attachments.find((a) => a['usageType'] === SIGNATURE_USAGE);
  if (sig?.['contentType'] !== 'application/octet-stream') return 'a signature attachment must have contentType application/octet-stream';
  const token = jws.trim();
  const segments = token.split('.');
  if (segments.length !== 3) return 'the signature is not a JWS in compact serialization';
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return 'the signature is not a JWS in compact serialization';
  }
  const alg = header.alg;
  if (typeof alg !== 'string' || !(JWS_ALGORITHMS as readonly string[]).includes(alg)) return 'the JWS algorithm must be RS256, RS384 or RS512';
  let payloadBytes: Uint8Array;
  const x5c = header.x5c;
  if (x5c !== undefined) {
    const first: unknown = Array.isArray(x5c) ? x5c[0] : undefined;
    if (typeof first !== 'string') return 'x5c must be an array of base64 certificates';
    let key: CryptoKey;
    try {
      key = await importX509(certificatePem(first), alg);
    } catch {
      return 'the x5c certificate is not an X.509 certificate holding an RSA key';
    }
    try {
      // The allow-list again, and crit: a header naming an extension that must be understood, and is not, fails.
      payloadBytes = (await compactVerify(token, key, { algorithms: [...JWS_ALGORITHMS] })).payload;
    } catch {
      return 'the JWS signature does not verify with the x5c certificate';
    }
  } else {
    // Without a certificate there is nothing to verify against (the specification
    // asks only that the payload is the statement); an extension that must be
    // understood is still refused, as jose would with a key.
    if (header.crit !== undefined) return 'the JWS names critical header parameters this LRS does not understand';
    try {
      payloadBytes = base64url.decode(segments[1] ?? '');
    } catch {
      return 'the signature is not a JWS in compact serialization';
    }
  }
  const payload = parseJson(payloadBytes);
  if (payload === null) return 'the JWS payload is not a statement';
  if (!sameStatement(withoutAttachments(payload), withoutAttachments(statement))) return 'the JWS payload is not the statement that was signed';
  return null;
}
