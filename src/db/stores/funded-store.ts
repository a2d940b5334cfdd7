// Funded university modules, their intakes, applications and reviewers'
// scores (migration 0026). Every change is audited in the same transaction.
//
// Accepting an offer takes the intake's lock first: on PostgreSQL
// `SELECT … FOR UPDATE` of the intake row; on SQLite every transaction begins
// IMMEDIATE (database.ts), so writers already take turns. Under the lock the
// store counts the places accepted and accepts only while one is left, so
// however many people press "accept" at once, the last place is taken once.

import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database } from '../schema.js';
import type { FundedApplicationsTable, FundedIntakesTable, FundedModulesTable } from '../schema-funded.js';
import { engineOf, toBool, toDate, toDateOrNull } from '../dialect.js';
import { AuditStore } from './audit-store.js';
import { DomainError } from '../../domain/errors.js';
import {
  summariseScores, WITHDRAWABLE,
  type ApplicationStatus, type Criterion, type Eligibility, type Outcome, type ScoreSummary,
} from '../../domain/funded/application.js';
import type { AllocationResult, AllocationRule } from '../../domain/funded/allocation.js';

export interface Bilingual { readonly en: string; readonly cy: string }
export type StudyMode = 'distance' | 'blended';
export type IntakeStatus = 'draft' | 'open' | 'allocated';

export interface ModuleInput {
  readonly provider: string;
  readonly code: string;
  readonly title: Bilingual;
  readonly credits: number;
  readonly fheqLevel: number;
  readonly mode: StudyMode;
  readonly entryRequirements: Bilingual;
  readonly outcomes: Bilingual;
  readonly literacyLevel: string;
  readonly competencies: readonly string[];
  readonly providerUrl: string;
  readonly illustrative: boolean;
}

export interface FundedModule extends ModuleInput { readonly id: string }

export interface IntakeRules {
  readonly rule: AllocationRule;
  readonly apportionment: 'sainte-lague' | 'largest-remainder';
  readonly capPerOrganisation: number | null;
  readonly capPerStaffGroup: number | null;
  readonly professionMix: { readonly profession: string; readonly maxShare: number } | null;
  /** What one funded place costs the programme, in pounds (for the funding commitment); null: not recorded. */
  readonly feePerPlace?: number | null;
}

export interface IntakeInput {
  readonly moduleId: string;
  readonly startsOn: string;
  readonly opensAt: Date;
  readonly closesAt: Date;
  readonly places: number;
  readonly reserved: Readonly<Record<string, number>>;
  readonly criteria: readonly Criterion[];
  readonly rules: IntakeRules;
  readonly eligibility: Eligibility;
  readonly seed: string;
  readonly reviewersPerApplication: number;
  readonly disagreementThreshold: number;
  readonly offerDays: number;
  readonly wordLimit: number;
  readonly illustrative: boolean;
}

export interface Intake extends IntakeInput {
  readonly id: string;
  readonly status: IntakeStatus;
  readonly allocation: AllocationResult | null;
  readonly allocatedAt: Date | null;
}

export interface ApplicationFields {
  readonly statement: string;
  readonly serviceBenefit: string;
  readonly priorLearning: string;
}

/** What the directory said about the applicant when they wrote the application. */
export interface ApplicantSnapshot {
  readonly staffId: string | null;
  readonly organisationCode: string;
  readonly staffGroupCode: string;
  readonly bandCode: string;
  readonly jobRole: string;
  readonly wte: number;
}

export interface Application extends ApplicationFields, ApplicantSnapshot {
  readonly id: string;
  readonly intakeId: string;
  readonly userId: string;
  readonly status: ApplicationStatus;
  readonly managerUserId: string | null;
  readonly studyTimeAgreed: string | null;
  readonly managerReason: string | null;
  readonly submittedAt: Date | null;
  readonly moderatedScore: number | null;
  readonly finalScore: number | null;
  readonly rank: number | null;
  readonly reserveRank: number | null;
  readonly reasons: readonly { code: string; params: Record<string, string | number> }[];
  readonly offeredAt: Date | null;
  readonly offerDeadline: Date | null;
  readonly respondedAt: Date | null;
  readonly outcome: Outcome | null;
  readonly outcomeCredits: number | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type RespondOutcome = 'accepted' | 'declined' | 'full' | 'expired' | 'not-offered';

function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null || text === '') return fallback;
  return JSON.parse(text) as T;
}

function toModule(row: Selectable<FundedModulesTable>): FundedModule {
  return {
    id: row.id, provider: row.provider, code: row.code, title: { en: row.title_en, cy: row.title_cy }, credits: row.credits, fheqLevel: row.fheq_level,
    mode: row.mode as StudyMode, entryRequirements: { en: row.entry_requirements_en, cy: row.entry_requirements_cy },
    outcomes: { en: row.outcomes_en, cy: row.outcomes_cy }, literacyLevel: row.literacy_level,
    competencies: row.competencies === '' ? [] : row.competencies.split(','), providerUrl: row.provider_url, illustrative: toBool(row.illustrative),
  };
}

function toIntake(row: Selectable<FundedIntakesTable>): Intake {
  return {
    id: row.id, moduleId: row.module_id, startsOn: row.starts_on, opensAt: toDate(row.opens_at), closesAt: toDate(row.closes_at), places: row.places,
    reserved: parseJson(row.reserved, {}), criteria: parseJson(row.criteria, []), rules: parseJson<IntakeRules>(row.rules, { rule: 'score-only', apportionment: 'sainte-lague', capPerOrganisation: null, capPerStaffGroup: null, professionMix: null }),
    eligibility: parseJson<Eligibility>(row.eligibility, { staffGroups: [], bands: [], minWte: null, priorModules: [] }), seed: row.seed,
    reviewersPerApplication: row.reviewers_per_application, disagreementThreshold: row.disagreement_threshold, offerDays: row.offer_days, wordLimit: row.word_limit,
    illustrative: toBool(row.illustrative), status: row.status as IntakeStatus, allocation: parseJson<AllocationResult | null>(row.allocation, null),
    allocatedAt: toDateOrNull(row.allocated_at),
  };
}

export function toApplication(row: Selectable<FundedApplicationsTable>): Application {
  return {
    id: row.id, intakeId: row.intake_id, userId: row.user_id, staffId: row.staff_id, organisationCode: row.organisation_code, staffGroupCode: row.staff_group_code,
    bandCode: row.band_code, jobRole: row.job_role, wte: row.wte, status: row.status as ApplicationStatus, statement: row.statement, serviceBenefit: row.service_benefit,
    priorLearning: row.prior_learning, managerUserId: row.manager_user_id, studyTimeAgreed: row.study_time_agreed, managerReason: row.manager_reason,
    submittedAt: toDateOrNull(row.submitted_at), moderatedScore: row.moderated_score, finalScore: row.final_score, rank: row.rank, reserveRank: row.reserve_rank,
    reasons: parseJson(row.reasons, []), offeredAt: toDateOrNull(row.offered_at), offerDeadline: toDateOrNull(row.offer_deadline),
    respondedAt: toDateOrNull(row.responded_at), outcome: row.outcome as Outcome | null, outcomeCredits: row.outcome_credits, createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

function moduleRow(input: ModuleInput) {
  return {
    provider: input.provider, code: input.code, title_en: input.title.en, title_cy: input.title.cy, credits: input.credits, fheq_level: input.fheqLevel,
    mode: input.mode, entry_requirements_en: input.entryRequirements.en, entry_requirements_cy: input.entryRequirements.cy, outcomes_en: input.outcomes.en,
    outcomes_cy: input.outcomes.cy, literacy_level: input.literacyLevel, competencies: input.competencies.join(','), provider_url: input.providerUrl,
    illustrative: input.illustrative,
  };
}

function intakeRow(input: IntakeInput) {
  return {
    module_id: input.moduleId, starts_on: input.startsOn, opens_at: input.opensAt, closes_at: input.closesAt, places: input.places,
    reserved: JSON.stringify(input.reserved), criteria: JSON.stringify(input.criteria), rules: JSON.stringify(input.rules),
    eligibility: JSON.stringify(input.eligibility), seed: input.seed, reviewers_per_application: input.reviewersPerApplication,
    disagreement_threshold: input.disagreementThreshold, offer_days: input.offerDays, word_limit: input.wordLimit, illustrative: input.illustrative,
  };
}

/** A reviewer's view of one application: no name, no organisation, no manager. */
export interface BlindApplication {
  readonly id: string;
  readonly reference: string;
  readonly staffGroupCode: string;
  readonly bandCode: string;
  readonly jobRole: string;
  readonly submittedAt: Date | null;
  readonly reviewers: number;
}

export class FundedStore {
  private constructor(private readonly db: Kysely<Database>) {}

  static create(db: Kysely<Database>): FundedStore {
    return new FundedStore(db);
  }

  // Modules.

  async createModule(input: ModuleInput, actorUserId: string | null): Promise<FundedModule> {
    const id = randomUUID();
    const now = new Date();
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('funded_modules').values({ id, ...moduleRow(input), created_by: actorUserId, created_at: now, updated_at: now }).execute();
      await AuditStore.record(trx, { actorUserId, action: 'funded.module-created', entityType: 'funded_module', entityId: id, after: { provider: input.provider, code: input.code, title: input.title.en, literacyLevel: input.literacyLevel, competencies: input.competencies.join(',') } });
    });
    return { ...input, id };
  }

  /** Change a module; `within` runs in the same transaction when its literacy level changed. */
  async updateModule(id: string, input: ModuleInput, actorUserId: string | null, within?: (trx: Transaction<Database>) => Promise<void>): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('funded_modules').selectAll().where('id', '=', id).executeTakeFirst();
      if (before === undefined) throw new DomainError('GNM_NOT_FOUND');
      await trx.updateTable('funded_modules').set({ ...moduleRow(input), updated_at: new Date() }).where('id', '=', id).execute();
      await AuditStore.record(trx, {
        actorUserId, action: 'funded.module-changed', entityType: 'funded_module', entityId: id,
        before: { code: before.code, title: before.title_en, literacyLevel: before.literacy_level, competencies: before.competencies },
        after: { code: input.code, title: input.title.en, literacyLevel: input.literacyLevel, competencies: input.competencies.join(',') },
      });
      if (within !== undefined && before.literacy_level !== input.literacyLevel) await within(trx);
    });
  }

  /** The accounts of everyone whose outcome on this module is "completed". */
  async completersOf(moduleId: string, db: Kysely<Database> = this.db): Promise<string[]> {
    const rows = await db.selectFrom('funded_applications').innerJoin('funded_intakes', 'funded_intakes.id', 'funded_applications.intake_id')
      .select('funded_applications.user_id').where('funded_intakes.module_id', '=', moduleId).where('funded_applications.outcome', '=', 'completed').execute();
    return [...new Set(rows.map((r) => r.user_id))];
  }

  async listModules(): Promise<FundedModule[]> {
    return (await this.db.selectFrom('funded_modules').selectAll().orderBy('provider').orderBy('title_en').execute()).map(toModule);
  }

  async findModule(id: string): Promise<FundedModule | undefined> {
    const row = await this.db.selectFrom('funded_modules').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toModule(row);
  }

  // Intakes.

  async createIntake(input: IntakeInput, status: IntakeStatus, actorUserId: string | null): Promise<Intake> {
    const id = randomUUID();
    const now = new Date();
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('funded_intakes').values({ id, ...intakeRow(input), status, allocation: null, allocated_at: null, created_by: actorUserId, created_at: now, updated_at: now }).execute();
      await AuditStore.record(trx, { actorUserId, action: 'funded.intake-created', entityType: 'funded_intake', entityId: id, after: { moduleId: input.moduleId, places: input.places, startsOn: input.startsOn, status } });
    });
    return { ...input, id, status, allocation: null, allocatedAt: null };
  }

  async updateIntake(id: string, input: IntakeInput, status: IntakeStatus, actorUserId: string | null): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('funded_intakes').selectAll().where('id', '=', id).executeTakeFirst();
      if (before === undefined) throw new DomainError('GNM_NOT_FOUND');
      if (before.status === 'allocated') throw new DomainError('GNM_CONFLICT', { what: 'intake' });
      await trx.updateTable('funded_intakes').set({ ...intakeRow(input), status, updated_at: new Date() }).where('id', '=', id).execute();
      await AuditStore.record(trx, { actorUserId, action: 'funded.intake-changed', entityType: 'funded_intake', entityId: id, before: { places: before.places, status: before.status }, after: { places: input.places, status } });
    });
  }

  async listIntakes(): Promise<Intake[]> {
    return (await this.db.selectFrom('funded_intakes').selectAll().orderBy('starts_on', 'desc').orderBy('id').execute()).map(toIntake);
  }

  async findIntake(id: string): Promise<Intake | undefined> {
    const row = await this.db.selectFrom('funded_intakes').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toIntake(row);
  }

  // Applications.

  async findApplication(id: string): Promise<Application | undefined> {
    const row = await this.db.selectFrom('funded_applications').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toApplication(row);
  }

  async applicationOf(intakeId: string, userId: string): Promise<Application | undefined> {
    const row = await this.db.selectFrom('funded_applications').selectAll().where('intake_id', '=', intakeId).where('user_id', '=', userId).executeTakeFirst();
    return row === undefined ? undefined : toApplication(row);
  }

  async applicationsOfUser(userId: string): Promise<Application[]> {
    return (await this.db.selectFrom('funded_applications').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').execute()).map(toApplication);
  }

  async applicationsForManager(managerUserId: string): Promise<Application[]> {
    return (await this.db.selectFrom('funded_applications').selectAll().where('manager_user_id', '=', managerUserId)
      .where('status', '!=', 'draft').orderBy('submitted_at', 'desc').limit(500).execute()).map(toApplication);
  }

  async applicationsOfIntake(intakeId: string): Promise<Application[]> {
    return (await this.db.selectFrom('funded_applications').selectAll().where('intake_id', '=', intakeId).orderBy('created_at').orderBy('id').execute()).map(toApplication);
  }

  /** Save a draft (new or changed). A submitted application is not changed here. */
  async saveDraft(intakeId: string, userId: string, snapshot: ApplicantSnapshot, fields: ApplicationFields, managerUserId: string | null): Promise<Application> {
    return this.db.transaction().execute(async (trx) => {
      const now = new Date();
      const existing = await trx.selectFrom('funded_applications').selectAll().where('intake_id', '=', intakeId).where('user_id', '=', userId).executeTakeFirst();
      const values = {
        staff_id: snapshot.staffId, organisation_code: snapshot.organisationCode, staff_group_code: snapshot.staffGroupCode, band_code: snapshot.bandCode,
        job_role: snapshot.jobRole, wte: snapshot.wte, statement: fields.statement, service_benefit: fields.serviceBenefit, prior_learning: fields.priorLearning,
        manager_user_id: managerUserId, updated_at: now,
      };
      let id: string;
      if (existing === undefined) {
        id = randomUUID();
        await trx.insertInto('funded_applications').values({ id, intake_id: intakeId, user_id: userId, status: 'draft', ...values, created_at: now }).execute();
        await AuditStore.record(trx, { actorUserId: userId, action: 'funded.application-drafted', entityType: 'funded_application', entityId: id, organisationCode: snapshot.organisationCode, after: { intakeId } });
      } else {
        if (existing.status !== 'draft') throw new DomainError('GNM_CONFLICT', { what: 'application' });
        id = existing.id;
        await trx.updateTable('funded_applications').set(values).where('id', '=', id).execute();
        await AuditStore.record(trx, { actorUserId: userId, action: 'funded.application-saved', entityType: 'funded_application', entityId: id, organisationCode: snapshot.organisationCode });
      }
      const row = await trx.selectFrom('funded_applications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      return toApplication(row);
    });
  }

  /** Move an application from one status to another, checking where it was; audited. */
  private async move(trx: Transaction<Database>, id: string, from: readonly ApplicationStatus[], to: ApplicationStatus, actorUserId: string | null,
    action: string, extra: Partial<Record<keyof FundedApplicationsTable, unknown>> = {}, detail: Record<string, unknown> = {}): Promise<Application> {
    const row = await trx.selectFrom('funded_applications').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw new DomainError('GNM_NOT_FOUND');
    if (!from.includes(row.status as ApplicationStatus)) throw new DomainError('GNM_CONFLICT', { what: 'application' });
    await trx.updateTable('funded_applications').set({ ...extra, status: to, updated_at: new Date() } as never).where('id', '=', id).execute();
    await AuditStore.record(trx, { actorUserId, action, entityType: 'funded_application', entityId: id, organisationCode: row.organisation_code, before: { status: row.status }, after: { status: to, ...detail } });
    return toApplication({ ...row, status: to, ...extra } as Selectable<FundedApplicationsTable>);
  }

  async submit(id: string, userId: string, now = new Date()): Promise<Application> {
    return this.db.transaction().execute((trx) => this.move(trx, id, ['draft'], 'awaiting-manager', userId, 'funded.application-submitted', { submitted_at: now }));
  }

  async withdraw(id: string, userId: string): Promise<Application> {
    return this.db.transaction().execute((trx) => this.move(trx, id, WITHDRAWABLE, 'withdrawn', userId, 'funded.application-withdrawn'));
  }

  async managerDecision(id: string, managerUserId: string, decision: { supported: true; studyTime: string } | { supported: false; reason: string }): Promise<Application> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('funded_applications').select('manager_user_id').where('id', '=', id).executeTakeFirst();
      if (row?.manager_user_id !== managerUserId) throw new DomainError('GNM_NOT_FOUND');
      return decision.supported
        ? this.move(trx, id, ['awaiting-manager'], 'supported', managerUserId, 'funded.manager-supported', { study_time_agreed: decision.studyTime, manager_decided_at: new Date() }, { studyTime: decision.studyTime })
        : this.move(trx, id, ['awaiting-manager'], 'declined-by-manager', managerUserId, 'funded.manager-declined', { manager_reason: decision.reason, manager_decided_at: new Date() }, { reason: decision.reason });
    });
  }

  // Review.

  /**
   * The applications a reviewer may score in an intake: supported, fewer
   * reviewers than the intake asks for, not already scored by this reviewer.
   * Blind: no name, organisation or manager leaves the store here.
   */
  async reviewQueue(intakeId: string, reviewerUserId: string, needed: number, limit = 50, offset = 0): Promise<{ items: BlindApplication[]; total: number }> {
    // Each application keeps its number of reviewers so far (migration 0032), and the index
    // funded_applications_review holds (intake, status, submitted, id, reviewers): a page is read in
    // order from the index, with one primary-key probe per row read for "not scored by me"; never a
    // count of every application's scores, never a sort (docs/funded-places.md, "Speed").
    const waiting = this.db.selectFrom('funded_applications')
      .where('funded_applications.intake_id', '=', intakeId).where('funded_applications.status', '=', 'supported')
      .where('funded_applications.reviewers', '<', needed);
    const [rows, all, mine] = await Promise.all([
      waiting.where((eb) => eb.not(eb.exists(eb.selectFrom('funded_scores as mine').select('mine.application_id')
        .whereRef('mine.application_id', '=', 'funded_applications.id').where('mine.reviewer_user_id', '=', reviewerUserId))))
        .select(['funded_applications.id', 'funded_applications.staff_group_code', 'funded_applications.band_code', 'funded_applications.job_role', 'funded_applications.submitted_at', 'funded_applications.reviewers'])
        .orderBy('funded_applications.submitted_at').orderBy('funded_applications.id').limit(limit).offset(offset).execute(),
      // The total: everyone waiting (a count over the index) less those this reviewer has scored (their own few scores).
      waiting.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirst(),
      this.db.selectFrom('funded_scores as mine').innerJoin('funded_applications', 'funded_applications.id', 'mine.application_id')
        .select(sql<number | string>`count(distinct mine.application_id)`.as('n'))
        .where('mine.reviewer_user_id', '=', reviewerUserId).where('funded_applications.intake_id', '=', intakeId)
        .where('funded_applications.status', '=', 'supported').where('funded_applications.reviewers', '<', needed).executeTakeFirst(),
    ]);
    return {
      total: Number(all?.n ?? 0) - Number(mine?.n ?? 0),
      items: rows.map((r) => ({ id: r.id, reference: r.id.slice(0, 8).toUpperCase(), staffGroupCode: r.staff_group_code, bandCode: r.band_code, jobRole: r.job_role, submittedAt: toDateOrNull(r.submitted_at), reviewers: r.reviewers })),
    };
  }

  /** Every reviewer's scores of these applications: application id to reviewer id to criterion to score. */
  async scoresOf(applicationIds: readonly string[]): Promise<Map<string, Map<string, Map<string, number>>>> {
    const out = new Map<string, Map<string, Map<string, number>>>();
    for (let i = 0; i < applicationIds.length; i += 500) {
      const rows = await this.db.selectFrom('funded_scores').selectAll().where('application_id', 'in', applicationIds.slice(i, i + 500)).execute();
      for (const r of rows) {
        const byReviewer = out.get(r.application_id) ?? new Map<string, Map<string, number>>();
        const scores = byReviewer.get(r.reviewer_user_id) ?? new Map<string, number>();
        scores.set(r.criterion, r.score);
        byReviewer.set(r.reviewer_user_id, scores);
        out.set(r.application_id, byReviewer);
      }
    }
    return out;
  }

  /**
   * A reviewer's scores for one application, all criteria at once. When the
   * intake's number of reviewers have scored and agree within the threshold,
   * the application is scored (the mean of their totals); when they disagree
   * it waits for an education lead to moderate.
   */
  async recordScores(intake: Intake, applicationId: string, reviewerUserId: string, scores: ReadonlyMap<string, number>): Promise<ScoreSummary> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('funded_applications').selectAll().where('id', '=', applicationId).where('intake_id', '=', intake.id).executeTakeFirst();
      if (row === undefined) throw new DomainError('GNM_NOT_FOUND');
      if (row.status !== 'supported') throw new DomainError('GNM_CONFLICT', { what: 'application' });
      const already = await trx.selectFrom('funded_scores').select('criterion').where('application_id', '=', applicationId).where('reviewer_user_id', '=', reviewerUserId).executeTakeFirst();
      if (already !== undefined) throw new DomainError('GNM_CONFLICT', { what: 'scores' });
      const now = new Date();
      await trx.insertInto('funded_scores').values(intake.criteria.map((c) => ({ application_id: applicationId, reviewer_user_id: reviewerUserId, criterion: c.code, score: scores.get(c.code) ?? 0, created_at: now }))).execute();
      // One more reviewer (the primary key refuses the same reviewer twice, so two at once each count once).
      await trx.updateTable('funded_applications').set({ reviewers: sql`reviewers + 1` }).where('id', '=', applicationId).execute();
      await AuditStore.record(trx, { actorUserId: reviewerUserId, action: 'funded.scored', entityType: 'funded_application', entityId: applicationId, organisationCode: row.organisation_code, after: Object.fromEntries(scores) });
      const all = await trx.selectFrom('funded_scores').selectAll().where('application_id', '=', applicationId).execute();
      const byReviewer = new Map<string, Map<string, number>>();
      for (const s of all) byReviewer.set(s.reviewer_user_id, (byReviewer.get(s.reviewer_user_id) ?? new Map<string, number>()).set(s.criterion, s.score));
      const summary = summariseScores(intake.criteria, [...byReviewer.values()], intake.reviewersPerApplication, intake.disagreementThreshold, null);
      if (summary.finalScore !== null) {
        await trx.updateTable('funded_applications').set({ status: 'scored', final_score: summary.finalScore, updated_at: now }).where('id', '=', applicationId).execute();
      }
      if (summary.needsModeration) {
        await AuditStore.record(trx, { actorUserId: reviewerUserId, action: 'funded.moderation-needed', entityType: 'funded_application', entityId: applicationId, organisationCode: row.organisation_code, after: { totals: summary.totals, spread: summary.spread } });
      }
      return summary;
    });
  }

  /** An education lead's moderated score for an application the reviewers disagreed on. */
  async moderate(applicationId: string, score: number, actorUserId: string): Promise<Application> {
    return this.db.transaction().execute((trx) => this.move(trx, applicationId, ['supported', 'scored'], 'scored', actorUserId, 'funded.moderated', { moderated_score: score, final_score: score }, { score }));
  }

  // Allocation, offers, outcomes.

  /** Store the allocation's decisions; offered applications get their deadline. Returns the ids offered. */
  async storeAllocation(intakeId: string, result: AllocationResult, offerDeadline: Date, actorUserId: string | null, now = new Date()): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const intake = await this.lockIntake(trx, intakeId);
      if (intake === undefined) throw new DomainError('GNM_NOT_FOUND');
      if (intake.status === 'allocated') throw new DomainError('GNM_CONFLICT', { what: 'intake' });
      const offered: string[] = [];
      for (const d of result.decisions) {
        const status: ApplicationStatus = d.outcome;
        if (status === 'offered') offered.push(d.applicationId);
        await trx.updateTable('funded_applications').set({
          status, rank: d.rank, reserve_rank: d.reserveRank, reasons: JSON.stringify(d.reasons),
          offered_at: status === 'offered' ? now : null, offer_deadline: status === 'offered' ? offerDeadline : null, updated_at: now,
        }).where('id', '=', d.applicationId).where('intake_id', '=', intakeId).execute();
      }
      await trx.updateTable('funded_intakes').set({ status: 'allocated', allocation: JSON.stringify(result), allocated_at: now, updated_at: now }).where('id', '=', intakeId).execute();
      await AuditStore.record(trx, { actorUserId, action: 'funded.allocated', entityType: 'funded_intake', entityId: intakeId, after: { seed: result.seed, offered: offered.length, decisions: result.decisions.length } });
      return offered;
    });
  }

  private async lockIntake(trx: Transaction<Database>, intakeId: string) {
    const query = trx.selectFrom('funded_intakes').select(['id', 'places', 'status', 'allocation']).where('id', '=', intakeId);
    return engineOf(trx) === 'postgres' ? query.forUpdate().executeTakeFirst() : query.executeTakeFirst();
  }

  /** Accept or decline an offer, under the intake's lock (see the head of this file). */
  async respond(applicationId: string, userId: string, accept: boolean, now = new Date()): Promise<RespondOutcome> {
    return this.db.transaction().execute(async (trx): Promise<RespondOutcome> => {
      const head = await trx.selectFrom('funded_applications').select(['intake_id']).where('id', '=', applicationId).where('user_id', '=', userId).executeTakeFirst();
      if (head === undefined) return 'not-offered';
      const intake = await this.lockIntake(trx, head.intake_id);
      if (intake === undefined) return 'not-offered';
      const row = await trx.selectFrom('funded_applications').selectAll().where('id', '=', applicationId).executeTakeFirstOrThrow();
      if (row.status !== 'offered') return 'not-offered';
      if (row.offer_deadline !== null && now > toDate(row.offer_deadline)) return 'expired';
      if (accept) {
        const taken = await trx.selectFrom('funded_applications').select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('intake_id', '=', head.intake_id).where('status', '=', 'accepted').executeTakeFirst();
        if (Number(taken?.n ?? 0) >= intake.places) return 'full';
      }
      const status: ApplicationStatus = accept ? 'accepted' : 'declined';
      await trx.updateTable('funded_applications').set({ status, responded_at: now, updated_at: now }).where('id', '=', applicationId).execute();
      await AuditStore.record(trx, { actorUserId: userId, action: accept ? 'funded.offer-accepted' : 'funded.offer-declined', entityType: 'funded_application', entityId: applicationId, organisationCode: row.organisation_code, before: { status: 'offered' }, after: { status } });
      return status;
    });
  }

  /** Offers past their deadline become expired; returns the intakes touched. */
  async expireOffers(now = new Date()): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx.selectFrom('funded_applications').select(['id', 'intake_id', 'organisation_code']).where('status', '=', 'offered').where('offer_deadline', '<', now).execute();
      const touched: string[] = [];
      for (const r of rows) {
        // Only the process whose update changes the row expires it: another running the same job at once changes nothing and records nothing.
        const updated = await trx.updateTable('funded_applications').set({ status: 'expired', updated_at: now }).where('id', '=', r.id).where('status', '=', 'offered').executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) continue;
        touched.push(r.intake_id);
        await AuditStore.record(trx, { actorUserId: null, action: 'funded.offer-expired', entityType: 'funded_application', entityId: r.id, organisationCode: r.organisation_code, before: { status: 'offered' }, after: { status: 'expired' } });
      }
      return [...new Set(touched)];
    });
  }

  /** Offer a place to one on the reserve list, under the intake's lock, if a place is free. */
  async offerFromReserve(intakeId: string, applicationId: string, deadline: Date, now = new Date()): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const intake = await this.lockIntake(trx, intakeId);
      if (intake === undefined) return false;
      const held = await trx.selectFrom('funded_applications').select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('intake_id', '=', intakeId).where('status', 'in', ['offered', 'accepted']).executeTakeFirst();
      if (Number(held?.n ?? 0) >= intake.places) return false;
      const row = await trx.selectFrom('funded_applications').select(['status', 'organisation_code']).where('id', '=', applicationId).where('intake_id', '=', intakeId).executeTakeFirst();
      if (row?.status !== 'reserve') return false;
      await trx.updateTable('funded_applications').set({ status: 'offered', offered_at: now, offer_deadline: deadline, updated_at: now }).where('id', '=', applicationId).execute();
      await AuditStore.record(trx, { actorUserId: null, action: 'funded.offered-from-reserve', entityType: 'funded_application', entityId: applicationId, organisationCode: row.organisation_code, before: { status: 'reserve' }, after: { status: 'offered' } });
      return true;
    });
  }

  /** Places offered or accepted, and whether one is free. */
  async placesHeld(intakeId: string): Promise<number> {
    const held = await this.db.selectFrom('funded_applications').select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('intake_id', '=', intakeId).where('status', 'in', ['offered', 'accepted']).executeTakeFirst();
    return Number(held?.n ?? 0);
  }

  /**
   * Record (or correct) an outcome. `within` runs in the same transaction after
   * the change (the insights aggregates move with the person's literacy level).
   */
  async recordOutcome(
    applicationId: string, outcome: Outcome, credits: number | null, actorUserId: string | null, now = new Date(),
    within?: (trx: Transaction<Database>, userIds: readonly string[]) => Promise<void>,
  ): Promise<Application> {
    const [recorded] = await this.recordOutcomes([{ applicationId, outcome, credits }], actorUserId, now, within);
    if (recorded === undefined) throw new DomainError('GNM_NOT_FOUND');
    return recorded;
  }

  /**
   * Record several outcomes (a university's CSV) all or none, in one
   * transaction: if any application is missing or no longer accepted, nothing
   * is recorded. `within` runs once, after them all, with the accounts changed.
   */
  async recordOutcomes(
    entries: readonly { readonly applicationId: string; readonly outcome: Outcome; readonly credits: number | null }[], actorUserId: string | null, now = new Date(),
    within?: (trx: Transaction<Database>, userIds: readonly string[]) => Promise<void>,
  ): Promise<Application[]> {
    return this.db.transaction().execute(async (trx) => {
      const out: Application[] = [];
      for (const { applicationId, outcome, credits } of entries) {
        const row = await trx.selectFrom('funded_applications').selectAll().where('id', '=', applicationId).executeTakeFirst();
        if (row === undefined) throw new DomainError('GNM_NOT_FOUND');
        if (row.status !== 'accepted') throw new DomainError('GNM_CONFLICT', { what: 'application' });
        const kept = outcome === 'completed' ? credits : null;
        await trx.updateTable('funded_applications').set({ outcome, outcome_credits: kept, outcome_at: now, updated_at: now }).where('id', '=', applicationId).execute();
        await AuditStore.record(trx, { actorUserId, action: 'funded.outcome-recorded', entityType: 'funded_application', entityId: applicationId, organisationCode: row.organisation_code, before: { outcome: row.outcome }, after: { outcome, credits } });
        out.push(toApplication({ ...row, outcome, outcome_credits: kept, outcome_at: now }));
      }
      if (within !== undefined) await within(trx, [...new Set(out.map((a) => a.userId))]);
      return out;
    });
  }

  /** Every application with its intake's module and start, for reports (all intakes). */
  async reportRows(): Promise<(Application & { moduleId: string; startsOn: string })[]> {
    const rows = await this.db.selectFrom('funded_applications').innerJoin('funded_intakes', 'funded_intakes.id', 'funded_applications.intake_id')
      .selectAll('funded_applications').select(['funded_intakes.module_id', 'funded_intakes.starts_on']).where('funded_applications.status', '!=', 'draft').execute();
    return rows.map((r) => ({ ...toApplication(r), moduleId: r.module_id, startsOn: r.starts_on }));
  }
}
