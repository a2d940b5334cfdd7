// What the accounts code sends people: password-reset links (and, later,
// invitations). An interface, so that the email and job system (issue 15,
// "Email") can carry them; until it is wired, the default writes only the kind
// and the account id to the log, never the address or the link (a link is a
// key to the account).

import type { Language } from '../../domain/i18n.js';

export interface PasswordResetMessage {
  readonly userId: string;
  readonly to: string;
  /** The person's recorded language: the message is in it. */
  readonly language: Language;
  readonly link: string;
  readonly expiresInMinutes: number;
}

export interface InvitationMessage {
  readonly to: string;
  readonly language: Language | null;
  readonly link: string;
  readonly expiresInDays: number;
  readonly invitedBy: string;
}

export interface AccountMessages {
  passwordReset(message: PasswordResetMessage): Promise<void>;
  invitation(message: InvitationMessage): Promise<void>;
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
