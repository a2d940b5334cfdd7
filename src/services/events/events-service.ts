// Booking, cancelling and cancelling events, with the emails each sends: a
// confirmation (with a calendar entry, .ics) to the person booked, a note to
// the person on the waiting list, a message (and a calendar entry) to the
// person promoted from the list, and a cancellation (with an .ics that removes
// the entry) to everyone booked or waiting when an event is cancelled. Each
// email is in the person's own recorded language. The calendar entry's UID is
// the booking's id, so a later file replaces the earlier one.

import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { EventStore, type Booking, type BookOutcome, type CancelOutcome, type EventRecord, type SessionRecord } from '../../db/stores/event-store.js';
import { UserStore } from '../../db/stores/user-store.js';
import { calendarFile } from '../../domain/events/calendar.js';
import type { EmailTemplate } from '../../domain/email/index.js';
import type { Language } from '../../domain/i18n.js';
import type { EmailService } from '../email/email-service.js';

export interface EventsDeps {
  readonly db: Kysely<Database>;
  readonly email: Pick<EmailService, 'sendEmail'>;
  readonly publicUrl: string;
}

const WHEN: Record<Language, Intl.DateTimeFormat> = {
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/London' }),
  cy: new Intl.DateTimeFormat('cy-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/London' }),
};

export function sessionWhen(session: Pick<SessionRecord, 'startsAt'>, language: Language): string {
  return WHEN[language].format(session.startsAt);
}

/** SEQUENCE for a new file: seconds since 2026, so every later file for a booking outranks the earlier ones. */
export function calendarSequence(now: Date = new Date()): number {
  return Math.max(0, Math.floor((now.getTime() - Date.UTC(2026, 0, 1)) / 1000));
}

export class EventsService {
  readonly store: EventStore;
  private readonly users: UserStore;

  constructor(private readonly deps: EventsDeps) {
    this.store = EventStore.create(deps.db);
    this.users = UserStore.create(deps.db);
  }

  async book(sessionId: string, userId: string): Promise<BookOutcome> {
    const outcome = await this.store.book(sessionId, userId);
    if (outcome.outcome === 'booked' || outcome.outcome === 'waiting') {
      await this.tell(outcome.booking, outcome.outcome === 'booked' ? 'event-booked' : 'event-waiting');
    }
    return outcome;
  }

  async cancel(sessionId: string, userId: string): Promise<CancelOutcome> {
    const outcome = await this.store.cancel(sessionId, userId);
    if (outcome.promoted !== null) await this.tell(outcome.promoted, 'event-promoted');
    return outcome;
  }

  /** Cancel an event; everyone booked or waiting is emailed. Returns how many were told. */
  async cancelEvent(eventId: string, actorUserId: string): Promise<number> {
    const { told } = await this.store.setStatus(eventId, 'cancelled', actorUserId);
    for (const booking of told) await this.tell(booking, 'event-cancelled');
    return told.length;
  }

  private async tell(booking: Booking, template: EmailTemplate): Promise<void> {
    const [user, session] = await Promise.all([this.users.findById(booking.userId), this.store.findSession(booking.sessionId)]);
    if (user === undefined || session === undefined) return;
    const event = await this.store.findEvent(session.eventId);
    if (event === undefined) return;
    const language = user.language;
    const link = `${this.deps.publicUrl}${language === 'cy' ? '/cy' : ''}/events/${event.id}`;
    const withCalendar = template === 'event-booked' || template === 'event-promoted' || template === 'event-cancelled';
    const attachments = withCalendar ? [{ filename: 'event.ics', contentType: 'text/calendar; charset=utf-8', content: this.calendar(event, session, booking, language, link, template === 'event-cancelled') }] : [];
    await this.deps.email.sendEmail(template, { address: user.email, userId: user.id, name: user.displayName },
      { event: event.title[language], when: sessionWhen(session, language), link: template === 'event-cancelled' ? `${this.deps.publicUrl}${language === 'cy' ? '/cy' : ''}/events` : link },
      language, { attachments });
  }

  private calendar(event: EventRecord, session: SessionRecord, booking: Booking, language: Language, link: string, cancelled: boolean): string {
    const location = session.delivery === 'online' ? (language === 'cy' ? 'Ar-lein' : 'Online')
      : [session.venueName, session.venueAddress?.[language]].filter((x): x is string => x !== null && x !== undefined && x !== '').join(', ');
    return calendarFile({
      bookingId: booking.id, title: event.title[language], description: `${event.summary[language]}\n\n${link}`,
      startsAt: session.startsAt, endsAt: session.endsAt, location, url: link, sequence: calendarSequence(), cancelled,
    });
  }
}
