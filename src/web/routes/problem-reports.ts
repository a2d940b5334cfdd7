// "Report a problem with this page": any signed-in person can tell the
// education leads that something on a module page is wrong, unclear or badly
// translated. The report keeps the module, its version, the page and the
// language they read it in, with their message; education leads see the queue
// in the product and mark each report dealt with (audited). The form is a plain
// POST with a CSRF token: it works without JavaScript.

import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { ProblemReportStore } from '../../db/stores/problem-report-store.js';
import { authorise, currentUser } from '../plugins/auth.js';
import { localPath } from '../plugins/language.js';
import { moduleOr404 } from './learn.js';

/** The longest message kept; longer is refused with a message saying so, not cut. */
export const MAX_PROBLEM_MESSAGE = 2000;

const ReportForm = z.object({
  page: z.string().trim().max(6).optional(),
  message: z.string().max(MAX_PROBLEM_MESSAGE * 4).optional(),
});

const PageQuery = z.object({ page: z.string().max(6).optional() });

export async function problemReportRoutes(app: FastifyInstance): Promise<void> {
  const reports = ProblemReportStore.create(app.database.db);
  const library = app.content;

  /** The page number asked about, if it is one of the module's pages; otherwise the overview (null). */
  const pageOf = (value: string | undefined, pages: number): number | null => {
    const n = value !== undefined && /^\d{1,4}$/.test(value) ? Number(value) : 0;
    return n >= 1 && n <= pages ? n : null;
  };

  const formView = (request: FastifyRequest, slug: string, page: number | null, extra: { message?: string; error?: string | null } = {}) => {
    const module = moduleOr404(library, slug);
    return {
      module, page, pageTitle: page === null ? null : module.pages[page - 1]?.[request.lang].title ?? null,
      message: extra.message ?? '', error: extra.error ?? null, maxLength: MAX_PROBLEM_MESSAGE,
      canonicalPath: `/learn/${slug}/report${page === null ? '' : `?page=${String(page)}`}`,
    };
  };

  app.get('/learn/:slug/report', { config: { access: 'signed-in' } }, async (request, reply) => {
    currentUser(request);
    const slug = (request.params as { slug: string }).slug;
    const module = moduleOr404(library, slug);
    const page = pageOf(PageQuery.safeParse(request.query).data?.page, module.pages.length);
    return reply.render('pages/learn/report-form.njk', formView(request, slug, page));
  });

  app.post('/learn/:slug/report', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const slug = (request.params as { slug: string }).slug;
    const module = moduleOr404(library, slug);
    const parsed = ReportForm.safeParse(request.body ?? {});
    const page = pageOf(parsed.data?.page, module.pages.length);
    const message = (parsed.data?.message ?? '').replace(/\r\n?/g, '\n').trim();
    const error = message === '' ? 'learning.report.errors.empty' : message.length > MAX_PROBLEM_MESSAGE ? 'learning.report.errors.tooLong' : null;
    if (error !== null) {
      return reply.code(400).render('pages/learn/report-form.njk', formView(request, slug, page, { message, error }));
    }
    await reports.add({ moduleId: module.manifest.id, moduleSlug: slug, moduleVersion: module.manifest.version, page, language: request.lang, message }, user.id);
    return reply.redirect(localPath(request.lang, `/learn/${slug}/report/sent${page === null ? '' : `?page=${String(page)}`}`), 303);
  });

  app.get('/learn/:slug/report/sent', { config: { access: 'signed-in' } }, async (request, reply) => {
    currentUser(request);
    const slug = (request.params as { slug: string }).slug;
    const module = moduleOr404(library, slug);
    const page = pageOf(PageQuery.safeParse(request.query).data?.page, module.pages.length);
    return reply.render('pages/learn/report-sent.njk', { module, page });
  });

  // The education leads' queue.
  app.get('/admin/learning/problems', { config: { access: 'learning.publish' } }, async (request, reply) => {
    authorise(request, 'learning.publish');
    const done = z.object({ done: z.literal('1').optional() }).safeParse(request.query).data?.done === '1';
    const [open, dealtWith] = await Promise.all([reports.list('open'), reports.list('dealt-with', 50)]);
    const titles = new Map(library.modules.map((m) => [m.manifest.id, m.manifest.title]));
    const withTitles = <T extends { moduleId: string }>(list: T[]) => list.map((r) => ({ ...r, title: titles.get(r.moduleId) ?? null }));
    return reply.render('pages/learn/problem-reports.njk', { open: withTitles(open), dealtWith: withTitles(dealtWith), done });
  });

  app.post('/admin/learning/problems/:id/dealt-with', { config: { access: 'learning.publish' } }, async (request, reply) => {
    const user = authorise(request, 'learning.publish');
    const id = (request.params as { id: string }).id;
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new DomainError('GNM_NOT_FOUND');
    await reports.markDealtWith(id, user.id);
    return reply.redirect(localPath(request.lang, '/admin/learning/problems?done=1'), 303);
  });
}
