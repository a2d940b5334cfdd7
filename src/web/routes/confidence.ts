// Confidence self-assessment (issue 18): before and after a module, an
// optional rating of the learner's confidence on each of its competencies in
// the Genomics Education Programme's training-needs segments, stored as xAPI
// statements with a projection row (db/stores/confidence-store.ts); and
// /insights/confidence, the change per module, competency and staff group for
// the staff an insights reader may count (domain/insights/scope.ts), small
// numbers suppressed (docs/insights.md), with a CSV of the same table.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { confidenceTable, isPhase, isSegment, SEGMENTS, type ConfidenceCell, type ConfidenceRow, type Phase } from '../../domain/confidence/index.js';
import { insightsScope } from '../../domain/insights/index.js';
import { COMPETENCIES, csvCell } from '../../domain/learning/index.js';
import { formatNumber } from '../../domain/number-format.js';
import { STAFF_GROUPS } from '../../domain/staff/index.js';
import { ConfidenceStore, type ConfidencePopulation, type Rating } from '../../db/stores/confidence-store.js';
import type { Translate } from '../i18n.js';
import { authorise, currentUser, principalOf } from '../plugins/auth.js';
import { localPath } from '../plugins/language.js';
import { learnerOf, moduleOr404 } from './learn.js';

type Lang = 'en' | 'cy';

/** A competency's name in the framework, or its id when a module names one the framework lacks. */
export function competencyName(id: string, lang: Lang): string {
  return COMPETENCIES.find((c) => c.id === id)?.name[lang] ?? id;
}

const phaseOf = (v: unknown): Phase => (isPhase(v) ? v : 'before');

export async function confidenceRoutes(app: FastifyInstance): Promise<void> {
  const store = ConfidenceStore.create(app.database.db);
  const library = app.content;

  /** Where the learner goes after rating or skipping: into the module before, back to its overview after. */
  const nextOf = (slug: string, phase: Phase) => (phase === 'before' ? `/learn/${slug}/pages/1` : `/learn/${slug}`);

  app.get('/learn/:slug/confidence', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const slug = (request.params as { slug: string }).slug;
    const module = moduleOr404(library, slug);
    const phase = phaseOf((request.query as Record<string, unknown>)['when']);
    const mine = await store.mine(user.id, module.manifest.id, phase);
    const competencies = module.manifest.competencies.map((id, i) => ({ id, field: `c${String(i)}`, name: competencyName(id, request.lang), value: mine.get(id) ?? null }));
    return reply.render('pages/learn/confidence.njk', { module, phase, competencies, segments: SEGMENTS, next: nextOf(slug, phase), canonicalPath: `/learn/${slug}/confidence?when=${phase}` });
  });

  app.post('/learn/:slug/confidence', { config: { access: 'signed-in' } }, async (request, reply) => {
    currentUser(request);
    const slug = (request.params as { slug: string }).slug;
    const module = moduleOr404(library, slug);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const phase = phaseOf(body['when']);
    // Every rating is optional: what was chosen is stored, anything else ignored.
    const ratings: Rating[] = module.manifest.competencies.flatMap((id, i) => {
      const value = body[`c${String(i)}`];
      return isSegment(value) ? [{ competencyId: id, segment: value }] : [];
    });
    await store.rate(learnerOf(request), module.manifest.id, phase, ratings);
    return reply.redirect(localPath(request.lang, nextOf(slug, phase)), 303);
  });

  function readerScope(request: FastifyRequest) {
    const user = authorise(request, 'insights.read');
    const scope = insightsScope(principalOf(user));
    if (scope === null) throw new DomainError('GNM_FORBIDDEN');
    return { scope, staffId: user.staffId };
  }

  async function rowsFor(request: FastifyRequest): Promise<ConfidenceRow[]> {
    const { scope, staffId } = readerScope(request);
    let population: ConfidencePopulation | null;
    if (scope.kind === 'wales') population = { organisations: 'all' };
    else if (scope.kind === 'organisations') population = { organisations: scope.organisationCodes };
    else {
      const me = staffId === null ? undefined : await app.stores.staff.findById(staffId);
      const orgs = scope.organisationCodes;
      population = me === undefined ? null
        : { staffIds: (await app.stores.staff.reportsOf([me.assignmentNumber])).filter((m) => orgs === 'all' || orgs.includes(m.organisationCode)).map((m) => m.id) };
    }
    const facts = population === null ? [] : await store.facts(population);
    return confidenceTable(facts, library.modules.map((m) => m.manifest.id));
  }

  const titleOf = (moduleId: string, lang: Lang) => library.modules.find((m) => m.manifest.id === moduleId)?.manifest.title[lang] ?? moduleId;
  const groupOf = (code: string, lang: Lang) => STAFF_GROUPS.find((g) => g.code === code)?.name[lang] ?? code;

  function viewRows(rows: readonly ConfidenceRow[], lang: Lang, t: Translate) {
    const n = (v: number) => formatNumber(v, lang);
    const text = (c: ConfidenceCell | undefined) => (c === undefined || c.state === 'small' ? t('confidence.insights.fewerThan5') : c.state !== 'shown' ? t('confidence.insights.withheld')
      : c.percent === null ? n(c.count) : t('confidence.insights.countShare', { count: n(c.count), percent: n(c.percent) }));
    const change = (v: number | null) => (v === null ? t('confidence.insights.noChange') : t('confidence.insights.points', { value: `${v > 0 ? '+' : v < 0 ? '−' : ''}${n(Math.abs(v))}` }));
    return rows.map((r) => ({
      module: titleOf(r.moduleId, lang), competency: competencyName(r.competencyId, lang), group: groupOf(r.staffGroupCode, lang),
      before: [...r.before.segments.map(text), text(r.before.total)], after: [...r.after.segments.map(text), text(r.after.total)],
      change: r.change.map(change),
    }));
  }

  app.get('/insights/confidence', { config: { access: 'insights.read' } }, async (request, reply) => {
    const rows = viewRows(await rowsFor(request), request.lang, request.t);
    const modules = [...new Set(rows.map((r) => r.module))].map((title) => ({ title, rows: rows.filter((r) => r.module === title) }));
    return reply.header('Cache-Control', 'no-store').render('pages/insights-confidence.njk', { modules, segments: SEGMENTS });
  });

  app.get('/insights/confidence.csv', { config: { access: 'insights.read' } }, async (request, reply) => {
    const t = request.t;
    const rows = viewRows(await rowsFor(request), request.lang, t);
    const seg = (s: string) => t(`confidence.segments.${s}.short`);
    const header = [t('confidence.insights.module'), t('confidence.insights.competency'), t('confidence.insights.staffGroup'),
      ...SEGMENTS.map((s) => `${t('confidence.insights.before')}: ${seg(s)}`), `${t('confidence.insights.before')}: ${t('confidence.insights.people')}`,
      ...SEGMENTS.map((s) => `${t('confidence.insights.after')}: ${seg(s)}`), `${t('confidence.insights.after')}: ${t('confidence.insights.people')}`,
      ...SEGMENTS.map((s) => `${t('confidence.insights.change')}: ${seg(s)}`)];
    const lines = [header, ...rows.map((r) => [r.module, r.competency, r.group, ...r.before, ...r.after, ...r.change])];
    return reply.header('Cache-Control', 'no-store').type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${request.lang === 'cy' ? 'hyder' : 'confidence'}.csv"`)
      .send(`\uFEFF${lines.map((l) => l.map(csvCell).join(',')).join('\r\n')}\r\n`);
  });
}
