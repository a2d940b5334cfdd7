// Funded university module places, for staff, line managers and reviewers:
// the open intakes; an intake's page (the module, who may apply and why
// not); the application form (save a draft, submit: the words counted on the
// server too, each problem naming its field); an application's status, the
// allocation's reasons in plain words, the offer (accept or decline) and
// withdrawing; the line manager's page (support with the study time agreed,
// or decline with a reason); and the reviewers' blind pages, which show no
// name, organisation or manager. Every form is a plain POST with a CSRF token
// and works without JavaScript; every change is audited by the store.
// The education lead's pages are in funded-admin.ts.

import { z } from 'zod';
import { offeredOf } from '../../services/insights/aggregates.js';
import { COMPETENCIES } from '../../domain/learning/competency-framework.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { countWords, MAX_CRITERION_SCORE, WITHDRAWABLE } from '../../domain/funded/application.js';
import { explainReason } from '../../domain/funded/explain.js';
import { organisationByCode, staffGroupByName } from '../../domain/staff/reference-data.js';
import type { Application, FundedModule, Intake } from '../../db/stores/funded-store.js';
import { FundedService } from '../../services/funded/funded-service.js';
import { authorise, currentUser } from '../plugins/auth.js';
import { localPath } from '../plugins/language.js';

const UUID = /^[0-9a-f-]{36}$/;
export const FIELD_LIMIT = 10_000;

const ApplyForm = z.object({
  statement: z.string().max(40_000).default(''),
  serviceBenefit: z.string().max(40_000).default(''),
  priorLearning: z.string().max(40_000).default(''),
  action: z.string().max(20).default('save'),
});
type ApplyValues = z.infer<typeof ApplyForm>;

const DoneQuery = z.object({ done: z.string().max(30).regex(/^[a-z-]+$/).optional() });
const PageQuery = z.object({ page: z.coerce.number().int().min(1).max(10_000).optional() });

export function serviceFor(app: FastifyInstance): FundedService {
  return new FundedService({ db: app.database.db, email: app.email, publicUrl: app.config.PUBLIC_URL, offered: () => offeredOf(app.content.modules) });
}

interface FieldError { readonly field: string; readonly key: string; readonly params?: Record<string, string | number> }

export async function fundedRoutes(app: FastifyInstance): Promise<void> {
  const service = serviceFor(app);
  const store = service.store;

  const intakeOr404 = async (id: string, open: boolean): Promise<{ intake: Intake; module: FundedModule }> => {
    const intake = UUID.test(id) ? await store.findIntake(id) : undefined;
    if (intake === undefined || (open && intake.status === 'draft')) throw new DomainError('GNM_NOT_FOUND');
    const module = await store.findModule(intake.moduleId);
    if (module === undefined) throw new DomainError('GNM_NOT_FOUND');
    return { intake, module };
  };
  const isOpen = (intake: Intake, now: Date) => intake.status === 'open' && now >= intake.opensAt && now < intake.closesAt;
  const done = (request: FastifyRequest) => DoneQuery.safeParse(request.query).data?.done ?? null;

  app.get('/funded', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const now = new Date();
    const [intakes, modules, mine] = await Promise.all([store.listIntakes(), store.listModules(), store.applicationsOfUser(user.id)]);
    const moduleOf = new Map(modules.map((m) => [m.id, m]));
    const intakeOf = new Map(intakes.map((i) => [i.id, i]));
    return reply.render('pages/funded/list.njk', {
      open: intakes.filter((i) => isOpen(i, now)).map((intake) => ({ intake, module: moduleOf.get(intake.moduleId) })),
      mine: mine.map((application) => ({ application, module: moduleOf.get(intakeOf.get(application.intakeId)?.moduleId ?? '') })),
    });
  });

  app.get('/funded/intakes/:id', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const { intake, module } = await intakeOr404((request.params as { id: string }).id, true);
    const context = await service.applicantContext(user, intake);
    const application = await store.applicationOf(intake.id, user.id);
    const competencyNames = COMPETENCIES.filter((c) => module.competencies.includes(c.id)).map((c) => c.name[request.lang]);
    return reply.render('pages/funded/intake.njk', { intake, module, context, application, open: isOpen(intake, new Date()), competencyNames });
  });

  const renderForm = async (request: FastifyRequest, intake: Intake, module: FundedModule, values: ApplyValues, errors: FieldError[]) => {
    const user = currentUser(request);
    const context = await service.applicantContext(user, intake);
    const titles = new Map(app.content.modules.map((m) => [m.manifest.id, m.manifest.title[request.lang]]));
    return {
      intake, module, context, values, errors, errorOf: Object.fromEntries(errors.map((e) => [e.field, e])),
      words: countWords(values.statement), completed: context.completedModules.map((id) => titles.get(id) ?? id),
    };
  };

  /** Prior learning as the form first shows it: the Genomeg modules completed and events attended, one a line. */
  const priorLearningText = async (request: FastifyRequest, intake: Intake): Promise<string> => {
    const user = currentUser(request);
    const context = await service.applicantContext(user, intake);
    const titles = new Map(app.content.modules.map((m) => [m.manifest.id, m.manifest.title[request.lang]]));
    return [
      ...context.completedModules.map((id) => request.t('funded.apply.priorModule', { title: titles.get(id) ?? id })),
      ...context.attendedEvents.map((e) => request.t('funded.apply.priorEvent', { title: e.title[request.lang] })),
    ].join('\n');
  };

  app.get('/funded/intakes/:id/apply', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const { intake, module } = await intakeOr404((request.params as { id: string }).id, true);
    const existing = await store.applicationOf(intake.id, user.id);
    if (existing !== undefined && existing.status !== 'draft') return reply.redirect(localPath(request.lang, `/funded/applications/${existing.id}`), 303);
    const values: ApplyValues = existing === undefined
      ? { statement: '', serviceBenefit: '', priorLearning: await priorLearningText(request, intake), action: 'save' }
      : { statement: existing.statement, serviceBenefit: existing.serviceBenefit, priorLearning: existing.priorLearning, action: 'save' };
    return reply.render('pages/funded/apply.njk', { ...await renderForm(request, intake, module, values, []), saved: done(request) === 'saved' });
  });

  app.post('/funded/intakes/:id/apply', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const { intake, module } = await intakeOr404((request.params as { id: string }).id, true);
    const parsed = ApplyForm.safeParse(request.body ?? {});
    const values = parsed.success ? parsed.data : ApplyForm.parse({});
    const errors: FieldError[] = [];
    if (!isOpen(intake, new Date())) throw new DomainError('GNM_CONFLICT', { what: 'intake' });
    const context = await service.applicantContext(user, intake);
    if (context.snapshot === null || context.ineligible.length > 0) {
      return reply.redirect(localPath(request.lang, `/funded/intakes/${intake.id}`), 303);
    }
    const submitting = values.action === 'submit';
    const words = countWords(values.statement);
    if (words > intake.wordLimit) errors.push({ field: 'statement', key: 'funded.apply.errors.tooManyWords', params: { limit: intake.wordLimit, count: words } });
    for (const field of ['statement', 'serviceBenefit', 'priorLearning'] as const) {
      if (values[field].length > FIELD_LIMIT) errors.push({ field, key: 'funded.apply.errors.tooLong' });
    }
    if (submitting) {
      if (values.statement.trim() === '') errors.push({ field: 'statement', key: 'funded.apply.errors.required' });
      if (values.serviceBenefit.trim() === '') errors.push({ field: 'serviceBenefit', key: 'funded.apply.errors.required' });
      if (context.manager === null) errors.push({ field: 'manager', key: 'funded.apply.errors.noManager' });
    }
    if (errors.length > 0) return reply.code(400).render('pages/funded/apply.njk', await renderForm(request, intake, module, values, errors));
    const application = await store.saveDraft(intake.id, user.id, context.snapshot,
      { statement: values.statement.trim(), serviceBenefit: values.serviceBenefit.trim(), priorLearning: values.priorLearning.trim() }, context.manager?.id ?? null);
    if (!submitting) return reply.redirect(localPath(request.lang, `/funded/intakes/${intake.id}/apply?done=saved`), 303);
    await service.submit(application, user, module);
    return reply.redirect(localPath(request.lang, `/funded/applications/${application.id}?done=submitted`), 303);
  });

  const ownApplication = async (request: FastifyRequest): Promise<{ application: Application; intake: Intake; module: FundedModule }> => {
    const user = currentUser(request);
    const id = (request.params as { id: string }).id;
    const application = UUID.test(id) ? await store.findApplication(id) : undefined;
    if (application?.userId !== user.id) throw new DomainError('GNM_NOT_FOUND');
    const { intake, module } = await intakeOr404(application.intakeId, false);
    return { application, intake, module };
  };

  app.get('/funded/applications/:id', { config: { access: 'signed-in' } }, async (request, reply) => {
    const { application, intake, module } = await ownApplication(request);
    const manager = application.managerUserId === null ? undefined : await app.stores.users.findById(application.managerUserId);
    const names = {
      organisation: (code: string) => organisationByCode(code)?.shortName[request.lang] ?? code,
      staffGroup: (code: string) => staffGroupByName(code)?.name[request.lang] ?? code,
      profession: (code: string) => request.t(`funded.professions.${code}`),
    };
    return reply.render('pages/funded/application.njk', {
      application, intake, module, manager, done: done(request), canWithdraw: WITHDRAWABLE.includes(application.status),
      why: application.reasons.map((r) => explainReason(r, request.t, names)),
      offerOpen: application.status === 'offered' && (application.offerDeadline === null || application.offerDeadline > new Date()),
    });
  });

  app.post('/funded/applications/:id/withdraw', { config: { access: 'signed-in' } }, async (request, reply) => {
    const { application } = await ownApplication(request);
    await service.withdraw(application);
    return reply.redirect(localPath(request.lang, `/funded/applications/${application.id}?done=withdrawn`), 303);
  });

  app.post('/funded/applications/:id/respond', { config: { access: 'signed-in' } }, async (request, reply) => {
    const { application } = await ownApplication(request);
    const answer = (request.body as { answer?: unknown } | undefined)?.answer;
    if (answer !== 'accept' && answer !== 'decline') throw new DomainError('GNM_VALIDATION', { field: 'answer' });
    const outcome = await service.respond(application, answer === 'accept');
    return reply.redirect(localPath(request.lang, `/funded/applications/${application.id}?done=${outcome}`), 303);
  });

  // Line managers: the applications that name them.

  app.get('/funded/manager', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const applications = await store.applicationsForManager(user.id);
    const people = new Map<string, string>();
    for (const a of applications) people.set(a.userId, (await app.stores.users.findById(a.userId))?.displayName ?? '');
    const modules = new Map((await store.listModules()).map((m) => [m.id, m]));
    const intakes = new Map((await store.listIntakes()).map((i) => [i.id, i]));
    return reply.render('pages/funded/manager-list.njk', {
      items: applications.map((a) => ({ application: a, name: people.get(a.userId) ?? '', module: modules.get(intakes.get(a.intakeId)?.moduleId ?? '') })),
    });
  });

  const managedApplication = async (request: FastifyRequest) => {
    const user = currentUser(request);
    const id = (request.params as { id: string }).id;
    const application = UUID.test(id) ? await store.findApplication(id) : undefined;
    if (application === undefined || application.managerUserId !== user.id || application.status === 'draft') throw new DomainError('GNM_NOT_FOUND');
    const { intake, module } = await intakeOr404(application.intakeId, false);
    const applicant = await app.stores.users.findById(application.userId);
    return { user, application, intake, module, applicant };
  };

  app.get('/funded/manager/:id', { config: { access: 'signed-in' } }, async (request, reply) => {
    const view = await managedApplication(request);
    return reply.render('pages/funded/manager.njk', { ...view, values: { decision: '', studyTime: '', reason: '' }, errors: [], errorOf: {}, done: done(request) });
  });

  app.post('/funded/manager/:id', { config: { access: 'signed-in' } }, async (request, reply) => {
    const view = await managedApplication(request);
    const body = z.object({ decision: z.string().max(20).default(''), studyTime: z.string().max(2000).default(''), reason: z.string().max(4000).default('') })
      .safeParse(request.body ?? {}).data ?? { decision: '', studyTime: '', reason: '' };
    const errors: FieldError[] = [];
    if (body.decision !== 'support' && body.decision !== 'decline') errors.push({ field: 'decision', key: 'funded.manager.errors.decision' });
    if (body.decision === 'support' && body.studyTime.trim() === '') errors.push({ field: 'studyTime', key: 'funded.manager.errors.studyTime' });
    if (body.decision === 'decline' && body.reason.trim() === '') errors.push({ field: 'reason', key: 'funded.manager.errors.reason' });
    if (errors.length > 0) {
      return reply.code(400).render('pages/funded/manager.njk', { ...view, values: body, errors, errorOf: Object.fromEntries(errors.map((e) => [e.field, e])), done: null });
    }
    await store.managerDecision(view.application.id, view.user.id, body.decision === 'support'
      ? { supported: true, studyTime: body.studyTime.trim() } : { supported: false, reason: body.reason.trim() });
    return reply.redirect(localPath(request.lang, `/funded/manager/${view.application.id}?done=${body.decision === 'support' ? 'supported' : 'declined'}`), 303);
  });

  // Reviewers: blind.

  app.get('/funded/review', { config: { access: 'funded.review' } }, async (request, reply) => {
    const user = authorise(request, 'funded.review');
    const [intakes, modules] = await Promise.all([store.listIntakes(), store.listModules()]);
    const moduleOf = new Map(modules.map((m) => [m.id, m]));
    const rows = [];
    for (const intake of intakes.filter((i) => i.status === 'open')) {
      const { total } = await store.reviewQueue(intake.id, user.id, intake.reviewersPerApplication, 1);
      rows.push({ intake, module: moduleOf.get(intake.moduleId), waiting: total });
    }
    return reply.render('pages/funded/review-list.njk', { rows });
  });

  const PAGE_SIZE = 50;
  app.get('/funded/review/:id', { config: { access: 'funded.review' } }, async (request, reply) => {
    const user = authorise(request, 'funded.review');
    const { intake, module } = await intakeOr404((request.params as { id: string }).id, true);
    const page = PageQuery.safeParse(request.query).data?.page ?? 1;
    const queue = await store.reviewQueue(intake.id, user.id, intake.reviewersPerApplication, PAGE_SIZE, (page - 1) * PAGE_SIZE);
    return reply.render('pages/funded/review-queue.njk', { intake, module, queue, page, pages: Math.max(1, Math.ceil(queue.total / PAGE_SIZE)), done: done(request) });
  });

  const reviewable = async (request: FastifyRequest) => {
    const user = authorise(request, 'funded.review');
    const { id, applicationId } = request.params as { id: string; applicationId: string };
    const { intake, module } = await intakeOr404(id, true);
    const application = UUID.test(applicationId) ? await store.findApplication(applicationId) : undefined;
    if (application?.intakeId !== intake.id || application.status !== 'supported' || application.userId === user.id) throw new DomainError('GNM_NOT_FOUND');
    return { user, intake, module, application, reference: application.id.slice(0, 8).toUpperCase() };
  };

  app.get('/funded/review/:id/:applicationId', { config: { access: 'funded.review' } }, async (request, reply) => {
    const view = await reviewable(request);
    // Only what the panel scores on: no name, organisation, manager or email.
    const { statement, serviceBenefit, priorLearning, staffGroupCode, bandCode, jobRole } = view.application;
    return reply.render('pages/funded/review.njk', { intake: view.intake, module: view.module, reference: view.reference, applicationId: view.application.id,
      blind: { statement, serviceBenefit, priorLearning, staffGroupCode, bandCode, jobRole }, max: MAX_CRITERION_SCORE, values: {}, errors: [] });
  });

  app.post('/funded/review/:id/:applicationId', { config: { access: 'funded.review' } }, async (request, reply) => {
    const view = await reviewable(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const scores = new Map<string, number>();
    const errors: FieldError[] = [];
    for (const c of view.intake.criteria) {
      const raw = body[`score-${c.code}`];
      const value = typeof raw === 'string' && /^\d$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
      if (!(value >= 0 && value <= MAX_CRITERION_SCORE)) errors.push({ field: `score-${c.code}`, key: 'funded.review.errors.score', params: { max: MAX_CRITERION_SCORE } });
      else scores.set(c.code, value);
    }
    if (errors.length > 0) {
      const { statement, serviceBenefit, priorLearning, staffGroupCode, bandCode, jobRole } = view.application;
      return reply.code(400).render('pages/funded/review.njk', { intake: view.intake, module: view.module, reference: view.reference, applicationId: view.application.id,
        blind: { statement, serviceBenefit, priorLearning, staffGroupCode, bandCode, jobRole }, max: MAX_CRITERION_SCORE, values: body, errors });
    }
    const summary = await store.recordScores(view.intake, view.application.id, view.user.id, scores);
    return reply.redirect(localPath(request.lang, `/funded/review/${view.intake.id}?done=${summary.needsModeration ? 'moderation' : 'scored'}`), 303);
  });
}
