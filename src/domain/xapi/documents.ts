// The document resources (state, activity profile, agent profile): what a
// document hangs off, concurrency (ETag with If-Match / If-None-Match) and the
// JSON merge a POST does. Pure.

import { jsonTooDeep } from './limits.js';
import type { XapiVersion } from './validate.js';

export type DocumentKind = 'state' | 'activity-profile' | 'agent-profile';

export interface StoredDocument {
  readonly contentType: string;
  readonly content: Uint8Array;
  readonly etag: string;
  readonly updated: Date;
}

export interface Preconditions {
  readonly ifMatch?: string | undefined;
  readonly ifNoneMatch?: string | undefined;
}

export type WriteDecision = 'ok' | 'precondition-failed' | 'conflict' | 'precondition-required';

function etags(header: string): string[] {
  return header.split(',').map((t) => t.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1'));
}

/**
 * Whether a write may go ahead: If-Match must name the current ETag, If-None-Match: *
 * refuses when a document exists (412 either way). A PUT of a profile sent with
 * neither header is a conflict (409) when the profile exists, in both versions.
 * When it does not exist, 1.0.3 (Communication 3.1.s3.b1: a client MUST send one
 * of the two on a profile PUT) has it refused as a bad request (400), as ADL's
 * conformance suite checks; 2.0.0 (IEEE 9274.1.1 §4.1.4) states only the 409 and
 * no requirement for a new document, so there it is written. State documents
 * need neither header (1.0.3 says so; 2.0.0 adds no rule for a new one).
 */
export function writeDecision(kind: DocumentKind, method: 'PUT' | 'POST' | 'DELETE', current: { etag: string } | null, pre: Preconditions, version: XapiVersion): WriteDecision {
  if (pre.ifMatch !== undefined) {
    if (current === null) return 'precondition-failed';
    const tags = etags(pre.ifMatch);
    if (!tags.includes('*') && !tags.includes(current.etag)) return 'precondition-failed';
  }
  if (pre.ifNoneMatch !== undefined) {
    const tags = etags(pre.ifNoneMatch);
    if (current !== null && (tags.includes('*') || tags.includes(current.etag))) return 'precondition-failed';
  }
  if (method === 'PUT' && kind !== 'state' && pre.ifMatch === undefined && pre.ifNoneMatch === undefined) {
    if (current !== null) return 'conflict';
    if (version === '1.0.3') return 'precondition-required';
  }
  return 'ok';
}

export function isJsonType(contentType: string): boolean {
  return /^application\/json\s*(;|$)/i.test(contentType.trim());
}

export type MergeOutcome = { readonly ok: true; readonly content: string } | { readonly ok: false; readonly reason: string };

function parseObject(text: string): Record<string, unknown> | null {
  if (jsonTooDeep(text)) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : null;
  } catch {
    return null;
  }
}

/** POST to an existing document: both must be JSON objects; top-level properties of the new one win. */
export function mergeDocuments(existing: { contentType: string; text: string } | null, incoming: { contentType: string; text: string }): MergeOutcome {
  if (existing === null) {
    if (isJsonType(incoming.contentType) && parseObject(incoming.text) === null) return { ok: false, reason: 'a JSON document sent by POST must be a JSON object' };
    return { ok: true, content: incoming.text };
  }
  const a = isJsonType(existing.contentType) ? parseObject(existing.text) : null;
  const b = isJsonType(incoming.contentType) ? parseObject(incoming.text) : null;
  if (a === null || b === null) return { ok: false, reason: 'POST merges JSON objects only: the stored document and the one sent must both be application/json objects' };
  return { ok: true, content: JSON.stringify({ ...a, ...b }) };
}
