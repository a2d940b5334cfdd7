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
    const now = new Date();
    const row = await trx.selectFrom('module_progress').selectAll().where('user_id', '=', userId).where('module_id', '=', moduleId).executeTakeFirst();
    const seen = new Set(row === undefined ? [] : parsePages(row.pages_seen));
    // Reading the same page again changes nothing: no write.
    if (row !== undefined && row.last_page === page && seen.has(page) && row.module_version === moduleVersion) {
      return { moduleId, moduleVersion, lastPage: page, pagesSeen: [...seen].sort((a, b) => a - b), startedAt: toDate(row.started_at), updatedAt: toDate(row.updated_at) };
    }
    seen.add(page);
    const pagesSeen = [...seen].sort((a, b) => a - b);
    await trx.insertInto('module_progress').values({
      user_id: userId, module_id: moduleId, module_version: moduleVersion, last_page: page,
      pages_seen: JSON.stringify(pagesSeen), started_at: now, updated_at: now,
    }).onConflict((oc) => oc.columns(['user_id', 'module_id']).doUpdateSet({
      last_page: page, pages_seen: JSON.stringify(pagesSeen), module_version: moduleVersion, updated_at: now,
    })).execute();
    if (alongside !== undefined) await alongside(trx);
    return { moduleId, moduleVersion, lastPage: page, pagesSeen, startedAt: row === undefined ? now : toDate(row.started_at), updatedAt: now };
  }
}
