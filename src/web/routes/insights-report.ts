// The board report (/insights/report): a form (organisation within the
// reader's insights scope, quarter, language), the report as a printable page
// in the chosen language, and the same report as a PDF. Platform
// administrators and education leads may report on any organisation,
// organisation administrators on their own; line managers (a team's scope)
// and everyone else are refused.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { insightsScope } from '../../domain/insights/index.js';
import { ORGANISATIONS } from '../../domain/staff/index.js';
import { InsightsAggregateStore } from '../../db/stores/insights-aggregate-store.js';
import { shareChartSvg } from '../../services/insights/charts.js';
import { boardReportOf, boardReportPdf, parseQuarter, quarterDays, quarterKey, quarterText, recentQuarters, type Quarter } from '../../services/insights/board-report.js';
import { today } from '../../services/learning/required-learning.js';
import { authorise, principalOf } from '../plugins/auth.js';
import { localPath } from '../plugins/language.js';

export async function insightsReportRoutes(app: FastifyInstance): Promise<void> {
  const aggregates = InsightsAggregateStore.create(app.database.db);

  /** The organisations the reader may report on; a team's scope (or none) is refused. */
  function allowedOrganisations(request: FastifyRequest): string[] {
    const user = authorise(request, 'insights.read');
    const scope = insightsScope(principalOf(user));
    if (scope === null || scope.kind === 'team') throw new DomainError('GNM_FORBIDDEN');
    return scope.kind === 'wales' ? ORGANISATIONS.map((o) => o.code) : ORGANISATIONS.map((o) => o.code).filter((c) => scope.organisationCodes.includes(c));
  }

  /** The organisation and quarter asked for: an organisation outside the scope is refused, anything else invalid is null. */
  function askedFor(request: FastifyRequest, allowed: readonly string[]): { org: string | null; quarter: Quarter | null } {
    const raw = request.query as Record<string, unknown>;
    const orgText = typeof raw['org'] === 'string' ? raw['org'] : '';
    const known = ORGANISATIONS.some((o) => o.code === orgText);
    if (known && !allowed.includes(orgText)) throw new DomainError('GNM_FORBIDDEN');
    const quarter = typeof raw['quarter'] === 'string' ? parseQuarter(raw['quarter']) : null;
    const fits = quarter !== null && quarterDays(quarter).start <= today();
    return { org: known ? orgText : null, quarter: fits ? quarter : null };
  }

  app.get('/insights/report', { config: { access: 'insights.read' } }, async (request, reply) => {
    const allowed = allowedOrganisations(request);
    const raw = request.query as Record<string, unknown>;
    const submitted = raw['org'] !== undefined || raw['quarter'] !== undefined;
    const { org, quarter } = askedFor(request, allowed);
    const language = raw['language'] === 'cy' || raw['language'] === 'en' ? raw['language'] : request.lang;
    if (submitted && org !== null && quarter !== null) {
      const params = new URLSearchParams({ org, quarter: quarterKey(quarter) });
      return reply.redirect(localPath(language, `/insights/report/view?${params.toString()}`), 303);
    }
    const errors = !submitted ? [] : [
      ...(org === null ? [{ field: 'org', key: 'insightsReport.errors.org' }] : []),
      ...(quarter === null ? [{ field: 'quarter', key: 'insightsReport.errors.quarter' }] : []),
    ];
    const lang = request.lang;
    return reply.header('Cache-Control', 'no-store').render('pages/insights-report/form.njk', {
      organisations: ORGANISATIONS.filter((o) => allowed.includes(o.code)).map((o) => ({ value: o.code, text: o.name[lang], selected: o.code === (org ?? (allowed.length === 1 ? allowed[0] : '')) })),
      quarters: recentQuarters(today()).map((q) => ({ value: quarterKey(q), text: quarterText(q, request.t), selected: quarter !== null && quarterKey(q) === quarterKey(quarter) })),
      language, errors, errorFor: Object.fromEntries(errors.map((e) => [e.field, e.key])),
    });
  });

  async function reportFor(request: FastifyRequest) {
    const allowed = allowedOrganisations(request);
    const { org, quarter } = askedFor(request, allowed);
    if (org === null || quarter === null) throw new DomainError('GNM_NOT_FOUND');
    return boardReportOf(aggregates, app.content.modules, { organisationCode: org, quarter, today: today(), lang: request.lang, t: request.t });
  }

  app.get('/insights/report/view', { config: { access: 'insights.read' } }, async (request, reply) => {
    const report = await reportFor(request);
    const t = request.t;
    const levelChart = await shareChartSvg(report.levels.flatMap((l) => (l.endShare === null ? [] : [{ label: l.label, percent: l.endShare }])), t('insightsReport.levels.chartTitle', { day: report.endText }), t('insightsReport.sharePercent'));
    const gapChart = await shareChartSvg(report.gaps.map((g) => ({ label: g.staffGroup, percent: g.meetingPercent })), t('insightsReport.gaps.chartTitle'), t('insights.target.meetingPercent'));
    const params = new URLSearchParams({ org: report.organisationCode, quarter: report.quarterKey });
    return reply.header('Cache-Control', 'no-store').render('pages/insights-report/report.njk', {
      report, levelChart, gapChart, pdfHref: `/insights/report.pdf?${params.toString()}`,
    });
  });

  app.get('/insights/report.pdf', { config: { access: 'insights.read' } }, async (request, reply) => {
    const report = await reportFor(request);
    const body = await boardReportPdf(report, request.t);
    const name = `${request.lang === 'cy' ? 'adroddiad-bwrdd' : 'board-report'}-${report.organisationCode}-${report.quarterKey}.pdf`;
    return reply.header('Cache-Control', 'no-store').type('application/pdf').header('Content-Disposition', `attachment; filename="${name}"`).send(body);
  });
}
