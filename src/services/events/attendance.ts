/// <reference types="pdfkit" />
// Attendance and what follows an event: marking the register (one person or
// "all present"), importing a Microsoft Teams attendance report (checked
// first, kept, then applied all or nothing on confirm), the xAPI `attended`
// statement each newly attended person gets (written in the same transaction
// as the mark, through the statement store), the insights aggregates of the
// people whose attendance of a required event changed (the same transaction
// again), and the bilingual certificate of
// attendance (PDF). Who may do it is canMarkAttendance (domain/events).
// Never sends email and never changes a booking that does not hold a place.

import { createRequire } from 'node:module';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { EventAttendanceStore, type AttendanceSource, type MarkChange, type MarkedBooking, type RegisterEntry } from '../../db/stores/event-attendance-store.js';
import type { EventRecord } from '../../db/stores/event-store.js';
import { DomainError } from '../../domain/errors.js';
import { matchParticipants, type MatchResult } from '../../domain/events/attendance.js';
import { readTeamsReport, type TeamsProblem } from '../../domain/events/teams-attendance.js';
import type { Language } from '../../domain/i18n.js';
import { recordLearningOfManyWithin } from '../xapi/record.js';
import { refreshStaff, type OfferedModules } from '../insights/aggregates.js';

export { canMarkAttendance } from '../../domain/events/attendance.js';

/**
 * Mark bookings of a session and write an `attended` statement for each
 * person newly attended, together or not at all; when the event is required
 * learning, the insights aggregates of everyone whose attendance changed move
 * in the same transaction (`offered`: the modules offered; null only where
 * the caller rebuilds the aggregates afterwards, as the demo seed does).
 */
export async function markAttendance(db: Kysely<Database>, offered: OfferedModules | null, event: EventRecord, sessionId: string, changes: readonly MarkChange[], source: AttendanceSource, actorUserId: string | null, at: Date = new Date()): Promise<MarkedBooking[]> {
  return db.transaction().execute(async (trx) => markAttendanceWithin(trx, offered, event, sessionId, changes, source, actorUserId, at));
}

/** markAttendance in a transaction the caller holds (the Teams import's confirm, all or nothing). */
async function markAttendanceWithin(trx: Transaction<Database>, offered: OfferedModules | null, event: EventRecord, sessionId: string, changes: readonly MarkChange[], source: AttendanceSource, actorUserId: string | null, at: Date): Promise<MarkedBooking[]> {
  const store = EventAttendanceStore.create(trx);
  const marked = await store.mark(sessionId, changes, source, actorUserId);
  if (offered !== null) await refreshAttendees(trx, offered, event.id, marked);
  const needing = marked.filter((m) => m.needsStatement);
  if (needing.length > 0) {
    const people = await trx.selectFrom('users').select(['id', 'display_name', 'language']).where('id', 'in', needing.map((m) => m.userId)).execute();
    const byId = new Map(people.map((p) => [p.id, p]));
    const entries = needing.map((m) => {
      const p = byId.get(m.userId);
      return {
        learner: { userId: m.userId, displayName: p?.display_name ?? '', language: p?.language === 'cy' ? 'cy' as const : 'en' as const },
        event: { kind: 'webinar-attended' as const, eventId: event.id, title: event.title.en },
      };
    });
    const ids = await recordLearningOfManyWithin(trx, entries, at);
    await store.setStatements(needing.flatMap((m, i) => { const id = ids[i]; return id === undefined ? [] : [{ bookingId: m.bookingId, statementId: id }]; }));
  }
  return marked;
}

/**
 * Move the insights aggregates of the people whose attendance of a required,
 * published event changed (attended, or attended no longer): one statement
 * when the event is not required learning, else one batch for everyone
 * marked (refreshStaff), which raises insights_version when a fact moved.
 */
async function refreshAttendees(trx: Kysely<Database>, offered: OfferedModules, eventId: string, marked: readonly MarkedBooking[]): Promise<void> {
  const moved = [...new Set(marked.filter((m) => (m.before === 'attended') !== (m.after === 'attended')).map((m) => m.userId))];
  if (moved.length === 0 || !(await EventAttendanceStore.create(trx).isRequiredLearning(eventId))) return;
  const rows = await trx.selectFrom('users').select('staff_id').where('id', 'in', moved).where('staff_id', 'is not', null).execute();
  await refreshStaff(trx, offered, rows.flatMap((r) => (r.staff_id === null ? [] : [r.staff_id])));
}

export type ImportCheck =
  | { readonly status: 'rejected'; readonly problems: readonly TeamsProblem[]; readonly title: string | null }
  | { readonly status: 'checked'; readonly pendingId: string; readonly result: MatchResult; readonly title: string | null; readonly fileName: string };

/** Read a Teams attendance report and match it to the session's register; keep it for the confirm. Changes nothing else. */
export async function checkAttendanceImport(db: Kysely<Database>, sessionId: string, userId: string, text: string, fileName: string): Promise<ImportCheck> {
  const report = readTeamsReport(text);
  if (report.problems.length > 0) return { status: 'rejected', problems: report.problems, title: report.title };
  const store = EventAttendanceStore.create(db);
  const register = await store.register(sessionId);
  const accounts = await store.accountsByEmail(report.participants.map((p) => p.email));
  const result = matchParticipants(report, register, accounts);
  const pendingId = await store.keepImport(sessionId, userId, fileName, result.matched.map((m) => ({ bookingId: m.bookingId, line: m.line, minutes: m.minutes })));
  return { status: 'checked', pendingId, result, title: report.title, fileName };
}

/**
 * Apply a checked report: everyone matched is marked attended, everyone
 * holding a place and not yet marked who is not in it is marked no-show. All or
 * nothing: when a matched booking no longer holds a place (cancelled since the
 * check), nothing is applied and GNM_CONFLICT is thrown.
 */
export async function confirmAttendanceImport(db: Kysely<Database>, offered: OfferedModules | null, event: EventRecord, sessionId: string, pendingId: string, actorUserId: string): Promise<{ attended: number; noShows: number }> {
  // One transaction: a booking cancelled since the check, or the same report confirmed by a
  // second request (a double click, two tabs), rolls back everything and says so; nothing is half done.
  return db.transaction().execute(async (trx) => {
    const store = EventAttendanceStore.create(trx);
    const pending = await store.findImport(pendingId, sessionId, actorUserId);
    if (pending === undefined) throw new DomainError('GNM_NOT_FOUND');
    if (!(await store.dropImport(pending.id))) throw new DomainError('GNM_NOT_FOUND');
    const register = await store.register(sessionId);
    const holding = new Map(register.map((r) => [r.bookingId, r]));
    if (pending.matches.some((m) => !holding.has(m.bookingId))) throw new DomainError('GNM_CONFLICT', { what: 'attendance' });
    const matchedIds = new Set(pending.matches.map((m) => m.bookingId));
    const absent = register.filter((r) => r.status === 'booked' && !matchedIds.has(r.bookingId));
    const changes: MarkChange[] = [
      ...pending.matches.map((m) => ({ bookingId: m.bookingId, status: 'attended' as const, minutes: m.minutes })),
      ...absent.map((r) => ({ bookingId: r.bookingId, status: 'no-show' as const })),
    ];
    const marked = await markAttendanceWithin(trx, offered, event, sessionId, changes, 'teams', actorUserId, new Date());
    if (marked.length !== changes.length) throw new DomainError('GNM_CONFLICT', { what: 'attendance' });
    return { attended: pending.matches.length, noShows: absent.length };
  });
}

export function allPresent(register: readonly RegisterEntry[]): MarkChange[] {
  return register.filter((r) => r.status === 'booked').map((r) => ({ bookingId: r.bookingId, status: 'attended' as const }));
}

const require = createRequire(import.meta.url);
// pdfkit is CommonJS; loaded this way so the strict ESM settings need no loosening (as services/learning/credentials.ts).
const PDFDocument = require('pdfkit') as new (options?: PDFKit.PDFDocumentOptions) => PDFKit.PDFDocument;
const FONT_REGULAR = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

export interface AttendanceCertificateText {
  readonly heading: string;
  readonly certifies: string;
  readonly attended: string;
  readonly when: string;
  readonly cpd: string;
  readonly issuer: string;
}

export interface AttendanceCertificateInput {
  readonly name: string;
  readonly title: Readonly<Record<Language, string>>;
  readonly text: Readonly<Record<Language, AttendanceCertificateText>>;
}

/**
 * A one-page A4 landscape certificate of attendance: Welsh on the left,
 * English on the right, each line at the same size in both so neither
 * language is subordinate; the person's name across both. DejaVu Sans draws
 * the Welsh letters (ŵ, ŷ). The PDF's title and subject name the event and the
 * person, so a reader (or a test) can see them without rendering.
 */
export function attendanceCertificatePdf(input: AttendanceCertificateInput): Promise<Buffer> {
  return new Promise((resolveBuffer, reject) => {
    const doc = new PDFDocument({
      size: 'A4', layout: 'landscape', margin: 0,
      info: { Title: `${input.text.cy.heading}: ${input.title.cy} / ${input.text.en.heading}: ${input.title.en}`, Subject: input.name, Author: `${input.text.cy.issuer} / ${input.text.en.issuer}` },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => { resolveBuffer(Buffer.concat(chunks)); });
    doc.on('error', reject);
    doc.registerFont('regular', FONT_REGULAR);
    doc.registerFont('bold', FONT_BOLD);
    const W = doc.page.width;
    const H = doc.page.height;
    doc.rect(18, 18, W - 36, H - 36).lineWidth(4).stroke('#005eb8');
    doc.rect(28, 28, W - 56, H - 56).lineWidth(0.75).stroke('#005eb8');
    doc.font('bold').fontSize(24).fillColor('#005eb8').text('Genomeg', 0, 52, { width: W, align: 'center' });
    doc.font('regular').fontSize(11).fillColor('#212b32').text(`${input.text.cy.issuer}  ·  ${input.text.en.issuer}`, 0, 84, { width: W, align: 'center' });
    const margin = 64;
    const gutter = 36;
    const column = (W - 2 * margin - gutter) / 2;
    const columns: [Language, number][] = [['cy', margin], ['en', margin + column + gutter]];
    // Each row at one height: the taller of the two languages.
    const row = (y: number, font: 'regular' | 'bold', size: number, colour: string, pick: (lang: Language) => string): number => {
      doc.font(font).fontSize(size);
      const height = Math.max(...columns.map(([lang]) => doc.heightOfString(pick(lang), { width: column })));
      for (const [lang, x] of columns) doc.font(font).fontSize(size).fillColor(colour).text(pick(lang), x, y, { width: column, align: 'center' });
      return y + height + size * 0.8;
    };
    let y = row(130, 'bold', 26, '#005eb8', (l) => input.text[l].heading);
    y = row(y, 'regular', 13, '#212b32', (l) => input.text[l].certifies);
    doc.font('bold').fontSize(24).fillColor('#212b32');
    doc.text(input.name, margin, y, { width: W - 2 * margin, align: 'center' });
    y += doc.heightOfString(input.name, { width: W - 2 * margin }) + 18;
    y = row(y, 'regular', 13, '#212b32', (l) => input.text[l].attended);
    y = row(y, 'bold', 18, '#212b32', (l) => input.title[l]);
    y = row(y, 'regular', 13, '#212b32', (l) => input.text[l].when);
    row(y, 'regular', 13, '#212b32', (l) => input.text[l].cpd);
    doc.end();
  });
}
