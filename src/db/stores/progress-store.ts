// Where each learner is in each module. Written on every page view; one row per
// learner per module, whichever language they read it in.

import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../schema.js';
import type { ModuleProgressTable } from '../schema-learning.js';
import { toDate } from '../dialect.js';

export interface ModuleProgress {
  readonly moduleId: string;
  readonly moduleVersion: string;
  readonly lastPage: number;
  readonly pagesSeen: readonly number[];
  readonly startedAt: Date;
  readonly updatedAt: Date;
}

function toProgress(row: Selectable<ModuleProgressTable>): ModuleProgress {
  return {
    moduleId: row.module_id, moduleVersion: row.module_version, lastPage: row.last_page,
    pagesSeen: parsePages(row.pages_seen), startedAt: toDate(row.started_at), updatedAt: toDate(row.updated_at),
  };
}

/** A page a learner has reached in a module. */
export interface PageVisit {
  readonly userId: string;
  readonly moduleId: string;
  readonly moduleVersion: string;
  readonly page: number;
}

/** A learner's place in a module while a batch of views is folded; `written` once a view has changed it. */
interface Place extends Omit<ModuleProgress, 'pagesSeen'> {
  readonly userId: string;
  readonly pagesSeen: number[];
  readonly written: boolean;
}

function answerOf(place: Place): ModuleProgress {
  return { moduleId: place.moduleId, moduleVersion: place.moduleVersion, lastPage: place.lastPage, pagesSeen: [...place.pagesSeen], startedAt: place.startedAt, updatedAt: place.updatedAt };
}

function parsePages(json: string): number[] {
  const value = JSON.parse(json) as unknown;
  return Array.isArray(value) ? value.filter((n): n is number => typeof n === 'number') : [];
}

export class ProgressStore {
  private constructor(private readonly db: Kysely<Database>) {}

  static create(db: Kysely<Database>): ProgressStore {
    return new ProgressStore(db);
  }

  async get(userId: string, moduleId: string): Promise<ModuleProgress | undefined> {
    const row = await this.db.selectFrom('module_progress').selectAll().where('user_id', '=', userId).where('module_id', '=', moduleId).executeTakeFirst();
    return row === undefined ? undefined : toProgress(row);
  }

  async listFor(userId: string): Promise<ModuleProgress[]> {
    const rows = await this.db.selectFrom('module_progress').selectAll().where('user_id', '=', userId).orderBy('updated_at', 'desc').execute();
    return rows.map(toProgress);
  }

  /**
   * Record that a page was viewed: it becomes the resume point and joins the
   * pages seen. `alongside` runs in the same transaction when the view changed
   * anything (not when the same page is read again).
   */
  async viewPage(userId: string, moduleId: string, moduleVersion: string, page: number, alongside?: (trx: Transaction<Database>) => Promise<unknown>): Promise<ModuleProgress> {
    return this.db.transaction().execute((trx) => ProgressStore.viewPageIn(trx, userId, moduleId, moduleVersion, page, alongside));
  }

  /** viewPage within the caller's transaction (a group commit's, say). */
  static async viewPageIn(trx: Transaction<Database>, userId: string, moduleId: string, moduleVersion: string, page: number, alongside?: (trx: Transaction<Database>) => Promise<unknown>): Promise<ModuleProgress> {
    const [progress] = await ProgressStore.viewPagesIn(trx, [{ userId, moduleId, moduleVersion, page }], alongside);
    if (progress === undefined) throw new Error('viewPagesIn answered no view');
    return progress;
  }

  /**
   * Many page views at once, in the order given (a group commit's): one read of
   * the learners' rows and one write of those that changed. Each view is
   * answered with its learner's progress just after it. `alongside` runs in
   * the same transaction with the views that changed anything, by position.
   */
  static async viewPagesIn(trx: Transaction<Database>, views: readonly PageVisit[], alongside?: (trx: Transaction<Database>, changed: readonly number[]) => Promise<unknown>): Promise<ModuleProgress[]> {
    if (views.length === 0) return [];
    const now = new Date();
    const keyOf = (userId: string, moduleId: string): string => `${userId}\u0000${moduleId}`;
    const rows = await trx.selectFrom('module_progress').selectAll()
      .where('user_id', 'in', [...new Set(views.map((v) => v.userId))])
      .where('module_id', 'in', [...new Set(views.map((v) => v.moduleId))]).execute();
    const places = new Map<string, Place>(rows.map((row) => [keyOf(row.user_id, row.module_id), {
      userId: row.user_id, moduleId: row.module_id, moduleVersion: row.module_version, lastPage: row.last_page,
      pagesSeen: parsePages(row.pages_seen).sort((a, b) => a - b), startedAt: toDate(row.started_at), updatedAt: toDate(row.updated_at), written: false,
    }]));
    const changed: number[] = [];
    const answers = views.map((view, i): ModuleProgress => {
      const key = keyOf(view.userId, view.moduleId);
      const before = places.get(key);
      // Reading the same page again changes nothing: no write.
      if (before !== undefined && before.lastPage === view.page && before.pagesSeen.includes(view.page) && before.moduleVersion === view.moduleVersion) return answerOf(before);
      const seen = before?.pagesSeen ?? [];
      const pagesSeen = seen.includes(view.page) ? seen : [...seen, view.page].sort((a, b) => a - b);
      const after: Place = { ...view, lastPage: view.page, pagesSeen, startedAt: before?.startedAt ?? now, updatedAt: now, written: true };
      places.set(key, after);
      changed.push(i);
      return answerOf(after);
    });
    const written = [...places.values()].filter((place) => place.written);
    if (written.length > 0) {
      await trx.insertInto('module_progress').values(written.map((place) => ({
        user_id: place.userId, module_id: place.moduleId, module_version: place.moduleVersion, last_page: place.lastPage,
        pages_seen: JSON.stringify(place.pagesSeen), started_at: place.startedAt, updated_at: place.updatedAt,
      }))).onConflict((oc) => oc.columns(['user_id', 'module_id']).doUpdateSet((eb) => ({
        last_page: eb.ref('excluded.last_page'), pages_seen: eb.ref('excluded.pages_seen'),
        module_version: eb.ref('excluded.module_version'), updated_at: eb.ref('excluded.updated_at'),
      }))).execute();
    }
    if (alongside !== undefined && changed.length > 0) await alongside(trx, changed);
    return answers;
  }
}
