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
    const admin = { userId: 'admin', platformAdmin: true };
    await store.deleteScenario(s.id, admin);
    expect(await store.getScenario(s.id)).toBeNull();
    expect((await store.getRun(run.id))?.scenarioVersion).toBe(1);
    await expect(store.deleteScenario(s.id, admin)).rejects.toMatchObject({ code: 'GNM_NOT_FOUND' });
  });

  // Issue 13 item 14: planners could delete each other's scenarios.
  it('lets only the owner or a platform administrator save or delete a scenario, and audits the deletion', async () => {
    const users = handle.db;
    const now = new Date();
    for (const [id, name] of [['owner-1', 'Olwen Owner'], ['other-1', 'Osian Other']] as const) {
      await users.insertInto('users').values({ id, email: `${id}@example.test`, display_name: name, password_hash: null, language: 'en', staff_id: null, active: true, failed_sign_ins: 0, locked_until: null, created_at: now, updated_at: now }).execute();
    }
    const s = await store.createScenario({ slug: 'owned', name: 'Owned', format: 'yaml', source: 'id: owned\n' }, 'owner-1');
    expect(await store.getScenario(s.id)).toMatchObject({ ownerUserId: 'owner-1', ownerName: 'Olwen Owner' });
    const other = { userId: 'other-1', platformAdmin: false };
    await expect(store.deleteScenario(s.id, other)).rejects.toMatchObject({ code: 'GNM_FORBIDDEN' });
    await expect(store.saveVersion(s.id, { name: 'Mine now', format: 'yaml', source: 'id: owned\n', expectedVersion: 1 }, 'other-1', other)).rejects.toMatchObject({ code: 'GNM_FORBIDDEN' });
    expect(await store.getScenario(s.id)).toMatchObject({ name: 'Owned', version: 1 });
    // Anyone may copy: the copy is the copier's.
    const copy = await store.copyScenario(s.id, { slug: 'owned-copy', name: 'Copy', format: 'yaml', source: 'id: owned-copy\n', fromVersion: 1 }, 'other-1');
    expect((await store.getScenario(copy.id))?.ownerUserId).toBe('other-1');
    await store.deleteScenario(copy.id, other);
    // The owner saves and deletes; a platform administrator deletes anyone's.
    await store.saveVersion(s.id, { name: 'Owned 2', format: 'yaml', source: 'id: owned\n', expectedVersion: 1 }, 'owner-1', { userId: 'owner-1', platformAdmin: false });
    const seeded = await store.createScenario({ slug: 'seeded', name: 'Seeded', format: 'yaml', source: 'id: seeded\n' }, null);
    await expect(store.deleteScenario(seeded.id, other)).rejects.toMatchObject({ code: 'GNM_FORBIDDEN' });
    await store.deleteScenario(seeded.id, { userId: 'other-1', platformAdmin: true });
    await store.deleteScenario(s.id, { userId: 'owner-1', platformAdmin: false });
    const audit = await AuditStore.create(handle.db).list({ entityType: 'workforce_scenario', entityId: seeded.id });
    expect(audit.find((a) => a.action === 'workforce.scenario.delete')).toMatchObject({ actorUserId: 'other-1' });
  });

  // Issue 14 item 14: renaming a scenario renamed its earlier runs.
  it('keeps the name a scenario had when it was run', async () => {
    const s = await store.createScenario({ slug: 'named', name: 'First name', format: 'yaml', source: 'id: named\n' }, null);
    const first = await store.createRun({ scenarioId: s.id, scenarioVersion: 1, seed: 1, runs: 10, scenarioJson: JSON.stringify({ id: 'named', name: 'First name' }) }, null);
    await store.saveVersion(s.id, { name: 'Second name', format: 'yaml', source: 'id: named\n', expectedVersion: 1 }, null);
    const second = await store.createRun({ scenarioId: s.id, scenarioVersion: 2, seed: 1, runs: 10, scenarioName: 'Second name' }, null);
    expect((await store.getRun(first.id))?.scenarioName).toBe('First name');
    const listed = await store.listRuns({ scenarioId: s.id });
    expect(listed.map((r) => [r.scenarioName, r.scenarioVersion])).toEqual(expect.arrayContaining([['First name', 1], ['Second name', 2]]));
    expect(second.scenarioName).toBe('Second name');
  });
});
