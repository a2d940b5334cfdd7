// The workforce planner's workspace: scenarios (list, add by pasting or
// uploading YAML/JSON, edit through a form, copy, delete; each save a new
// version), a baseline from the staff directory, background Monte Carlo runs
// with a progress page, and results (fan, gap and tornado charts with a data
// table under each, downloads, comparison). This file has the scenarios and
// starting runs; plan-edit.ts, plan-baseline.ts and plan-results.ts the rest.

import { z } from 'zod';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readUpload } from '../plugins/uploads.js';
import { DomainError } from '../../domain/errors.js';
import type { Scenario } from '../../domain/workforce/scenario.js';
import { ScenarioStore, type StoredScenario } from '../../db/stores/scenario-store.js';
import { editScenarioText } from '../../services/workforce/scenario-files.js';
import { queueRun, STALE_AFTER_MS } from '../../services/workforce/run-jobs.js';
import { QUEUED_AS_JOB } from '../../db/stores/scenario-store.js';
import { authorise } from '../plugins/auth.js';
import { localPath } from '../plugins/language.js';
import { actorOf, check, checkStored, localScenarioText, mayChange, runOr404, scenarioOfRun, scenarioOr404, text, welshScenarioNames } from './plan-common.js';
import { planEditRoutes } from './plan-edit.js';
import { planBaselineRoutes } from './plan-baseline.js';
import { planResultRoutes } from './plan-results.js';
import { planGoalRoutes } from './plan-goal.js';

const RunForm = z.object({
  runs: z.coerce.number().int().min(10).max(10_000),
  seed: z.coerce.number().int().min(0).max(2 ** 31 - 1),
});

type Params = FastifyRequest<{ Params: { id: string } }>;

export async function planRoutes(app: FastifyInstance): Promise<void> {
  const store = ScenarioStore.create(app.database.db);

  // A run left queued or running by a process that has stopped is marked interrupted at start.
  app.addHook('onReady', async () => {
    await store.interruptStaleRuns(new Date(Date.now() - STALE_AFTER_MS));
  });

  const scenarioPage = async (request: FastifyRequest, reply: FastifyReply, stored: StoredScenario, extra: Record<string, unknown> = {}, status = 200) => {
    const runs = await store.listRuns({ scenarioId: stored.id, limit: 20 });
    // The name and description in the page's language (nameCy / descriptionCy), from the scenario with its bases merged in.
    const checked = await checkStored(store, stored);
    const local = localScenarioText('issues' in checked ? undefined : checked.data, request.lang);
    const saved = (request.query as Record<string, unknown>)['saved'];
    return reply.code(status).render('pages/plan/scenario.njk', {
      scenario: stored, heading: local.name ?? stored.name, description: local.description, runs, mayChange: request.user !== null && mayChange(stored, request.user), ownedByMe: stored.ownerUserId !== null && stored.ownerUserId === request.user?.id, values: { runs: 1000, seed: 1 }, saved: typeof saved === 'string' && /^(\d+|unchanged)$/.test(saved) ? saved : undefined,
      canonicalPath: `/plan/scenarios/${stored.id}`, ...extra,
    });
  };

  /**
   * Create a run, send it to the job queue, and show its page at once: the
   * progress bar (it once waited up to 0.9 s for the results first, and a
   * planner saw nothing happen for 2–3 s). This process, another web process or
   * a worker takes it (services/workforce/run-jobs.ts).
   */
  const start = async (request: FastifyRequest, reply: FastifyReply, input: { scenarioId: string; scenarioVersion: number; seed: number; runs: number; rerunOf?: string; scenarioName?: string }, resolved: { scenario: Scenario; data: Record<string, unknown> }, actorUserId: string) => {
    const run = await store.createRun({ ...input, scenarioJson: JSON.stringify(resolved.data), owner: QUEUED_AS_JOB }, actorUserId);
    await queueRun(app.jobs, run.id);
    return reply.redirect(localPath(request.lang, `/plan/runs/${run.id}`), 303);
  };

  app.get('/plan', { config: { access: 'workforce.plan' } }, async (request, reply) => {
    authorise(request, 'workforce.plan');
    const scenarios = await store.listScenarios();
    // Welsh pages name each scenario by its Welsh name (nameCy) where it has one.
    const welsh = request.lang === 'cy' ? await welshScenarioNames(store) : new Map<string, string>();
    return reply.render('pages/plan/index.njk', { scenarios: scenarios.map((x) => ({ ...x, name: welsh.get(x.slug) ?? x.name })), values: {} });
  });

  app.post('/plan/scenarios', { config: { access: 'workforce.plan', upload: true } }, async (request, reply) => {
    const user = authorise(request, 'workforce.plan');
    // A file is read only now, after the session, the access and the form token (plugins/uploads.ts).
    const upload = request.isMultipart() ? await readUpload(request) : null;
    const body = (upload?.fields ?? request.body ?? {}) as Record<string, unknown>;
    let source = text(body, 'source') ?? '';
    let fileName = 'scenario.yaml';
    if (upload?.file != null && !upload.tooLarge) {
      source = upload.file.bytes.toString('utf8');
      fileName = upload.file.filename;
    }
    const render = async (status: number, issues: readonly unknown[], formError?: string) =>
      reply.code(status).render('pages/plan/index.njk', { scenarios: await store.listScenarios(), values: { source }, issues, formError, canonicalPath: '/plan' });
    if (source.trim() === '') return render(400, [], 'workforce.errors.noSource');
    const checked = await check(store, source, fileName);
    if ('issues' in checked) return render(422, checked.issues);
    const existing = (await store.listScenarios()).find((s) => s.slug === checked.scenario.id);
    // A scenario of the same id is someone else's: it is not changed; the planner is told to copy it or choose another id.
    if (existing !== undefined && !mayChange(existing, user)) return render(403, [], 'workforce.errors.notOwner');
    const saved = existing === undefined
      ? await store.createScenario({ slug: checked.scenario.id, name: checked.scenario.name, format: checked.format, source }, user.id)
      : await store.saveVersion(existing.id, { name: checked.scenario.name, format: checked.format, source, expectedVersion: existing.version }, user.id, actorOf(user));
    return reply.redirect(localPath(request.lang, `/plan/scenarios/${saved.id}`), 303);
  });

  app.get('/plan/scenarios/:id', { config: { access: 'workforce.plan' } }, async (request: Params, reply) => {
    authorise(request, 'workforce.plan');
    return scenarioPage(request, reply, await scenarioOr404(store, request.params.id));
  });

  app.post('/plan/scenarios/:id/delete', { config: { access: 'workforce.plan' } }, async (request: Params, reply) => {
    const user = authorise(request, 'workforce.plan');
    const stored = await scenarioOr404(store, request.params.id);
    await store.deleteScenario(stored.id, actorOf(user));
    return reply.redirect(localPath(request.lang, '/plan'), 303);
  });

  app.post('/plan/scenarios/:id/copy', { config: { access: 'workforce.plan' } }, async (request: Params, reply) => {
    const user = authorise(request, 'workforce.plan');
    const stored = await scenarioOr404(store, request.params.id);
    const name = request.t('workforce.copyName', { name: stored.name });
    const slug = await store.freeSlug(`copy-of-${stored.slug}`.slice(0, 60));
    const source = editScenarioText(stored.source, stored.format, [{ path: ['id'], value: slug }, { path: ['name'], value: name }]);
    const copy = await store.copyScenario(stored.id, { slug, name, format: stored.format, source, fromVersion: stored.version }, user.id);
    return reply.redirect(localPath(request.lang, `/plan/scenarios/${copy.id}`), 303);
  });

  // Cancel a queued or running run, from any process: the one running it stops at its next heartbeat.
  app.post('/plan/runs/:id/cancel', { config: { access: 'workforce.plan' } }, async (request: Params, reply) => {
    const user = authorise(request, 'workforce.plan');
    const run = await runOr404(store, request.params.id);
    await store.cancelRun(run.id, user.id);
    return reply.redirect(localPath(request.lang, `/plan/runs/${run.id}`), 303);
  });

  app.post('/plan/scenarios/:id/runs', { config: { access: 'workforce.plan' } }, async (request: Params, reply) => {
    const user = authorise(request, 'workforce.plan');
    const stored = await scenarioOr404(store, request.params.id);
    const form = RunForm.safeParse(request.body ?? {});
    if (!form.success) {
      return scenarioPage(request, reply, stored, { values: request.body ?? {}, formError: 'workforce.errors.runForm', errors: [form.error] }, 400);
    }
    const checked = await checkStored(store, stored);
    if ('issues' in checked) return scenarioPage(request, reply, stored, { values: form.data, issues: checked.issues }, 422);
    return start(request, reply, { scenarioId: stored.id, scenarioVersion: stored.version, seed: form.data.seed, runs: form.data.runs, scenarioName: checked.scenario.name }, checked, user.id);
  });

  app.post('/plan/runs/:id/rerun', { config: { access: 'workforce.plan' } }, async (request: Params, reply) => {
    const user = authorise(request, 'workforce.plan');
    const run = await runOr404(store, request.params.id);
    if (run.status !== 'failed' && run.status !== 'done') throw new DomainError('GNM_CONFLICT');
    const resolved = await scenarioOfRun(store, run);
    if (resolved === undefined) throw new DomainError('GNM_NOT_FOUND');
    return start(request, reply, { scenarioId: run.scenarioId, scenarioVersion: run.scenarioVersion, seed: run.seed, runs: run.runs, rerunOf: run.id, ...(run.scenarioName === null ? {} : { scenarioName: run.scenarioName }) }, resolved, user.id);
  });

  await planEditRoutes(app, store);
  await planBaselineRoutes(app, store);
  await planResultRoutes(app, store);
  await planGoalRoutes(app, store);
}
