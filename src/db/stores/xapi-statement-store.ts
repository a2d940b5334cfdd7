// Statements: written all-or-nothing in one transaction with their index
// entries (xapi_statement_links), the voiding they do, their attachments, the
// canonical activity definitions (define scope) and the progress projection;
// read by id or by query, newest first by seq, with a cursor that stays put
// while new statements arrive.
//
// Every query filter is one range of xapi_statement_links, already in stored
// order, so a page of any query walks an index newest first and stops after
// `limit` rows: one range drives, the other filters are probes by primary key.
// A statement whose object is a StatementRef carries its target's entries too
// (xAPI 1.0.3 Communication 2.1.3, "Filter Conditions for StatementRefs"), so the
// rule costs queries nothing.

import { createHash, randomUUID } from 'node:crypto';
import { sql, type Kysely, type RawBuilder, type SqlBool, type Transaction } from 'kysely';
import { AuditStore } from './audit-store.js';
import { bulkInsert, deleteByKeys, type SqlValue } from './xapi-sql.js';
import type { Database } from '../schema.js';
import { toBool, toDate } from '../dialect.js';
import {
  LINK_KINDS, agentKey, canonicalJson, conditionsOf, definedActivities, foldProgress, indexStatement, isLinkKind, isVoiding, mergeDefinition,
  linksMissing, mergeLinks, prepareStatement, progressKey, sameStatement, voidedTarget,
  type Condition, type Indexed, type Json, type Link, type Problem, type Progress, type StatementFilter, type XapiVersion,
} from '../../domain/xapi/index.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface Writer {
  readonly organisationCode: string;
  readonly clientId: string;
  readonly authority: Json;
  readonly version: XapiVersion;
  /** May this writer change canonical activity definitions (scope define or all, or the platform)? */
  readonly define?: boolean;
}

/** Attachment content sent with statements (multipart/mixed), stored in the same transaction. */
export interface AttachmentContent {
  readonly sha2: string;
  readonly contentType: string;
  readonly content: Uint8Array;
}

export type RecordOutcome =
  | { readonly status: 'stored'; readonly ids: readonly string[] }
  | { readonly status: 'conflict'; readonly id: string }
  | { readonly status: 'invalid'; readonly problems: readonly Problem[] };

export interface StatementQuery extends StatementFilter {
  readonly since?: Date;
  readonly until?: Date;
  readonly limit: number;
  readonly ascending?: boolean;
  /** statements/read/mine: only statements this client wrote. */
  readonly clientId?: string;
}

export interface Cursor {
  readonly after: number;
  readonly ceiling: number;
}

export interface QueryPage {
  /** Each statement's JSON text, as stored. */
  readonly statements: readonly string[];
  /** When the newest statement on the page was stored. */
  readonly lastStored: Date | null;
  readonly next: Cursor | null;
}

const MAX_LIMIT = 500;
/** When several filters are given, each range is counted up to this many entries to choose the one to walk. */
const ESTIMATE_CAP = 2000;

class Rejected extends Error {
  constructor(readonly outcome: RecordOutcome) {
    super(outcome.status);
  }
}

/** The answer a refused batch carries (a conflict, say), when `error` is such a refusal from storeWithin or prepareBatch. */
export function refusalOf(error: unknown): RecordOutcome | undefined {
  return error instanceof Rejected ? error.outcome : undefined;
}

/** A concurrent writer got there first (same id, or a deadlock between two batches): worth one more try. */
function isRetryable(error: unknown): boolean {
  const e = error as { code?: string };
  return e.code === '23505' || e.code === '40P01' || e.code === '40001' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Values are index keys; PostgreSQL refuses index entries over about 2.7 kB, so
 * a long value (an IRI of any length is valid) is kept as its hash, on the way
 * in and in queries alike.
 */
export function linkValue(value: string): string {
  return value.length <= 512 ? value : `#sha256:${createHash('sha256').update(value).digest('hex')}`;
}

function parseLinks(text: string | null): Link[] {
  if (text === null) return [];
  const parsed = JSON.parse(text) as unknown;
  return Array.isArray(parsed) ? parsed.filter((l): l is Link => Array.isArray(l) && isLinkKind(l[0]) && typeof l[1] === 'string') : [];
}

/**
 * The id the LRS gives a statement sent without one: a version 4 UUID whose
 * first 48 bits are the time in milliseconds (74 random bits remain), so that
 * new ids land at the end of the id index instead of on a random page of it.
 */
export function timeOrderedUuid(now: number = Date.now()): string {
  const time = now.toString(16).padStart(12, '0').slice(-12);
  return `${time.slice(0, 8)}-${time.slice(8, 12)}${randomUUID().slice(13)}`;
}

export const LINK_COLUMNS = [['organisation_code', 'text'], ['kind', 'text'], ['value', 'text'], ['seq', 'bigint']] as const;
export const STATEMENT_COLUMNS = [
  ['id', 'text'], ['organisation_code', 'text'], ['client_id', 'text'], ['stored', 'timestamptz'], ['actor_key', 'text'], ['object_activity_id', 'text'],
  ['object_statement_ref', 'text'], ['voided', 'boolean'], ['is_voiding', 'boolean'], ['inherited', 'text'], ['statement_json', 'text'],
] as const;
export const PROGRESS_COLUMNS = [
  ['organisation_code', 'text'], ['actor_key', 'text'], ['activity_id', 'text'], ['attempted', 'boolean'], ['completed', 'boolean'], ['passed', 'boolean'],
  ['best_score', 'double precision'], ['last_activity_at', 'timestamptz'],
] as const;
const PROGRESS_KEY = 'on conflict (organisation_code, actor_key, activity_id) do update set';
// The fold's merge (domain/xapi/progress.ts mergeProgress) in SQL, so a batch needs no read of the rows it updates.
export const PROGRESS_MERGE = `${PROGRESS_KEY} attempted = xapi_progress.attempted or excluded.attempted, completed = xapi_progress.completed or excluded.completed,
  passed = case when xapi_progress.passed = true or excluded.passed = true then true when xapi_progress.passed = false or excluded.passed = false then false else null end,
  best_score = case when excluded.best_score is null then xapi_progress.best_score when xapi_progress.best_score is null or excluded.best_score > xapi_progress.best_score then excluded.best_score else xapi_progress.best_score end,
  last_activity_at = case when excluded.last_activity_at > xapi_progress.last_activity_at then excluded.last_activity_at else xapi_progress.last_activity_at end`;
const PROGRESS_REPLACE = `${PROGRESS_KEY} attempted = excluded.attempted, completed = excluded.completed, passed = excluded.passed, best_score = excluded.best_score, last_activity_at = excluded.last_activity_at`;

/** A statement's row in xapi_statements, in STATEMENT_COLUMNS order. */
function statementRow(it: Pick<ReadyStatement, 'id' | 'text' | 'ix' | 'isVoiding'>, writer: Pick<Writer, 'organisationCode' | 'clientId'>, storedText: string): SqlValue[] {
  return [it.id, writer.organisationCode, writer.clientId, storedText, it.ix.actorKey, it.ix.objectActivityId, it.ix.objectStatementRef, false, it.isVoiding, null, it.text];
}

/** The same row from a prepared statement (the bulk loader of bench/ writes what the store writes). */
export function statementValues(statement: Json, ix: Indexed, writer: Pick<Writer, 'organisationCode' | 'clientId'>, storedText: string): SqlValue[] {
  return statementRow({ id: statement['id'] as string, text: JSON.stringify(statement), ix, isVoiding: isVoiding(statement) }, writer, storedText);
}

/** One statement made ready to store: all of it that needs no database. */
export interface ReadyStatement {
  readonly id: string;
  /** The statement as stored (id, timestamp, stored, authority and version set), as JSON. */
  readonly text: string;
  readonly ix: Indexed;
  readonly isVoiding: boolean;
  /** The statement a voiding statement voids (lower case), or null. */
  readonly voids: string | null;
  /** Did the client give the id (so that other statements may already refer to it)? */
  readonly chosenId: boolean;
}

/**
 * A batch of valid statements made ready to store (prepareBatch): everything
 * that needs no database, worked out wherever there is time to spare, so that
 * the record writer's thread (which every SQLite write waits for) only writes.
 * Plain data, so it crosses to that thread cheaply. Two parts assume every
 * statement is new and none is voided by a statement stored earlier: the
 * batch's progress fold and its activity definitions. When that is not so, the
 * store works them out again from the statements' JSON.
 */
export interface PreparedBatch {
  readonly storedText: string;
  readonly items: readonly ReadyStatement[];
  /** The statements as sent, as JSON, when any carries an id of its own (a repeat of a stored statement is told from a conflict by comparing them); else null. */
  readonly sentText: string | null;
  /** The batch's statements folded into progress (domain/xapi/progress.ts). */
  readonly folded: readonly Progress[];
  /** The activity definitions the batch carries: per activity, each distinct definition's JSON, in the order sent. */
  readonly definitions: readonly (readonly [activityId: string, texts: readonly string[]])[];
}

/** The statements of a batch to fold into progress: neither voiding nor voided by another of the batch. */
function foldOf(statements: readonly Json[]): Progress[] {
  const batch = new Map<string, Progress>();
  for (const s of statements) {
    const key = progressKey(s);
    if (key === null) continue;
    const k = pairKey(key.actorKey, key.activityId);
    const next = foldProgress(batch.get(k) ?? null, s);
    if (next !== null) batch.set(k, next);
  }
  return [...batch.values()];
}

/** Per activity, the distinct definitions the statements carry (by JSON text), in the order sent. */
function definitionsOf(statements: readonly Json[]): [string, string[]][] {
  const incoming = new Map<string, Set<string>>();
  for (const s of statements) {
    for (const { id, definition } of definedActivities(s)) {
      const texts = incoming.get(id) ?? new Set<string>();
      const text = JSON.stringify(definition);
      texts.delete(text);
      texts.add(text);
      incoming.set(id, texts);
    }
  }
  return [...incoming].map(([id, texts]) => [id, [...texts]]);
}

/**
 * Valid statements (already checked by the validator) made ready to store:
 * ids given where absent, `stored`, `authority` and `version` set, index
 * entries, progress and definitions worked out. Throws a refusal (refusalOf)
 * when one id appears twice.
 */
export function prepareBatch(inputs: readonly Json[], writer: Writer, stored: Date = new Date()): PreparedBatch {
  const preparing = new Preparing(writer, stored);
  const items = inputs.map((input, i) => preparing.item(input, i));
  return preparing.finish(inputs, items);
}

/** Statements prepared per slice, between which the caller may let other work run (prepareBatchInSlices). */
class Preparing {
  private readonly seen = new Set<string>();
  readonly statements: Json[] = [];
  constructor(private readonly writer: Writer, private readonly stored: Date) {}

  item(input: Json, i: number): ReadyStatement {
    const own = typeof input['id'] === 'string' ? input['id'].toLowerCase() : null;
    const { id, statement } = prepareStatement(input, { id: own ?? timeOrderedUuid(this.stored.getTime()), stored: this.stored, authority: this.writer.authority, version: this.writer.version });
    if (this.seen.has(id)) throw new Rejected({ status: 'invalid', problems: [{ rule: 'batch.duplicate-id', path: `$[${i}].id`, message: 'the same statement id appears twice in one batch' }] });
    this.seen.add(id);
    this.statements.push(statement);
    return { id, text: JSON.stringify(statement), ix: indexStatement(statement), isVoiding: isVoiding(statement), voids: voidedTarget(statement), chosenId: own !== null };
  }

  finish(inputs: readonly Json[], items: readonly ReadyStatement[]): PreparedBatch {
    return finishBatch(inputs, items, this.statements, this.writer, this.stored.toISOString());
  }
}

/** How many statements are prepared (or validated) between two turns of the event loop. */
export const STATEMENTS_PER_SLICE = 50;

/** Let the event loop run what is waiting (other requests, timers) before going on. */
export function breathe(): Promise<void> {
  return new Promise((resolve) => { setImmediate(resolve); });
}

/**
 * prepareBatch for a large batch on the web thread: STATEMENTS_PER_SLICE at a
 * time, letting other requests run in between, so that a batch at the cap
 * does not block the event loop for long (issue 13, item 7). The same result.
 */
export async function prepareBatchInSlices(inputs: readonly Json[], writer: Writer, stored: Date = new Date()): Promise<PreparedBatch> {
  const preparing = new Preparing(writer, stored);
  const items: ReadyStatement[] = [];
  for (let from = 0; from < inputs.length; from += STATEMENTS_PER_SLICE) {
    if (from > 0) await breathe();
    for (let i = from; i < Math.min(inputs.length, from + STATEMENTS_PER_SLICE); i += 1) items.push(preparing.item(inputs[i] as Json, i));
  }
  return preparing.finish(inputs, items);
}

function finishBatch(inputs: readonly Json[], items: readonly ReadyStatement[], statements: readonly Json[], writer: Writer, storedText: string): PreparedBatch {
  const targets = new Set(items.flatMap((it) => (it.voids === null ? [] : [it.voids])));
  const folded = statements.filter((_, i) => { const it = items[i] as ReadyStatement; return !it.isVoiding && !targets.has(it.id); });
  return {
    storedText, items, sentText: items.some((it) => it.chosenId) ? JSON.stringify(inputs) : null, folded: foldOf(folded),
    definitions: writer.define === true ? definitionsOf(statements) : [],
  };
}

export function progressValues(organisationCode: string, p: Progress): SqlValue[] {
  return [organisationCode, p.actorKey, p.activityId, p.attempted, p.completed, p.passed, p.bestScore, new Date(p.lastActivityAt).toISOString()];
}

const pairKey = (actorKey: string, activityId: string): string => `${actorKey}\u0000${activityId}`;

/** Link rows of one organisation in primary key order (kind, value, seq). */
function byLinkKey(a: readonly [string, string, string, number], b: readonly [string, string, string, number]): number {
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  if (a[2] !== b[2]) return a[2] < b[2] ? -1 : 1;
  return a[3] - b[3];
}

interface Fresh {
  readonly seq: number;
  readonly id: string;
  /** Its place in the batch. */
  readonly at: number;
  readonly links: readonly Link[];
  readonly objectStatementRef: string | null;
  readonly isVoiding: boolean;
  voided: boolean;
}

interface StoredRef {
  readonly seq: number;
  readonly id: string;
  readonly objectStatementRef: string | null;
  readonly isVoiding: boolean;
  readonly voided: boolean;
  readonly statement: Json;
  inherited: Link[];
}

/**
 * Per organisation and activity: the canonical definition last seen held, and
 * the definitions known to change nothing when merged into it. Only a shortcut:
 * it is used when the row just read still holds that text, so several
 * processes can share a database.
 */
const ABSORBED_LIMIT = 10_000;
const absorbedDefinitions = new Map<string, { held: string; texts: Set<string> }>();

export class XapiStatementStore {
  private readonly absorbed = absorbedDefinitions;

  private constructor(private readonly db: Kysely<Database>) {}

  static create(db: Kysely<Database>): XapiStatementStore {
    return new XapiStatementStore(db);
  }

  /** Store valid statements (already checked by the validator) all-or-nothing, with their attachments. */
  async record(inputs: readonly Json[], writer: Writer, attachments: readonly AttachmentContent[] = []): Promise<RecordOutcome> {
    let batch: PreparedBatch;
    try {
      batch = prepareBatch(inputs, writer);
    } catch (error) {
      if (error instanceof Rejected) return error.outcome;
      throw error;
    }
    return this.recordPrepared(batch, writer, attachments);
  }

  /** Store a prepared batch (prepareBatch) all-or-nothing in a transaction of its own, tried once more if a concurrent writer got in the way. */
  async recordPrepared(batch: PreparedBatch, writer: Writer, attachments: readonly AttachmentContent[] = []): Promise<RecordOutcome> {
    const attempt = () => this.db.transaction().execute((trx) => this.storeIn(trx, batch, writer, attachments));
    try {
      return await attempt();
    } catch (error) {
      if (error instanceof Rejected) return error.outcome;
      if (!isRetryable(error)) throw error;
      try {
        return await attempt();
      } catch (again) {
        if (again instanceof Rejected) return again.outcome;
        throw again;
      }
    }
  }

  /**
   * Store a prepared batch (prepareBatch) inside a transaction the caller
   * already holds (a group commit's). A batch that cannot be stored (a
   * conflicting id) throws, rolling the caller back; `refusalOf` gives its answer.
   */
  async storeWithin(trx: Transaction<Database>, batch: PreparedBatch, writer: Writer, attachments: readonly AttachmentContent[] = []): Promise<RecordOutcome> {
    return this.storeIn(trx, batch, writer, attachments);
  }

  /**
   * Store valid statements inside a transaction the caller already holds, so the
   * platform's own learning and its statements are written together or not at
   * all. A rejection throws (rolling the caller back) instead of answering.
   */
  async recordInTransaction(trx: Transaction<Database>, inputs: readonly Json[], writer: Writer): Promise<readonly string[]> {
    try {
      const outcome = await this.storeIn(trx, prepareBatch(inputs, writer), writer, []);
      if (outcome.status !== 'stored') throw new Error(`statements not stored: ${outcome.status}`);
      return outcome.ids;
    } catch (error) {
      if (error instanceof Rejected) throw new Error(`statements rejected: ${error.outcome.status}`, { cause: error });
      throw error;
    }
  }

  private async storeIn(trx: Transaction<Database>, batch: PreparedBatch, writer: Writer, attachments: readonly AttachmentContent[]): Promise<RecordOutcome> {
    const org = writer.organisationCode;
    const { items } = batch;
    const ids = items.map((it) => it.id);
    if (items.length === 0) return { status: 'stored', ids };
    // The statements themselves, parsed from their JSON only where a rarer case needs them.
    const parsed: (Json | undefined)[] = [];
    const statementAt = (i: number): Json => (parsed[i] ??= JSON.parse((items[i] as ReadyStatement).text) as Json);

    // Ids already stored are skipped here: the same statement again is accepted and stored once; a different one is a conflict.
    const inserted = await bulkInsert<{ seq: number; id: string }>(trx, {
      table: 'xapi_statements',
      columns: STATEMENT_COLUMNS,
      rows: items.map((it) => statementRow(it, writer, batch.storedText)),
      onConflict: 'on conflict (id) do nothing',
      returning: 'seq, id',
    });
    const seqOf = new Map(inserted.map((r) => [r.id, r.seq]));
    const allNew = seqOf.size === items.length;
    if (!allNew) {
      const skipped = ids.filter((id) => !seqOf.has(id));
      const before = new Map((await trx.selectFrom('xapi_statements').select(['id', 'statement_json', 'organisation_code']).where('id', 'in', skipped).execute()).map((r) => [r.id, r]));
      // Only an id a client chose can already be stored (a generated one is new by construction), so sentText is there whenever this matters.
      const sent = batch.sentText === null ? [] : JSON.parse(batch.sentText) as Json[];
      for (const [i, id] of ids.entries()) {
        const row = before.get(id);
        if (row === undefined) continue;
        // Statement ids are global: an id another organisation holds is a
        // conflict whatever the content (comparing it would tell the writer
        // whether it guessed another organisation's statement), never a silent
        // acknowledgement of a statement the writer cannot then read.
        if (row.organisation_code !== org) throw new Rejected({ status: 'conflict', id });
        const input = sent[i];
        if (input === undefined || !sameStatement(input, JSON.parse(row.statement_json) as Json)) throw new Rejected({ status: 'conflict', id });
      }
    }
    const fresh: Fresh[] = [];
    items.forEach((it, at) => {
      const seq = seqOf.get(it.id);
      if (seq !== undefined) fresh.push({ seq, id: it.id, at, links: it.ix.links, objectStatementRef: it.ix.objectStatementRef, isVoiding: it.isVoiding, voided: false });
    });
    if (fresh.length === 0) return { status: 'stored', ids };

    // Statements that target another: the voiding rules, and the entries they inherit from their target.
    const inherited = await this.resolveTargets(trx, org, fresh);
    // In key order: consecutive inserts land on the same index pages (a batch's
    // entries for one verb, one activity, one authority), which SQLite then finds
    // in its cache; on PostgreSQL, two batches take their locks in the same order.
    await bulkInsert(trx, {
      table: 'xapi_statement_links',
      columns: LINK_COLUMNS,
      rows: fresh.flatMap((f) => mergeLinks(f.links, inherited.get(f.seq) ?? []).map(([kind, value]): [string, string, string, number] => [org, kind, linkValue(value), f.seq]))
        .sort(byLinkKey),
    });

    // Voiding: the targets leave query results (only within the writer's organisation).
    const touched: { actorKey: string; activityId: string }[] = [];
    const targets = new Set(fresh.flatMap((f) => { const t = (items[f.at] as ReadyStatement).voids; return t === null ? [] : [t]; }));
    if (targets.size > 0) {
      const voided = await trx.updateTable('xapi_statements').set({ voided: true })
        .where('id', 'in', [...targets]).where('organisation_code', '=', org).where('is_voiding', '=', false)
        .returning(['actor_key', 'object_activity_id']).execute();
      for (const v of voided) if (v.actor_key !== null && v.object_activity_id !== null) touched.push({ actorKey: v.actor_key, activityId: v.object_activity_id });
      for (const f of fresh) if (targets.has(f.id) && !f.isVoiding) f.voided = true;
    }
    // Statements already stored that target these new ones (a StatementRef may
    // arrive before its target). Only an id the writer chose can have been
    // referred to before: an id this store has just generated is known to no one.
    const chosen = new Set(items.flatMap((it) => (it.chosenId ? [it.id] : [])));
    const voidedLate = await this.resolveLateTargets(trx, org, fresh, inherited, chosen);

    // The batch's fold and definitions as prepared hold when every statement is new and none was voided from outside the batch.
    const asPrepared = allNew && !voidedLate;
    const folded = asPrepared ? batch.folded : foldOf(fresh.filter((f) => !f.voided && !f.isVoiding).map((f) => statementAt(f.at)));
    await this.updateProgress(trx, org, folded, touched);
    if (writer.define === true) {
      const definitions = asPrepared ? batch.definitions : definitionsOf(fresh.map((f) => statementAt(f.at)));
      await this.defineActivities(trx, org, definitions, new Date(batch.storedText));
    }
    if (attachments.length > 0) {
      await bulkInsert(trx, {
        table: 'xapi_attachments',
        columns: [['sha2', 'text'], ['content_type', 'text'], ['content', 'text']],
        rows: attachments.map((a) => [a.sha2.toLowerCase(), a.contentType, Buffer.from(a.content).toString('base64')]),
        onConflict: 'on conflict (sha2) do nothing',
      });
    }
    return { status: 'stored', ids };
  }

  /**
   * For new statements whose object is a StatementRef: work out the entries
   * each inherits from its target (the target's own and what it inherits in
   * turn), stored or in the same batch. A voiding statement whose target is
   * itself a voiding statement is stored like any other but voids nothing
   * (xAPI: a statement is voided only if it is not itself a voiding statement;
   * the LRS should not reject a voiding statement because of its target).
   */
  private async resolveTargets(trx: Transaction<Database>, org: string, fresh: readonly Fresh[]): Promise<Map<number, Link[]>> {
    const out = new Map<number, Link[]>();
    const referring = fresh.filter((f) => f.objectStatementRef !== null);
    if (referring.length === 0) return out;
    const inBatch = new Map(fresh.map((f) => [f.id, f]));
    const wanted = [...new Set(referring.map((f) => f.objectStatementRef as string))].filter((id) => !inBatch.has(id));
    const stored = new Map<string, StoredRef>();
    if (wanted.length > 0) for (const row of await this.refsWhere(trx, org, 'id', wanted)) stored.set(row.id, row);
    // Each statement targets one other, so follow the chain from each: every
    // statement of the batch on it gives its own entries, a stored statement
    // its own and what it inherits, and the walk ends where the chain leaves
    // the batch or comes back on itself (a cycle gives each of its statements
    // the entries of all the others).
    for (const f of referring) {
      let taken: Link[] = [];
      const visited = new Set<number>([f.seq]);
      for (let target = f.objectStatementRef; target !== null;) {
        const batchTarget = inBatch.get(target);
        if (batchTarget === undefined) {
          const storedTarget = stored.get(target);
          if (storedTarget !== undefined) taken = mergeLinks(taken, mergeLinks(indexStatement(storedTarget.statement).links, storedTarget.inherited));
          break;
        }
        if (visited.has(batchTarget.seq)) break;
        visited.add(batchTarget.seq);
        taken = mergeLinks(taken, batchTarget.links);
        target = batchTarget.objectStatementRef;
      }
      out.set(f.seq, taken);
    }
    for (const f of referring) {
      const taken = out.get(f.seq) ?? [];
      if (taken.length > 0) await trx.updateTable('xapi_statements').set({ inherited: JSON.stringify(taken) }).where('seq', '=', f.seq).execute();
    }
    return out;
  }

  private async refsWhere(trx: Db, org: string, column: 'id' | 'object_statement_ref', values: readonly string[]): Promise<StoredRef[]> {
    const out: StoredRef[] = [];
    for (let i = 0; i < values.length; i += 500) {
      const rows = await trx.selectFrom('xapi_statements')
        .select(['seq', 'id', 'object_statement_ref', 'is_voiding', 'voided', 'inherited', 'statement_json'])
        .where('organisation_code', '=', org).where(column, 'in', values.slice(i, i + 500)).execute();
      for (const r of rows) {
        out.push({
          seq: r.seq, id: r.id, objectStatementRef: r.object_statement_ref, isVoiding: toBool(r.is_voiding), voided: toBool(r.voided),
          statement: JSON.parse(r.statement_json) as Json, inherited: parseLinks(r.inherited),
        });
      }
    }
    return out;
  }

  /**
   * Statements stored earlier that target one of the new statements take its
   * entries now (and pass them on to whatever targets them); an earlier voiding
   * statement voids its newly arrived target.
   */
  private async resolveLateTargets(trx: Transaction<Database>, org: string, fresh: Fresh[], inherited: ReadonlyMap<number, readonly Link[]>, chosen: ReadonlySet<string>): Promise<boolean> {
    const freshSeqs = new Set(fresh.map((f) => f.seq));
    const referable = fresh.filter((f) => chosen.has(f.id)).map((f) => f.id);
    if (referable.length === 0) return false;
    let referrers = (await this.refsWhere(trx, org, 'object_statement_ref', referable)).filter((r) => !freshSeqs.has(r.seq));
    if (referrers.length === 0) return false;
    let voidedAny = false;
    const linksById = new Map<string, Link[]>(fresh.map((f) => [f.id, mergeLinks(f.links, inherited.get(f.seq) ?? [])]));
    const freshById = new Map(fresh.map((f) => [f.id, f]));
    for (let depth = 0; referrers.length > 0 && depth < 32; depth += 1) {
      const next: StoredRef[] = [];
      for (const r of referrers) {
        const targetLinks = linksById.get(r.objectStatementRef ?? '');
        if (targetLinks === undefined) continue;
        const target = freshById.get(r.objectStatementRef ?? '');
        if (r.isVoiding && target !== undefined && !target.isVoiding && !target.voided) {
          target.voided = true;
          voidedAny = true;
          await trx.updateTable('xapi_statements').set({ voided: true }).where('seq', '=', target.seq).execute();
        }
        const own = indexStatement(r.statement).links;
        const before = mergeLinks(own, r.inherited);
        const taken = mergeLinks(r.inherited, targetLinks);
        const after = mergeLinks(own, taken);
        const added = linksMissing(after, before);
        if (added.length === 0) continue;
        await bulkInsert(trx, { table: 'xapi_statement_links', columns: LINK_COLUMNS, rows: added.map(([kind, value]) => [org, kind, linkValue(value), r.seq]), onConflict: 'on conflict do nothing' });
        await trx.updateTable('xapi_statements').set({ inherited: JSON.stringify(taken) }).where('seq', '=', r.seq).execute();
        linksById.set(r.id, after);
        next.push(...(await this.refsWhere(trx, org, 'object_statement_ref', [r.id])));
      }
      referrers = next;
    }
    return voidedAny;
  }

  /** Merge a batch's fold (foldOf) into the projection; recompute pairs whose statements were voided. */
  private async updateProgress(trx: Transaction<Database>, org: string, folded: readonly Progress[], recompute: readonly { actorKey: string; activityId: string }[]): Promise<void> {
    const exact = new Map<string, { actorKey: string; activityId: string; progress: Progress | null }>();
    for (const pair of recompute) {
      const k = pairKey(pair.actorKey, pair.activityId);
      if (!exact.has(k)) exact.set(k, { ...pair, progress: await this.foldFromStatements(trx, org, pair.actorKey, pair.activityId) });
    }
    // This batch's statements folded on their own, then merged into the stored rows by the upsert (pairs recomputed whole are left to that).
    const batch = exact.size === 0 ? [...folded] : folded.filter((p) => !exact.has(pairKey(p.actorKey, p.activityId)));
    const byKey = (a: Progress, b: Progress) => (a.actorKey === b.actorKey ? (a.activityId < b.activityId ? -1 : 1) : a.actorKey < b.actorKey ? -1 : 1);
    // Sorted, so that two batches lock the rows they share in the same order (no deadlock on PostgreSQL).
    await bulkInsert(trx, { table: 'xapi_progress', columns: PROGRESS_COLUMNS, rows: batch.sort(byKey).map((p) => progressValues(org, p)), onConflict: PROGRESS_MERGE });
    const replace: Progress[] = [];
    for (const { actorKey, activityId, progress } of exact.values()) {
      if (progress !== null) { replace.push(progress); continue; }
      await trx.deleteFrom('xapi_progress').where('organisation_code', '=', org).where('actor_key', '=', actorKey).where('activity_id', '=', activityId).execute();
    }
    await bulkInsert(trx, { table: 'xapi_progress', columns: PROGRESS_COLUMNS, rows: replace.sort(byKey).map((p) => progressValues(org, p)), onConflict: PROGRESS_REPLACE });
  }

  private async foldFromStatements(trx: Db, org: string, actorKey: string, activityId: string): Promise<Progress | null> {
    const rows = await trx.selectFrom('xapi_statement_links as l').innerJoin('xapi_statements as s', 's.seq', 'l.seq').select('s.statement_json')
      .where('l.organisation_code', '=', org).where('l.kind', '=', LINK_KINDS.agent).where('l.value', '=', linkValue(actorKey))
      .where('s.actor_key', '=', actorKey).where('s.object_activity_id', '=', activityId).where('s.voided', '=', false).where('s.is_voiding', '=', false)
      .execute();
    let progress: Progress | null = null;
    for (const r of rows) progress = foldProgress(progress, JSON.parse(r.statement_json) as Json);
    return progress;
  }

  /**
   * Canonical activity definitions from a define-capable writer's statements,
   * merged into what is held. A row changes only if its definition does, and
   * only if nobody changed it since it was read (compare and set, retried).
   */
  private async defineActivities(trx: Transaction<Database>, org: string, definitions: PreparedBatch['definitions'], now: Date): Promise<void> {
    // Per activity, each distinct definition sent (by its JSON text), in the order sent.
    if (definitions.length === 0) return;
    const incoming = new Map(definitions);
    const activityIds = [...incoming.keys()].sort();
    const held = new Map<string, string>();
    for (let i = 0; i < activityIds.length; i += 500) {
      const rows = await trx.selectFrom('xapi_activities').select(['activity_id', 'definition'])
        .where('organisation_code', '=', org).where('activity_id', 'in', activityIds.slice(i, i + 500)).execute();
      for (const r of rows) held.set(r.activity_id, r.definition);
    }
    for (const id of activityIds) {
      const texts = incoming.get(id) ?? [];
      let current = held.get(id) ?? null;
      // Most statements repeat a definition already held: known from earlier batches against the same held text, skip the merge.
      const memo = current === null ? undefined : this.absorbed.get(`${org} ${id}`);
      if (memo !== undefined && memo.held === current && texts.every((text) => memo.texts.has(text))) continue;
      const sent = new Map(texts.map((text) => [text, JSON.parse(text) as Json]));
      for (let tries = 0; tries < 5; tries += 1) {
        const merged = canonicalJson([...sent.values()].reduce<Json | null>((acc, d) => mergeDefinition(acc, d), current === null ? null : JSON.parse(current) as Json));
        if (merged === current) {
          this.remember(org, id, current, sent);
          break;
        }
        if (current === null) {
          const result = await trx.insertInto('xapi_activities').values({ organisation_code: org, activity_id: id, definition: merged, updated: now })
            .onConflict((oc) => oc.columns(['organisation_code', 'activity_id']).doNothing()).executeTakeFirst();
          if (Number(result.numInsertedOrUpdatedRows ?? 0) > 0) break;
        } else {
          const result = await trx.updateTable('xapi_activities').set({ definition: merged, updated: now })
            .where('organisation_code', '=', org).where('activity_id', '=', id).where('definition', '=', current).executeTakeFirst();
          if (Number(result.numUpdatedRows) > 0) break;
        }
        current = (await trx.selectFrom('xapi_activities').select('definition').where('organisation_code', '=', org).where('activity_id', '=', id).executeTakeFirst())?.definition ?? null;
      }
    }
  }

  /** Note which definitions change nothing when merged into the held one (each on its own: a later one could undo an earlier one). */
  private remember(org: string, id: string, held: string, sent: ReadonlyMap<string, Json>): void {
    const key = `${org} ${id}`;
    const known = this.absorbed.get(key);
    const texts = known !== undefined && known.held === held ? known.texts : new Set<string>();
    const parsed = JSON.parse(held) as Json;
    for (const [text, definition] of sent) {
      if (!texts.has(text) && (sent.size === 1 || canonicalJson(mergeDefinition(parsed, definition)) === held)) texts.add(text);
    }
    if (this.absorbed.size >= ABSORBED_LIMIT) this.absorbed.clear();
    this.absorbed.set(key, { held, texts });
  }

  /** The canonical definition of an activity in an organisation, or null when no define-capable client has sent one. */
  async activityDefinition(organisationCode: string, activityId: string): Promise<Json | null> {
    const row = await this.db.selectFrom('xapi_activities').select('definition')
      .where('organisation_code', '=', organisationCode).where('activity_id', '=', activityId).executeTakeFirst();
    return row === undefined ? null : JSON.parse(row.definition) as Json;
  }

  /** Rebuild the whole projection from the stored statements (one transaction). */
  async rebuildProgress(): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('xapi_progress').execute();
      const all = new Map<string, { org: string; p: Progress }>();
      let after = 0;
      for (;;) {
        const rows = await trx.selectFrom('xapi_statements').select(['seq', 'organisation_code', 'statement_json'])
          .where('seq', '>', after).where('voided', '=', false).where('is_voiding', '=', false).where('object_activity_id', 'is not', null)
          .orderBy('seq').limit(5000).execute();
        if (rows.length === 0) break;
        for (const r of rows) {
          const s = JSON.parse(r.statement_json) as Json;
          const key = progressKey(s);
          if (key === null) continue;
          const id = `${r.organisation_code}\u0000${key.actorKey}\u0000${key.activityId}`;
          const next = foldProgress(all.get(id)?.p ?? null, s);
          if (next !== null) all.set(id, { org: r.organisation_code, p: next });
        }
        after = Number(rows[rows.length - 1]?.seq);
      }
      await bulkInsert(trx, { table: 'xapi_progress', columns: PROGRESS_COLUMNS, rows: [...all.values()].map((v) => progressValues(v.org, v.p)) });
      return all.size;
    });
  }

  async progress(organisationCode: string, actor: Json | string): Promise<Progress[]> {
    const key = typeof actor === 'string' ? actor : agentKey(actor);
    if (key === null) return [];
    return progressRows(this.db, organisationCode, key);
  }

  /** One statement by id; voided ones only when asked for by voidedStatementId. */
  async get(organisationCodes: readonly string[], id: string, options: { voided: boolean; clientId?: string }): Promise<Json | null> {
    if (organisationCodes.length === 0) return null;
    let q = this.db.selectFrom('xapi_statements').select(['statement_json', 'voided'])
      .where('id', '=', id.toLowerCase()).where('organisation_code', 'in', organisationCodes);
    if (options.clientId !== undefined) q = q.where('client_id', '=', options.clientId);
    const row = await q.executeTakeFirst();
    if (row === undefined || toBool(row.voided) !== options.voided) return null;
    return JSON.parse(row.statement_json) as Json;
  }

  /**
   * Statements matching a query, excluding voided ones, newest first unless
   * ascending. Each organisation and each range of the walked filter is one
   * index-ordered query with the limit; their pages are merged by seq here.
   */
  async query(organisationCodes: readonly string[], filter: StatementQuery, cursor: Cursor | null): Promise<QueryPage> {
    if (organisationCodes.length === 0) return { statements: [], lastStored: null, next: null };
    const limit = filter.limit <= 0 || filter.limit > MAX_LIMIT ? MAX_LIMIT : filter.limit;
    const ceiling = cursor?.ceiling ?? await this.maxSeq();
    const ascending = filter.ascending === true;
    const conditions = conditionsOf(filter).map((c) => ({ kinds: c.kinds, value: linkValue(c.value) }));
    const driver = conditions.length <= 1 ? conditions[0] : await this.mostSelective(organisationCodes, conditions);
    const probes = conditions.filter((c) => c !== driver);
    const arms: Promise<{ seq: number; statement_json: string; stored: Date | string }[]>[] = [];
    for (const org of organisationCodes) {
      if (driver === undefined) {
        let q = this.db.selectFrom('xapi_statements as s').select(['s.seq', 's.statement_json', 's.stored'])
          .where('s.organisation_code', '=', org).where('s.seq', '<=', ceiling);
        if (cursor !== null) q = q.where('s.seq', ascending ? '>' : '<', cursor.after);
        q = q.where(this.rowFilter(filter));
        arms.push(q.orderBy('s.seq', ascending ? 'asc' : 'desc').limit(limit + 1).execute());
        continue;
      }
      for (const kind of driver.kinds) {
        let q = this.db.selectFrom('xapi_statement_links as d').innerJoin('xapi_statements as s', 's.seq', 'd.seq')
          .select(['d.seq', 's.statement_json', 's.stored'])
          .where('d.organisation_code', '=', org).where('d.kind', '=', kind).where('d.value', '=', driver.value).where('d.seq', '<=', ceiling);
        if (cursor !== null) q = q.where('d.seq', ascending ? '>' : '<', cursor.after);
        for (const probe of probes) {
          q = q.where((eb) => eb.exists(eb.selectFrom('xapi_statement_links as p').select(sql.lit(1).as('one'))
            .where('p.organisation_code', '=', org).where('p.kind', 'in', probe.kinds).where('p.value', '=', probe.value).whereRef('p.seq', '=', 'd.seq')));
        }
        q = q.where(this.rowFilter(filter));
        arms.push(q.orderBy('d.seq', ascending ? 'asc' : 'desc').limit(limit + 1).execute());
      }
    }
    const merged = new Map<number, { seq: number; json: string; stored: Date | string }>();
    for (const rows of await Promise.all(arms)) for (const r of rows) merged.set(r.seq, { seq: r.seq, json: r.statement_json, stored: r.stored });
    const rows = [...merged.values()].sort((a, b) => (ascending ? a.seq - b.seq : b.seq - a.seq));
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const lastStored = page.reduce<Date | null>((max, r) => { const d = toDate(r.stored); return max === null || d > max ? d : max; }, null);
    return {
      statements: page.map((r) => r.json),
      lastStored,
      next: rows.length > limit && last !== undefined ? { after: last.seq, ceiling } : null,
    };
  }

  /** The filters on the statement row itself: voided, stored time, the writing client. */
  private rowFilter(filter: StatementQuery): RawBuilder<boolean> {
    const parts = [sql`s.voided = ${false}`];
    if (filter.since !== undefined) parts.push(sql`s.stored > ${filter.since}`);
    if (filter.until !== undefined) parts.push(sql`s.stored <= ${filter.until}`);
    if (filter.clientId !== undefined) parts.push(sql`s.client_id = ${filter.clientId}`);
    return sql<boolean>`${sql.join(parts, sql` and `)}`;
  }

  /** Of several conditions, the one with the fewest entries (counted up to a cap): the one to walk. */
  private async mostSelective(organisationCodes: readonly string[], conditions: readonly Condition[]): Promise<Condition | undefined> {
    const counts = await Promise.all(conditions.map(async (c) => {
      const row = await this.db.selectFrom((eb) => eb.selectFrom('xapi_statement_links').select(sql.lit(1).as('one'))
        .where('organisation_code', 'in', organisationCodes).where('kind', 'in', c.kinds).where('value', '=', c.value).limit(ESTIMATE_CAP).as('capped'))
        .select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
      return Number(row?.n ?? 0);
    }));
    let best = 0;
    counts.forEach((n, i) => { if (n < (counts[best] ?? Infinity)) best = i; });
    return conditions[best];
  }

  private async maxSeq(): Promise<number> {
    const row = await this.db.selectFrom('xapi_statements').select((eb) => eb.fn.max('seq').as('max')).executeTakeFirst();
    const max: unknown = row?.max;
    return max === null || max === undefined ? 0 : Number(max);
  }

  /** The statements in which a person appears (not merely through a StatementRef), oldest first, with what they inherit. */
  private async statementsWith(trx: Db, organisationCode: string, key: string): Promise<{ about: StoredRef[]; through: StoredRef[] }> {
    const seqs = [...new Set((await trx.selectFrom('xapi_statement_links').select('seq')
      .where('organisation_code', '=', organisationCode).where('kind', 'in', [LINK_KINDS.agent, LINK_KINDS.relatedAgent]).where('value', '=', linkValue(key))
      .execute()).map((r) => r.seq))].sort((a, b) => a - b);
    const about: StoredRef[] = [];
    const through: StoredRef[] = [];
    for (let i = 0; i < seqs.length; i += 500) {
      const rows = await trx.selectFrom('xapi_statements').select(['seq', 'id', 'object_statement_ref', 'is_voiding', 'voided', 'inherited', 'statement_json'])
        .where('seq', 'in', seqs.slice(i, i + 500)).orderBy('seq').execute();
      for (const r of rows) {
        const statement = JSON.parse(r.statement_json) as Json;
        const ref: StoredRef = { seq: r.seq, id: r.id, objectStatementRef: r.object_statement_ref, isVoiding: toBool(r.is_voiding), voided: toBool(r.voided), statement, inherited: parseLinks(r.inherited) };
        const own = indexStatement(statement).links.some(([kind, value]) => (kind === LINK_KINDS.agent || kind === LINK_KINDS.relatedAgent) && value === key);
        (own ? about : through).push(ref);
      }
    }
    return { about, through };
  }

  /**
   * Erase a person on a data-protection request: every statement in which they
   * appear (as actor, object, instructor, team member…) with its index entries,
   * their progress rows and their documents, in one transaction with an audit
   * entry that records how much was erased (never the content). Statements that
   * only pointed at an erased statement (a StatementRef) stay, without what
   * they had taken from it. Statements are otherwise immutable; see
   * docs/xapi.md for why erasure departs from that.
   */
  async erasePerson(organisationCode: string, key: string, actorUserId: string | null): Promise<{ statements: number; documents: number }> {
    return this.db.transaction().execute(async (trx) => {
      const { about, through } = await this.statementsWith(trx, organisationCode, key);
      const others: { actorKey: string; activityId: string }[] = [];
      const linkKeys: SqlValue[][] = [];
      for (const s of about) {
        const ix = indexStatement(s.statement);
        if (ix.actorKey !== null && ix.actorKey !== key && ix.objectActivityId !== null && !s.voided && !s.isVoiding) others.push({ actorKey: ix.actorKey, activityId: ix.objectActivityId });
        for (const [kind, value] of mergeLinks(ix.links, s.inherited)) linkKeys.push([organisationCode, kind, linkValue(value), s.seq]);
      }
      await deleteByKeys(trx, 'xapi_statement_links', LINK_COLUMNS, linkKeys);
      const erased = about.map((s) => s.seq);
      for (let i = 0; i < erased.length; i += 500) await trx.deleteFrom('xapi_statements').where('seq', 'in', erased.slice(i, i + 500)).execute();
      await this.reinherit(trx, organisationCode, through);
      await trx.deleteFrom('xapi_progress').where('organisation_code', '=', organisationCode).where('actor_key', '=', key).execute();
      // Other people's progress that counted an erased statement (where this person was instructor, say) is recomputed.
      await this.updateProgress(trx, organisationCode, [], others);
      const docs = await personDocuments(trx, key, organisationCode);
      await deleteByKeys(trx, 'xapi_documents', DOCUMENT_KEY, docs.map((d) => [d.organisation_code, d.kind, d.scope, d.document_id]));
      const documents = docs.length;
      await AuditStore.record(trx, {
        actorUserId, action: 'xapi.person.erase', entityType: 'xapi_person', entityId: createHash('sha256').update(key).digest('hex'),
        organisationCode, after: { statements: about.length, documents },
      });
      return { statements: about.length, documents };
    });
  }

  /** Work out again what statements that point at others inherit (after their targets, or their targets' targets, were erased). */
  private async reinherit(trx: Transaction<Database>, org: string, statements: readonly StoredRef[]): Promise<void> {
    const pending = new Map(statements.map((s) => [s.id, s]));
    // Targets before the statements that point at them: repeat until nothing changes (chains are short).
    for (let round = 0; round <= statements.length; round += 1) {
      let changed = false;
      for (const s of pending.values()) {
        const target = s.objectStatementRef === null ? undefined : (await this.refsWhere(trx, org, 'id', [s.objectStatementRef]))[0];
        const inherited = target === undefined ? [] : mergeLinks(indexStatement(target.statement).links, target.inherited);
        const own = indexStatement(s.statement).links;
        const before = mergeLinks(own, s.inherited);
        const after = mergeLinks(own, inherited);
        const gone = linksMissing(before, after);
        const added = linksMissing(after, before);
        if (gone.length === 0 && added.length === 0) continue;
        changed = true;
        await deleteByKeys(trx, 'xapi_statement_links', LINK_COLUMNS, gone.map(([kind, value]) => [org, kind, linkValue(value), s.seq]));
        await bulkInsert(trx, { table: 'xapi_statement_links', columns: LINK_COLUMNS, rows: added.map(([kind, value]) => [org, kind, linkValue(value), s.seq]), onConflict: 'on conflict do nothing' });
        await trx.updateTable('xapi_statements').set({ inherited: inherited.length === 0 ? null : JSON.stringify(inherited) }).where('seq', '=', s.seq).execute();
        s.inherited = inherited;
      }
      if (!changed) break;
    }
  }

  /** Every statement about one person in one organisation, oldest first. */
  async statementsAbout(organisationCode: string, key: string): Promise<Json[]> {
    return (await this.statementsWith(this.db, organisationCode, key)).about.map((s) => s.statement);
  }

  /**
   * Where a person's records are: for each of their identifiers (agent keys), per
   * organisation, how many statements are about them (as erasure counts them),
   * how many progress rows and documents they have. Only where there is something.
   */
  async holdings(keys: readonly string[]): Promise<PersonHolding[]> {
    if (keys.length === 0) return [];
    const found = new Map<string, { organisationCode: string; key: string; statements: number; progress: number; documents: number }>();
    const at = (organisationCode: string, key: string) => {
      const k = `${organisationCode}\u0000${key}`;
      const entry = found.get(k) ?? { organisationCode, key, statements: 0, progress: 0, documents: 0 };
      found.set(k, entry);
      return entry;
    };
    const keyOfValue = new Map(keys.map((key) => [linkValue(key), key]));
    const linked = await this.db.selectFrom('xapi_statement_links').select(['organisation_code', 'value']).distinct()
      .where('kind', 'in', [LINK_KINDS.agent, LINK_KINDS.relatedAgent]).where('value', 'in', [...keyOfValue.keys()]).execute();
    for (const row of linked) {
      const key = keyOfValue.get(row.value);
      if (key !== undefined) at(row.organisation_code, key).statements = (await this.statementsWith(this.db, row.organisation_code, key)).about.length;
    }
    const progress = await this.db.selectFrom('xapi_progress').select(['organisation_code', 'actor_key', (eb) => eb.fn.countAll().as('n')])
      .where('actor_key', 'in', keys).groupBy(['organisation_code', 'actor_key']).execute();
    for (const row of progress) at(row.organisation_code, row.actor_key).progress = Number(row.n);
    for (const key of keys) for (const doc of await personDocuments(this.db, key)) at(doc.organisation_code, key).documents += 1;
    const order = new Map(keys.map((key, i) => [key, i]));
    return [...found.values()].filter((h) => h.statements + h.progress + h.documents > 0)
      .sort((a, b) => (a.organisationCode === b.organisationCode ? (order.get(a.key) ?? 0) - (order.get(b.key) ?? 0) : a.organisationCode < b.organisationCode ? -1 : 1));
  }

  /**
   * A subject access export: every statement about the person in one
   * organisation, their progress and their documents, read in one transaction
   * with an audit entry that says who exported how much (a hash of the
   * identifier, never the content).
   */
  async exportPerson(organisationCode: string, key: string, actorUserId: string | null): Promise<PersonExport> {
    return this.db.transaction().execute(async (trx) => {
      const statements = (await this.statementsWith(trx, organisationCode, key)).about.map((s) => s.statement);
      const progress = await progressRows(trx, organisationCode, key);
      const documents = (await personDocuments(trx, key, organisationCode)).map((row) => {
        const text = /^(application\/(.+\+)?json|text\/)/i.test(row.content_type);
        return {
          kind: row.kind, scope: row.scope, documentId: row.document_id, contentType: row.content_type, updated: toDate(row.updated).toISOString(),
          encoding: text ? 'utf-8' as const : 'base64' as const, content: text ? Buffer.from(row.content, 'base64').toString('utf8') : row.content,
        };
      });
      await AuditStore.record(trx, {
        actorUserId, action: 'xapi.person.export', entityType: 'xapi_person', entityId: createHash('sha256').update(key).digest('hex'),
        organisationCode, after: { statements: statements.length, progress: progress.length, documents: documents.length },
      });
      return { organisationCode, identifier: key, exportedAt: new Date().toISOString(), statements, progress, documents };
    });
  }
}

export interface PersonHolding {
  readonly organisationCode: string;
  /** The agent key: which of the person's identifiers these records are under. */
  readonly key: string;
  readonly statements: number;
  readonly progress: number;
  readonly documents: number;
}

export interface PersonExport {
  readonly organisationCode: string;
  readonly identifier: string;
  readonly exportedAt: string;
  readonly statements: readonly Json[];
  readonly progress: readonly Progress[];
  readonly documents: readonly { kind: string; scope: string; documentId: string; contentType: string; updated: string; encoding: 'utf-8' | 'base64'; content: string }[];
}

/** One person's progress rows in one organisation, by activity. */
async function progressRows(db: Db, organisationCode: string, key: string): Promise<Progress[]> {
  const rows = await db.selectFrom('xapi_progress').selectAll().where('organisation_code', '=', organisationCode).where('actor_key', '=', key).orderBy('activity_id').execute();
  return rows.map((row) => ({
    actorKey: row.actor_key, activityId: row.activity_id, attempted: toBool(row.attempted), completed: toBool(row.completed),
    passed: row.passed === null ? null : toBool(row.passed), bestScore: row.best_score, lastActivityAt: toDate(row.last_activity_at).toISOString(),
  }));
}

const DOCUMENT_KEY = [['organisation_code', 'text'], ['kind', 'text'], ['scope', 'text'], ['document_id', 'text']] as const;

/**
 * A person's documents (in one organisation, or all): their agent profiles, and
 * the state documents kept for them, whose scope is `activity|agent|registration`
 * (a registration has no `|`). LIKE finds the candidates (it ignores case on
 * SQLite), the exact test keeps only theirs.
 */
async function personDocuments(db: Db, key: string, organisationCode?: string) {
  let q = db.selectFrom('xapi_documents').select(['organisation_code', 'kind', 'scope', 'document_id', 'content_type', 'content', 'updated'])
    .where((eb) => eb.or([
      eb.and([eb('kind', '=', 'agent-profile'), eb('scope', '=', key)]),
      eb.and([eb('kind', '=', 'state'), sql<SqlBool>`scope like ${`%|${key.replace(/[\\%_]/g, (c) => `\\${c}`)}|%`} escape '\\'`]),
    ]));
  if (organisationCode !== undefined) q = q.where('organisation_code', '=', organisationCode);
  const rows = await q.orderBy('organisation_code').orderBy('kind').orderBy('scope').orderBy('document_id').execute();
  return rows.filter((row) => row.kind === 'agent-profile' || row.scope.slice(0, row.scope.lastIndexOf('|')).endsWith(`|${key}`));
}
