// Regression: a planner run whose server was killed showed as running for up
// to 15 s after the server started again, until its heartbeat went stale. A
// run records its process (PID, and where PIDs mean the same process), so a
// run whose process on this machine has stopped is interrupted at once: when
// the server starts, and when its page is looked at. A run of a live process,
// or of a process elsewhere that may be alive (another server on the same
// PostgreSQL), is left alone until its heartbeat is stale.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScenarioStore } from '../../src/db/stores/scenario-store.js';
import { AuditStore } from '../../src/db/stores/audit-store.js';
import { interruptRunsOfStoppedProcesses, ownerIsGone, PROCESS_ID, STALE_AFTER_MS } from '../../src/services/workforce/run-jobs.js';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { liveOwner, stoppedOwner, type RunOwner } from '../support/process-owner.js';

let stopped = '';
let live: RunOwner;

beforeAll(async () => {
  [stopped, live] = await Promise.all([stoppedOwner(), liveOwner()]);
});
afterAll(() => { live.child.kill(); });

describe('who owns a run', () => {
  it('knows a process on this machine that has exited is gone, and one still running is not', () => {
    expect(ownerIsGone(stopped)).toBe(true);
    expect(ownerIsGone(live.processId)).toBe(false);
    expect(ownerIsGone(PROCESS_ID)).toBe(false);
  });

  it('cannot tell for a process elsewhere, or an owner recorded without its PID, and says it is not gone', () => {
    const [, , pid = ''] = stopped.split(' ');
    expect(ownerIsGone(`${randomUUID()} another-machine ${pid}`)).toBe(false);
    expect(ownerIsGone(randomUUID())).toBe(false);
    expect(ownerIsGone(null)).toBe(false);
  });
});

describe.each(engines)('runs of stopped processes on $name', (engine) => {
  let t: TestApp;
  let store: ScenarioStore;
  let planner: SignedIn;
  let scenarioId = '';

  /** A run that its owner last said it was working on `heartbeatAgoMs` ago. */
  const runOf = async (owner: string, heartbeatAgoMs = 1_000): Promise<string> => {
    const run = await store.createRun({ scenarioId, scenarioVersion: 1, seed: 1, runs: 100, owner, scenarioJson: '{}' }, null);
    await t.database.db.updateTable('workforce_runs').set({ status: 'running', heartbeat_at: new Date(Date.now() - heartbeatAgoMs) }).where('id', '=', run.id).execute();
    return run.id;
  };

  beforeAll(async () => {
    t = await buildTestApp(engine);
    store = ScenarioStore.create(t.database.db);
    planner = await signedIn(t.app, [{ role: 'workforce-planner', organisationCode: null }]);
    scenarioId = (await store.createScenario({ slug: 'baseline', name: 'Baseline', format: 'yaml', source: readFileSync('scenarios/welsh-genomics-baseline.yaml', 'utf8') }, null)).id;
  });
  afterAll(async () => { await t.close(); });

  it('shows a run as interrupted as soon as it is looked at when its process on this machine has stopped, however fresh its heartbeat', async () => {
    const id = await runOf(stopped);
    const page = await t.app.inject({ method: 'GET', url: `/plan/runs/${id}`, headers: { cookie: planner.cookie } });
    expect(page.body).toContain('This run was interrupted');
    expect(await store.getRun(id)).toMatchObject({ status: 'failed', error: 'interrupted' });
  });

  it('interrupts at start-up the runs whose process is gone, and leaves the rest until their heartbeat is stale', async () => {
    const gone = await runOf(stopped);
    const alive = await runOf(live.processId);
    const elsewhere = await runOf(`${randomUUID()} another-machine 4242`);
    const elsewhereStale = await runOf(`${randomUUID()} another-machine 4243`, STALE_AFTER_MS + 60_000);
    const recordedWithoutPid = await runOf(randomUUID());

    expect(await interruptRunsOfStoppedProcesses(store)).toBe(2);
    expect(await store.getRun(gone)).toMatchObject({ status: 'failed', error: 'interrupted' });
    expect(await store.getRun(elsewhereStale)).toMatchObject({ status: 'failed', error: 'interrupted' });
    for (const id of [alive, elsewhere, recordedWithoutPid]) expect((await store.getRun(id))?.status).toBe('running');
    const audit = await AuditStore.create(t.database.db).list({ entityType: 'workforce_run', entityId: gone });
    expect(audit.map((a) => a.action).sort()).toEqual(['workforce.run.create', 'workforce.run.interrupted']);
  });
});
