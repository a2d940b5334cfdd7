// Literacy targets (/insights/targets): every insights reader sees progress
// against each target within their own scope (chart, table, the trajectory
// needed); education leads and platform administrators add and remove
// targets (audited). Registered by insightsRoutes, which lends its scope.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import { TargetInputSchema, type InsightsScope } from '../../domain/insights/index.js';
import { LITERACY_LEVEL_CODES } from '../../domain/learning/index.js';
import { STAFF_GROUPS } from '../../domain/staff/index.js';
import type { InsightsAggregateStore } from '../../db/stores/insights-aggregate-store.js';
import type { InsightsPopulation } from '../../db/stores/insights-store.js';
import { InsightsTargetStore } from '../../db/stores/insights-target-store.js';
import { trendChartSvg } from '../../services/insights/charts.js';
import { targetProgress } from '../../services/insights/target-progress.js';
import { today } from '../../services/learning/required-learning.js';
import { authorise, principalOf } from '../plugins/auth.js';
import { can } from '../../domain/auth/index.js';
import { localPath } from '../plugins/language.js';

export interface TargetRouteHelpers {
  readonly aggregates: InsightsAggregateStore;
  readonly readerScope: (request: FastifyRequest) => { scope: InsightsScope; staffId: string | null };
  readonly populationOf: (scope: InsightsScope, staffId: string | null) => Promise<InsightsPopulation | null>;
}

const TargetForm = z.object({
  staffGroupCode: z.string().max(60).optional(), level: z.string().max(30).optional(), percent: z.string().max(6).optional(),
  dueOn: z.string().max(20).optional(), illustrative: z.string().max(10).optional(),
});
type TargetFormValues = z.infer<typeof TargetForm>;

export function insightsTargetRoutes(app: FastifyInstance, h: TargetRouteHelpers): void {
  const targets = InsightsTargetStore.create(app.database.db);

  async function page(request: FastifyRequest, values: TargetFormValues, errors: readonly { field: string; key: string }[]) {
    const { scope, staffId } = h.readerScope(request);
    const population = await h.populationOf(scope, staffId);
    const t = request.t;
    const progress = population === null ? [] : await targetProgress(h.aggregates, await targets.list(), population, today(), request.lang, t);
    const charts = await Promise.all(progress.map((p) => trendChartSvg(
      p.rows.map((r) => ({ month: r.month, label: r.label, first: r.actual, second: r.needed })),
      p.heading, { first: t('insights.targets.actual'), second: t('insights.targets.needed'), month: t('insights.trend.month'), percent: t('insights.trend.percent') },
    )));
    const user = authorise(request, 'insights.read');
    return {
      scope, progress: progress.map((p, i) => ({ ...p, chart: charts[i] ?? null })), values, errors,
      errorFor: Object.fromEntries(errors.map((e) => [e.field, e.key])),
      canEdit: can(principalOf(user), 'insights.targets'), staffGroups: STAFF_GROUPS, levels: LITERACY_LEVEL_CODES,
      done: (request.query as Record<string, unknown>)['done'] === 'added' ? 'added' : (request.query as Record<string, unknown>)['done'] === 'removed' ? 'removed' : null,
    };
  }

  app.get('/insights/targets', { config: { access: 'insights.read' } }, async (request, reply) => {
    return reply.header('Cache-Control', 'no-store').render('pages/insights-targets.njk', await page(request, {}, []));
  });

  app.post('/insights/targets', { config: { access: 'insights.targets' } }, async (request, reply) => {
    const user = authorise(request, 'insights.targets');
    const values = TargetForm.safeParse(request.body ?? {}).data ?? {};
    const parsed = TargetInputSchema.safeParse({ ...values, illustrative: values.illustrative === 'yes' });
    if (!parsed.success) {
      const fields = new Set(parsed.error.issues.map((i) => String(i.path[0])));
      const errors = ['staffGroupCode', 'level', 'percent', 'dueOn'].filter((f) => fields.has(f)).map((field) => ({ field, key: `insights.targets.errors.${field}` }));
      return reply.code(400).render('pages/insights-targets.njk', await page(request, values, errors));
    }
    await targets.add(parsed.data, user.id);
    return reply.redirect(localPath(request.lang, '/insights/targets?done=added'), 303);
  });

  app.post('/insights/targets/:id/remove', { config: { access: 'insights.targets' } }, async (request, reply) => {
    const user = authorise(request, 'insights.targets');
    const id = (request.params as { id: string }).id;
    if (await targets.find(id) === undefined) throw new DomainError('GNM_NOT_FOUND');
    await targets.remove(id, user.id);
    return reply.redirect(localPath(request.lang, '/insights/targets?done=removed'), 303);
  });
}
