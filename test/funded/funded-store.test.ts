// The funded places store on every database engine: an application from draft
// to the manager's support, blind scoring by two reviewers (agreeing, and
// disagreeing beyond the threshold: moderation), and the intake's lock on
// accepting an offer: 50 people accepting the last place at once, one wins;
// the reviewers' list (each application's kept number of reviewers, migration 0032).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, migratorFor, type DatabaseHandle } from '../../src/db/database.js';
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
    // Blind: the applicant's organisation is in no field of the queue (a whole
    // value, not a substring: the reference, from a random id, may hold '7A7').
    for (const item of queue.items) {
      expect(Object.keys(item)).not.toContain('organisationCode');
      expect(Object.values(item)).not.toContain(SNAPSHOT.organisationCode);
    }
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

  it('keeps each application\'s number of reviewers with its scores, and lists and counts what waits for a reviewer as the scores say, page by page', async () => {
    const intake = await store.createIntake(intakeInput(moduleId, { reviewersPerApplication: 2 }), 'open', null);
    const ids: string[] = [];
    for (const u of users.slice(2, 9)) {
      const a = await store.saveDraft(intake.id, u, SNAPSHOT, FIELDS, users[51]!);
      await store.submit(a.id, u);
      await store.managerDecision(a.id, users[51]!, { supported: true, studyTime: 'Fridays' });
      ids.push(a.id);
    }
    const [r1, r2, r3] = [users[40]!, users[41]!, users[42]!];
    // Who scored what: application 0 by r1 and r2 (agreeing: scored, leaves every list); 1 by r1; 2 by r2; 3 by r1 and r3 far apart (moderation: leaves every list).
    const agree = new Map([['service-need', 3], ['role-fit', 3]]);
    for (const [app, reviewer, scores] of [[0, r1, agree], [0, r2, agree], [1, r1, agree], [2, r2, agree], [3, r1, new Map([['service-need', 5], ['role-fit', 5]])], [3, r3, new Map([['service-need', 0], ['role-fit', 0]])]] as const) {
      await store.recordScores(intake, ids[app]!, reviewer, scores);
    }
    const kept = await database.db.selectFrom('funded_applications').select(['id', 'reviewers']).where('intake_id', '=', intake.id).execute();
    expect(Object.fromEntries(kept.map((k) => [ids.indexOf(k.id), k.reviewers]))).toEqual({ 0: 2, 1: 1, 2: 1, 3: 2, 4: 0, 5: 0, 6: 0 });
    // Submitted in id order within the same second, so order by (submitted, id) as the list does.
    const apps = await store.applicationsOfIntake(intake.id);
    const order = apps.filter((a) => a.status === 'supported').sort((a, b) => (a.submittedAt?.getTime() ?? 0) - (b.submittedAt?.getTime() ?? 0) || (a.id < b.id ? -1 : 1)).map((a) => a.id);
    const expected = (mine: readonly number[]) => order.filter((id) => ![0, 3].includes(ids.indexOf(id)) && !mine.includes(ids.indexOf(id)));
    for (const [reviewer, mine] of [[r1, [1]], [r2, [2]], [r3, []]] as const) {
      const want = expected(mine);
      const first = await store.reviewQueue(intake.id, reviewer, 2, 2, 0);
      const rest = await store.reviewQueue(intake.id, reviewer, 2, 2, 2);
      const last = await store.reviewQueue(intake.id, reviewer, 2, 2, 4);
      expect(first.total).toBe(want.length);
      expect([...first.items, ...rest.items, ...last.items].map((i) => i.id)).toEqual(want);
      expect(first.items.map((i) => i.reviewers)).toEqual(want.slice(0, 2).map((id) => kept.find((k) => k.id === id)?.reviewers));
    }
    // With one reviewer needed, only the unscored wait.
    expect((await store.reviewQueue(intake.id, r3, 1)).total).toBe(3);

    // Migration 0032 fills the count for scores recorded before it.
    await database.db.updateTable('funded_applications').set({ reviewers: 0 }).where('intake_id', '=', intake.id).execute();
    expect((await migratorFor(database).migrateTo('0030-insights-months')).error).toBeUndefined();
    await migrateToLatest(database);
    const refilled = await database.db.selectFrom('funded_applications').select(['id', 'reviewers']).where('intake_id', '=', intake.id).execute();
    expect(Object.fromEntries(refilled.map((k) => [ids.indexOf(k.id), k.reviewers]))).toEqual({ 0: 2, 1: 1, 2: 1, 3: 2, 4: 0, 5: 0, 6: 0 });
  });

  it('records a file of outcomes all or none: one application no longer accepted leaves every outcome unrecorded', async () => {
    const intake = await store.createIntake(intakeInput(moduleId), 'open', null);
    const ids: string[] = [];
    for (const u of users.slice(10, 12)) ids.push((await store.saveDraft(intake.id, u, SNAPSHOT, FIELDS, users[51]!)).id);
    const [accepted, withdrawn] = ids as [string, string];
    await database.db.updateTable('funded_applications').set({ status: 'accepted' }).where('id', '=', accepted).execute();
    await database.db.updateTable('funded_applications').set({ status: 'withdrawn' }).where('id', '=', withdrawn).execute();
    await expect(store.recordOutcomes([{ applicationId: accepted, outcome: 'completed', credits: 20 }, { applicationId: withdrawn, outcome: 'completed', credits: 20 }], null))
      .rejects.toMatchObject({ code: 'GNM_CONFLICT' });
    expect((await store.findApplication(accepted))?.outcome).toBeNull();
    expect((await AuditStore.create(database.db).list({ entityType: 'funded_application', entityId: accepted })).map((e) => e.action)).toEqual(['funded.application-drafted']);
    const [done] = await store.recordOutcomes([{ applicationId: accepted, outcome: 'completed', credits: 20 }], null);
    expect(done).toMatchObject({ outcome: 'completed', outcomeCredits: 20 });
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
