// A booking's calendar entry (.ics): one VEVENT whose UID is the booking's
// id, so a later entry for the same booking (a changed time, a cancellation)
// replaces it in Outlook and other calendars rather than adding another.
// SEQUENCE rises with each change; a cancellation is METHOD:CANCEL.

import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';

export interface CalendarEntry {
  readonly bookingId: string;
  readonly title: string;
  readonly description: string;
  readonly startsAt: Date;
  readonly endsAt: Date;
  /** The venue, or "Online" (the join link is not put in the file: it is shown on the event page). */
  readonly location: string;
  /** The event page. */
  readonly url: string;
  readonly sequence: number;
  readonly cancelled: boolean;
}

export const CALENDAR_DOMAIN = 'events.genomeg.wales';

export function bookingUid(bookingId: string): string {
  return `${bookingId}@${CALENDAR_DOMAIN}`;
}

export function calendarFile(entry: CalendarEntry): string {
  const calendar = ical({ prodId: { company: 'Genomeg', product: 'Events', language: 'EN' }, method: entry.cancelled ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST });
  calendar.createEvent({
    id: bookingUid(entry.bookingId), start: entry.startsAt, end: entry.endsAt, summary: entry.title, description: entry.description,
    location: entry.location, url: entry.url, sequence: entry.sequence, stamp: new Date(),
    status: entry.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  return calendar.toString();
}
