// Workforce runs as background jobs, on both engines: a web process that does
// not work jobs (JOBS_WORK_IN_WEB=false) queues the run, another process (a
// worker on the same database) runs it, and the web process shows its progress
// and result; a planner's Cancel stops a 10,000-run projection part way.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, html, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { eventually } from '../support/eventually.js';
import { openJobQueue, type JobQueue } from '../../src/services/jobs/index.js';
import { EmailService } from '../../src/services/email/email-service.js';
import { registerPlatformJobs } from '../../src/services/platform-jobs.js';
import { ScenarioStore } from '../../src/db/stores/scenario-store.js';

const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

describe.each(engines)('workforce runs in the job queue ($name)', (engine) => {
  let web: TestApp;
  let worker: JobQueue;
  let planner: SignedIn;
  let scenarioUrl = '';

  beforeAll(async () => {
    web = await buildTestApp(engine, { JOBS_WORK_IN_WEB: 'false' });
    planner = await signedIn(web.app, [{ role: 'workforce-planner', organisationCode: null }]);
    // The worker: another queue on the same database, as `genomeg worker` sets it up.
    worker = openJobQueue(web.database, { pollMs: 100 });
    registerPlatformJobs(worker, { db: web.database.db, config: web.app.config, email: EmailService.create(web.database.db, worker, web.app.config) });
    const saved = await post('/plan/scenarios', { source: readFileSync('scenarios/welsh-genomics-baseline.yaml', 'utf8') });
    scenarioUrl = saved.headers.location as string;
  }, 120_000);
  afterAll(async () => {
    await worker.stop();
    await web.close();
  }, 120_000);

  const post = (url: string, fields: Record<string, string>) => web.app.inject({
    method: 'POST', url, headers: { cookie: planner.cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    payload: form({ _csrf: planner.csrf, ...fields }),
  });
  const runOf = (url: string) => ScenarioStore.create(web.database.db).getRun(url.split('/').pop() ?? '');

  it('is queued by the web process, run by the worker, and shown by the web process', async () => {
    const started = await post(`${scenarioUrl}/runs`, { runs: '50', seed: '3' });
    const runUrl = started.headers.location as string;
    // Nobody works jobs yet: it waits in the queue, not interrupted.
    expect((await runOf(runUrl))?.status).toBe('queued');
    const waiting = html(await web.app.inject({ method: 'GET', url: runUrl, headers: { cookie: planner.cookie } }));
    expect(waiting).toContain('id="progress"');
    expect(waiting).toContain('Cancel this run');
    await worker.start();
    await eventually(async () => (await runOf(runUrl))?.status === 'done', 90_000);
    const done = html(await web.app.inject({ method: 'GET', url: runUrl, headers: { cookie: planner.cookie } }));
    expect(done).toContain('<figure class="app-chart">');
  }, 120_000);

  it('stops a 10,000-run projection when a planner cancels it', async () => {
    await worker.start();
    const started = await post(`${scenarioUrl}/runs`, { runs: '10000', seed: '4' });
    const runUrl = started.headers.location as string;
    await eventually(async () => (await runOf(runUrl))?.status === 'running', 60_000);
    const cancel = await post(`${runUrl}/cancel`, {});
    expect(cancel.statusCode).toBe(303);
    const run = await runOf(runUrl);
    expect(run?.status).toBe('failed');
    expect(run?.error).toBe('cancelled');
    const page = html(await web.app.inject({ method: 'GET', url: runUrl, headers: { cookie: planner.cookie } }));
    expect(page).toContain('Run cancelled');
    // It stays cancelled: the worker's threads stop and write no result over it.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect((await runOf(runUrl))?.status).toBe('failed');
    const audit = await web.database.db.selectFrom('audit_events').select('action').where('entity_id', '=', run?.id ?? '').execute();
    expect(audit.map((a) => a.action)).toContain('workforce.run.cancelled');
  }, 120_000);
});
