import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { FundedStore } from '../../src/db/stores/funded-store.js';
import { StaffStore } from '../../src/db/stores/staff-store.js';
import { UserStore } from '../../src/db/stores/user-store.js';
import { seedDemo } from '../../src/seed/demo.js';
import { seedDemoFunded } from '../../src/seed/demo-funded.js';
import { engines } from '../support/engines.js';

describe.each(engines)('the demo funded places on $name', (engine) => {
  let database: DatabaseHandle;
  beforeAll(async () => { database = await engine.open(); }, 120_000);
  afterAll(async () => { await database.close(); });

  it('has the four modules, marked illustrative, an open intake and applications at every stage', async () => {
    await seedDemo({ users: UserStore.create(database.db), staff: StaffStore.create(database.db) }, { staffRows: 400 });
    const result = await seedDemoFunded(database.db);
    const store = FundedStore.create(database.db);
    const modules = await store.listModules();
    expect(modules.map((m) => m.title.en).sort()).toEqual(['Bioinformatics for genomic medicine', 'Genomics in cancer diagnostics', 'Genomics of inherited disease', 'Pharmacogenomics']);
    expect(modules.every((m) => m.illustrative && m.code.startsWith('ILLUSTRATIVE-'))).toBe(true);
    expect(new Set(modules.map((m) => m.provider))).toEqual(new Set(['Cardiff University', 'Bangor University']));
    const intakes = await store.listIntakes();
    const open = intakes.find((i) => i.status === 'open');
    expect(open?.illustrative).toBe(true);
    const statuses = (await store.applicationsOfIntake(open?.id ?? '')).map((a) => a.status);
    expect(statuses.length).toBe(result.applications);
    for (const s of ['draft', 'awaiting-manager', 'supported', 'scored']) expect(statuses).toContain(s);
  }, 120_000);
});
