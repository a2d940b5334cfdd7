// Learning: the catalogue, a module's overview, and the module player (one page
// at a time, with a contents list, a progress bar, knowledge checks and
// references). Every page works without JavaScript; a learner's place is kept
// whichever language or device they use.

import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import { z } from 'zod';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { catalogueOrder, DURATION_LIMITS, filterModules, isReviewed, moduleStatus, pathwayFor, pathwaysOwnFirst, recommendedForRole, topicsOf, type LearningModule, type LiteracyLevelCode, type Pathway } from '../../domain/learning/index.js';
import { STAFF_GROUPS } from '../../domain/staff/index.js';
import type { ContentLibrary } from '../../services/learning/content-library.js';
import { EventAttendanceStore } from '../../db/stores/event-attendance-store.js';
import { ProgressStore } from '../../db/stores/progress-store.js';
import { AssessmentStore } from '../../db/stores/assessment-store.js';
import { RequirementStore } from '../../db/stores/requirement-store.js';
import { EventStore } from '../../db/stores/event-store.js';
import { requiredLearningOf } from '../../services/learning/required-learning.js';
import { learnerStanding } from '../../services/learning/learner-standing.js';
import type { Learner } from '../../domain/xapi/index.js';
import { projectRoot } from '../paths.js';
import { renderPage, type RenderedPage } from '../content-render.js';
import { inheritanceToolView } from '../inheritance-tool.js';
import { pgxExplorerView } from '../content-tools.js';
import { currentUser } from '../plugins/auth.js';
import { localPath } from '../plugins/language.js';
import { escapeHtml } from '../plugins/views.js';

const CatalogueQuery = z.object({
  q: z.string().trim().max(100).optional(),
  level: z.string().trim().max(20).optional(),
  topic: z.string().trim().max(60).optional(),
  /** Longest module wanted, in minutes ('' for any). */
  duration: z.string().trim().max(4).optional(),
  /** 'cy': the Welsh is there; 'cy-reviewed': a Welsh-language reviewer has reviewed it. */
  language: z.string().trim().max(12).optional(),
});

const CheckAnswer = z.object({ answer: z.union([z.string(), z.array(z.string())]).optional() });

/** The learner as the learning record store names them: by account id, never by email. */
export function learnerOf(request: FastifyRequest): Learner {
  const user = currentUser(request);
  return { userId: user.id, displayName: user.displayName, language: request.lang };
}

export function moduleOr404(library: ContentLibrary, slug: string): LearningModule {
  const module = library.bySlug(slug);
  if (module === undefined) throw new DomainError('GNM_NOT_FOUND');
  return module;
}

/** "Recommended for your role": the learner's staff group's pathway if there is one, else the group's level (content/pathways.yaml). */
function recommendedOnPathway(module: LearningModule, pathway: Pathway | undefined, requiredLevel: LiteracyLevelCode | null): boolean {
  return recommendedForRole(module.manifest.slug, module.manifest.level, pathway, requiredLevel);
}

/** The pathways for the catalogue, the learner's own staff group's first, with each module that is offered. */
function pathwaysView(library: ContentLibrary, staffGroupCode: string | undefined) {
  return pathwaysOwnFirst(library.pathways, staffGroupCode).map((pathway) => ({
    own: pathway.staffGroup === staffGroupCode,
    group: STAFF_GROUPS.find((g) => g.code === pathway.staffGroup)?.name ?? { en: pathway.staffGroup, cy: pathway.staffGroup },
    level: pathway.level,
    modules: pathway.modules.flatMap((slug) => {
      const module = library.bySlug(slug);
      return module === undefined ? [] : [{ slug, title: module.manifest.title }];
    }),
  }));
}

export async function learnRoutes(app: FastifyInstance): Promise<void> {
  const contentDir = resolve(projectRoot, app.config.CONTENT_DIR);
  const library = app.content;
  const progress = ProgressStore.create(app.database.db);
  const attempts = AssessmentStore.create(app.database.db);
  const requirements = RequirementStore.create(app.database.db);
  const events = EventStore.create(app.database.db);
  const renderedPages = new Map<string, RenderedPage & { parts: readonly string[]; tools: readonly string[] }>();
  // Page views and answers: in transactions shared between learners, on a worker thread for a SQLite file.
  const writer = app.records;

  app.get('/learn', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const parsed = CatalogueQuery.safeParse(request.query);
    const query = parsed.success ? parsed.data : {};
    const modules = filterModules(library.modules, query, request.lang);
    const standing = await learnerStanding({ staff: app.stores.staff, progress, attempts, requirements, library }, user);
    const mine = new Map(standing.progress.map((p) => [p.moduleId, p]));
    // What their organisation requires of them, with due dates; any version's completion meets it.
    const byOrganisation = new Map(standing.required.map((r) => [r.moduleId, r]));
    const ownPathway = pathwayFor(library.pathways, standing.staffGroup?.code);
    const cards = catalogueOrder(modules.map((module) => {
      const id = module.manifest.id;
      const required = byOrganisation.get(id);
      return {
        module,
        status: moduleStatus({ id, version: module.manifest.version }, mine.get(id), standing.completions),
        recommended: recommendedOnPathway(module, ownPathway, standing.requiredLevel),
        reviewed: isReviewed(module.manifest),
        requiredOutstanding: required !== undefined && required.status !== 'completed',
        orgRequired: required === undefined ? null : { dueDate: required.dueDate, status: required.status },
      };
    }));
    // Event recordings an education lead offers on demand (issue 16; events-attendance).
    const onDemand = await EventAttendanceStore.create(app.database.db).onDemand();
    // Events whose audience includes their staff group (issue 16).
    const roleEvents = standing.staffGroup === undefined ? [] : await events.upcomingFor(standing.staffGroup.code, new Date(), 3);
    return reply.render('pages/learn/catalogue.njk', {
      onDemand, cards, query, topics: topicsOf(library.modules), total: library.modules.length,
      pathways: pathwaysView(library, standing.staffGroup?.code),
      requiredLevel: standing.requiredLevel, staffGroup: standing.staffGroup ?? null, durations: DURATION_LIMITS, roleEvents,
    });
  });

  // The learner's required learning: what their organisation requires, due dates, and what is overdue.
  app.get('/my-learning/required', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const staff = user.staffId === null ? undefined : await app.stores.staff.findById(user.staffId);
    const required = await requiredLearningOf({ requirements, library }, staff, await attempts.completionsFor(user.id));
    return reply.render('pages/learn/required.njk', { required, linked: staff?.active === true, overdue: required.filter((r) => r.status === 'overdue').length });
  });

  app.get('/learn/:slug', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const module = moduleOr404(library, (request.params as { slug: string }).slug);
    const mine = await progress.get(user.id, module.manifest.id);
    return reply.render('pages/learn/module.njk', { module, progress: mine ?? null, reviewed: isReviewed(module.manifest) });
  });

  app.get('/learn/:slug/glossary', { config: { access: 'signed-in' } }, (request, reply) => {
    currentUser(request);
    const module = moduleOr404(library, (request.params as { slug: string }).slug);
    const terms = Object.entries(module.glossary).map(([id, t]) => ({ id, ...t[request.lang] }))
      .sort((a, b) => a.term.localeCompare(b.term, request.lang === 'cy' ? 'cy' : 'en-GB'));
    return reply.render('pages/learn/glossary.njk', { module, terms });
  });

  const showPage = async (request: FastifyRequest, reply: FastifyReply, feedback: { checkId: string; answers: string[] } | null) => {
    currentUser(request);
    const { slug, page } = request.params as { slug: string; page: string };
    const module = moduleOr404(library, slug);
    const index = Number(page);
    if (!Number.isInteger(index) || index < 1 || index > module.pages.length) throw new DomainError('GNM_NOT_FOUND');
    const modulePage = module.pages[index - 1];
    if (modulePage === undefined) throw new DomainError('GNM_NOT_FOUND');
    const base = localPath(request.lang, `/learn/${slug}`);
    // A module version's content never changes, so each page is rendered once per version and language.
    const cacheKey = `${slug}@${module.manifest.version}/${index}/${request.lang}`;
    let rendered = renderedPages.get(cacheKey);
    if (rendered === undefined) {
      const t = request.t;
      const page = renderPage(module, modulePage, request.lang, `/assets/content/${slug}`, `${base}/glossary`, {
        information: t('learning.prefix.information'), example: t('learning.prefix.example'), important: t('learning.prefix.important'),
        reference: (number) => t('learning.citation', { number }),
      });
      // Odd parts name a knowledge check ("k1") or an interactive tool ("tool:pgx-explorer", "tool:inheritance").
      const parts = page.html.split(/<!--(?:check:|(?=tool:))((?:tool:)?[a-z0-9-]+)-->/);
      rendered = { ...page, parts, tools: parts.filter((p, i) => i % 2 === 1 && p.startsWith('tool:')).map((p) => p.slice(5)) };
      renderedPages.set(cacheKey, rendered);
    }
    // A page newly reached is "experienced", stored with the progress in one transaction.
    const mine = await writer.viewPage({ learner: learnerOf(request), moduleId: module.manifest.id, moduleVersion: module.manifest.version, page: index });
    // The page is the same for every learner but for which pages they have
    // seen and their form token: kept whole, with those filled in. With a
    // check's feedback, it is kept for each check and set of the check's own
    // options (anything else posted is not kept).
    const seenMark = ` <span class="nhsuk-u-visually-hidden">(${escapeHtml(request.t('learning.seen'))})</span><span aria-hidden="true">✓</span>`;
    const own = Object.fromEntries(mine.pagesSeen.map((k) => [`seen-${k}`, seenMark]));
    const shown = rendered;
    // A page with the inheritance tool shows the answer to its GET form (the choice is in the address).
    const tool = shown.html.includes('<!--tool:inheritance-->') ? inheritanceToolView(request.t, request.query) : null;
    const answered = feedback === null ? '' : `|${feedback.checkId}:${[...feedback.answers].sort().join(',')}`;
    const keepable = feedback === null || (module.checks.find((c) => c.id === feedback.checkId)?.options.map((o) => o.id) ?? []).filter((id) => feedback.answers.includes(id)).length === feedback.answers.length;
    return reply.renderKept(keepable ? `learn-page|${cacheKey}${answered}${tool === null ? '' : `|${tool.key}`}` : null, 'pages/learn/page.njk', {
      tool, toolAction: `${base}/pages/${index}`, toolLive: localPath(request.lang, '/tools/inheritance'), toolStandalone: localPath(request.lang, '/tools/inheritance'), toolLevel: 2,
      module, index, pageCount: module.pages.length, rendered: shown, parts: shown.parts,
      checks: module.checks.filter((c) => shown.checkIds.includes(c.id)), feedback, canonicalPath: `/learn/${slug}/pages/${index}`,
      references: module.manifest.references.filter((r) => shown.citedReferences.includes(r.id)),
      referenceNumber: Object.fromEntries(module.manifest.references.map((r, i) => [r.id, i + 1])),
      titles: module.pages.map((p) => p[request.lang].title),
      pgx: shown.tools.includes('pgx-explorer') ? pgxExplorerView(request.t, {}, index) : null, pgxHeading: 3,
    }, own);
  };

  app.get('/learn/:slug/pages/:page', { config: { access: 'signed-in' } }, (request, reply) => showPage(request, reply, null));

  // A knowledge check answered without JavaScript: the page again, with feedback.
  app.post('/learn/:slug/pages/:page/checks/:check', { config: { access: 'signed-in' } }, async (request, reply) => {
    const { check } = request.params as { check: string };
    const parsed = CheckAnswer.safeParse(request.body);
    const raw = parsed.success ? parsed.data.answer : undefined;
    const answers = raw === undefined ? [] : [raw].flat();
    const module = moduleOr404(library, (request.params as { slug: string }).slug);
    const knowledgeCheck = module.checks.find((c) => c.id === check);
    // Only the check's own option ids are recorded: whatever else was posted is ignored.
    const optionIds = new Set(knowledgeCheck?.options.map((o) => o.id) ?? []);
    if (knowledgeCheck !== undefined && answers.length > 0 && answers.every((a) => optionIds.has(a))) {
      const correct = new Set(knowledgeCheck.options.filter((o) => o.correct).map((o) => o.id));
      const right = answers.length === correct.size && answers.every((a) => correct.has(a));
      await writer.record(learnerOf(request), [{ kind: 'question-answered', moduleId: module.manifest.id, questionId: `check-${check}`, response: answers.join('[,]'), correct: right }]);
    }
    return showPage(request, reply, { checkId: check, answers });
  });

  // Figures in modules; only files under a module's images/ folder are served.
  await app.register(fastifyStatic, {
    root: contentDir, prefix: '/assets/content/', decorateReply: false,
    allowedPath: (path) => /^\/[a-z0-9-]+\/images\/[a-z0-9-]+\.(svg|png|jpg)$/.test(path),
  });
}
