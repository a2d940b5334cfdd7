// The funded places store on every database engine: an application from draft
// to the manager's support, blind scoring by two reviewers (agreeing, and
// disagreeing beyond the threshold: moderation), and the intake's lock on
// accepting an offer: 50 people accepting the last place at once, one wins.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { AuditStore } from '../../src/db/stores/audit-store.js';
import { FundedStore } from '../../src/db/stores/funded-store.js';
import { UserStore } from '../../src/db/stores/user-store.js';
import { engines } from '../support/engines.js';
import { FIELDS, MODULE, SNAPSHOT, intakeInput } from './support.js';

describe.each(engines)('funded places store on $name', (engine) => {
  let database: DatabaseHandle;
  let store: FundedStore;
  let users: string[];
  let moduleId: string;

  beforeAll(async () => {
    database = await engine.open();
    store = FundedStore.create(database.db);
    const userStore = UserStore.create(database.db);
    users = [];
    for (let i = 0; i < 52; i++) {
      users.push((await userStore.create({ email: `applicant${String(i)}@test.genomeg.test`, displayName: `Applicant ${String(i)}`, passwordHash: null, grants: [], staffId: null }, null)).id);
    }
    moduleId = (await store.createModule(MODULE, null)).id;
  }, 120_000);
  afterAll(async () => { await database.close(); });

  it('takes an application from draft to supported, audits every step, and refuses to change it once submitted', async () => {
    const intake = await store.createIntake(intakeInput(moduleId), 'open', null);
    const manager = users[51]!;
    const draft = await store.saveDraft(intake.id, users[0]!, SNAPSHOT, FIELDS, manager);
    expect(draft.status).toBe('draft');
    const again = await store.saveDraft(intake.id, users[0]!, SNAPSHOT, { ...FIELDS, statement: 'Changed' }, manager);
    expect(again).toMatchObject({ id: draft.id, statement: 'Changed' });
    expect((await store.submit(draft.id, users[0]!)).status).toBe('awaiting-manager');
    await expect(store.saveDraft(intake.id, users[0]!, SNAPSHOT, FIELDS, manager)).rejects.toMatchObject({ code: 'GNM_CONFLICT' });
    // Only the named manager may decide.
    await expect(store.managerDecision(draft.id, users[1]!, { supported: true, studyTime: 'x' })).rejects.toMatchObject({ code: 'GNM_NOT_FOUND' });
    const supported = await store.managerDecision(draft.id, manager, { supported: true, studyTime: 'Half a day a week' });
    expect(supported).toMatchObject({ status: 'supported', studyTimeAgreed: 'Half a day a week' });
    const audit = await AuditStore.create(database.db).list({ entityType: 'funded_application', entityId: draft.id });
    expect(audit.map((e) => e.action)).toEqual(['funded.manager-supported', 'funded.application-submitted', 'funded.application-saved', 'funded.application-drafted']);
  });

  it('scores blind with two reviewers: agreement gives the mean, disagreement beyond the threshold waits for moderation', async () => {
    const intake = await store.createIntake(intakeInput(moduleId), 'open', null);
    const ids: string[] = [];
    for (const u of users.slice(0, 2)) {
      const a = await store.saveDraft(intake.id, u, SNAPSHOT, FIELDS, users[51]!);
      await store.submit(a.id, u);
      await store.managerDecision(a.id, users[51]!, { supported: true, studyTime: 'Fridays' });
      ids.push(a.id);
    }
    const [agreed, apart] = ids as [string, string];
    const queue = await store.reviewQueue(intake.id, users[40]!, 2);
    expect(queue.total).toBe(2);
    expect(JSON.stringify(queue.items)).not.toContain('7A7');
    const first = await store.recordScores(intake, agreed, users[40]!, new Map([['service-need', 4], ['role-fit', 3]]));
    expect(first).toMatchObject({ complete: false, finalScore: null });
    // A reviewer's queue no longer shows what they scored; another reviewer's still does.
    expect((await store.reviewQueue(intake.id, users[40]!, 2)).items.map((i) => i.id)).toEqual([apart]);
    expect((await store.reviewQueue(intake.id, users[41]!, 2)).total).toBe(2);
    await expect(store.recordScores(intake, agreed, users[40]!, new Map([['service-need', 1]]))).rejects.toMatchObject({ code: 'GNM_CONFLICT' });
    const second = await store.recordScores(intake, agreed, users[41]!, new Map([['service-need', 5], ['role-fit', 2]]));
    expect(second).toMatchObject({ complete: true, needsModeration: false, finalScore: 11.5 });
    expect((await store.findApplication(agreed))?.status).toBe('scored');

    await store.recordScores(intake, apart, users[40]!, new Map([['service-need', 5], ['role-fit', 5]]));
    const split = await store.recordScores(intake, apart, users[41]!, new Map([['service-need', 1], ['role-fit', 1]]));
    expect(split).toMatchObject({ complete: true, needsModeration: true, finalScore: null, spread: 12 });
    expect((await store.findApplication(apart))?.status).toBe('supported');
    expect((await store.moderate(apart, 9, users[50]!))).toMatchObject({ status: 'scored', finalScore: 9 });
  });

  it('gives the last offer-able place to exactly one of 50 concurrent accepts', async () => {
    const intake = await store.createIntake(intakeInput(moduleId, { places: 1 }), 'open', null);
    const ids: string[] = [];
    for (const u of users.slice(0, 50)) ids.push((await store.saveDraft(intake.id, u, SNAPSHOT, FIELDS, null)).id);
    // Fifty offers outstanding for one place (as after reserves were offered in error, or a lead's over-offer).
    await database.db.updateTable('funded_applications').set({ status: 'offered', offer_deadline: new Date(Date.now() + 86_400_000) }).where('intake_id', '=', intake.id).execute();
    const outcomes = await Promise.all(ids.map((id, i) => store.respond(id, users[i]!, true)));
    expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'full')).toHaveLength(49);
    const accepted = await database.db.selectFrom('funded_applications').select('id').where('intake_id', '=', intake.id).where('status', '=', 'accepted').execute();
    expect(accepted).toHaveLength(1);
  }, 120_000);

  it('refuses an accept after the deadline, and expires overdue offers', async () => {
    const intake = await store.createIntake(intakeInput(moduleId, { places: 1 }), 'open', null);
    const a = await store.saveDraft(intake.id, users[0]!, SNAPSHOT, FIELDS, null);
    await database.db.updateTable('funded_applications').set({ status: 'offered', offer_deadline: new Date(Date.now() - 1000) }).where('id', '=', a.id).execute();
    expect(await store.respond(a.id, users[0]!, true)).toBe('expired');
    expect(await store.respond(a.id, users[1]!, true)).toBe('not-offered');
    expect(await store.expireOffers()).toContain(intake.id);
    expect((await store.findApplication(a.id))?.status).toBe('expired');
  });
});
