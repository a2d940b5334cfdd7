// The one code path that writes statements: validate every statement, then
// store them all or none. The HTTP endpoint and the platform's own learning both
// come through here (the platform never calls its own HTTP API).

import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { XapiStatementStore, STATEMENTS_PER_SLICE, breathe, prepareBatch, prepareBatchInSlices, refusalOf, type AttachmentContent, type PreparedBatch, type RecordOutcome, type Writer } from '../../db/stores/xapi-statement-store.js';
import { platformStatement, validateStatement, validateStatements, type Json, type LearningEvent, type Learner, type XapiVersion } from '../../domain/xapi/index.js';

/** The organisation and client the platform's own statements are recorded under; it defines its own modules' activities. */
export const PLATFORM_WRITER = {
  organisationCode: 'PLATFORM',
  clientId: 'platform',
  define: true,
} as const;

export const PLATFORM_AUTHORITY: Json = {
  objectType: 'Agent', name: 'Genomeg', account: { homePage: 'https://genomeg.nhs.wales', name: 'platform' },
};

export interface WriterOptions {
  readonly organisationCode: string;
  readonly clientId: string;
  readonly version?: XapiVersion;
  /** May these statements change canonical activity definitions (a client with scope define or all)? Default no. */
  readonly define?: boolean;
}

export interface RecordOptions {
  /** Attachment content sent with the statements (already checked against their SHA-2), stored in the same transaction. */
  readonly attachments?: readonly AttachmentContent[];
}

/** Statements validated and ready to store, or the answer when they need not touch the store (invalid, or none). */
export type CheckedStatements = { readonly answer: RecordOutcome } | ReadyStatements;
export interface ReadyStatements {
  readonly list: Json[];
  readonly as: Writer;
}

function checkStatements(statements: unknown, authority: Json, writer: WriterOptions): CheckedStatements {
  const version = writer.version ?? '1.0.3';
  const problems = validateStatements(statements, version);
  if (problems.length > 0) return { answer: { status: 'invalid', problems } };
  const list = (Array.isArray(statements) ? statements : [statements]) as Json[];
  if (list.length === 0) return { answer: { status: 'stored', ids: [] } };
  return { list, as: { organisationCode: writer.organisationCode, clientId: writer.clientId, authority, version, define: writer.define === true } };
}

/** Statements validated and made ready to store (prepareBatch), for a transaction elsewhere. */
export interface PreparedStatements {
  readonly batch: PreparedBatch;
  readonly as: Writer;
}

/**
 * Validate statements and make them ready to store: all the work that needs no
 * database, done on the thread that calls this (the record writer calls it on
 * the web thread, so that its own thread only stores). Invalid statements, or a
 * batch that repeats an id, get their answer here.
 */
export function prepareStatements(statements: unknown, authority: Json, writer: WriterOptions): { readonly answer: RecordOutcome } | PreparedStatements {
  const ready = checkStatements(statements, authority, writer);
  if ('answer' in ready) return ready;
  try {
    return { batch: prepareBatch(ready.list, ready.as), as: ready.as };
  } catch (error) {
    const refused = refusalOf(error);
    if (refused === undefined) throw error;
    return { answer: refused };
  }
}

/**
 * prepareStatements for the web thread: a batch is validated and prepared
 * STATEMENTS_PER_SLICE statements at a time, letting other requests run in
 * between, so that no request at the documented limits (at most
 * MAX_STATEMENTS_PER_REQUEST) blocks the event loop for long (issue 13,
 * item 7; bench/xapi-limits.ts). The same answers as prepareStatements.
 */
export async function prepareStatementsInSlices(statements: unknown, authority: Json, writer: WriterOptions): Promise<{ readonly answer: RecordOutcome } | PreparedStatements> {
  if (!Array.isArray(statements) || statements.length <= STATEMENTS_PER_SLICE) return prepareStatements(statements, authority, writer);
  const version = writer.version ?? '1.0.3';
  const problems: ReturnType<typeof validateStatement> = [];
  for (let from = 0; from < statements.length; from += STATEMENTS_PER_SLICE) {
    if (from > 0) await breathe();
    for (let i = from; i < Math.min(statements.length, from + STATEMENTS_PER_SLICE); i += 1) problems.push(...validateStatement(statements[i], version, `$[${String(i)}]`));
  }
  if (problems.length > 0) return { answer: { status: 'invalid', problems } };
  const as: Writer = { organisationCode: writer.organisationCode, clientId: writer.clientId, authority, version, define: writer.define === true };
  await breathe();
  try {
    return { batch: await prepareBatchInSlices(statements as Json[], as), as };
  } catch (error) {
    const refused = refusalOf(error);
    if (refused === undefined) throw error;
    return { answer: refused };
  }
}

/** Validate and store statements (one, or a batch, all-or-nothing). */
export async function recordStatements(db: Kysely<Database>, statements: unknown, authority: Json = PLATFORM_AUTHORITY, writer: WriterOptions = PLATFORM_WRITER, options: RecordOptions = {}): Promise<RecordOutcome> {
  const ready = checkStatements(statements, authority, writer);
  if ('answer' in ready) return ready.answer;
  return XapiStatementStore.create(db).record(ready.list, ready.as, options.attachments ?? []);
}

/** Prepared statements stored all or none in a transaction of their own (the record writer on PostgreSQL, where batches run side by side). */
export function storeStatements(db: Kysely<Database>, prepared: PreparedStatements, attachments: readonly AttachmentContent[] = []): Promise<RecordOutcome> {
  return XapiStatementStore.create(db).recordPrepared(prepared.batch, prepared.as, attachments);
}

/**
 * Prepared statements stored inside the caller's transaction (the record
 * writer's group commit). A batch that cannot be stored throws, rolling the
 * caller back (see refusalOf in the store).
 */
export function storeStatementsWithin(trx: Transaction<Database>, prepared: PreparedStatements, attachments: readonly AttachmentContent[] = []): Promise<RecordOutcome> {
  return XapiStatementStore.create(trx).storeWithin(trx, prepared.batch, prepared.as, attachments);
}

/** Record the platform's own learning events (module pages, answers, assessments, completions, webinars, MSc outcomes). */
export async function recordLearning(db: Kysely<Database>, learner: Learner, events: readonly LearningEvent[], at: Date = new Date()): Promise<RecordOutcome> {
  return recordStatements(db, events.map((e) => platformStatement(learner, e, at)));
}

/**
 * Record the platform's own learning events inside the caller's transaction
 * (a progress write, an attempt, a completion), so the learning and its
 * statements are stored together or not at all. The statements are built by
 * the platform, so a validation problem is a bug: it throws and rolls back.
 */
export async function recordLearningWithin(trx: Transaction<Database>, learner: Learner, events: readonly LearningEvent[], at: Date = new Date()): Promise<readonly string[]> {
  return recordLearningOfManyWithin(trx, events.map((event) => ({ learner, event })), at);
}

/** recordLearningWithin for the events of many learners at once (a group commit's page views): one batch of statements. */
export async function recordLearningOfManyWithin(trx: Transaction<Database>, entries: readonly { readonly learner: Learner; readonly event: LearningEvent }[], at: Date = new Date()): Promise<readonly string[]> {
  if (entries.length === 0) return [];
  const statements = entries.map(({ learner, event }) => platformStatement(learner, event, at));
  const problems = validateStatements(statements, '1.0.3');
  if (problems.length > 0) throw new Error(`platform statement invalid: ${problems.map((p) => `${p.path}: ${p.rule}`).join('; ')}`);
  return XapiStatementStore.create(trx).recordInTransaction(trx, statements, { ...PLATFORM_WRITER, authority: PLATFORM_AUTHORITY, version: '1.0.3' });
}
