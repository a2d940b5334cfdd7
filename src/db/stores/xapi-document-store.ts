// State, activity profile and agent profile documents, per organisation.
// Bytes are kept as base64 text so that any content type round-trips on both
// dialects; the ETag is the SHA-1 of the bytes.

import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { toDate } from '../dialect.js';
import type { DocumentKind, StoredDocument } from '../../domain/xapi/documents.js';

export interface DocumentAddress {
  readonly organisationCode: string;
  readonly kind: DocumentKind;
  readonly scope: string;
}

export function etagOf(content: Uint8Array): string {
  return createHash('sha1').update(content).digest('hex');
}

export class XapiDocumentStore {
  private constructor(private readonly db: Kysely<Database>) {}

  static create(db: Kysely<Database>): XapiDocumentStore {
    return new XapiDocumentStore(db);
  }

  private where(address: DocumentAddress) {
    return this.db.selectFrom('xapi_documents')
      .where('organisation_code', '=', address.organisationCode).where('kind', '=', address.kind).where('scope', '=', address.scope);
  }

  async get(address: DocumentAddress, documentId: string): Promise<StoredDocument | null> {
    const row = await this.where(address).select(['content_type', 'content', 'etag', 'updated']).where('document_id', '=', documentId).executeTakeFirst();
    return row === undefined ? null : { contentType: row.content_type, content: Buffer.from(row.content, 'base64'), etag: row.etag, updated: toDate(row.updated) };
  }

  async ids(address: DocumentAddress, since?: Date): Promise<string[]> {
    let q = this.where(address).select('document_id').orderBy('document_id');
    if (since !== undefined) q = q.where('updated', '>', since);
    return (await q.execute()).map((r) => r.document_id);
  }

  /**
   * Write a document only if it is still as the caller read it: `expected` is
   * the ETag read (null: there was no document). Returns the new ETag, or null
   * when another writer got there first (the caller reads again and decides
   * again), so two writers can never both win, nor a merge lose a write.
   */
  async putIf(address: DocumentAddress, documentId: string, expected: string | null, contentType: string, content: Uint8Array): Promise<string | null> {
    const etag = etagOf(content);
    const values = { content_type: contentType, content: Buffer.from(content).toString('base64'), etag, updated: new Date() };
    if (expected === null) {
      const result = await this.db.insertInto('xapi_documents').values({
        organisation_code: address.organisationCode, kind: address.kind, scope: address.scope, document_id: documentId, ...values,
      }).onConflict((oc) => oc.columns(['organisation_code', 'kind', 'scope', 'document_id']).doNothing()).executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1 ? etag : null;
    }
    const result = await this.db.updateTable('xapi_documents').set(values)
      .where('organisation_code', '=', address.organisationCode).where('kind', '=', address.kind).where('scope', '=', address.scope)
      .where('document_id', '=', documentId).where('etag', '=', expected).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? etag : null;
  }

  /** Delete one document only if its ETag is still `expected`; false when it changed meanwhile. */
  async deleteIf(address: DocumentAddress, documentId: string, expected: string): Promise<boolean> {
    const result = await this.db.deleteFrom('xapi_documents')
      .where('organisation_code', '=', address.organisationCode).where('kind', '=', address.kind).where('scope', '=', address.scope)
      .where('document_id', '=', documentId).where('etag', '=', expected).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  /** Delete one document, or every document at the address when documentId is null. */
  async delete(address: DocumentAddress, documentId: string | null): Promise<void> {
    let q = this.db.deleteFrom('xapi_documents')
      .where('organisation_code', '=', address.organisationCode).where('kind', '=', address.kind).where('scope', '=', address.scope);
    if (documentId !== null) q = q.where('document_id', '=', documentId);
    await q.execute();
  }

  async attachments(sha2s: readonly string[]): Promise<{ sha2: string; contentType: string; content: Buffer }[]> {
    if (sha2s.length === 0) return [];
    const rows = await this.db.selectFrom('xapi_attachments').selectAll().where('sha2', 'in', sha2s.map((s) => s.toLowerCase())).execute();
    return rows.map((r) => ({ sha2: r.sha2, contentType: r.content_type, content: Buffer.from(r.content, 'base64') }));
  }
}
