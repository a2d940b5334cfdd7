// Event times: kept as UTC instants, written and shown in Europe/London, so a
// session at 10:00 in July and one at 10:00 in December are both 10:00 to the
// person reading, whichever side of the clock change.

const PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
});

/** Minutes London is ahead of UTC at this instant (0 or 60). */
function londonOffsetMinutes(instant: number): number {
  const p = Object.fromEntries(PARTS.formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(Number(p['year']), Number(p['month']) - 1, Number(p['day']), Number(p['hour']), Number(p['minute']));
  return Math.round((asUtc - Math.floor(instant / 60_000) * 60_000) / 60_000);
}

/**
 * The instant of a London wall-clock date (YYYY-MM-DD) and time (HH:MM), or
 * null when either is not real. A time that does not exist (the hour skipped
 * in March) is moved on by the hour skipped (01:30 becomes 02:30 BST), as
 * calendars do.
 */
export function londonToUtc(date: string, time: string): Date | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  const t = /^(\d{1,2}):(\d{2})$/.exec(time.trim());
  if (d === null || t === null) return null;
  const [year, month, day, hour, minute] = [Number(d[1]), Number(d[2]), Number(d[3]), Number(t[1]), Number(t[2])];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return null;
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  if (new Date(wall).getUTCDate() !== day) return null;
  const first = wall - londonOffsetMinutes(wall) * 60_000;
  return new Date(wall - londonOffsetMinutes(first) * 60_000);
}

/** The join link is shown from this long before the start. */
export const JOIN_OPENS_BEFORE_MS = 30 * 60_000;
