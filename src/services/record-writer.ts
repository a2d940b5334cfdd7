// Where learning records are written: a learner's page views and knowledge-check
// answers (the progress row and its xAPI statements together, in transactions
// shared with other learners', db/write-group.ts), and the statements eLearning
// packages send to /xapi (validated and stored, a batch all or nothing).
//
// On an in-memory SQLite database the writes run on the web thread. On a SQLite
// file they run on a worker thread with its own connection, so that SQLite's
// work runs on the second core while the web thread serves the next requests
// (and checks and prepares the statements). WAL lets the web thread read
// meanwhile; every SQLite transaction takes the write lock when it begins
// (database.ts), so the two connections wait for each other rather than fail.
// On PostgreSQL they run on a worker thread with a pool of its own, so that
// PostgreSQL's answers in the middle of a transaction are taken up at once
// rather than after the web thread's other work (docs/xapi.md). That pool's
// lost connections are reported on the web thread's handle (database.connections),
// and a write that failed because the database could not be reached fails
// here as GNM_DATABASE_UNAVAILABLE, as it would on the web thread.

import { Worker } from 'node:worker_threads';
import { sql, type Kysely } from 'kysely';
import { SQLITE_CACHE_KIB, type Checkpoints, type DatabaseHandle, type LostConnection } from '../db/database.js';
import { DomainError, type ErrorCode, type ErrorParams } from '../domain/errors.js';
import type { Database } from '../db/schema.js';
import { ProgressStore, type ModuleProgress } from '../db/stores/progress-store.js';
import { refusalOf, type AttachmentContent, type RecordOutcome } from '../db/stores/xapi-statement-store.js';
import { WriteGroup, type Batch } from '../db/write-group.js';
import type { Json, Learner, LearningEvent } from '../domain/xapi/index.js';
import { engineOf } from '../db/dialect.js';
import { prepareStatementsInSlices, recordLearningOfManyWithin, recordStatements, storeStatements, storeStatementsWithin, type PreparedStatements, type WriterOptions } from './xapi/record.js';

export interface PageView {
  readonly learner: Learner;
  readonly moduleId: string;
  readonly moduleVersion: string;
  readonly page: number;
}

/** Statements an xAPI client sent, as recordStatements (services/xapi/record.ts) takes them. */
export interface ClientStatements {
  readonly statements: unknown;
  readonly authority: Json;
  readonly writer: WriterOptions;
  readonly attachments: readonly AttachmentContent[];
}

export interface RecordWriter {
  /** The page becomes the learner's place and joins the pages seen; a page newly reached is "experienced". */
  viewPage(view: PageView): Promise<ModuleProgress>;
  /** Statements of the learner's learning (an answer, say), stored together. */
  record(learner: Learner, events: readonly LearningEvent[]): Promise<void>;
  /** A client's statements, validated and stored all or none. */
  recordStatements(sent: ClientStatements): Promise<RecordOutcome>;
  /**
   * A time up to which every statement this process stores is already readable:
   * now, or just before the oldest write still in flight (its statements will be
   * stored no earlier than it began). The X-Experience-API-Consistent-Through of
   * /xapi.
   */
  consistentThrough(): Date;
  /** Where the writes run now: a worker thread of their own, or this thread. */
  readonly runsOn: 'worker thread' | 'this thread';
  close(): Promise<void>;
}

/** One write, as the web thread asks it of the worker. */
export type WriteRequest =
  | { readonly op: 'view-page'; readonly view: PageView }
  | { readonly op: 'record'; readonly learner: Learner; readonly events: readonly LearningEvent[] }
  | { readonly op: 'statements'; readonly sent: ClientStatements }
  | { readonly op: 'prepared-statements'; readonly prepared: PreparedStatements; readonly attachments: readonly AttachmentContent[] };

/** Page views: those of a group read and write their progress rows together, and their statements go in one batch. */
const PAGE_VIEWS: Batch<PageView, ModuleProgress> = {
  many: (trx, views) => ProgressStore.viewPagesIn(trx, views.map((v) => ({ userId: v.learner.userId, moduleId: v.moduleId, moduleVersion: v.moduleVersion, page: v.page })),
    (inner, changed) => recordLearningOfManyWithin(inner, changed.flatMap((i) => {
      const view = views[i];
      return view === undefined ? [] : [{ learner: view.learner, event: { kind: 'page-viewed' as const, moduleId: view.moduleId, page: view.page } }];
    }))),
};

/** Other learning (answers): the statements of a group in one batch. */
const RECORDS: Batch<{ readonly learner: Learner; readonly events: readonly LearningEvent[] }, null> = {
  async many(trx, items) {
    await recordLearningOfManyWithin(trx, items.flatMap(({ learner, events }) => events.map((event) => ({ learner, event }))));
    return items.map(() => null);
  },
};

/**
 * Clients' batches of statements, on the writer thread, checked and prepared
 * before they queue: those that arrive together share a transaction, one after another.
 * A batch that cannot be stored (a conflicting id) throws, so the group is run
 * again batch by batch and only that batch is refused: each stays all or nothing.
 */
const CLIENT_BATCHES: Batch<{ readonly prepared: PreparedStatements; readonly attachments: readonly AttachmentContent[] }, RecordOutcome> = {
  async many(trx, items) {
    const answers: RecordOutcome[] = [];
    for (const { prepared, attachments } of items) answers.push(await storeStatementsWithin(trx, prepared, attachments));
    return answers;
  },
};

/**
 * The writes themselves, wherever they run. A client's statements as sent
 * ('statements': in-memory SQLite, on the web thread) are checked and stored in
 * a transaction of their own. Statements already checked and prepared on the
 * web thread ('prepared-statements': the writer thread) share group commits on
 * a SQLite file, where every write waits for one connection anyway, and keep a
 * transaction each on PostgreSQL, which writes many at once.
 */
export async function runWrite(db: Kysely<Database>, group: WriteGroup, request: WriteRequest): Promise<unknown> {
  switch (request.op) {
    case 'view-page': return group.runBatch(PAGE_VIEWS, request.view);
    case 'record': return group.runBatch(RECORDS, { learner: request.learner, events: request.events });
    case 'statements': {
      const { statements, authority, writer, attachments } = request.sent;
      return recordStatements(db, statements, authority, writer, { attachments });
    }
    case 'prepared-statements': {
      // PostgreSQL runs many transactions at once on its pool's connections: each batch in its own.
      if (engineOf(db) === 'postgres') return storeStatements(db, request.prepared, request.attachments);
      try {
        return await group.runBatch(CLIENT_BATCHES, { prepared: request.prepared, attachments: request.attachments });
      } catch (error) {
        const refused = refusalOf(error);
        if (refused === undefined) throw error;
        return refused;
      }
    }
  }
}

class InThisThread implements Omit<RecordWriter, 'consistentThrough'> {
  readonly runsOn = 'this thread';
  private readonly group: WriteGroup;

  constructor(private readonly database: DatabaseHandle) {
    this.group = new WriteGroup(database.db);
  }

  async viewPage(view: PageView): Promise<ModuleProgress> {
    return (await runWrite(this.database.db, this.group, { op: 'view-page', view })) as ModuleProgress;
  }

  async record(learner: Learner, events: readonly LearningEvent[]): Promise<void> {
    await runWrite(this.database.db, this.group, { op: 'record', learner, events });
  }

  async recordStatements(sent: ClientStatements): Promise<RecordOutcome> {
    return (await runWrite(this.database.db, this.group, { op: 'statements', sent })) as RecordOutcome;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** What the worker tells the web thread: the answer to a write, or a PostgreSQL connection its pool lost. */
export type WorkerMessage =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly message: string; readonly code?: ErrorCode; readonly params?: ErrorParams }
  | { readonly lost: LostConnection };

/** A failed write as the web thread throws it: a domain error keeps its code (GNM_DATABASE_UNAVAILABLE is a 503). */
function errorOf(reply: { readonly message: string; readonly code?: ErrorCode; readonly params?: ErrorParams }): Error {
  return reply.code === undefined ? new Error(reply.message) : new DomainError(reply.code, reply.params);
}

/**
 * The worker is started at the first write, not before (most processes, the
 * CLI and most tests, never write a learning record). Should it ever stop, the
 * writes waiting on it fail and later ones run on this thread.
 */
class OnAWorker implements Omit<RecordWriter, 'consistentThrough'> {
  private worker: Worker | null = null;
  private broken = false;
  private next = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly fallback: InThisThread;

  constructor(private readonly database: DatabaseHandle, private readonly connection: Pick<WriterWorkerData, 'url' | 'schema'>) {
    this.fallback = new InThisThread(database);
  }

  get runsOn(): 'worker thread' | 'this thread' {
    return this.broken ? 'this thread' : 'worker thread';
  }

  async viewPage(view: PageView): Promise<ModuleProgress> {
    if (this.broken) return this.fallback.viewPage(view);
    return (await this.send({ op: 'view-page', view })) as ModuleProgress;
  }

  async record(learner: Learner, events: readonly LearningEvent[]): Promise<void> {
    if (this.broken) return this.fallback.record(learner, events);
    await this.send({ op: 'record', learner, events });
  }

  // Not async: nothing here holds the batch once it is posted to the worker (an
  // async function's frame would keep it until the answer), so it dies young.
  recordStatements(sent: ClientStatements): Promise<RecordOutcome> {
    if (this.broken) return this.fallback.recordStatements(sent);
    // Checked and prepared here, where there is time to spare (JSON, index
    // entries, progress), so that the writer thread only stores: it is the one
    // every SQLite write waits for. The batch crosses as strings and arrays.
    // A large batch is prepared a slice at a time, letting other requests run.
    return prepareStatementsInSlices(sent.statements, sent.authority, sent.writer).then((prepared) => {
      if ('answer' in prepared) return prepared.answer;
      return this.send({ op: 'prepared-statements', prepared, attachments: sent.attachments }) as Promise<RecordOutcome>;
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker === null) return;
    const exited = new Promise<void>((resolve) => { worker.once('exit', () => { resolve(); }); });
    worker.postMessage({ op: 'close' });
    await exited;
  }

  private send(request: WriteRequest): Promise<unknown> {
    const worker = this.worker ?? this.start();
    const id = this.next;
    this.next += 1;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, request });
    });
  }

  private start(): Worker {
    // The worker's connection leaves checkpoints to the checkpointer, if this connection has one.
    const checkpoints = this.database.checkpoints === 'auto' || this.database.checkpoints === undefined ? 'auto' : 'elsewhere';
    const worker = startWriterWorker({ ...this.connection, checkpoints, cacheKib: WRITER_CACHE_KIB });
    worker.on('message', (reply: WorkerMessage) => {
      if ('lost' in reply) {
        this.database.connections.lost(reply.lost);
        return;
      }
      const waiting = this.pending.get(reply.id);
      if (waiting === undefined) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.value);
      else waiting.reject(errorOf(reply));
    });
    const stopped = (error: Error) => {
      if (this.worker !== worker) return;
      this.broken = true;
      this.worker = null;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', stopped);
    worker.on('exit', (code) => { stopped(new Error(`the record writer stopped (exit code ${String(code)})`)); });
    this.worker = worker;
    return worker;
  }
}

/** What the worker is told at its start. */
export interface WriterWorkerData {
  readonly url: string;
  /** PostgreSQL: the schema, when not the default. */
  readonly schema?: string;
  readonly checkpoints: Checkpoints;
  readonly cacheKib: number;
}

/** The worker's entry: compiled .js beside this file, or the .ts source through tsx (as monte-carlo-runner.ts does). */
function startWriterWorker(workerData: WriterWorkerData): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./record-writer-worker.js', import.meta.url), { workerData });
  const entry = new URL('./record-writer-worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/**
 * On a SQLite file, the writer's connection and the web thread's page caches
 * together come to half what one connection alone has (SQLITE_CACHE_KIB), most
 * of it the writer's: its batches write to indexes of millions of entries,
 * while the web thread's reads are short. At 5 million statements this kept
 * ingest where 64 MiB each had it and the server about 70 MiB smaller
 * (bench/xapi.ts, docs/xapi.md), inside the 500 MB.
 */
export async function recordWriterFor(database: DatabaseHandle): Promise<RecordWriter> {
  if (database.reopen !== undefined) return new Tracked(new OnAWorker(database, database.reopen()));
  if (database.sqliteFile === undefined) return new Tracked(new InThisThread(database));
  await sql`pragma cache_size = ${sql.raw(String(-WEB_CACHE_KIB))}`.execute(database.db);
  return new Tracked(new OnAWorker(database, { url: `sqlite:${database.sqliteFile}` }));
}

/** When each write still in flight began, oldest first (a Map keeps the order entries were added). */
export class InFlight {
  private readonly started = new Map<number, number>();
  private next = 0;

  begin(at: number = Date.now()): number {
    this.next += 1;
    this.started.set(this.next, at);
    return this.next;
  }

  end(id: number): void {
    this.started.delete(id);
  }

  /** Now, or a millisecond before the oldest write in flight began. */
  through(now: number = Date.now()): Date {
    const oldest = this.started.values().next();
    return new Date(oldest.done === true ? now : Math.min(now, oldest.value - 1));
  }
}

/** A record writer that knows which of its writes are in flight. */
class Tracked implements RecordWriter {
  private readonly inFlight = new InFlight();

  constructor(private readonly inner: Omit<RecordWriter, 'consistentThrough'>) {}

  /** Not async, and `write` is not kept once called: what the write was given is not held while it runs. */
  private track<T>(write: () => Promise<T>): Promise<T> {
    const id = this.inFlight.begin();
    let running: Promise<T>;
    try {
      running = write();
    } catch (error) {
      this.inFlight.end(id);
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return running.finally(() => { this.inFlight.end(id); });
  }

  viewPage(view: PageView): Promise<ModuleProgress> { return this.track(() => this.inner.viewPage(view)); }
  record(learner: Learner, events: readonly LearningEvent[]): Promise<void> { return this.track(() => this.inner.record(learner, events)); }
  recordStatements(sent: ClientStatements): Promise<RecordOutcome> { return this.track(() => this.inner.recordStatements(sent)); }
  consistentThrough(): Date { return this.inFlight.through(); }
  get runsOn(): 'worker thread' | 'this thread' { return this.inner.runsOn; }
  close(): Promise<void> { return this.inner.close(); }
}

export const WRITER_CACHE_KIB = (SQLITE_CACHE_KIB * 3) / 8;
export const WEB_CACHE_KIB = SQLITE_CACHE_KIB / 8;
