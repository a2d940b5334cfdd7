// Every message the platform made (email_messages): the outbox a platform
// administrator reads, the record of delivery attempts, and what a person can
// see they were sent. Addresses the mail server refused for good are kept in
// email_failed_addresses and nothing more is sent to them.

import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { EmailMessagesTable } from '../schema-jobs.js';
import { toDate, toDateOrNull } from '../dialect.js';

export type EmailStatus = 'queued' | 'sent' | 'outboxed' | 'failed' | 'suppressed';

export interface StoredEmail {
  readonly id: string;
  readonly template: string;
  readonly recipient: string;
  readonly userId: string | null;
  readonly language: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly status: EmailStatus;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly sentAt: Date | null;
  /** Files sent with the message (a booking's .ics), migration 0022. */
  readonly attachments: readonly EmailAttachment[];
}

export interface EmailAttachment {
  readonly filename: string;
  readonly contentType: string;
  /** The file's text (calendar files are text). */
  readonly content: string;
}

export interface NewEmail {
  readonly template: string;
  readonly recipient: string;
  readonly userId: string | null;
  readonly language: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly attachments?: readonly EmailAttachment[];
}

export interface FailedAddress {
  readonly address: string;
  readonly reason: string;
  readonly messageId: string | null;
  readonly failedAt: Date;
}

function toEmail(row: Selectable<EmailMessagesTable>): StoredEmail {
  return {
    id: row.id, template: row.template, recipient: row.recipient, userId: row.user_id, language: row.language,
    subject: row.subject, text: row.text_body, html: row.html_body, status: row.status as EmailStatus, attempts: row.attempts,
    lastError: row.last_error, createdAt: toDate(row.created_at), sentAt: toDateOrNull(row.sent_at),
    attachments: row.attachments === null ? [] : JSON.parse(row.attachments) as EmailAttachment[],
  };
}

/** Addresses are compared without case. */
export function normaliseAddress(address: string): string {
  return address.trim().toLowerCase();
}

export class EmailStore {
  private constructor(private readonly db: Kysely<Database>) {}

  static create(db: Kysely<Database>): EmailStore {
    return new EmailStore(db);
  }

  async insert(emails: readonly NewEmail[]): Promise<string[]> {
    const now = new Date();
    const rows = emails.map((e) => ({
      id: randomUUID(), template: e.template, recipient: e.recipient, user_id: e.userId, language: e.language,
      subject: e.subject, text_body: e.text, html_body: e.html, status: 'queued', attempts: 0, last_error: null, created_at: now, sent_at: null,
      attachments: e.attachments === undefined || e.attachments.length === 0 ? null : JSON.stringify(e.attachments),
    }));
    for (let i = 0; i < rows.length; i += 500) await this.db.insertInto('email_messages').values(rows.slice(i, i + 500)).execute();
    return rows.map((r) => r.id);
  }

  async get(id: string): Promise<StoredEmail | null> {
    const row = await this.db.selectFrom('email_messages').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : toEmail(row);
  }

  async setStatus(id: string, status: EmailStatus, detail: { readonly error?: string; readonly attempted?: boolean } = {}): Promise<void> {
    await this.setStatusOf([id], status, detail);
  }

  /** The same status for several messages in one statement (the worker's batches). */
  async setStatusOf(ids: readonly string[], status: EmailStatus, detail: { readonly error?: string; readonly attempted?: boolean } = {}): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('email_messages').set((eb) => ({
      status,
      ...(detail.attempted === true ? { attempts: eb('attempts', '+', 1) } : {}),
      ...(detail.error === undefined ? {} : { last_error: detail.error.slice(0, 1000) }),
      ...(status === 'sent' || status === 'outboxed' ? { sent_at: new Date() } : {}),
    })).where('id', 'in', ids).execute();
  }

  /** Newest first; `before` pages on (the created_at of the last one shown, and its id). */
  async list(options: { readonly limit: number; readonly userId?: string; readonly before?: { readonly at: Date; readonly id: string } }): Promise<StoredEmail[]> {
    let query = this.db.selectFrom('email_messages').selectAll();
    if (options.userId !== undefined) query = query.where('user_id', '=', options.userId);
    if (options.before !== undefined) {
      const { at, id } = options.before;
      query = query.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]));
    }
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
    return rows.map(toEmail);
  }

  async countByStatus(): Promise<Record<string, number>> {
    const rows = await this.db.selectFrom('email_messages').select(['status', (eb) => eb.fn.countAll<string | number>().as('n')]).groupBy('status').execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  async recordFailedAddress(address: string, reason: string, messageId: string | null): Promise<void> {
    await this.db.insertInto('email_failed_addresses').values({ address: normaliseAddress(address), reason: reason.slice(0, 1000), message_id: messageId, failed_at: new Date() })
      .onConflict((oc) => oc.column('address').doUpdateSet({ reason: reason.slice(0, 1000), message_id: messageId })).execute();
  }

  /**
   * A message to deliver, with whether its address is recorded as failing, in
   * one statement. The address is matched in SQL (`lower(trim(...))`) only when
   * that is sure to agree with `normaliseAddress` (printable ASCII, spaces the
   * only white space); any other address is checked by `isFailedAddress`.
   */
  async forDelivery(id: string): Promise<{ message: StoredEmail; failing: boolean } | null> {
    return (await this.forDeliveryOf([id]))[0] ?? null;
  }

  /** forDelivery for several messages in one statement (the worker's batches): one answer per id, in order. */
  async forDeliveryOf(ids: readonly string[]): Promise<({ message: StoredEmail; failing: boolean } | null)[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('email_messages')
      .leftJoin('email_failed_addresses', (join) => join.on((eb) => eb('email_failed_addresses.address', '=', eb.fn<string>('lower', [eb.fn<string>('trim', ['email_messages.recipient'])]))))
      .selectAll('email_messages').select('email_failed_addresses.address as failing_address')
      .where('email_messages.id', 'in', ids).execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    return Promise.all(ids.map(async (id) => {
      const row = byId.get(id);
      if (row === undefined) return null;
      const { failing_address, ...message } = row;
      const email = toEmail(message);
      const plain = /^[\x20-\x7e]*$/.test(email.recipient);
      return { message: email, failing: plain ? failing_address !== null : await this.isFailedAddress(email.recipient) };
    }));
  }

  async isFailedAddress(address: string): Promise<boolean> {
    const row = await this.db.selectFrom('email_failed_addresses').select('address').where('address', '=', normaliseAddress(address)).executeTakeFirst();
    return row !== undefined;
  }

  /** Of these accounts, those whose language is not known yet. */
  async languageUnknown(userIds: readonly string[]): Promise<Set<string>> {
    const unknown = new Set<string>();
    const ids = [...new Set(userIds)];
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db.selectFrom('users').select('id').where('id', 'in', ids.slice(i, i + 500)).where('language_known', '=', false).execute();
      for (const r of rows) unknown.add(r.id);
    }
    return unknown;
  }

  /** This address's failure, when it is on the failing list. */
  async failedAddress(address: string): Promise<FailedAddress | null> {
    const r = await this.db.selectFrom('email_failed_addresses').selectAll().where('address', '=', normaliseAddress(address)).executeTakeFirst();
    return r === undefined ? null : { address: r.address, reason: r.reason, messageId: r.message_id, failedAt: toDate(r.failed_at) };
  }

  async failedAddresses(limit = 200): Promise<FailedAddress[]> {
    const rows = await this.db.selectFrom('email_failed_addresses').selectAll().orderBy('failed_at', 'desc').limit(limit).execute();
    return rows.map((r) => ({ address: r.address, reason: r.reason, messageId: r.message_id, failedAt: toDate(r.failed_at) }));
  }
}
