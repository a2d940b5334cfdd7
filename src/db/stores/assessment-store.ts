// Assessment attempts and module completions. A submitted attempt is never
// changed; submitting the same attempt twice (two tabs, a double click) is
// refused, so a score cannot be overwritten. A learner has one completion per
// module version, whichever language they took it in.

import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../schema.js';
import type { AssessmentAttemptsTable, ModuleCompletionsTable } from '../schema-learning.js';
import { toBool, toDate, toDateOrNull } from '../dialect.js';
import { DomainError } from '../../domain/errors.js';
import type { AttemptResult, DrawnQuestion } from '../../domain/learning/index.js';
import type { Language } from '../../domain/i18n.js';

export interface Attempt {
  readonly id: string;
  readonly moduleId: string;
  readonly moduleVersion: string;
  readonly seed: number;
  readonly drawn: readonly DrawnQuestion[];
  readonly answers: Readonly<Record<string, readonly string[]>> | null;
  readonly score: number | null;
  readonly passed: boolean | null;
  readonly language: Language;
  readonly startedAt: Date;
  readonly submittedAt: Date | null;
}

export interface Completion {
  readonly moduleId: string;
  readonly moduleVersion: string;
  readonly attemptId: string;
  readonly score: number;
  readonly cpdHours: number;
  readonly language: Language;
  readonly completedAt: Date;
  /** The latest pass of this version: completedAt, or a later pass that renewed it (refresher periods count from it). */
  readonly latestAt: Date;
}

function toAttempt(row: Selectable<AssessmentAttemptsTable>): Attempt {
  return {
    id: row.id, moduleId: row.module_id, moduleVersion: row.module_version, seed: row.seed,
    drawn: JSON.parse(row.drawn) as DrawnQuestion[],
    answers: row.answers === null ? null : JSON.parse(row.answers) as Record<string, string[]>,
    score: row.score, passed: row.passed === null ? null : toBool(row.passed),
    language: row.language === 'cy' ? 'cy' : 'en', startedAt: toDate(row.started_at), submittedAt: toDateOrNull(row.submitted_at),
  };
}

function toCompletion(row: Selectable<ModuleCompletionsTable>): Completion {
  return {
    moduleId: row.module_id, moduleVersion: row.module_version, attemptId: row.attempt_id, score: row.score,
    cpdHours: row.cpd_hours, language: row.language === 'cy' ? 'cy' : 'en', completedAt: toDate(row.completed_at),
    latestAt: row.renewed_at === null || row.renewed_at === undefined ? toDate(row.completed_at) : toDate(row.renewed_at),
  };
}

export class AssessmentStore {
  private constructor(private readonly db: Kysely<Database>) {}

  static create(db: Kysely<Database>): AssessmentStore {
    return new AssessmentStore(db);
  }

  /** Open an attempt; `alongside` writes in the same transaction (the learning record's statement). */
  async start(userId: string, moduleId: string, moduleVersion: string, seed: number, drawn: readonly DrawnQuestion[], language: Language, alongside?: (trx: Transaction<Database>, attemptId: string) => Promise<unknown>): Promise<Attempt> {
    const id = randomUUID();
    const startedAt = new Date();
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('assessment_attempts').values({
        id, user_id: userId, module_id: moduleId, module_version: moduleVersion, seed, drawn: JSON.stringify(drawn),
        answers: null, score: null, passed: null, language, started_at: startedAt, submitted_at: null,
      }).execute();
      if (alongside !== undefined) await alongside(trx, id);
    });
    return { id, moduleId, moduleVersion, seed, drawn, answers: null, score: null, passed: null, language, startedAt, submittedAt: null };
  }

  async find(userId: string, attemptId: string): Promise<Attempt | undefined> {
    const row = await this.db.selectFrom('assessment_attempts').selectAll().where('id', '=', attemptId).where('user_id', '=', userId).executeTakeFirst();
    return row === undefined ? undefined : toAttempt(row);
  }

  async latest(userId: string, moduleId: string): Promise<Attempt | undefined> {
    const row = await this.db.selectFrom('assessment_attempts').selectAll().where('user_id', '=', userId).where('module_id', '=', moduleId)
      .orderBy('started_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
    return row === undefined ? undefined : toAttempt(row);
  }

  /** Every attempt at one version of a module, oldest first: what a retake's draw is weighed against. */
  async attemptsAt(userId: string, moduleId: string, moduleVersion: string): Promise<Attempt[]> {
    const rows = await this.db.selectFrom('assessment_attempts').selectAll().where('user_id', '=', userId).where('module_id', '=', moduleId)
      .where('module_version', '=', moduleVersion).orderBy('started_at', 'asc').orderBy('id', 'asc').execute();
    return rows.map(toAttempt);
  }

  /**
   * Store the answers and result; on a pass, record the completion (once per
   * version; a later pass of the same version sets its `renewed_at`). `alongside` writes in the same transaction and is told whether
   * this attempt made a new completion.
   */
  async submit(userId: string, attemptId: string, answers: Readonly<Record<string, readonly string[]>>, result: AttemptResult, cpdHours: number, language: Language, alongside?: (trx: Transaction<Database>, newCompletion: boolean) => Promise<unknown>): Promise<{ completion: Completion | null }> {
    return this.db.transaction().execute(async (trx) => {
      const now = new Date();
      const updated = await trx.updateTable('assessment_attempts')
        .set({ answers: JSON.stringify(answers), score: result.score, passed: result.passed, submitted_at: now })
        .where('id', '=', attemptId).where('user_id', '=', userId).where('submitted_at', 'is', null)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) throw new DomainError('GNM_CONFLICT', { what: 'assessment attempt' });
      if (!result.passed) {
        if (alongside !== undefined) await alongside(trx, false);
        return { completion: null };
      }
      const attempt = await trx.selectFrom('assessment_attempts').select(['module_id', 'module_version']).where('id', '=', attemptId).executeTakeFirstOrThrow();
      await trx.insertInto('module_completions').values({
        user_id: userId, module_id: attempt.module_id, module_version: attempt.module_version, attempt_id: attemptId,
        score: result.score, cpd_hours: cpdHours, language, completed_at: now,
      // Passing the same version again keeps the first completion and renews it (refresher periods count from the latest pass).
      }).onConflict((oc) => oc.columns(['user_id', 'module_id', 'module_version']).doUpdateSet({ renewed_at: now })).execute();
      const row = await trx.selectFrom('module_completions').selectAll().where('user_id', '=', userId)
        .where('module_id', '=', attempt.module_id).where('module_version', '=', attempt.module_version).executeTakeFirstOrThrow();
      if (alongside !== undefined) await alongside(trx, row.attempt_id === attemptId);
      return { completion: toCompletion(row) };
    });
  }

  async completionsFor(userId: string): Promise<Completion[]> {
    const rows = await this.db.selectFrom('module_completions').selectAll().where('user_id', '=', userId).orderBy('completed_at', 'desc').execute();
    return rows.map(toCompletion);
  }
}
