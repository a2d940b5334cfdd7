// A demo database holds the example scenarios, ready for a planner to run: the
// baseline and the three alternatives that extend it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { ScenarioStore } from '../../src/db/stores/scenario-store.js';
import { seedDemoScenarios } from '../../src/seed/demo-scenarios.js';

describe.each(engines)('the demo scenarios on $name', (engine) => {
  let t: TestApp;
  let planner: SignedIn;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    planner = await signedIn(t.app, [{ role: 'workforce-planner', organisationCode: null }]);
  });
  afterAll(async () => { await t.close(); });

  it('saves the baseline and its alternatives once, and each opens in the workspace', async () => {
    const store = ScenarioStore.create(t.database.db);
    expect(await seedDemoScenarios(store, 'scenarios')).toBe(4);
    expect(await seedDemoScenarios(store, 'scenarios')).toBe(0);
    const saved = await store.listScenarios();
    expect(saved.map((s) => s.slug).sort()).toEqual(['genomic-associates', 'international-recruitment', 'more-training-places', 'welsh-genomics-baseline']);
    const list = await t.app.inject({ method: 'GET', url: '/plan', headers: { cookie: planner.cookie, accept: 'text/html' } });
    expect(list.body).toContain('Welsh genomics workforce, baseline');
    for (const s of saved) {
      const page = await t.app.inject({ method: 'GET', url: `/plan/scenarios/${s.id}`, headers: { cookie: planner.cookie, accept: 'text/html' } });
      expect(page.statusCode).toBe(200);
    }
  });
});
