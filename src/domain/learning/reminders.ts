// When a required module's reminder is due. Pure: a due date, today and the
// configuration in; which reminder (if any) out. Each kind is sent once per
// person, module and due date (the caller records it), so a run that happens
// twice, or a day that is missed, never sends a reminder twice:
//   before      within `daysBefore` days of the due date (one, not one a day)
//   due         on the day
//   overdue-K   in the K-th week after the due date, for K up to `overdueMax`

import type { CalendarDate } from './requirements.js';

export type ReminderKind = 'before' | 'due' | `overdue-${number}`;

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function reminderDue(dueDate: CalendarDate, today: CalendarDate, daysBefore: number, overdueMax: number): ReminderKind | null {
  const days = daysBetween(today, dueDate);
  if (days > 0) return days <= daysBefore ? 'before' : null;
  if (days === 0) return 'due';
  const week = Math.ceil(-days / 7);
  return week <= overdueMax ? `overdue-${week}` : null;
}
