// Literacy insights: aggregate tables of the staff a reader may count
// (domain/insights/scope.ts), broken down by one dimension with a drill-down
// Wales → organisation → staff group → job role, small numbers suppressed
// (docs/insights.md), and the same view as CSV. No names appear here: a line
// manager sees their people by name only on /team.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { DIMENSIONS, defaultDimension, insightsScope, literacyTable, within, type Dimension, type InsightsFilter, type InsightsScope } from '../../domain/insights/index.js';
import { csvCell } from '../../domain/learning/index.js';
import { ORGANISATIONS, STAFF_GROUPS } from '../../domain/staff/index.js';
import { InsightsStore, type InsightsPopulation } from '../../db/stores/insights-store.js';
import { RequirementStore } from '../../db/stores/requirement-store.js';
import { literacyPopulation } from '../../services/insights/literacy-population.js';
import { labelOf, literacyCsvRecords, literacyView, orderOf } from '../../services/insights/literacy-view.js';
import { shareChartSvg } from '../../services/insights/charts.js';
import { authorise, principalOf } from '../plugins/auth.js';

interface InsightsQuery { readonly filter: InsightsFilter; readonly by: Dimension }

export async function insightsRoutes(app: FastifyInstance): Promise<void> {
  const sources = { insights: InsightsStore.create(app.database.db), requirements: RequirementStore.create(app.database.db), library: app.content };

  function readerScope(request: FastifyRequest): { scope: InsightsScope; staffId: string | null } {
    const user = authorise(request, 'insights.read');
    const scope = insightsScope(principalOf(user));
    if (scope === null) throw new DomainError('GNM_FORBIDDEN');
    return { scope, staffId: user.staffId };
  }

  /** The address's filter and dimension; an organisation outside the reader's scope is refused, anything unknown ignored. */
  function queryOf(request: FastifyRequest, scope: InsightsScope): InsightsQuery {
    const raw = request.query as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
    let organisationCode = text(raw['org']);
    if (organisationCode !== undefined && !ORGANISATIONS.some((o) => o.code === organisationCode)) organisationCode = undefined;
    if (organisationCode !== undefined && scope.kind === 'organisations' && !scope.organisationCodes.includes(organisationCode)) throw new DomainError('GNM_FORBIDDEN');
    // An organisation administrator of one organisation starts inside it.
    if (organisationCode === undefined && scope.kind === 'organisations' && scope.organisationCodes.length === 1) organisationCode = scope.organisationCodes[0];
    let staffGroupCode = text(raw['group']);
    if (staffGroupCode !== undefined && (organisationCode === undefined || !STAFF_GROUPS.some((g) => g.code === staffGroupCode))) staffGroupCode = undefined;
    const filter: InsightsFilter = { organisationCode, staffGroupCode };
    const asked = text(raw['by']);
    const by = asked !== undefined && (DIMENSIONS as readonly string[]).includes(asked) ? asked as Dimension : scope.kind === 'team' && organisationCode === undefined ? 'staffGroup' : defaultDimension(filter);
    return { filter, by };
  }

  async function populationOf(scope: InsightsScope, staffId: string | null): Promise<InsightsPopulation | null> {
    if (scope.kind === 'wales') return { organisations: 'all' };
    if (scope.kind === 'organisations') return { organisations: scope.organisationCodes };
    const me = staffId === null ? undefined : await app.stores.staff.findById(staffId);
    if (me === undefined) return null;
    const orgs = scope.organisationCodes;
    const reports = (await app.stores.staff.reportsOf([me.assignmentNumber])).filter((m) => orgs === 'all' || orgs.includes(m.organisationCode));
    return { staffIds: reports.map((m) => m.id) };
  }

  async function viewOf(request: FastifyRequest) {
    const { scope, staffId } = readerScope(request);
    const query = queryOf(request, scope);
    const population = await populationOf(scope, staffId);
    const people = population === null ? [] : within(await literacyPopulation(sources, population), query.filter);
    const table = literacyTable(people, query.by, orderOf(query.by));
    return { scope, query, linked: population !== null, view: literacyView(table, scope.kind === 'team' ? { organisationCode: '', staffGroupCode: '' } : query.filter, request.lang, request.t) };
  }

  app.get('/insights', { config: { access: 'insights.read' } }, async (request, reply) => {
    const { scope, query, linked, view } = await viewOf(request);
    const lang = request.lang;
    const trail: { text: string; href: string | null }[] = [];
    if (scope.kind !== 'team') {
      trail.push({ text: scope.kind === 'wales' ? request.t('insights.wales') : request.t('insights.yourOrganisations'), href: query.filter.organisationCode === undefined ? null : '/insights' });
      if (query.filter.organisationCode !== undefined) {
        trail.push({
          text: labelOf('organisation', query.filter.organisationCode, lang, request.t),
          href: query.filter.staffGroupCode === undefined ? null : `/insights?${new URLSearchParams({ org: query.filter.organisationCode }).toString()}`,
        });
      }
      if (query.filter.staffGroupCode !== undefined) trail.push({ text: labelOf('staffGroup', query.filter.staffGroupCode, lang, request.t), href: null });
    }
    const params = new URLSearchParams({ ...(query.filter.organisationCode === undefined ? {} : { org: query.filter.organisationCode }), ...(query.filter.staffGroupCode === undefined ? {} : { group: query.filter.staffGroupCode }), by: query.by });
    const dimensions = DIMENSIONS.filter((d) => !(d === 'organisation' && query.filter.organisationCode !== undefined) && !(d === 'staffGroup' && query.filter.staffGroupCode !== undefined));
    const bars = view.rows.flatMap((r) => (r.meetingPercent === null ? [] : [{ label: r.shortLabel, percent: r.meetingPercent }]));
    const chart = await shareChartSvg(bars, request.t('insights.chartTitle', { by: request.t(`insights.by.${query.by}`) }), request.t('insights.target.meetingPercent'));
    return reply.header('Cache-Control', 'no-store').render('pages/insights.njk', {
      scope, query, linked, view, trail, dimensions, chart, csvHref: `/insights.csv?${params.toString()}`,
    });
  });

  app.get('/insights.csv', { config: { access: 'insights.read' } }, async (request, reply) => {
    const { view } = await viewOf(request);
    const csv = `\uFEFF${literacyCsvRecords(view, request.t).map((l) => l.map(csvCell).join(',')).join('\r\n')}\r\n`;
    return reply.header('Cache-Control', 'no-store').type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${request.lang === 'cy' ? 'llythrennedd-genomig' : 'genomic-literacy'}.csv"`).send(csv);
  });
}
