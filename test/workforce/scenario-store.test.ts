import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../support/engines.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import { ScenarioStore } from '../../src/db/stores/scenario-store.js';
import { AuditStore } from '../../src/db/stores/audit-store.js';

describe.each(engines)('the scenario store on $name', (engine) => {
  let handle: DatabaseHandle;
  let store: ScenarioStore;
  beforeAll(async () => {
    handle = await engine.open();
    store = ScenarioStore.create(handle.db);
  });
  afterAll(async () => { await handle.close(); });

  it('keeps every version, refuses a stale save and audits each change', async () => {
    const created = await store.createScenario({ slug: 'baseline', name: 'Baseline', format: 'yaml', source: 'id: baseline\n' }, null);
    expect(created.version).toBe(1);
    const saved = await store.saveVersion(created.id, { name: 'Baseline 2', format: 'json', source: '{"id":"baseline"}', expectedVersion: 1 }, null);
    expect(saved).toMatchObject({ version: 2, name: 'Baseline 2', format: 'json', source: '{"id":"baseline"}' });
    expect((await store.getScenario(created.id, 1))?.source).toBe('id: baseline\n');
    await expect(store.saveVersion(created.id, { name: 'x', format: 'yaml', source: '', expectedVersion: 1 }, null)).rejects.toMatchObject({ code: 'GNM_CONFLICT' });
    expect((await store.listScenarios()).map((s) => [s.name, s.version])).toEqual([['Baseline 2', 2]]);
    const audit = await AuditStore.create(handle.db).list({ entityType: 'workforce_scenario', entityId: created.id });
    expect(audit.map((a) => a.action).sort()).toEqual(['workforce.scenario.create', 'workforce.scenario.save']);
  });

  it('records runs with their scenario version and seed, progress and result', async () => {
    const s = await store.createScenario({ slug: 'runs', name: 'Runs', format: 'yaml', source: 'id: runs\n' }, null);
    const run = await store.createRun({ scenarioId: s.id, scenarioVersion: 1, seed: 4_000_000_000, runs: 1000 }, null);
    await store.setRunProgress(run.id, 250);
    expect(await store.getRun(run.id)).toMatchObject({ status: 'running', done: 250, seed: 4_000_000_000, scenarioVersion: 1 });
    await store.finishRun(run.id, { p50: [1, 2] });
    const finished = await store.getRun(run.id);
    expect(finished).toMatchObject({ status: 'done', done: 1000, result: { p50: [1, 2] } });
    expect(finished?.finishedAt).toBeInstanceOf(Date);
    await store.deleteScenario(s.id, null);
    expect(await store.getScenario(s.id)).toBeNull();
    expect((await store.getRun(run.id))?.scenarioVersion).toBe(1);
    await expect(store.deleteScenario(s.id, null)).rejects.toMatchObject({ code: 'GNM_NOT_FOUND' });
  });
});
