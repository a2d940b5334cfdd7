// A module's final assessment and the learner's record of learning. Questions
// are drawn from the bank with a seed kept on the attempt; a retake after a
// failed attempt draws again. A pass records one completion for the module
// version, whichever language was used.

import { offeredOf, refreshStaff } from '../../services/insights/aggregates.js';
import { randomInt } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { drawAttempt, outcomesToRevisit, scoreAttempt, timesSeenIn } from '../../domain/learning/index.js';
import { DomainError } from '../../domain/errors.js';
import { AssessmentStore } from '../../db/stores/assessment-store.js';
import { CredentialStore } from '../../db/stores/credential-store.js';
import { issueCredential } from '../../services/learning/credentials.js';
import { keyEncryptionKey } from '../../services/learning/signing-key-secret.js';
import { ProgressStore } from '../../db/stores/progress-store.js';
import { currentUser } from '../plugins/auth.js';
import { localPath } from '../plugins/language.js';
import { recordLearningWithin } from '../../services/xapi/record.js';
import type { LearningEvent } from '../../domain/xapi/index.js';
import { RequirementStore } from '../../db/stores/requirement-store.js';
import { EventStore } from '../../db/stores/event-store.js';
import { EventAttendanceStore } from '../../db/stores/event-attendance-store.js';
import { requiredLearningOf } from '../../services/learning/required-learning.js';
import { competenciesCoveredBy, fundedCoveringOf } from '../../services/learning/competencies-covered.js';
import { eventTargetOf } from '../../db/stores/requirement-store.js';
import { learnerOf, moduleOr404 } from './learn.js';
import { serviceFor } from './funded.js';
import { learnerLiteracy } from '../../services/insights/person-literacy.js';

function answersFrom(body: unknown, questionIds: readonly string[]): Record<string, string[]> {
  const fields = (body ?? {}) as Record<string, unknown>;
  const answers: Record<string, string[]> = {};
  for (const id of questionIds) {
    const value = fields[`q-${id}`];
    const list = [value ?? []].flat().filter((v): v is string => typeof v === 'string' && v.length <= 40);
    if (list.length > 0) answers[id] = list;
  }
  return answers;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export async function assessmentRoutes(app: FastifyInstance): Promise<void> {
  const attempts = AssessmentStore.create(app.database.db);
  const credentials = CredentialStore.create(app.database.db);
  const progress = ProgressStore.create(app.database.db);
  const requirements = RequirementStore.create(app.database.db);

  app.get('/learn/:slug/assessment', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const module = moduleOr404(app.content, (request.params as { slug: string }).slug);
    const latest = await attempts.latest(user.id, module.manifest.id);
    const completed = (await attempts.completionsFor(user.id)).find((c) => c.moduleId === module.manifest.id && c.moduleVersion === module.manifest.version);
    if (latest === undefined || latest.moduleVersion !== module.manifest.version) {
      return reply.render('pages/learn/assessment-start.njk', { module, completed });
    }
    const byId = new Map(module.questions.map((q) => [q.id, q]));
    const questions = latest.drawn.map((d) => {
      const q = byId.get(d.id);
      return q === undefined ? null : { ...q, options: d.optionOrder.map((o) => q.options.find((x) => x.id === o)).filter((o) => o !== undefined) };
    }).filter((q) => q !== null);
    if (latest.submittedAt === null) return reply.render('pages/learn/assessment.njk', { module, attempt: latest, questions, answers: {}, errors: [] });
    const result = scoreAttempt(module.questions, latest.drawn, latest.answers ?? {}, module.manifest.passMark);
    const credential = await credentials.forVersion(user.id, module.manifest.id, module.manifest.version);
    // The answers are shown only after a pass; after a fail, what to read again.
    const revisit = result.passed ? [] : outcomesToRevisit(module, result).map((r) => ({
      outcome: module.manifest.outcomes.find((o) => o.id === r.outcomeId),
      pages: r.pages.map((n) => ({ number: n, title: module.pages[n - 1]?.[request.lang].title ?? '' })),
    }));
    return reply.render('pages/learn/assessment-result.njk', { module, attempt: latest, questions, result, completed, credential, revisit });
  });

  app.post('/learn/:slug/assessment', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const module = moduleOr404(app.content, (request.params as { slug: string }).slug);
    const latest = await attempts.latest(user.id, module.manifest.id);
    // An attempt already open is carried on, not replaced: a double click cannot lose answers.
    if (latest?.submittedAt !== null || latest.moduleVersion !== module.manifest.version) {
      const seed = randomInt(0, 2 ** 32 - 1);
      // A retake favours the questions this learner has seen least in this version's earlier attempts.
      const seen = timesSeenIn(await attempts.attemptsAt(user.id, module.manifest.id, module.manifest.version));
      const drawn = drawAttempt(module.questions, module.manifest.questionsPerAttempt, seed, seen);
      await attempts.start(user.id, module.manifest.id, module.manifest.version, seed, drawn, request.lang,
        (trx, attemptId) => recordLearningWithin(trx, learnerOf(request), [{ kind: 'assessment-started', moduleId: module.manifest.id, registration: attemptId }]));
    }
    return reply.redirect(localPath(request.lang, `/learn/${module.manifest.slug}/assessment`), 303);
  });

  app.post('/learn/:slug/assessment/:attempt', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const { slug, attempt: attemptId } = request.params as { slug: string; attempt: string };
    const module = moduleOr404(app.content, slug);
    const attempt = await attempts.find(user.id, attemptId);
    if (attempt?.moduleId !== module.manifest.id) throw new DomainError('GNM_NOT_FOUND');
    if (attempt.submittedAt !== null) throw new DomainError('GNM_CONFLICT', { what: 'assessment attempt' });
    const answers = answersFrom(request.body, attempt.drawn.map((d) => d.id));
    const byId = new Map(module.questions.map((q) => [q.id, q]));
    const questions = attempt.drawn.map((d) => {
      const q = byId.get(d.id);
      return q === undefined ? null : { ...q, options: d.optionOrder.map((o) => q.options.find((x) => x.id === o)).filter((o) => o !== undefined) };
    }).filter((q) => q !== null);
    const unanswered = questions.map((q, i) => ({ id: q.id, number: i + 1 })).filter((q) => answers[q.id] === undefined);
    if (unanswered.length > 0) {
      return reply.code(400).render('pages/learn/assessment.njk', { module, attempt, questions, answers, errors: unanswered, canonicalPath: `/learn/${slug}/assessment` });
    }
    const result = scoreAttempt(module.questions, attempt.drawn, answers, module.manifest.passMark);
    // The answers, the pass or fail and any new completion go into the learning
    // record in the same transaction as the attempt (the attempt id is the registration).
    const moduleId = module.manifest.id;
    const statements = (newCompletion: boolean): LearningEvent[] => [
      ...questions.map((q): LearningEvent => {
        const given = answers[q.id] ?? [];
        const correct = new Set(q.options.filter((o) => o.correct).map((o) => o.id));
        const right = given.length === correct.size && given.every((a) => correct.has(a));
        return { kind: 'question-answered', moduleId, questionId: q.id, response: given.join('[,]'), correct: right, registration: attempt.id };
      }),
      { kind: 'assessment-submitted', moduleId, scaled: result.score, passed: result.passed, registration: attempt.id, durationSeconds: (Date.now() - attempt.startedAt.getTime()) / 1000 },
      ...(newCompletion ? [{ kind: 'module-completed', moduleId } as const] : []),
    ];
    const { completion } = await attempts.submit(user.id, attempt.id, answers, result, module.manifest.cpdHours, request.lang,
      async (trx, newCompletion) => {
        await recordLearningWithin(trx, learnerOf(request), statements(newCompletion));
        // The learner's literacy level may have moved, or a pass of the same version renewed a refresher: the kept
        // insights aggregates move with it, in this transaction.
        if (result.passed && user.staffId !== null) await refreshStaff(trx, offeredOf(app.content.modules), [user.staffId]);
      });
    if (completion !== null) {
      await issueCredential(credentials, { userId: user.id, learnerName: user.displayName, email: user.email, module, completion, baseUrl: app.config.PUBLIC_URL, keyEncryptionKey: keyEncryptionKey(app.config) });
    }
    return reply.redirect(localPath(request.lang, `/learn/${slug}/assessment`), 303);
  });

  const record = async (userId: string) => {
    const completions = await attempts.completionsFor(userId);
    const started = await progress.listFor(userId);
    const byId = new Map(app.content.modules.map((m) => [m.manifest.id, m]));
    const completedIds = new Set(completions.map((c) => `${c.moduleId}@${c.moduleVersion}`));
    const inProgress = started.filter((p) => !completedIds.has(`${p.moduleId}@${p.moduleVersion}`)).map((p) => ({ ...p, module: byId.get(p.moduleId) }));
    const thisYear = new Date().getUTCFullYear();
    const cpdThisYear = completions.filter((c) => c.completedAt.getUTCFullYear() === thisYear).reduce((sum, c) => sum + c.cpdHours, 0);
    const issued = new Map((await credentials.forUser(userId)).map((c) => [`${c.moduleId}@${c.moduleVersion}`, c]));
    // Events attended count towards CPD as modules do (issue 16; events-attendance).
    const attendedEvents = await EventAttendanceStore.create(app.database.db).attendedBy(userId);
    const eventCpdThisYear = attendedEvents.filter((a) => a.startsAt.getUTCFullYear() === thisYear).reduce((sum, a) => sum + a.cpdHours, 0);
    // Competencies covered: modules completed and events attended, by the same rule (issue 16).
    const competencies = await competenciesCoveredBy(app.database.db, app.content, [...completions.map((c) => c.moduleId), ...attendedEvents.map((a) => eventTargetOf(a.eventId))], await fundedCoveringOf(app.database.db, { userId }));
    return { attendedEvents, eventCpdThisYear, competencies, completions: completions.map((c) => ({ ...c, module: byId.get(c.moduleId), credential: issued.get(`${c.moduleId}@${c.moduleVersion}`) })), inProgress, cpdThisYear, thisYear };
  };

  app.get('/my-learning', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    // What the learner's organisation requires of them, with due dates and what is overdue.
    const staff = user.staffId === null ? undefined : await app.stores.staff.findById(user.staffId);
    const required = await requiredLearningOf({ requirements, library: app.content }, staff, await attempts.completionsFor(user.id));
    const funded = await serviceFor(app).outcomesOf(user.id);
    const mine = await record(user.id);
    // The level counted as the insights count it (funded modules completed with credits included); the competencies in mine.
    const literacy = learnerLiteracy(app.content, mine.completions.map((c) => c.moduleId), funded);
    // Places to come (booked, waiting, offered, waiting for approval): an offer to confirm is found here too.
    const upcomingEvents = await EventStore.create(app.database.db).upcomingOf(user.id);
    return reply.render('pages/learn/my-learning.njk', { ...mine, required, funded, literacy, upcomingEvents });
  });

  app.get('/my-learning.csv', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const { completions } = await record(user.id);
    const t = request.t;
    const header = [t('learning.record.module'), t('learning.version'), t('learning.record.completed'), t('learning.record.score'), t('learning.cpd'), t('learning.record.language')];
    const rows = completions.map((c) => [c.module?.manifest.title[request.lang] ?? c.moduleId, c.moduleVersion, c.completedAt.toISOString().slice(0, 10), String(Math.round(c.score * 100)), String(c.cpdHours), t(`language.names.${c.language}`)]);
    const csv = `\uFEFF${[header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
    return reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${request.lang === 'cy' ? 'cofnod-dysgu' : 'learning-record'}.csv"`).send(csv);
  });
}
