// Problems learners report with module pages, and the education leads' queue
// of them. A report is kept as the learner wrote it; dealing with one records
// who and when. Both are audited in the same transaction. A report is not
// deleted from here: it is learners' words about content, kept as a record.

import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { ContentProblemReportsTable } from '../schema-learning.js';
import { toDate, toDateOrNull } from '../dialect.js';
import { AuditStore } from './audit-store.js';
import { DomainError } from '../../domain/errors.js';

export interface ProblemReportInput {
  readonly moduleId: string;
  readonly moduleSlug: string;
  readonly moduleVersion: string;
  /** 1-based page, or null for the module's overview. */
  readonly page: number | null;
  readonly language: 'en' | 'cy';
  readonly message: string;
}

export interface ProblemReport extends ProblemReportInput {
  readonly id: string;
  readonly reportedBy: string | null;
  readonly reportedAt: Date;
  readonly dealtWithBy: string | null;
  readonly dealtWithAt: Date | null;
}

function toReport(row: Selectable<ContentProblemReportsTable>): ProblemReport {
  return {
    id: row.id, moduleId: row.module_id, moduleSlug: row.module_slug, moduleVersion: row.module_version, page: row.page,
    language: row.language === 'cy' ? 'cy' : 'en', message: row.message, reportedBy: row.reported_by, reportedAt: toDate(row.reported_at),
    dealtWithBy: row.dealt_with_by, dealtWithAt: toDateOrNull(row.dealt_with_at),
  };
}

export class ProblemReportStore {
  private constructor(private readonly db: Kysely<Database>) {}

  static create(db: Kysely<Database>): ProblemReportStore {
    return new ProblemReportStore(db);
  }

  async add(input: ProblemReportInput, reporterUserId: string | null): Promise<ProblemReport> {
    const report: ProblemReport = { ...input, id: randomUUID(), reportedBy: reporterUserId, reportedAt: new Date(), dealtWithBy: null, dealtWithAt: null };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('content_problem_reports').values({
        id: report.id, module_id: input.moduleId, module_slug: input.moduleSlug, module_version: input.moduleVersion, page: input.page,
        language: input.language, message: input.message, reported_by: reporterUserId, reported_at: report.reportedAt, dealt_with_by: null, dealt_with_at: null,
      }).execute();
      // The message itself stays in its own table: the audit log says a report was made, and where.
      await AuditStore.record(trx, {
        actorUserId: reporterUserId, action: 'content-problem.reported', entityType: 'content_problem_report', entityId: report.id,
        after: { moduleId: input.moduleId, moduleVersion: input.moduleVersion, page: input.page, language: input.language },
      });
    });
    return report;
  }

  async find(id: string): Promise<ProblemReport | undefined> {
    const row = await this.db.selectFrom('content_problem_reports').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toReport(row);
  }

  /** Open reports (oldest first), or those dealt with (most recent first), at most `limit`, with the reporter's name. */
  async list(which: 'open' | 'dealt-with', limit = 200): Promise<(ProblemReport & { reporterName: string | null })[]> {
    const query = this.db.selectFrom('content_problem_reports')
      .leftJoin('users', 'users.id', 'content_problem_reports.reported_by')
      .selectAll('content_problem_reports').select('users.display_name as reporter_name');
    const rows = which === 'open'
      ? await query.where('content_problem_reports.dealt_with_at', 'is', null).orderBy('content_problem_reports.reported_at', 'asc').orderBy('content_problem_reports.id').limit(limit).execute()
      : await query.where('content_problem_reports.dealt_with_at', 'is not', null).orderBy('content_problem_reports.dealt_with_at', 'desc').orderBy('content_problem_reports.id').limit(limit).execute();
    return rows.map((row) => ({ ...toReport(row), reporterName: row.reporter_name }));
  }

  async countOpen(): Promise<number> {
    const row = await this.db.selectFrom('content_problem_reports').select((eb) => eb.fn.countAll<number | string>().as('n')).where('dealt_with_at', 'is', null).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Mark a report dealt with. One already dealt with is refused, so two leads do not both act on it unseen. */
  async markDealtWith(id: string, actorUserId: string | null): Promise<ProblemReport> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('content_problem_reports').selectAll().where('id', '=', id).executeTakeFirst();
      if (row === undefined) throw new DomainError('GNM_NOT_FOUND');
      const at = new Date();
      const result = await trx.updateTable('content_problem_reports').set({ dealt_with_by: actorUserId, dealt_with_at: at })
        .where('id', '=', id).where('dealt_with_at', 'is', null).executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw new DomainError('GNM_CONFLICT', { what: 'problem report' });
      await AuditStore.record(trx, {
        actorUserId, action: 'content-problem.dealt-with', entityType: 'content_problem_report', entityId: id,
        before: { dealtWith: false }, after: { dealtWith: true, moduleId: row.module_id, moduleVersion: row.module_version, page: row.page },
      });
      return { ...toReport(row), dealtWithBy: actorUserId, dealtWithAt: at };
    });
  }
}
