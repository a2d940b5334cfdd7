// Funded university module places, as a person goes through them: apply
// (eligibility from the staff directory, prior learning filled in from
// Genomeg), the line manager's support (an email, then a decision), blind
// review, the allocation (the pure function in domain/funded/allocation.ts,
// whose result is stored whole so anyone can redo it from the published
// seed), offers by email with a deadline, the reserve list when an offer is
// declined or runs out, and outcomes recorded as xAPI statements. Each email
// is in the recipient's own recorded language.

import type { Kysely, Transaction } from 'kysely';
import { refreshStaff, type OfferedModules } from '../insights/aggregates.js';
import type { Database } from '../../db/schema.js';
import { FundedStore, type Application, type ApplicantSnapshot, type FundedModule, type Intake } from '../../db/stores/funded-store.js';
import { UserStore, type User } from '../../db/stores/user-store.js';
import { allocate, nextFromReserve, type AllocationApplicant, type AllocationResult } from '../../domain/funded/allocation.js';
import { checkEligibility, professionOf, type Ineligibility, type Outcome } from '../../domain/funded/application.js';
import type { EmailTemplate } from '../../domain/email/index.js';
import type { Language } from '../../domain/i18n.js';
import { DomainError } from '../../domain/errors.js';
import { recordLearning } from '../xapi/record.js';
import { agentKey, mscModuleActivityId, platformActor, type LearningEvent } from '../../domain/xapi/index.js';
import type { EmailService } from '../email/email-service.js';

export interface FundedDeps {
  readonly db: Kysely<Database>;
  readonly email: Pick<EmailService, 'sendEmail'>;
  readonly publicUrl: string;
  /** The Genomeg modules offered: an outcome moves the person's literacy level in the insights aggregates with them. */
  readonly offered?: () => OfferedModules;
}

const DAY_MS = 86_400_000;

/** The scheduled job (every five minutes) that expires overdue offers and offers their places to the reserve list. */
export const FUNDED_EXPIRY_JOB = 'funded-offers-expire';

const DEADLINE: Record<Language, Intl.DateTimeFormat> = {
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/London' }),
  cy: new Intl.DateTimeFormat('cy-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/London' }),
};

export function formatDeadline(at: Date, language: Language): string {
  return DEADLINE[language].format(at);
}

/** The person applying, as the directory knows them (null: not in the directory). */
export interface ApplicantContext {
  readonly snapshot: ApplicantSnapshot | null;
  readonly manager: User | null;
  readonly completedModules: readonly string[];
  readonly attendedEvents: readonly { readonly id: string; readonly title: { readonly en: string; readonly cy: string } }[];
  readonly ineligible: readonly Ineligibility[];
}

export interface AllocationOutcome {
  readonly result: AllocationResult;
  readonly offered: number;
}

export class FundedService {
  readonly store: FundedStore;
  private readonly users: UserStore;

  constructor(private readonly deps: FundedDeps) {
    this.store = FundedStore.create(deps.db);
    this.users = UserStore.create(deps.db);
  }

  private link(language: Language, path: string): string {
    return `${this.deps.publicUrl}${language === 'cy' ? '/cy' : ''}${path}`;
  }

  private async tell(user: User | undefined, template: EmailTemplate, params: Record<string, string>, path: string): Promise<void> {
    if (user === undefined) return;
    await this.deps.email.sendEmail(template, { address: user.email, userId: user.id, name: user.displayName }, { ...params, link: this.link(user.language, path) }, user.language);
  }

  /** Who is applying, from the directory: their record, their line manager's account, what they have learnt, and whether they may apply. */
  async applicantContext(user: User, intake: Intake): Promise<ApplicantContext> {
    const db = this.deps.db;
    const staff = user.staffId === null ? undefined : await db.selectFrom('staff').selectAll().where('id', '=', user.staffId).executeTakeFirst();
    const completions = await db.selectFrom('module_completions').select('module_id').where('user_id', '=', user.id).execute();
    const completedModules = [...new Set(completions.map((c) => c.module_id))];
    const events = await db.selectFrom('event_bookings').innerJoin('event_sessions', 'event_sessions.id', 'event_bookings.session_id')
      .innerJoin('events', 'events.id', 'event_sessions.event_id').select(['events.id', 'events.title_en', 'events.title_cy'])
      .where('event_bookings.user_id', '=', user.id).where('event_bookings.status', '=', 'attended').execute();
    const attendedEvents = events.map((e) => ({ id: e.id, title: { en: e.title_en, cy: e.title_cy } }));
    if (staff === undefined) {
      return { snapshot: null, manager: null, completedModules, attendedEvents, ineligible: checkEligibility(intake.eligibility, null) };
    }
    const snapshot: ApplicantSnapshot = {
      staffId: staff.id, organisationCode: staff.organisation_code, staffGroupCode: staff.staff_group_code, bandCode: staff.band_code, jobRole: staff.job_role, wte: staff.wte,
    };
    let manager: User | null = null;
    if (staff.line_manager_assignment_number !== null && staff.line_manager_assignment_number !== '') {
      const managerRow = await db.selectFrom('staff').innerJoin('users', 'users.staff_id', 'staff.id').select('users.id')
        .where('staff.assignment_number', '=', staff.line_manager_assignment_number).where('users.active', '=', true).executeTakeFirst();
      manager = managerRow === undefined ? null : (await this.users.findById(managerRow.id)) ?? null;
    }
    const ineligible = checkEligibility(intake.eligibility, { staffGroupCode: snapshot.staffGroupCode, bandCode: snapshot.bandCode, wte: snapshot.wte, completedModules });
    return { snapshot, manager, completedModules, attendedEvents, ineligible };
  }

  /** Submit a draft: the line manager is emailed to support or decline it. */
  async submit(application: Application, applicant: User, module: FundedModule): Promise<Application> {
    if (application.managerUserId === null) throw new DomainError('GNM_VALIDATION', { field: 'manager' });
    const submitted = await this.store.submit(application.id, applicant.id);
    const manager = await this.users.findById(application.managerUserId);
    if (manager !== undefined) {
      await this.tell(manager, 'funded-manager-request', { applicant: applicant.displayName, module: module.title[manager.language] }, `/funded/manager/${application.id}`);
    }
    return submitted;
  }

  /** Active staff who meet the intake's staff group, band and hours rules, by organisation: the quota's shares. */
  async eligibleStaffByOrganisation(intake: Intake): Promise<Record<string, number>> {
    let query = this.deps.db.selectFrom('staff').select(['organisation_code', (eb) => eb.fn.countAll<number | string>().as('n')]).where('active', '=', true);
    if (intake.eligibility.staffGroups.length > 0) query = query.where('staff_group_code', 'in', [...intake.eligibility.staffGroups]);
    if (intake.eligibility.bands.length > 0) query = query.where('band_code', 'in', [...intake.eligibility.bands]);
    if (intake.eligibility.minWte !== null) query = query.where('wte', '>=', intake.eligibility.minWte);
    const rows = await query.groupBy('organisation_code').execute();
    return Object.fromEntries(rows.map((r) => [r.organisation_code, Number(r.n)]));
  }

  /** Applications still waiting for scores or moderation: the allocation waits for them. */
  async unscored(intakeId: string): Promise<number> {
    return (await this.store.applicationsOfIntake(intakeId)).filter((a) => a.status === 'supported').length;
  }

  /** Run the allocation, store it, and email everyone it decided about. */
  async runAllocation(intake: Intake, module: FundedModule, actorUserId: string, now = new Date()): Promise<AllocationOutcome> {
    if (intake.status === 'allocated') throw new DomainError('GNM_CONFLICT', { what: 'intake' });
    const applications = (await this.store.applicationsOfIntake(intake.id)).filter((a) => a.status === 'scored' && a.finalScore !== null);
    const applicants: AllocationApplicant[] = applications.map((a) => ({
      applicationId: a.id, organisationId: a.organisationCode, staffGroup: a.staffGroupCode, profession: professionOf(a.jobRole),
      score: a.finalScore ?? 0, submittedAt: (a.submittedAt ?? a.createdAt).toISOString(),
    }));
    const result = allocate({
      places: intake.places, rule: intake.rules.rule, apportionment: intake.rules.apportionment,
      eligibleStaffByOrganisation: await this.eligibleStaffByOrganisation(intake), reservedByOrganisation: { ...intake.reserved },
      capPerOrganisation: intake.rules.capPerOrganisation, capPerStaffGroup: intake.rules.capPerStaffGroup,
      professionMix: intake.rules.professionMix === null ? null : { ...intake.rules.professionMix }, seed: intake.seed,
    }, applicants);
    const deadline = new Date(now.getTime() + intake.offerDays * DAY_MS);
    const offered = await this.store.storeAllocation(intake.id, result, deadline, actorUserId, now);
    for (const a of applications) {
      const user = await this.users.findById(a.userId);
      if (user === undefined) continue;
      if (offered.includes(a.id)) await this.tell(user, 'funded-offer', { module: module.title[user.language], deadline: formatDeadline(deadline, user.language) }, `/funded/applications/${a.id}`);
      else await this.tell(user, 'funded-result', { module: module.title[user.language] }, `/funded/applications/${a.id}`);
    }
    return { result, offered: offered.length };
  }

  /** Accept or decline an offer; a decline passes the place to the next on the reserve list. */
  async respond(application: Application, accept: boolean): Promise<string> {
    const outcome = await this.store.respond(application.id, application.userId, accept);
    if (outcome === 'declined' || outcome === 'expired') await this.fillFromReserve(application.intakeId);
    return outcome;
  }

  async withdraw(application: Application): Promise<void> {
    const wasOffered = application.status === 'offered';
    await this.store.withdraw(application.id, application.userId);
    if (wasOffered) await this.fillFromReserve(application.intakeId);
  }

  /** Expire overdue offers everywhere and offer their places on. */
  async expireOffers(now = new Date()): Promise<void> {
    for (const intakeId of await this.store.expireOffers(now)) await this.fillFromReserve(intakeId, now);
  }

  /**
   * Offer each place given up (declined, expired, withdrawn after an offer) to
   * the next on the reserve list by the intake's rule: nextFromReserve replays
   * the give-ups in the order they happened and names who takes the place the
   * last one freed. Replaying every prefix and offering only those still on the
   * reserve list makes this safe to call again. Reserves who withdrew without
   * an offer are skipped at every step; the caps and profession mix come from
   * the settings stored with the allocation. Each offer is emailed.
   */
  async fillFromReserve(intakeId: string, now = new Date()): Promise<string[]> {
    const intake = await this.store.findIntake(intakeId);
    if (intake === undefined || intake.allocation === null) return [];
    const offered: string[] = [];
    const applications = await this.store.applicationsOfIntake(intakeId);
    const gone = applications.filter((a) => a.offeredAt !== null && (a.status === 'declined' || a.status === 'expired' || a.status === 'withdrawn'))
      .sort((a, b) => (a.respondedAt ?? a.updatedAt).getTime() - (b.respondedAt ?? b.updatedAt).getTime() || a.id.localeCompare(b.id)).map((a) => a.id);
    // Reserves who withdrew before any offer reached them: never picked, at any step.
    const withdrawnReserves = applications.filter((a) => a.offeredAt === null && a.status === 'withdrawn').map((a) => a.id);
    const module = await this.store.findModule(intake.moduleId);
    for (let k = 1; k <= gone.length; k++) {
      const next = nextFromReserve(intake.allocation, gone.slice(0, k), withdrawnReserves);
      const candidate = next === null ? undefined : applications.find((a) => a.id === next);
      if (candidate?.status !== 'reserve' || offered.includes(candidate.id)) continue;
      const deadline = new Date(now.getTime() + intake.offerDays * DAY_MS);
      if (!await this.store.offerFromReserve(intakeId, candidate.id, deadline, now)) continue;
      offered.push(candidate.id);
      const user = await this.users.findById(candidate.userId);
      if (user !== undefined && module !== undefined) {
        await this.tell(user, 'funded-offer', { module: module.title[user.language], deadline: formatDeadline(deadline, user.language) }, `/funded/applications/${candidate.id}`);
      }
    }
    return offered;
  }

  /**
   * Record (or correct) a person's outcome. A completion at a module mapped to
   * a literacy level raises their level; the kept insights aggregates move in
   * the same transaction. A completion or a failure is also an xAPI statement
   * in their learning record.
   */
  async recordOutcome(application: Application, module: FundedModule, outcome: Outcome, credits: number | null, actorUserId: string | null, now = new Date()): Promise<void> {
    await this.recordOutcomes([{ application, outcome, credits }], module, actorUserId, now);
  }

  /**
   * Record several outcomes of one module's intake (the university's CSV) all
   * or none, in one transaction with the insights aggregates; then their
   * statements in each person's learning record (a corrected outcome voids the
   * statement of the one it replaces).
   */
  async recordOutcomes(
    entries: readonly { readonly application: Application; readonly outcome: Outcome; readonly credits: number | null }[],
    module: FundedModule, actorUserId: string | null, now = new Date(),
  ): Promise<void> {
    await this.store.recordOutcomes(entries.map((e) => ({ applicationId: e.application.id, outcome: e.outcome, credits: e.credits })), actorUserId, now,
      (trx, userIds) => this.refreshLiteracyOf(trx, userIds));
    for (const { application, outcome } of entries) {
      const user = await this.users.findById(application.userId);
      if (user === undefined) continue;
      // A corrected outcome voids the statement of the one it replaces, so the learning record says what is true now.
      const earlier = await this.outcomeStatementsOf(application, module, user.id);
      const events: LearningEvent[] = earlier.map((statementId) => ({ kind: 'statement-voided', statementId }));
      if (outcome === 'completed' || outcome === 'failed') events.push({ kind: 'msc-outcome', moduleCode: module.code, passed: outcome === 'completed', registration: application.id });
      if (events.length > 0) await recordLearning(this.deps.db, { userId: user.id, displayName: user.displayName, language: user.language }, events, now);
    }
  }

  /**
   * The platform's statements of this application's outcome not yet voided: those whose registration is the
   * application, and those recorded before outcomes carried one (no registration) when the application had one.
   */
  private async outcomeStatementsOf(application: Application, module: FundedModule, userId: string): Promise<string[]> {
    const actorKey = agentKey(platformActor({ userId, displayName: '' }));
    if (actorKey === null) return [];
    const rows = await this.deps.db.selectFrom('xapi_statements').select(['id', 'statement_json'])
      .where('actor_key', '=', actorKey).where('object_activity_id', '=', mscModuleActivityId(module.code))
      .where('voided', '=', false).where('is_voiding', '=', false).execute();
    const hadOne = application.outcome === 'completed' || application.outcome === 'failed';
    return rows.filter((r) => {
      const registration = (JSON.parse(r.statement_json) as { context?: { registration?: string } }).context?.registration;
      return registration === application.id || (registration === undefined && hadOne);
    }).map((r) => r.id);
  }

  /** Move these accounts' staff records in the kept insights aggregates (their literacy level may have changed). */
  private async refreshLiteracyOf(trx: Transaction<Database>, userIds: readonly string[]): Promise<void> {
    if (this.deps.offered === undefined || userIds.length === 0) return;
    const rows = await trx.selectFrom('users').select('staff_id').where('id', 'in', [...userIds]).where('staff_id', 'is not', null).execute();
    await refreshStaff(trx, this.deps.offered(), rows.flatMap((r) => (r.staff_id === null ? [] : [r.staff_id])));
  }

  /** After a module's literacy level changed: everyone who completed it, inside the change's transaction. */
  async refreshCompletersOf(trx: Transaction<Database>, moduleId: string): Promise<void> {
    await this.refreshLiteracyOf(trx, await this.store.completersOf(moduleId, trx));
  }

  /** A person's funded modules with an outcome recorded, for My learning. */
  async outcomesOf(userId: string): Promise<{ module: FundedModule; application: Application }[]> {
    const applications = (await this.store.applicationsOfUser(userId)).filter((a) => a.outcome !== null);
    const out: { module: FundedModule; application: Application }[] = [];
    for (const application of applications) {
      const intake = await this.store.findIntake(application.intakeId);
      const module = intake === undefined ? undefined : await this.store.findModule(intake.moduleId);
      if (module !== undefined) out.push({ module, application });
    }
    return out;
  }
}
