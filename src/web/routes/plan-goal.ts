// Goal seeking on the web (issue 14 item 16): from a finished run, "what yearly
// intake of this pipeline closes its role's gap by year Y?", answered at the
// most likely values of the scenario as run (src/domain/workforce/monte-carlo.ts
// goalSeek; a few milliseconds), with the answer's word explained. The owner of
// the scenario (or a platform administrator) can save the answer as a new
// version of the scenario: the pipeline's intake becomes that whole number.
// The goal is checked as the command line checks `--goal` (domain/workforce/goal.ts).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { compile } from '../../domain/workforce/engine.js';
import { checkGoal, goalYears, type GoalIssue, type GoalText } from '../../domain/workforce/goal.js';
import { goalSeek, type GoalSeekResult } from '../../domain/workforce/monte-carlo.js';
import { pipelineName, scenarioNameIn, type Scenario } from '../../domain/workforce/scenario.js';
import type { ScenarioStore, StoredRun } from '../../db/stores/scenario-store.js';
import { editScenarioText } from '../../services/workforce/scenario-files.js';
import { authorise } from '../plugins/auth.js';
import { localPath } from '../plugins/language.js';
import { actorOf, check, checkStored, doneRunOr404, mayChange, scenarioOfRun, text } from './plan-common.js';

type Params = FastifyRequest<{ Params: { id: string } }>;

function goalText(source: Record<string, unknown>): GoalText {
  const value = (name: string): string => (text(source, name) ?? '').trim();
  return { pipeline: value('pipeline'), year: value('year'), cap: value('cap'), budget: value('budget') };
}

/** A problem with the goal, in the page's language, linked to its field. */
function message(issue: GoalIssue, t: FastifyRequest['t']): { text: string; href: string } {
  return { text: t(`workforce.goal.errors.${issue.code}`, issue.values), href: `#goal-${issue.field}` };
}

export async function planGoalRoutes(app: FastifyInstance, store: ScenarioStore): Promise<void> {
  const resolve = async (run: StoredRun): Promise<Scenario> => {
    const resolved = await scenarioOfRun(store, run);
    if (resolved === undefined) throw new DomainError('GNM_NOT_FOUND');
    return resolved.scenario;
  };

  const answer = async (request: FastifyRequest, reply: FastifyReply, run: StoredRun, s: Scenario, given: GoalText, state: { result?: GoalSeekResult; errors?: { text: string; href: string }[] }, status = 200) => {
    const t = request.t;
    const current = await store.getScenario(run.scenarioId);
    // The scenario a found intake would be saved into, named in the page's language.
    const checkedCurrent = current === null ? undefined : await checkStored(store, current);
    const currentName = checkedCurrent === undefined || 'issues' in checkedCurrent ? current?.name : scenarioNameIn(checkedCurrent.scenario, request.lang);
    const name = (id: string): string => { const r = s.roles.find((x) => x.id === id); return r === undefined ? id : request.lang === 'cy' && r.nameCy !== undefined ? r.nameCy : r.name; };
    const pipeline = s.pipelines.find((p) => p.id === given.pipeline);
    const roleName = pipeline === undefined ? '' : name(pipeline.role);
    const { first, last } = goalYears(s);
    const money = new Intl.NumberFormat(request.lang === 'cy' ? 'cy-GB' : 'en-GB', { style: 'currency', currency: 'GBP', maximumFractionDigits: 0 });
    const number = new Intl.NumberFormat(request.lang === 'cy' ? 'cy-GB' : 'en-GB', { maximumFractionDigits: 1 });
    return reply.code(status).render('pages/plan/goal.njk', {
      run, given, first, last,
      pipelineItems: s.pipelines.map((p) => ({ value: p.id, text: t('workforce.goal.pipelineItem', { pipeline: pipelineName(p, request.lang), role: name(p.role) }), selected: p.id === given.pipeline })),
      errors: state.errors ?? [],
      result: state.result === undefined ? undefined : {
        ...state.result, roleName, startYear: pipeline?.startYear ?? s.startYear + 1, pipelineName: pipeline === undefined ? given.pipeline : pipelineName(pipeline, request.lang),
        sentence: t(`workforce.goal.answers.${state.result.status}`, { intake: state.result.intake, pipeline: pipeline === undefined ? given.pipeline : pipelineName(pipeline, request.lang), role: roleName, year: given.year, gap: number.format(state.result.gapAtYear), cost: money.format(state.result.trainingCost) }),
      },
      scenario: current, shownName: currentName, mayChange: request.user !== null && current !== null && mayChange(current, request.user),
      canonicalPath: `/plan/runs/${run.id}/goal`,
    });
  };

  app.get('/plan/runs/:id/goal', { config: { access: 'workforce.plan' } }, async (request: Params, reply) => {
    authorise(request, 'workforce.plan');
    const run = await doneRunOr404(store, request.params.id);
    const s = await resolve(run);
    const query = request.query as Record<string, unknown>;
    const given = goalText(query);
    if (given.pipeline === '' && given.year === '' && query['pipeline'] === undefined) {
      // The empty form: the first pipeline, ten years on.
      const { first, last } = goalYears(s);
      return answer(request, reply, run, s, { pipeline: s.pipelines[0]?.id ?? '', year: String(Math.min(first + 9, last)), cap: '', budget: '' }, {});
    }
    const checked = checkGoal(s, given, { file: 'goal', prefix: 'goal' });
    if ('issues' in checked) return answer(request, reply, run, s, given, { errors: checked.issues.map((i) => message(i, request.t)) }, 400);
    return answer(request, reply, run, s, given, { result: goalSeek(compile(s), checked.request) });
  });

  app.post('/plan/runs/:id/goal', { config: { access: 'workforce.plan' } }, async (request: Params, reply) => {
    const user = authorise(request, 'workforce.plan');
    const run = await doneRunOr404(store, request.params.id);
    const s = await resolve(run);
    const given = goalText((request.body ?? {}) as Record<string, unknown>);
    const checked = checkGoal(s, given, { file: 'goal', prefix: 'goal' });
    if ('issues' in checked) return answer(request, reply, run, s, given, { errors: checked.issues.map((i) => message(i, request.t)) }, 400);
    const result = goalSeek(compile(s), checked.request);
    const current = await store.getScenario(run.scenarioId);
    if (current === null) throw new DomainError('GNM_NOT_FOUND');
    if (!mayChange(current, user)) throw new DomainError('GNM_FORBIDDEN');
    // The answer goes into the scenario as it is now (a later version keeps its other changes).
    const source = editScenarioText(current.source, current.format, [{ path: ['pipelines', { match: { id: checked.request.pipeline } }, 'intake'], value: result.intake }]);
    const again = await check(store, source, `${current.slug}.${current.format}`);
    if ('issues' in again) return answer(request, reply, run, s, given, { result, errors: again.issues.map((i) => ({ text: `${i.path}: ${i.message}`, href: '#goal-pipeline' })) }, 422);
    const saved = await store.saveVersion(current.id, {
      name: again.scenario.name, format: current.format, source, expectedVersion: current.version,
      audit: { action: 'workforce.scenario.goal-seek', detail: { fromRun: run.id, pipeline: checked.request.pipeline, year: checked.request.year, status: result.status, intake: result.intake } },
    }, user.id, actorOf(user));
    return reply.redirect(localPath(request.lang, `/plan/scenarios/${saved.id}?saved=${saved.version}`), 303);
  });
}
