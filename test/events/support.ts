import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import type { SessionInput } from '../../src/db/stores/event-store.js';
import { accountWritten } from '../../src/db/stores/accounts-version.js';

export const HOUR = 3_600_000;

export function sessionInput(overrides: Partial<SessionInput> = {}): SessionInput {
  const start = new Date(Date.now() + 10 * 24 * HOUR);
  return {
    startsAt: start, endsAt: new Date(start.getTime() + HOUR), delivery: 'online', joinUrl: 'https://teams.example.test/join/1',
    venueName: null, venueAddress: null, capacity: 10, bookingOpensAt: new Date(Date.now() - HOUR), bookingClosesAt: start, language: 'bilingual',
    ...overrides,
  };
}


/** A staff record (organisation, staff group, line manager) linked to an account. */
export async function linkStaff(db: Kysely<Database>, userId: string, fields: { organisationCode: string; assignmentNumber: string; staffGroupCode?: string; lineManager?: string | null }): Promise<string> {
  const id = randomUUID();
  const now = new Date();
  await db.insertInto('staff').values({
    id, employee_number: fields.assignmentNumber.replace(/-.*/, ''), assignment_number: fields.assignmentNumber, first_name: 'Test', last_name: fields.assignmentNumber, email: null,
    organisation_code: fields.organisationCode, staff_group_code: fields.staffGroupCode ?? 'ahp', job_role: 'Physiotherapist', band_code: '6', wte: 1, assignment_start_date: '2020-01-01',
    age_band: '25-29', line_manager_assignment_number: fields.lineManager ?? null, active: true, left_at: null, search_text: fields.assignmentNumber, created_at: now, updated_at: now,
  }).execute();
  await db.updateTable('users').set({ staff_id: id }).where('id', '=', userId).execute();
  // Written behind the stores' back: counted as the staff import counts its links, so a kept session sees it at once.
  accountWritten(userId);
  return id;
}

/** A calendar file's VEVENT properties (lines unfolded, parameters dropped). */
export function parseIcs(text: string): { calendar: Record<string, string>; events: Record<string, string>[] } {
  const lines = text.replace(/\r\n[ \t]/g, '').split(/\r\n/).filter((l) => l !== '');
  const calendar: Record<string, string> = {};
  const events: Record<string, string>[] = [];
  let current: Record<string, string> | null = null;
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 1) throw new Error(`not a content line: ${line}`);
    const name = line.slice(0, colon).split(';')[0] ?? '';
    const value = line.slice(colon + 1);
    if (name === 'BEGIN' && value === 'VEVENT') { current = {}; continue; }
    if (name === 'END' && value === 'VEVENT') { if (current !== null) events.push(current); current = null; continue; }
    (current ?? calendar)[name] = value;
  }
  return { calendar, events };
}
