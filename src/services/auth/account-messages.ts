// What the accounts code sends people: password-reset links and invitations.
// An interface: the app sends them by email (EmailAccountMessages, through the
// job queue and the outbox); LoggedAccountMessages writes only the kind and the
// account id to the log, never the address or the link (a link is a key to the
// account).

import type { Language } from '../../domain/i18n.js';
import type { EmailService } from '../email/email-service.js';

export interface PasswordResetMessage {
  readonly userId: string;
  readonly to: string;
  readonly name: string;
  /** The person's recorded language: the message is in it. */
  readonly language: Language;
  readonly link: string;
  readonly expiresInMinutes: number;
}

export interface InvitationMessage {
  readonly to: string;
  readonly name: string;
  /** null: not known yet, so Welsh then English. */
  readonly language: Language | null;
  readonly link: string;
  readonly expiresInDays: number;
  readonly invitedBy: string;
}

export interface AccountMessages {
  passwordReset(message: PasswordResetMessage): Promise<void>;
  invitation(message: InvitationMessage): Promise<void>;
  /** Many invitations at once (one batch through the email service), when the implementation has it. */
  invitations?(messages: readonly InvitationMessage[]): Promise<void>;
}

/** The messages as email: composed in the locale system, kept in the outbox, sent by the job queue. */
export class EmailAccountMessages implements AccountMessages {
  private constructor(private readonly email: EmailService) {}

  static create(email: EmailService): EmailAccountMessages {
    return new EmailAccountMessages(email);
  }

  async passwordReset(message: PasswordResetMessage): Promise<void> {
    await this.email.sendEmail('password-reset', { address: message.to, userId: message.userId, name: message.name }, { link: message.link, minutes: message.expiresInMinutes }, message.language);
  }

  async invitation(message: InvitationMessage): Promise<void> {
    await this.email.sendEmail('invitation', { address: message.to, name: message.name }, { link: message.link, days: message.expiresInDays, invitedBy: message.invitedBy }, message.language);
  }

  async invitations(messages: readonly InvitationMessage[]): Promise<void> {
    await this.email.sendEmails(messages.map((m) => ({ template: 'invitation' as const, to: { address: m.to, name: m.name }, params: { link: m.link, days: m.expiresInDays, invitedBy: m.invitedBy }, language: m.language })));
  }
}

interface Logger {
  info(details: Record<string, unknown>, message: string): void;
}

/** Until email is wired: a log line with the kind and account id, nothing more. */
export class LoggedAccountMessages implements AccountMessages {
  private constructor(private readonly log: Logger) {}

  static create(log: Logger): LoggedAccountMessages {
    return new LoggedAccountMessages(log);
  }

  passwordReset(message: PasswordResetMessage): Promise<void> {
    this.log.info({ event: 'account-message', kind: 'password-reset', userId: message.userId }, 'password reset message (no email configured)');
    return Promise.resolve();
  }

  invitation(message: InvitationMessage): Promise<void> {
    this.log.info({ event: 'account-message', kind: 'invitation', invitedBy: message.invitedBy }, 'invitation message (no email configured)');
    return Promise.resolve();
  }
}
