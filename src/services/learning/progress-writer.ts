// Where a learner's page views and knowledge-check answers are written: the
// progress row and its xAPI statement together, in transactions shared with
// other learners' (db/write-group.ts).
//
// On PostgreSQL, and on an in-memory SQLite database, the writes run on the
// web thread: PostgreSQL does its work in its own processes anyway. On a SQLite
// file they run on a worker thread with its own connection, so that SQLite's
// work (most of the cost of a page view) runs on the second core while the web
// thread serves the next pages. WAL lets the web thread read meanwhile; every
// SQLite transaction takes the write lock when it begins (database.ts), so the
// two connections wait for each other rather than fail.

import { Worker } from 'node:worker_threads';
import type { DatabaseHandle } from '../../db/database.js';
import { ProgressStore, type ModuleProgress } from '../../db/stores/progress-store.js';
import { WriteGroup, type Batch } from '../../db/write-group.js';
import type { Learner, LearningEvent } from '../../domain/xapi/index.js';
import { recordLearningOfManyWithin } from '../xapi/record.js';

export interface PageView {
  readonly learner: Learner;
  readonly moduleId: string;
  readonly moduleVersion: string;
  readonly page: number;
}

export interface ProgressWriter {
  /** The page becomes the learner's place and joins the pages seen; a page newly reached is "experienced". */
  viewPage(view: PageView): Promise<ModuleProgress>;
  /** Statements of the learner's learning (an answer, say), stored together. */
  record(learner: Learner, events: readonly LearningEvent[]): Promise<void>;
  close(): Promise<void>;
}

/** One write, as the web thread asks it of the worker. */
export type WriteRequest =
  | { readonly op: 'view-page'; readonly view: PageView }
  | { readonly op: 'record'; readonly learner: Learner; readonly events: readonly LearningEvent[] };

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

/** The writes themselves, wherever they run. */
export function runWrite(group: WriteGroup, request: WriteRequest): Promise<ModuleProgress | null> {
  if (request.op === 'view-page') return group.runBatch(PAGE_VIEWS, request.view);
  return group.runBatch(RECORDS, { learner: request.learner, events: request.events });
}

class InThisThread implements ProgressWriter {
  private readonly group: WriteGroup;

  constructor(database: DatabaseHandle) {
    this.group = new WriteGroup(database.db);
  }

  async viewPage(view: PageView): Promise<ModuleProgress> {
    return (await runWrite(this.group, { op: 'view-page', view })) as ModuleProgress;
  }

  async record(learner: Learner, events: readonly LearningEvent[]): Promise<void> {
    await runWrite(this.group, { op: 'record', learner, events });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

type Reply = { readonly id: number; readonly ok: true; readonly value: ModuleProgress | null } | { readonly id: number; readonly ok: false; readonly message: string };

/**
 * The worker is started at the first write, not before (most processes, the
 * CLI and most tests, never write a page view). Should it ever stop, the
 * writes waiting on it fail and later ones run on this thread.
 */
class OnAWorker implements ProgressWriter {
  private worker: Worker | null = null;
  private broken = false;
  private next = 1;
  private readonly pending = new Map<number, { resolve: (value: ModuleProgress | null) => void; reject: (error: Error) => void }>();
  private readonly fallback: InThisThread;

  constructor(private readonly url: string, database: DatabaseHandle) {
    this.fallback = new InThisThread(database);
  }

  async viewPage(view: PageView): Promise<ModuleProgress> {
    if (this.broken) return this.fallback.viewPage(view);
    return (await this.send({ op: 'view-page', view })) as ModuleProgress;
  }

  async record(learner: Learner, events: readonly LearningEvent[]): Promise<void> {
    if (this.broken) return this.fallback.record(learner, events);
    await this.send({ op: 'record', learner, events });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker === null) return;
    const exited = new Promise<void>((resolve) => { worker.once('exit', () => { resolve(); }); });
    worker.postMessage({ op: 'close' });
    await exited;
  }

  private send(request: WriteRequest): Promise<ModuleProgress | null> {
    const worker = this.worker ?? this.start();
    const id = this.next;
    this.next += 1;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, request });
    });
  }

  private start(): Worker {
    const worker = startWriterWorker(this.url);
    worker.on('message', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      if (waiting === undefined) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.value);
      else waiting.reject(new Error(reply.message));
    });
    const stopped = (error: Error) => {
      if (this.worker !== worker) return;
      this.broken = true;
      this.worker = null;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', stopped);
    worker.on('exit', (code) => { stopped(new Error(`the progress writer stopped (exit code ${String(code)})`)); });
    this.worker = worker;
    return worker;
  }
}

/** The worker's entry: compiled .js beside this file, or the .ts source through tsx (as monte-carlo-runner.ts does). */
function startWriterWorker(url: string): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./progress-writer-worker.js', import.meta.url), { workerData: { url } });
  const entry = new URL('./progress-writer-worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: { url } });
}

export function progressWriterFor(database: DatabaseHandle): ProgressWriter {
  const onFile = database.engine === 'sqlite' && !database.description.endsWith(':memory:');
  return onFile ? new OnAWorker(database.description, database) : new InThisThread(database);
}
