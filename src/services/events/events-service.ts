// Booking, cancelling, offers, approvals, changed times and reminders, with
// the emails each sends, each in the person's own recorded language: a
// confirmation (with a calendar entry, .ics) to the person booked, a note to
// the person on the waiting list, an offer (with when it lapses) to the first
// person waiting when a place is freed, a note when an offer lapses, a request
// to the line manager when an event needs approval (to the education lead who
// made the event and the learner's organisation administrators when there is
// no line manager on the platform) and the decision to the learner, a new time (with an .ics that replaces the entry: same UID, higher
// SEQUENCE) when a session moves, a cancellation (with an .ics that removes
// the entry) to everyone when an event is cancelled, and reminders before the
// start (with the joining link, for online sessions, to people booked). The
// calendar entry's UID is the booking's id, so a later file replaces the
// earlier one.

import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { EventStore, type Booking, type BookingMail, type BookOutcome, type CancelOutcome, type EventInput, type EventRecord, type EventUpdate, type Quota, type SessionEdit, type SessionRecord, type Settled } from '../../db/stores/event-store.js';
import { EventApprovalStore } from '../../db/stores/event-approval-store.js';
import { UserStore } from '../../db/stores/user-store.js';
import type { ApprovalCapacity } from '../../domain/events/approvals.js';
import { calendarFile } from '../../domain/events/calendar.js';
import type { EmailParams, EmailTemplate } from '../../domain/email/index.js';
import type { Language } from '../../domain/i18n.js';
import type { EmailService } from '../email/email-service.js';

export interface EventsDeps {
  readonly db: Kysely<Database>;
  readonly email: Pick<EmailService, 'sendEmail'>;
  readonly publicUrl: string;
  /** How long a freed place is held (EVENT_OFFER_HOURS). */
  readonly offerHours?: number;
}

const WHEN: Record<Language, Intl.DateTimeFormat> = {
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/London' }),
  cy: new Intl.DateTimeFormat('cy-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/London' }),
};

export function sessionWhen(session: Pick<SessionRecord, 'startsAt'>, language: Language): string {
  return WHEN[language].format(session.startsAt);
}

/** The least SEQUENCE for a new file: seconds since 2026 (the store also keeps it above the last sent for the booking). */
export function calendarSequence(now: Date = new Date()): number {
  return Math.max(0, Math.floor((now.getTime() - Date.UTC(2026, 0, 1)) / 1000));
}

type Calendar = 'none' | 'request' | 'cancel';

export class EventsService {
  readonly store: EventStore;
  /** Requests with no line manager on the platform (read only). */
  readonly approvals: EventApprovalStore;
  private readonly users: UserStore;

  constructor(private readonly deps: EventsDeps) {
    this.store = EventStore.create(deps.db, deps.offerHours === undefined ? {} : { offerHours: deps.offerHours });
    this.approvals = EventApprovalStore.create(deps.db);
    this.users = UserStore.create(deps.db);
  }

  /**
   * Book (or join the waiting list, or ask the manager). `eventId`: the event
   * the session must be of (else `not-found`). The confirmation is composed
   * from what the booking's transaction read (the person, session and event)
   * with the calendar SEQUENCE it set, so it costs no further reads.
   */
  async book(sessionId: string, userId: string, eventId?: string): Promise<BookOutcome> {
    const outcome = await this.store.book(sessionId, userId, new Date(), { calendarFloor: calendarSequence(), ...(eventId === undefined ? {} : { eventId }) });
    if (outcome.outcome === 'booked' || outcome.outcome === 'waiting') {
      if (outcome.settled !== undefined) await this.tellSettled(outcome.settled);
      const template = outcome.outcome === 'booked' ? 'event-booked' : 'event-waiting';
      if (outcome.mail !== undefined) await this.send(outcome.booking, template, outcome.mail);
      else await this.tell(outcome.booking, template, outcome.outcome === 'booked' ? 'request' : 'none');
    } else if (outcome.outcome === 'awaiting-approval') {
      await this.askManagers(outcome.booking);
    }
    return outcome;
  }

  async cancel(sessionId: string, userId: string): Promise<CancelOutcome> {
    const outcome = await this.store.cancel(sessionId, userId);
    await this.tellSettled(outcome.settled);
    return outcome;
  }

  async confirmOffer(sessionId: string, userId: string): Promise<Booking | null> {
    const { confirmed, settled } = await this.store.confirmOffer(sessionId, userId);
    await this.tellSettled(settled);
    if (confirmed !== null) await this.tell(confirmed, 'event-booked', 'request');
    return confirmed;
  }

  /** A decision, by the line manager or (no line manager on the platform) an education lead or organisation administrator; the learner is told either way. */
  async decide(bookingId: string, approve: boolean, reason: string | null, deciderUserId: string, capacity: ApprovalCapacity = 'line-manager'): Promise<Booking | null> {
    const result = await this.store.decide(bookingId, approve, reason, deciderUserId, new Date(), capacity);
    if (result === null) return null;
    await this.tellSettled(result.settled);
    const { booking } = result;
    if (booking.status === 'declined') await this.tell(booking, capacity === 'line-manager' ? 'event-declined' : 'event-declined-fallback', 'none', { reason: booking.decisionReason ?? '' });
    else await this.tell(booking, booking.status === 'booked' ? 'event-booked' : 'event-waiting', booking.status === 'booked' ? 'request' : 'none');
    return booking;
  }

  /** Sweep: expire offers not confirmed and offer places freed (the scheduled job). */
  async settleAll(now: Date = new Date()): Promise<Settled> {
    const settled = await this.store.settleAll(now);
    await this.tellSettled(settled);
    return settled;
  }

  /** Save an edit of an event; people whose session moved are told (with a replacing .ics), and places freed are offered. */
  async updateEvent(eventId: string, input: EventInput, sessions: readonly SessionEdit[], facilitatorIds: readonly string[], actorUserId: string): Promise<EventUpdate> {
    const before = new Map((await this.store.sessionsOf([eventId])).map((s) => [s.id, s.startsAt]));
    const update = await this.store.updateEvent(eventId, input, sessions, facilitatorIds, actorUserId);
    for (const settled of update.settled) await this.tellSettled(settled);
    await this.tellMoved(update.moved, before);
    return update;
  }

  /** Replace a session's organisation quotas; places released are offered. */
  async setQuotas(sessionId: string, quotas: readonly Quota[], actorUserId: string): Promise<void> {
    await this.tellSettled(await this.store.setQuotas(sessionId, quotas, actorUserId));
  }

  /** Tell people of a session's new time: people with a place get an .ics replacing their entry (same UID, higher SEQUENCE). */
  async tellMoved(moved: readonly { sessionId: string; told: readonly Booking[] }[], previous: ReadonlyMap<string, Date>): Promise<void> {
    for (const { sessionId, told } of moved) {
      const was = previous.get(sessionId);
      for (const booking of told) {
        const holds = booking.status === 'booked' || booking.status === 'offered';
        await this.tell(booking, 'event-moved', holds ? 'request' : 'none', { wasAt: was ?? null });
      }
    }
  }

  /** Cancel an event; everyone booked or waiting is emailed. Returns how many were told. */
  async cancelEvent(eventId: string, actorUserId: string): Promise<number> {
    const { told } = await this.store.setStatus(eventId, 'cancelled', actorUserId);
    for (const booking of told) await this.tell(booking, 'event-cancelled', 'cancel');
    return told.length;
  }

  /** Reminders `days` before (each of EVENT_REMINDER_DAYS), each sent exactly once per booking and start time. */
  async sendReminders(days: readonly number[], now: Date = new Date()): Promise<number> {
    let sent = 0;
    // The nearest reminder first: someone inside 1 day is not also sent the 7-day one.
    for (const d of [...days].sort((a, b) => a - b)) {
      for (const booking of await this.store.dueReminders(d, now)) {
        const session = await this.store.findSession(booking.sessionId);
        if (session === undefined) continue;
        const nearer = days.filter((x) => x < d);
        // Inside a nearer reminder's window: that one is (or was) sent instead; claim this one so it never goes.
        const inNearer = nearer.some((x) => session.startsAt.getTime() - now.getTime() <= x * 86_400_000);
        if (!await this.store.claimReminder(booking.id, d, session.startsAt, now)) continue;
        if (inNearer) continue;
        await this.tell(booking, session.delivery === 'online' && session.joinUrl !== null ? 'event-reminder-online' : 'event-reminder', 'none');
        sent++;
      }
    }
    return sent;
  }

  /**
   * The calendar file of a place this person has booked, for the event page's "Add to your
   * calendar": the booking's UID and the SEQUENCE its last email carried, so it is the same entry
   * as the email's and a later change still replaces it; nothing is written. Undefined unless the
   * place is booked, the event published and the session not over.
   */
  async calendarOfBooking(userId: string, sessionId: string, language: Language, now: Date = new Date()): Promise<string | undefined> {
    const [booking] = await this.store.bookingsOf(userId, [sessionId]);
    if (booking?.status !== 'booked') return undefined;
    const session = await this.store.findSessionUncounted(sessionId);
    if (session === undefined || session.endsAt <= now) return undefined;
    const event = await this.store.findEvent(session.eventId);
    if (event?.status !== 'published') return undefined;
    const link = `${this.deps.publicUrl}${language === 'cy' ? '/cy' : ''}/events/${event.id}`;
    return this.calendar(event, session, booking, language, link, false, await this.store.calendarSequenceOf(booking.id));
  }

  private async tellSettled(settled: Settled): Promise<void> {
    for (const b of settled.expired) await this.tell(b, 'event-offer-expired', 'none');
    for (const b of settled.offered) await this.tell(b, 'event-offered', 'none');
  }

  private async askManagers(booking: Booking): Promise<void> {
    const [learner, session] = await Promise.all([this.users.findById(booking.userId), this.store.findSession(booking.sessionId)]);
    if (learner === undefined || session === undefined) return;
    const event = await this.store.findEvent(session.eventId);
    if (event === undefined) return;
    const managerIds = await this.store.lineManagersOf(booking.userId);
    for (const managerId of managerIds) {
      const manager = await this.users.findById(managerId);
      if (manager === undefined) continue;
      const language = manager.language;
      await this.deps.email.sendEmail('event-approval-request', { address: manager.email, userId: manager.id, name: manager.displayName },
        { learner: learner.displayName, event: event.title[language], when: sessionWhen(session, language), link: `${this.deps.publicUrl}${language === 'cy' ? '/cy' : ''}/events/approvals` },
        language);
    }
    if (managerIds.length > 0) return;
    // No line manager on the platform: the people who can decide instead are asked (event-approval-store.ts says who).
    for (const person of await this.approvals.fallbackRecipients(booking.userId, event.id)) {
      const language = person.language;
      await this.deps.email.sendEmail('event-approval-fallback', { address: person.email, userId: person.id, name: person.displayName },
        { learner: learner.displayName, event: event.title[language], when: sessionWhen(session, language), link: `${this.deps.publicUrl}${language === 'cy' ? '/cy' : ''}/events/approvals` },
        language);
    }
  }

  private async tell(booking: Booking, template: EmailTemplate, calendar: Calendar, extra: { reason?: string; wasAt?: Date | null } = {}): Promise<void> {
    const [user, session] = await Promise.all([this.users.findById(booking.userId), this.store.findSessionUncounted(booking.sessionId)]);
    if (user === undefined || session === undefined) return;
    const event = await this.store.findEvent(session.eventId);
    if (event === undefined) return;
    const sequence = calendar === 'none' ? null : await this.store.nextCalendarSequence(booking.id, calendarSequence());
    await this.send(booking, template, { person: user, session, event, calendarSequence: sequence }, calendar === 'cancel', extra);
  }

  /** Compose and queue one email from what has been read (no reads here; `languageKnown` spares the email service its look-up). A calendar file goes when `calendarSequence` is set. */
  private async send(booking: Booking, template: EmailTemplate, mail: Pick<BookingMail, 'session' | 'event' | 'calendarSequence'> & { person: { id?: string; email: string; displayName: string; language: Language; languageKnown: boolean } }, cancelled = false, extra: { reason?: string; wasAt?: Date | null } = {}): Promise<void> {
    const { person: user, session, event, calendarSequence: sequence } = mail;
    const language = user.language;
    const prefix = `${this.deps.publicUrl}${language === 'cy' ? '/cy' : ''}`;
    const link = `${prefix}/events/${event.id}`;
    const attachments = sequence === null ? [] : [{ filename: 'event.ics', contentType: 'text/calendar; charset=utf-8', content: this.calendar(event, session, booking, language, link, cancelled, sequence) }];
    const where = session.delivery === 'online' ? (language === 'cy' ? 'Ar-lein' : 'Online')
      : [session.venueName, session.venueAddress?.[language]].filter((x): x is string => x !== null && x !== undefined && x !== '').join(', ');
    const params: EmailParams = {
      event: event.title[language], when: sessionWhen(session, language), link: template === 'event-cancelled' ? `${prefix}/events` : link,
      expires: booking.offerExpiresAt === null ? '' : WHEN[language].format(booking.offerExpiresAt),
      was: extra.wasAt === undefined || extra.wasAt === null ? '' : WHEN[language].format(extra.wasAt),
      reason: extra.reason ?? '', where, join: session.joinUrl ?? '',
    };
    await this.deps.email.sendEmail(template, { address: user.email, userId: booking.userId, name: user.displayName, languageKnown: user.languageKnown }, params, language, { attachments });
  }

  private calendar(event: EventRecord, session: SessionRecord, booking: Booking, language: Language, link: string, cancelled: boolean, sequence: number): string {
    const location = session.delivery === 'online' ? (language === 'cy' ? 'Ar-lein' : 'Online')
      : [session.venueName, session.venueAddress?.[language]].filter((x): x is string => x !== null && x !== undefined && x !== '').join(', ');
    return calendarFile({
      bookingId: booking.id, title: event.title[language], description: `${event.summary[language]}\n\n${link}`,
      startsAt: session.startsAt, endsAt: session.endsAt, location, url: link, sequence, cancelled,
    });
  }
}
