// Literacy insights: aggregate tables of the staff a reader may count
// (domain/insights/scope.ts), broken down by one dimension with a drill-down
// Wales → organisation → staff group → job role, small numbers suppressed
// (docs/insights.md), and the same view as CSV. No names appear here: a line
// manager sees their people by name only on /team.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { DIMENSIONS, defaultDimension, insightsScope, type Dimension, type InsightsFilter, type InsightsScope } from '../../domain/insights/index.js';
import { csvCell } from '../../domain/learning/index.js';
import { ORGANISATIONS, STAFF_GROUPS } from '../../domain/staff/index.js';
import type { InsightsPopulation } from '../../db/stores/insights-store.js';
import { InsightsAggregateStore } from '../../db/stores/insights-aggregate-store.js';
import { labelOf } from '../../services/insights/literacy-view.js';
import { shareChartSvg, trendChartSvg } from '../../services/insights/charts.js';
import { dashboardOf, dashboardSheets, dayLabel } from '../../services/insights/dashboard.js';
import { insightsTargetRoutes } from './insights-targets.js';
import { workbookOf } from '../../services/insights/workbook.js';
import { today } from '../../services/learning/required-learning.js';
import { authorise, principalOf } from '../plugins/auth.js';

interface InsightsQuery { readonly filter: InsightsFilter; readonly by: Dimension; readonly asAt: string | null; readonly asAtInvalid: boolean }

export async function insightsRoutes(app: FastifyInstance): Promise<void> {
  const aggregates = InsightsAggregateStore.create(app.database.db);

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
    // "As at" a past day: a real calendar day before today; today or later is today's view.
    const askedDay = text(raw['asAt']);
    const isDay = askedDay !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(askedDay) && new Date(`${askedDay}T00:00:00Z`).toISOString().startsWith(askedDay) && askedDay >= '2000-01-01';
    const asAt = isDay && askedDay < today() ? askedDay : null;
    return { filter, by, asAt, asAtInvalid: askedDay !== undefined && !isDay };
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

  async function dashboardFor(request: FastifyRequest) {
    const { scope, staffId } = readerScope(request);
    const query = queryOf(request, scope);
    const population = await populationOf(scope, staffId);
    const dashboard = await dashboardOf(aggregates, app.content.modules, {
      population, filter: query.filter, linkFilter: scope.kind === 'team' ? { organisationCode: '', staffGroupCode: '' } : query.filter,
      by: query.by, asAt: query.asAt, today: today(), gaps: scope.kind !== 'team' && query.filter.staffGroupCode === undefined, lang: request.lang, t: request.t,
    });
    return { scope, query, linked: population !== null, dashboard };
  }

  function paramsOf(query: InsightsQuery): URLSearchParams {
    return new URLSearchParams({
      ...(query.filter.organisationCode === undefined ? {} : { org: query.filter.organisationCode }),
      ...(query.filter.staffGroupCode === undefined ? {} : { group: query.filter.staffGroupCode }),
      by: query.by, ...(query.asAt === null ? {} : { asAt: query.asAt }),
    });
  }

  insightsTargetRoutes(app, { aggregates, readerScope, populationOf });

  const fileName = (request: FastifyRequest, ext: string) => `${request.lang === 'cy' ? 'llythrennedd-genomig' : 'genomic-literacy'}.${ext}`;

  app.get('/insights', { config: { access: 'insights.read' } }, async (request, reply) => {
    const { scope, query, linked, dashboard } = await dashboardFor(request);
    const { view } = dashboard;
    const lang = request.lang;
    const t = request.t;
    const trail: { text: string; href: string | null }[] = [];
    if (scope.kind !== 'team') {
      trail.push({ text: scope.kind === 'wales' ? t('insights.wales') : t('insights.yourOrganisations'), href: query.filter.organisationCode === undefined ? null : '/insights' });
      if (query.filter.organisationCode !== undefined) {
        trail.push({
          text: labelOf('organisation', query.filter.organisationCode, lang, t),
          href: query.filter.staffGroupCode === undefined ? null : `/insights?${new URLSearchParams({ org: query.filter.organisationCode }).toString()}`,
        });
      }
      if (query.filter.staffGroupCode !== undefined) trail.push({ text: labelOf('staffGroup', query.filter.staffGroupCode, lang, t), href: null });
    }
    const params = paramsOf(query);
    const dimensions = DIMENSIONS.filter((d) => !(d === 'organisation' && query.filter.organisationCode !== undefined) && !(d === 'staffGroup' && query.filter.staffGroupCode !== undefined));
    const bars = view.rows.flatMap((r) => (r.meetingPercent === null ? [] : [{ label: r.shortLabel, percent: r.meetingPercent }]));
    const chart = await shareChartSvg(bars, t('insights.chartTitle', { by: t(`insights.by.${query.by}`) }), t('insights.target.meetingPercent'));
    const trendChart = await trendChartSvg(
      dashboard.trend.map((r) => ({ month: r.month, label: r.label, first: r.point.awarenessPercent, second: r.point.meetingPercent })),
      t('insights.trend.chartTitle'), { first: t('insights.trend.awareness'), second: t('insights.trend.meeting'), month: t('insights.trend.month'), percent: t('insights.trend.percent') },
    );
    const part = (name: string) => `/insights.csv?${new URLSearchParams([...params.entries(), ['part', name]]).toString()}`;
    return reply.header('Cache-Control', 'no-store').render('pages/insights.njk', {
      scope, query, linked, view, dashboard, trail, dimensions, chart, trendChart, today: today(),
      asAtText: query.asAt === null ? null : dayLabel(query.asAt, lang),
      asAtInvalid: query.asAtInvalid, todayHref: `/insights?${paramsOf({ ...query, asAt: null }).toString()}`,
      csvHref: `/insights.csv?${params.toString()}`, xlsxHref: `/insights.xlsx?${params.toString()}`,
      partHrefs: { trend: part('trend'), gaps: part('gaps'), modules: part('modules'), events: part('events') },
    });
  });

  app.get('/insights.csv', { config: { access: 'insights.read' } }, async (request, reply) => {
    const { dashboard } = await dashboardFor(request);
    const wanted = (request.query as Record<string, unknown>)['part'];
    const sheets = dashboardSheets(dashboard, request.t);
    const index = ['trend', 'gaps', 'modules', 'events'].indexOf(typeof wanted === 'string' ? wanted : '');
    const names = [request.t('insights.sheet.trend'), request.t('insights.sheet.gaps'), request.t('insights.sheet.modules'), request.t('insights.sheet.events')];
    const sheet = index === -1 ? sheets[0] : sheets.find((x) => x.name === names[index]);
    if (sheet === undefined) throw new DomainError('GNM_NOT_FOUND');
    const csv = `\uFEFF${sheet.records.map((l) => l.map(csvCell).join(',')).join('\r\n')}\r\n`;
    return reply.header('Cache-Control', 'no-store').type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${fileName(request, 'csv')}"`).send(csv);
  });

  app.get('/insights.xlsx', { config: { access: 'insights.read' } }, async (request, reply) => {
    const { dashboard } = await dashboardFor(request);
    const body = await workbookOf(dashboardSheets(dashboard, request.t));
    return reply.header('Cache-Control', 'no-store').type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('Content-Disposition', `attachment; filename="${fileName(request, 'xlsx')}"`).send(body);
  });
}
