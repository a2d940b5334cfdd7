// Running learning for organisations: which modules an organisation requires
// of its staff (education leads everywhere, organisation administrators in
// their own organisations), and which version of each module learners get
// (education leads publish a newer version found in content/). Every change is
// audited by its store; a form with a mistake comes back with an error summary
// naming each field, and nothing is changed.

import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { organisationsWhere } from '../../domain/auth/index.js';
import { ORGANISATIONS, STAFF_GROUPS } from '../../domain/staff/index.js';
import { isCalendarDate, MAX_DUE_DAYS, type LearningRequirement, type RequirementDue } from '../../domain/learning/index.js';
import { RequirementStore } from '../../db/stores/requirement-store.js';
import { PublicationStore } from '../../db/stores/publication-store.js';
import { PublishedLibrary } from '../../services/learning/published-library.js';
import { authorise, principalOf } from '../plugins/auth.js';
import { localPath } from '../plugins/language.js';

/** How often a web process looks for versions another process published. */
const PUBLICATION_REFRESH_MS = 15_000;

const list = z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : [v].flat()));

const RequirementForm = z.object({
  organisationCode: z.string().trim().max(10).optional(),
  module: z.string().trim().max(80).optional(),
  staffGroups: list,
  dueKind: z.string().trim().max(10).optional(),
  dueDay: z.string().trim().max(4).optional(),
  dueMonth: z.string().trim().max(4).optional(),
  dueYear: z.string().trim().max(6).optional(),
  dueDays: z.string().trim().max(6).optional(),
  refresherYears: z.string().trim().max(6).optional(),
  revision: z.string().trim().max(12).optional(),
});
type RequirementFormValues = z.infer<typeof RequirementForm>;

/** A field's problem: `field` is the id the error summary links to, `key` the message. */
interface FieldError { readonly field: string; readonly key: string }

const PublishForm = z.object({ version: z.string().trim().regex(/^\d+\.\d+\.\d+$/) });

const STAFF_GROUP_CODES = new Set(STAFF_GROUPS.map((g) => g.code));

function whole(value: string | undefined): number | null {
  return value !== undefined && /^\d{1,6}$/.test(value) ? Number(value) : null;
}

/** The form's values as a requirement, or every problem with it. */
/** Longest refresher period accepted, in years. */
const MAX_REFRESHER_YEARS = 10;

function readRequirement(values: RequirementFormValues, moduleIds: ReadonlyMap<string, string>): { moduleId: string; staffGroupCodes: string[]; due: RequirementDue; refresherYears: number | null } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const moduleId = moduleIds.get(values.module ?? '');
  if (moduleId === undefined) errors.push({ field: 'module', key: 'learning.requirements.errors.module' });
  const groups = [...new Set(values.staffGroups)];
  if (!groups.every((g) => STAFF_GROUP_CODES.has(g))) errors.push({ field: 'staffGroups', key: 'learning.requirements.errors.staffGroups' });
  let due: RequirementDue | undefined;
  if (values.dueKind === 'date') {
    const [day, month, year] = [whole(values.dueDay), whole(values.dueMonth), whole(values.dueYear)];
    const iso = day === null || month === null || year === null || year < 2000 || year > 2100 ? ''
      : `${String(year)}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    if (isCalendarDate(iso)) due = { kind: 'date', date: iso };
    else errors.push({ field: 'dueDate-dueDay', key: 'learning.requirements.errors.dueDate' });
  } else if (values.dueKind === 'days') {
    const days = whole(values.dueDays);
    if (days !== null && days >= 1 && days <= MAX_DUE_DAYS) due = { kind: 'days', days };
    else errors.push({ field: 'dueDays', key: 'learning.requirements.errors.dueDays' });
  } else {
    errors.push({ field: 'dueKind', key: 'learning.requirements.errors.dueKind' });
  }
  // Optional: every N years, a completion older than that no longer counting.
  const refresher = values.refresherYears === undefined || values.refresherYears === '' ? null : whole(values.refresherYears);
  if (refresher !== null ? refresher < 1 || refresher > MAX_REFRESHER_YEARS : (values.refresherYears ?? '') !== '') {
    errors.push({ field: 'refresherYears', key: 'refresher.error' });
  }
  if (errors.length > 0 || moduleId === undefined || due === undefined) return { errors };
  return { moduleId, staffGroupCodes: groups, due, refresherYears: refresher };
}

/** A stored requirement as the form's values, for changing it. */
function formValuesOf(requirement: LearningRequirement, slug: string): RequirementFormValues {
  const [year, month, day] = requirement.due.kind === 'date' ? requirement.due.date.split('-') : [];
  return {
    organisationCode: requirement.organisationCode, module: slug, staffGroups: [...requirement.staffGroupCodes],
    dueKind: requirement.due.kind, dueDay: day === undefined ? '' : String(Number(day)), dueMonth: month === undefined ? '' : String(Number(month)),
    dueYear: year ?? '', dueDays: requirement.due.kind === 'days' ? String(requirement.due.days) : '',
    refresherYears: requirement.refresherYears === null || requirement.refresherYears === undefined ? '' : String(requirement.refresherYears), revision: String(requirement.revision),
  };
}

export async function learningAdminRoutes(app: FastifyInstance): Promise<void> {
  const requirements = RequirementStore.create(app.database.db);
  const publications = PublicationStore.create(app.database.db);
  const library = app.content;
  if (!(library instanceof PublishedLibrary)) throw new Error('app.content must be a PublishedLibrary: learners get published module versions');

  // Learners get the published versions from the first request; other web
  // processes' publications arrive within PUBLICATION_REFRESH_MS.
  const logProblem = (publication: { slug: string; version: string }, problems: readonly unknown[]) => {
    app.log.warn({ slug: publication.slug, version: publication.version, problems: problems.length }, 'a published module version no longer passes the content check; serving the version in content/');
  };
  await library.refresh(publications, logProblem);
  const timer = setInterval(() => {
    library.refresh(publications, logProblem).catch((error: unknown) => { app.log.error({ err: error }, 'could not refresh published module versions'); });
  }, PUBLICATION_REFRESH_MS);
  timer.unref();
  app.addHook('onClose', (_instance, done) => { clearInterval(timer); done(); });

  const reach = (request: FastifyRequest) => {
    const user = authorise(request, 'learning.require');
    const orgs = organisationsWhere(principalOf(user), 'learning.require');
    const organisations = orgs === 'all' ? ORGANISATIONS : ORGANISATIONS.filter((o) => orgs.includes(o.code));
    return { user, orgs, organisations };
  };

  /**
   * What a requirement may name: the library's modules, then the published
   * events (issue 16; an event's form value is `event:<id>`, what is stored is
   * its activity id, the object of the `attended` statement).
   */
  const moduleChoices = async () => [
    ...library.modules.map((m) => ({ kind: 'module' as const, slug: m.manifest.slug, id: m.manifest.id, title: m.manifest.title })),
    ...(await requirements.eventTargets()).map((e) => ({ kind: 'event' as const, slug: `event:${e.eventId}`, id: e.id, title: e.title })),
  ];
  const targetIds = async () => new Map((await moduleChoices()).map((c) => [c.slug, c.id]));
  const slugOf = async (moduleId: string) => (await moduleChoices()).find((c) => c.id === moduleId)?.slug ?? '';
  /** Titles of what requirements name, in the reader's language; events say they are events. */
  const targetTitles = async (request: FastifyRequest) => new Map((await moduleChoices()).map((c) => {
    const title = c.kind === 'event' ? request.t('requiredEvents.option', { title: c.title[request.lang] }) : c.title[request.lang];
    return [c.id, { en: title, cy: title }];
  }));

  /** A requirement this person may see, or not found (another organisation's is not theirs to know of). */
  const requirementIn = async (id: string, orgs: 'all' | readonly string[]) => {
    const requirement = await requirements.find(id);
    if (requirement === undefined || (orgs !== 'all' && !orgs.includes(requirement.organisationCode))) throw new DomainError('GNM_NOT_FOUND');
    return requirement;
  };

  app.get('/admin/learning/requirements', { config: { access: 'learning.require' } }, async (request, reply) => {
    const { orgs } = reach(request);
    const all = await requirements.list(orgs);
    const titles = await targetTitles(request);
    const done = z.object({ done: z.enum(['added', 'changed', 'removed']).optional() }).safeParse(request.query);
    return reply.render('pages/learn/requirements.njk', {
      requirements: all.map((r) => ({ ...r, title: titles.get(r.moduleId) ?? null })),
      done: done.success ? done.data.done ?? null : null,
    });
  });

  const showForm = async (request: FastifyRequest, values: RequirementFormValues, extra: { requirement?: LearningRequirement; errors?: FieldError[] } = {}) => {
    const { organisations } = reach(request);
    return {
      values, organisations, modules: await moduleChoices(), staffGroups: STAFF_GROUPS, maxDays: MAX_DUE_DAYS,
      requirement: extra.requirement ?? null, errors: extra.errors ?? [],
      errorFor: Object.fromEntries((extra.errors ?? []).map((e) => [e.field.replace(/-dueDay$/, ''), e.key])),
    };
  };

  app.get('/admin/learning/requirements/new', { config: { access: 'learning.require' } }, async (request, reply) => {
    const { organisations } = reach(request);
    return reply.render('pages/learn/requirement-form.njk', await showForm(request, { organisationCode: organisations.length === 1 ? organisations[0]?.code : '', staffGroups: [] }));
  });

  app.post('/admin/learning/requirements', { config: { access: 'learning.require' } }, async (request, reply) => {
    const { user, organisations } = reach(request);
    const parsed = RequirementForm.safeParse(request.body ?? {});
    const values: RequirementFormValues = parsed.success ? parsed.data : { staffGroups: [] };
    const organisationCode = (values.organisationCode ?? '').toUpperCase();
    const read = readRequirement(values, await targetIds());
    const errors: FieldError[] = [];
    if (!organisations.some((o) => o.code === organisationCode)) errors.push({ field: 'organisationCode', key: 'learning.requirements.errors.organisation' });
    if ('errors' in read) errors.push(...read.errors);
    if (errors.length > 0 || 'errors' in read) {
      return reply.code(400).render('pages/learn/requirement-form.njk', { ...await showForm(request, values, { errors }), canonicalPath: '/admin/learning/requirements/new' });
    }
    await requirements.add({ organisationCode, ...read }, user.id);
    return reply.redirect(localPath(request.lang, '/admin/learning/requirements?done=added'), 303);
  });

  app.get('/admin/learning/requirements/:id', { config: { access: 'learning.require' } }, async (request, reply) => {
    const { orgs } = reach(request);
    const requirement = await requirementIn((request.params as { id: string }).id, orgs);
    return reply.render('pages/learn/requirement-form.njk', await showForm(request, formValuesOf(requirement, await slugOf(requirement.moduleId)), { requirement }));
  });

  app.post('/admin/learning/requirements/:id', { config: { access: 'learning.require' } }, async (request, reply) => {
    const { user, orgs } = reach(request);
    const id = (request.params as { id: string }).id;
    const requirement = await requirementIn(id, orgs);
    const parsed = RequirementForm.safeParse(request.body ?? {});
    const values: RequirementFormValues = { ...(parsed.success ? parsed.data : { staffGroups: [] }), organisationCode: requirement.organisationCode };
    const read = readRequirement(values, await targetIds());
    // The revision the form was made from: without it a change could overwrite someone else's unseen.
    const revision = whole(values.revision);
    if (revision === null) throw new DomainError('GNM_VALIDATION', { field: 'revision' });
    if ('errors' in read) {
      return reply.code(400).render('pages/learn/requirement-form.njk', { ...await showForm(request, values, { requirement, errors: read.errors }), canonicalPath: `/admin/learning/requirements/${id}` });
    }
    await requirements.change(id, revision, read, user.id);
    return reply.redirect(localPath(request.lang, '/admin/learning/requirements?done=changed'), 303);
  });

  app.get('/admin/learning/requirements/:id/remove', { config: { access: 'learning.require' } }, async (request, reply) => {
    const { orgs } = reach(request);
    const requirement = await requirementIn((request.params as { id: string }).id, orgs);
    return reply.render('pages/learn/requirement-remove.njk', { requirement, moduleTitle: (await targetTitles(request)).get(requirement.moduleId) ?? null });
  });

  app.post('/admin/learning/requirements/:id/remove', { config: { access: 'learning.require' } }, async (request, reply) => {
    const { user, orgs } = reach(request);
    const id = (request.params as { id: string }).id;
    const requirement = await requirementIn(id, orgs);
    const revision = whole(z.object({ revision: z.string().max(12).optional() }).safeParse(request.body ?? {}).data?.revision);
    if (revision === null) throw new DomainError('GNM_VALIDATION', { field: 'revision' });
    await requirements.remove(requirement.id, revision, user.id);
    return reply.redirect(localPath(request.lang, '/admin/learning/requirements?done=removed'), 303);
  });

  app.get('/admin/learning/modules', { config: { access: 'learning.publish' } }, async (request, reply) => {
    authorise(request, 'learning.publish');
    const published = z.object({ published: z.string().max(80).optional() }).safeParse(request.query);
    const versions = library.versions();
    const just = published.success ? versions.find((v) => v.slug === published.data.published) ?? null : null;
    return reply.render('pages/learn/module-versions.njk', { versions, just });
  });

  app.post('/admin/learning/modules/:slug/publish', { config: { access: 'learning.publish' } }, async (request, reply) => {
    const user = authorise(request, 'learning.publish');
    const slug = (request.params as { slug: string }).slug;
    const entry = library.versions().find((v) => v.slug === slug);
    if (entry === undefined) throw new DomainError('GNM_NOT_FOUND');
    const parsed = PublishForm.safeParse(request.body ?? {});
    if (!parsed.success) throw new DomainError('GNM_VALIDATION', { field: 'version' });
    // What the lead saw must still be what content/ holds and still be publishable.
    if (!entry.canPublish || entry.inContent?.version !== parsed.data.version) throw new DomainError('GNM_CONFLICT', { what: 'module version' });
    await library.publish(publications, slug, parsed.data.version, user.id);
    return reply.redirect(localPath(request.lang, `/admin/learning/modules?published=${encodeURIComponent(slug)}`), 303);
  });
}
