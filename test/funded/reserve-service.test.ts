// The reserve list through the service, on both engines: a reserve who
// withdrew before any offer reached them is skipped (the place goes to the
// next), and the caps stored with the allocation still hold when a place is
// offered on (the stored result carries its settings).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { FundedStore, type IntakeInput } from '../../src/db/stores/funded-store.js';
import { UserStore } from '../../src/db/stores/user-store.js';
import { FundedService } from '../../src/services/funded/funded-service.js';
import { engines } from '../support/engines.js';
import { FIELDS, MODULE, SNAPSHOT, intakeInput } from './support.js';

describe.each(engines)('offering from the reserve list on $name', (engine) => {
  let database: DatabaseHandle;
  let store: FundedStore;
  let service: FundedService;
  let users: string[];
  let moduleId: string;
  const emailed: string[] = [];

  beforeAll(async () => {
    database = await engine.open();
    store = FundedStore.create(database.db);
    const email = { sendEmail: (_t: string, to: { userId?: string }) => { emailed.push(to.userId ?? ''); return Promise.resolve('id'); } } as never;
    service = new FundedService({ db: database.db, email, publicUrl: 'http://x' });
    const userStore = UserStore.create(database.db);
    users = [];
    for (let i = 0; i < 6; i++) {
      users.push((await userStore.create({ email: `reserve${String(i)}@test.genomeg.test`, displayName: `Applicant ${String(i)}`, passwordHash: null, grants: [], staffId: null }, null)).id);
    }
    moduleId = (await store.createModule(MODULE, null)).id;
  }, 120_000);
  afterAll(async () => { await database.close(); });

  /** Scored applications, best first, from these organisations; allocated. */
  async function allocated(overrides: Partial<IntakeInput>, organisations: string[]): Promise<string[]> {
    const intake = await store.createIntake(intakeInput(moduleId, overrides), 'open', null);
    const ids: string[] = [];
    for (const [i, org] of organisations.entries()) {
      const a = await store.saveDraft(intake.id, users[i]!, { ...SNAPSHOT, organisationCode: org }, FIELDS, null);
      await database.db.updateTable('funded_applications').set({ status: 'scored', final_score: 20 - i, submitted_at: new Date() }).where('id', '=', a.id).execute();
      ids.push(a.id);
    }
    await service.runAllocation((await store.findIntake(intake.id))!, (await store.findModule(moduleId))!, users[5]!);
    return ids;
  }

  const statusOf = async (id: string) => (await store.findApplication(id))?.status;

  it('skips a reserve who withdrew and offers the place to the next', async () => {
    const [holder, first, second] = await allocated({ places: 1 }, ['7A1', '7A1', '7A1']) as [string, string, string];
    expect([await statusOf(holder), await statusOf(first), await statusOf(second)]).toEqual(['offered', 'reserve', 'reserve']);
    await service.withdraw((await store.findApplication(first))!);
    emailed.length = 0;
    await service.respond((await store.findApplication(holder))!, false);
    expect(await statusOf(second)).toBe('offered');
    expect(await statusOf(first)).toBe('withdrawn');
    expect(emailed).toEqual([users[2]]);
  });

  it('keeps the cap per organisation stored with the allocation when a place is offered on', async () => {
    const rules = { rule: 'score-only' as const, apportionment: 'sainte-lague' as const, capPerOrganisation: 1, capPerStaffGroup: null, professionMix: null };
    const [a, b, c, d] = await allocated({ places: 2, rules }, ['7A1', '7A1', '7A2', '7A2']) as [string, string, string, string];
    expect([await statusOf(a), await statusOf(b), await statusOf(c), await statusOf(d)]).toEqual(['offered', 'reserve', 'offered', 'reserve']);
    expect((await store.findIntake((await store.findApplication(a))!.intakeId))?.allocation?.settings?.capPerOrganisation).toBe(1);
    await service.respond((await store.findApplication(c))!, false);
    // b is better scored, but 7A1 already holds its one place: d takes it.
    expect(await statusOf(d)).toBe('offered');
    expect(await statusOf(b)).toBe('reserve');
  });
});
