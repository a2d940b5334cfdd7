// Sending email: `sendEmail(template, to, params, language)` writes the message
// (both parts, rendered now, so the outbox and the person's Messages page show
// exactly what was sent) and queues an `email-send` job; the job delivers it.
//   - With SMTP_HOST set, nodemailer sends it. A temporary failure (a 4xx
//     reply, a connection that drops) is retried with back-off by the job
//     queue; a permanent one (a 5xx reply: no such mailbox) records the address
//     as failing, shown to administrators, and nothing more is sent to it.
//   - With no SMTP_HOST the message stays in the outbox (status "outboxed") and
//     the log gets its id only: never an address, subject or body.
// Delivery is at least once: a worker killed between the server's reply and
// the status update sends the message again when the job is retried.
// Under load the statements are shared (coalesce.ts): messages kept by requests
// at the same moment go in one insert, and the worker reads the messages of
// the jobs it runs together, and records their outcomes, in one statement each.

import nodemailer, { type Transporter } from 'nodemailer';
import type { Kysely } from 'kysely';
import type { Config } from '../../config/env.js';
import type { Database } from '../../db/schema.js';
import { EmailStore, type EmailAttachment, type EmailStatus, type NewEmail } from '../../db/stores/email-store.js';
import { composeEmail, type EmailParams, type EmailTemplate, type EmailTranslate } from '../../domain/email/index.js';
import type { Language } from '../../domain/i18n.js';
import { translator } from '../../web/i18n.js';
import type { JobContext, JobQueue } from '../jobs/index.js';
import { Coalescer } from '../coalesce.js';

export const EMAIL_JOB = 'email-send';
/** Attempts after the first before a message is failed for good; 30 s doubling gives about 16 minutes of tries. */
export const EMAIL_RETRY_LIMIT = 5;
export const EMAIL_RETRY_DELAY_SECONDS = 30;

export interface Recipient {
  readonly address: string;
  /** The account it is for, when there is one: its Messages page shows it. */
  readonly userId?: string | null;
  /** Used as {name} unless params give one. */
  readonly name: string;
  /** Whether the account's language is known, when the caller has read it already (spares a look-up). */
  readonly languageKnown?: boolean;
}

export interface OutgoingEmail {
  readonly template: EmailTemplate;
  readonly to: Recipient;
  readonly params: EmailParams;
  /** The person's recorded language; null when not known (Welsh, then English). */
  readonly language: Language | null;
  /** Files sent with it (a booking's .ics). */
  readonly attachments?: readonly EmailAttachment[];
}

export interface EmailLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export type SmtpConfig = Pick<Config, 'SMTP_HOST' | 'SMTP_PORT' | 'SMTP_SECURE' | 'SMTP_STARTTLS' | 'SMTP_USER' | 'SMTP_PASSWORD' | 'MAIL_FROM'>;

const translate: EmailTranslate = (language, key, params) => translator(language)(key, params);

/** A reply code 5xx (or a recipient refused outright) will not change by trying again. */
export function isPermanentFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

function transportFor(config: SmtpConfig): Transporter | null {
  if (config.SMTP_HOST === undefined) return null;
  return nodemailer.createTransport({
    host: config.SMTP_HOST, port: config.SMTP_PORT, secure: config.SMTP_SECURE,
    requireTLS: config.SMTP_STARTTLS === 'required', ignoreTLS: config.SMTP_STARTTLS === 'off',
    ...(config.SMTP_USER === undefined || config.SMTP_PASSWORD === undefined ? {} : { auth: { user: config.SMTP_USER, pass: config.SMTP_PASSWORD } }),
    pool: true, maxConnections: 5, maxMessages: 500,
    connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000,
  });
}

const SILENT: EmailLog = { info: () => undefined, warn: () => undefined };

export class EmailService {
  readonly store: EmailStore;
  private readonly transport: Transporter | null;

  /** Messages of a few at a time (a booking's confirmation) kept at the same moment: one insert. */
  private readonly inserts: Coalescer<readonly NewEmail[], string[]>;
  /** The worker's reads of the messages it delivers, and the outcomes without an error, shared by the jobs running together. */
  private readonly reads: Coalescer<string, Awaited<ReturnType<EmailStore['forDelivery']>>>;
  private readonly outcomes = new Map<EmailStatus, Coalescer<string, undefined>>();

  private constructor(db: Kysely<Database>, private readonly jobs: JobQueue, private readonly config: SmtpConfig, private readonly log: EmailLog, private readonly retryDelaySeconds: number) {
    this.store = EmailStore.create(db);
    this.transport = transportFor(config);
    this.inserts = new Coalescer(async (lists) => {
      const ids = await this.store.insert(lists.flat());
      let at = 0;
      return lists.map((list) => ids.slice(at, at += list.length));
    });
    this.reads = new Coalescer((ids) => this.store.forDeliveryOf(ids));
  }

  /** Record an outcome with no error (suppressed, outboxed, sent), shared with the other jobs finishing at the same moment. */
  private settle(messageId: string, status: 'suppressed' | 'outboxed' | 'sent'): Promise<undefined> {
    let outcome = this.outcomes.get(status);
    if (outcome === undefined) {
      outcome = new Coalescer(async (ids) => {
        await this.store.setStatusOf(ids, status, status === 'sent' ? { attempted: true } : {});
        return ids.map(() => undefined);
      });
      this.outcomes.set(status, outcome);
    }
    return outcome.add(messageId);
  }

  static create(db: Kysely<Database>, jobs: JobQueue, config: SmtpConfig, log: EmailLog = SILENT, options: { readonly retryDelaySeconds?: number } = {}): EmailService {
    return new EmailService(db, jobs, config, log, options.retryDelaySeconds ?? EMAIL_RETRY_DELAY_SECONDS);
  }

  /** Whether messages leave through a mail server (else they stay in the outbox). */
  get smtpHost(): string | null {
    return this.config.SMTP_HOST ?? null;
  }

  /** Compose, keep and queue one message; returns its id. */
  async sendEmail(template: EmailTemplate, to: Recipient, params: EmailParams, language: Language | null, options: { readonly attachments?: readonly EmailAttachment[] } = {}): Promise<string> {
    const [id] = await this.sendEmails([{ template, to, params, language, ...(options.attachments === undefined ? {} : { attachments: options.attachments }) }]);
    if (id === undefined) throw new Error('no message was kept');
    return id;
  }

  /** Many messages at once (reminders, digests): one insert, one batch of jobs. */
  async sendEmails(emails: readonly OutgoingEmail[]): Promise<string[]> {
    if (emails.length === 0) return [];
    // A person whose language is not known yet (never read a page) gets Welsh then English, whatever the caller passed.
    const unknown = await this.store.languageUnknown(emails.flatMap((e) => e.to.languageKnown === undefined ? e.to.userId ?? [] : []));
    const composed = emails.map((e) => {
      const known = e.to.languageKnown ?? !(e.to.userId !== undefined && e.to.userId !== null && unknown.has(e.to.userId));
      const language = e.to.userId !== undefined && e.to.userId !== null && !known ? null : e.language;
      const message = composeEmail(translate, e.template, { name: e.to.name, ...e.params }, language);
      return { template: e.template, recipient: e.to.address, userId: e.to.userId ?? null, language: message.language, subject: message.subject, text: message.text, html: message.html, ...(e.attachments === undefined ? {} : { attachments: e.attachments }) };
    });
    // A few (one person's confirmation): with whatever other requests keep now. Many (reminders): on their own, in batches.
    const ids = composed.length <= 20 ? await this.inserts.add(composed) : await this.store.insert(composed);
    await this.jobs.sendMany(EMAIL_JOB, ids.map((messageId) => ({ messageId })), { retryLimit: EMAIL_RETRY_LIMIT, retryDelaySeconds: this.retryDelaySeconds });
    return ids;
  }

  /** The email-send job's work. */
  async deliver(messageId: string, context: Pick<JobContext, 'retryCount'>): Promise<EmailStatus> {
    // The message and whether its address is failing, read together (one statement for most addresses).
    const found = await this.reads.add(messageId);
    if (found === null || found.message.status !== 'queued') return found?.message.status ?? 'failed';
    const { message } = found;
    if (found.failing) {
      await this.settle(messageId, 'suppressed');
      this.log.info({ messageId }, 'email not sent: its address is recorded as failing');
      return 'suppressed';
    }
    if (this.transport === null) {
      await this.settle(messageId, 'outboxed');
      this.log.info({ messageId }, 'email kept in the outbox (no SMTP_HOST)');
      return 'outboxed';
    }
    try {
      await this.transport.sendMail({
        from: this.config.MAIL_FROM, to: message.recipient, subject: message.subject, text: message.text, html: message.html,
        attachments: message.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
        headers: { 'Content-Language': message.language === 'cy+en' ? 'cy, en' : message.language, 'X-Genomeg-Message': message.id },
      });
      await this.settle(messageId, 'sent');
      return 'sent';
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (isPermanentFailure(error)) {
        await this.store.recordFailedAddress(message.recipient, reason, messageId);
        await this.store.setStatus(messageId, 'failed', { error: reason, attempted: true });
        this.log.warn({ messageId }, 'email refused for good: its address is recorded as failing');
        return 'failed';
      }
      const last = context.retryCount >= EMAIL_RETRY_LIMIT;
      await this.store.setStatus(messageId, last ? 'failed' : 'queued', { error: reason, attempted: true });
      this.log.warn({ messageId, retry: context.retryCount }, last ? 'email failed after its last attempt' : 'email not sent this time: will retry');
      throw error;
    }
  }

  /** Say what the email-send job does, on this queue. */
  registerOn(jobs: JobQueue, concurrency = 20): void {
    jobs.register<{ messageId: string }>(EMAIL_JOB, async (data, context) => { await this.deliver(data.messageId, context); }, { concurrency });
  }

  close(): void {
    this.transport?.close();
  }
}
