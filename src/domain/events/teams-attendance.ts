// Reading the attendance report Microsoft Teams produces for a meeting, so a
// facilitator can record who came without ticking a register. Pure: text in
// (already decoded: Teams downloads it as UTF-16LE with a byte-order mark),
// people out, each with the line they are on.
//
// The report Teams has produced since mid-2022 is tab separated, in blocks
// with a blank line between them:
//
//   1. Summary                  Meeting title, Attended participants, Start time, …
//   2. Participants             Name, First Join, Last Leave, In-Meeting Duration, Email, Participant ID (UPN), Role
//   3. In-Meeting Activities    Name, Join Time, Leave Time, Duration, Email, Role   (one line per join)
//
// Only the Participants block is read (one line per person). A plain CSV
// (comma or tab separated, UTF-8) whose header has an Email column is read
// the same way, so a list typed up after an in-person session also works.
// Never throws: a file it cannot read is one problem naming the line.

import { readCsv } from '../staff/csv.js';

export interface TeamsParticipant {
  /** 1-based line of the file the person is on. */
  readonly line: number;
  readonly name: string;
  /** Lower case, trimmed. */
  readonly email: string;
  /** Whole minutes in the meeting, when the report says. */
  readonly minutes: number | null;
  readonly role: string;
}

export type TeamsProblemCode = 'no-participants' | 'no-email-column' | 'bad-email';

export interface TeamsProblem {
  readonly line: number | null;
  readonly code: TeamsProblemCode;
  readonly value: string | null;
}

export interface TeamsReport {
  readonly title: string | null;
  readonly participants: readonly TeamsParticipant[];
  readonly problems: readonly TeamsProblem[];
}

const EMAIL = /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>"]+$/;
const SECTION = /^\s*(\d+\.\s*)?(summary|participants|in-meeting activities|meeting summary|full name)\s*$/i;

/** "1h 6m 4s", "52m 11s", "45s" or "01:06:04" as whole minutes; null when it is neither. */
export function durationMinutes(text: string): number | null {
  const trimmed = text.trim();
  const clock = /^(\d{1,3}):(\d{2}):(\d{2})$/.exec(trimmed);
  if (clock !== null) return Number(clock[1]) * 60 + Number(clock[2]) + (Number(clock[3]) >= 30 ? 1 : 0);
  const parts = /^(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?$/i.exec(trimmed);
  if (parts === null || trimmed === '') return null;
  return Number(parts[1] ?? 0) * 60 + Number(parts[2] ?? 0) + (Number(parts[3] ?? 0) >= 30 ? 1 : 0);
}

function cells(line: string, separator: string): string[] {
  if (separator === '\t') return line.split('\t').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  const read = readCsv(line);
  return [...(read.records[0]?.fields ?? [])].map((c) => c.trim());
}

function headerIndex(header: readonly string[], names: readonly string[]): number {
  const lower = header.map((h) => h.trim().toLowerCase());
  for (const name of names) {
    const at = lower.indexOf(name);
    if (at >= 0) return at;
  }
  return -1;
}

export function readTeamsReport(text: string): TeamsReport {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const blank = (l: string | undefined) => l === undefined || l.replace(/[\t,]/g, '').trim() === '';
  let title: string | null = null;
  for (const l of lines) {
    const [key, value] = l.split('\t');
    if (key !== undefined && /^meeting title$/i.test(key.trim()) && value !== undefined) { title = value.trim(); break; }
  }

  // Where the participants' header is: after a "Participants" heading, or else the first line with an Email column.
  let headerAt = -1;
  const participantsHeading = lines.findIndex((l) => /^\s*(\d+\.\s*)?participants\s*$/i.test(l.replace(/[\t,]+$/, '')));
  if (participantsHeading >= 0) {
    for (let i = participantsHeading + 1; i < lines.length; i += 1) if (!blank(lines[i])) { headerAt = i; break; }
  } else {
    headerAt = lines.findIndex((l) => /(^|[\t,"])\s*e-?mail( address)?\s*("|[\t,]|$)/i.test(l));
  }
  const headerLine = headerAt >= 0 ? lines[headerAt] ?? '' : '';
  if (headerAt < 0) return { title, participants: [], problems: [{ line: null, code: participantsHeading >= 0 ? 'no-email-column' : 'no-participants', value: null }] };
  const separator = headerLine.includes('\t') ? '\t' : ',';
  const header = cells(headerLine, separator);
  const emailAt = headerIndex(header, ['email', 'e-mail', 'email address', 'participant id (upn)', 'upn']);
  if (emailAt < 0) return { title, participants: [], problems: [{ line: headerAt + 1, code: 'no-email-column', value: null }] };
  const nameAt = headerIndex(header, ['name', 'full name', 'participant']);
  const durationAt = headerIndex(header, ['in-meeting duration', 'duration', 'attendance duration', 'time in meeting']);
  const roleAt = headerIndex(header, ['role']);

  const participants: TeamsParticipant[] = [];
  const problems: TeamsProblem[] = [];
  for (let i = headerAt + 1; i < lines.length; i += 1) {
    const raw = lines[i] ?? '';
    if (blank(raw)) { if (participantsHeading >= 0) break; continue; }
    if (SECTION.test(raw.replace(/[\t,]+$/, ''))) break;
    const row = cells(raw, separator);
    const email = (row[emailAt] ?? '').trim().toLowerCase();
    if (!EMAIL.test(email)) { problems.push({ line: i + 1, code: 'bad-email', value: (row[emailAt] ?? '').slice(0, 200) }); continue; }
    participants.push({
      line: i + 1, email, name: nameAt >= 0 ? (row[nameAt] ?? '').slice(0, 200) : '',
      minutes: durationAt >= 0 ? durationMinutes(row[durationAt] ?? '') : null, role: roleAt >= 0 ? (row[roleAt] ?? '').slice(0, 60) : '',
    });
  }
  if (participants.length === 0 && problems.length === 0) problems.push({ line: headerAt + 1, code: 'no-participants', value: null });
  return { title, participants, problems };
}
