// Offers past their deadline expire in the background, on both engines: the
// scheduled job (platform-jobs.ts) expires them and offers each place to the
// next on the reserve list, once, however many processes work jobs. Two job
// queues on one database stand for two processes: both tick the schedule and
// work the job; the reserve is offered once, with one email and one audit
// entry. Two services expiring at the same moment do the same.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import { FundedStore } from '../../src/db/stores/funded-store.js';
import { UserStore } from '../../src/db/stores/user-store.js';
import { EmailService } from '../../src/services/email/email-service.js';
import { FUNDED_EXPIRY_JOB, FundedService } from '../../src/services/funded/funded-service.js';
import { openJobQueue, type JobQueue } from '../../src/services/jobs/index.js';
import { SCHEDULES, registerPlatformJobs } from '../../src/services/platform-jobs.js';
import { engines } from '../support/engines.js';
import { eventually } from '../support/eventually.js';
import { FIELDS, MODULE, SNAPSHOT, intakeInput } from './support.js';

describe.each(engines)('expiring funded offers in the background on $name', (engine) => {
  let database: DatabaseHandle;
  let store: FundedStore;
  let users: string[];
  let moduleId: string;
  const queues: JobQueue[] = [];
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', CONTENT_DIR: 'test/fixtures/content' });

  beforeAll(async () => {
    database = await engine.open();
    store = FundedStore.create(database.db);
    const userStore = UserStore.create(database.db);
    users = [];
    for (let i = 0; i < 8; i++) {
      users.push((await userStore.create({ email: `expiry${String(i)}@test.genomeg.test`, displayName: `Applicant ${String(i)}`, passwordHash: null, grants: [], staffId: null }, null)).id);
    }
    moduleId = (await store.createModule(MODULE, null)).id;
  }, 120_000);
  afterAll(async () => {
    for (const q of queues) await q.stop();
    await database.close();
  }, 120_000);

  /** An allocated intake of `places` places and `applicants` scored applications (best first); the offers' deadline has passed. */
  async function allocatedIntake(places: number, applicants: number): Promise<{ intakeId: string; ids: string[] }> {
    const intake = await store.createIntake(intakeInput(moduleId, { places }), 'open', null);
    const ids: string[] = [];
    for (let i = 0; i < applicants; i++) {
      const a = await store.saveDraft(intake.id, users[i]!, SNAPSHOT, FIELDS, null);
      await database.db.updateTable('funded_applications').set({ status: 'scored', final_score: 20 - i, submitted_at: new Date() }).where('id', '=', a.id).execute();
      ids.push(a.id);
    }
    const module = (await store.findModule(moduleId))!;
    const service = new FundedService({ db: database.db, email: { sendEmail: async () => { /* not under test here */ } } as never, publicUrl: 'http://x' });
    await service.runAllocation((await store.findIntake(intake.id))!, module, users[7]!, new Date(Date.now() - 30 * 86_400_000));
    return { intakeId: intake.id, ids };
  }

  const auditCount = async (action: string, entityId: string): Promise<number> =>
    (await database.db.selectFrom('audit_events').select('id').where('action', '=', action).where('entity_id', '=', entityId).execute()).length;

  it('is on the schedule', () => {
    expect(SCHEDULES.map((s) => s.name)).toContain(FUNDED_EXPIRY_JOB);
  });

  it('expires and refills once when two processes expire at the same moment', async () => {
    const { ids } = await allocatedIntake(2, 5);
    const sent: string[] = [];
    const email = { sendEmail: (_t: string, to: { userId?: string }) => { sent.push(to.userId ?? ''); return Promise.resolve('id'); } } as never;
    const a = new FundedService({ db: database.db, email, publicUrl: 'http://x' });
    const b = new FundedService({ db: database.db, email, publicUrl: 'http://x' });
    await Promise.all([a.expireOffers(), b.expireOffers()]);
    const statuses = await Promise.all(ids.map(async (id) => (await store.findApplication(id))?.status));
    expect(statuses).toEqual(['expired', 'expired', 'offered', 'offered', 'reserve']);
    for (const id of ids.slice(0, 2)) expect(await auditCount('funded.offer-expired', id)).toBe(1);
    for (const id of ids.slice(2, 4)) expect(await auditCount('funded.offered-from-reserve', id)).toBe(1);
    expect(sent.sort()).toEqual([users[2]!, users[3]!].sort());
  }, 120_000);

  it('expires an overdue offer and offers the place to the next reserve exactly once with two processes working jobs', async () => {
    const startedAt = Date.now();
    const { ids } = await allocatedIntake(1, 3);
    const [holder, firstReserve, secondReserve] = ids as [string, string, string];
    expect((await store.findApplication(holder))?.status).toBe('offered');
    expect((await store.findApplication(firstReserve))?.status).toBe('reserve');
    for (let i = 0; i < 2; i++) {
      const queue = openJobQueue(database, { pollMs: 100, applicationName: `expiry test ${String(i)}` });
      registerPlatformJobs(queue, { db: database.db, config, email: EmailService.create(database.db, queue, config), modules: () => [] });
      queues.push(queue);
    }
    // Started one after the other (two pg-boss instances creating the same queues at once can deadlock in pg-boss); both then tick and work.
    for (const q of queues) await q.start();
    await eventually(async () => (await store.findApplication(firstReserve))?.status === 'offered', 60_000);
    expect((await store.findApplication(holder))?.status).toBe('expired');
    expect((await store.findApplication(secondReserve))?.status).toBe('reserve');
    // Either process may tick again: nothing more happens.
    const tickedAt = Date.now();
    await Promise.all(queues.map((q) => (q as unknown as { tickSchedules(): Promise<string[]> }).tickSchedules()));
    const slots = await database.db.selectFrom('job_schedule_slots').select('name').where('name', '=', FUNDED_EXPIRY_JOB).execute();
    // One slot each five minutes, taken once whichever process ticks: one here, or two when the test ran across a slot's start.
    const fiveMinutes = 300_000;
    const slotsCrossed = (at: number) => Math.floor(at / fiveMinutes) - Math.floor(startedAt / fiveMinutes);
    expect(slots.length).toBeGreaterThanOrEqual(1 + slotsCrossed(tickedAt));
    expect(slots.length).toBeLessThanOrEqual(1 + slotsCrossed(Date.now()));
    expect(await auditCount('funded.offer-expired', holder)).toBe(1);
    expect(await auditCount('funded.offered-from-reserve', firstReserve)).toBe(1);
    const user = await UserStore.create(database.db).findById(users[1]!);
    await eventually(async () => (await database.db.selectFrom('email_messages').select('id').where('recipient', '=', user!.email).execute()).length > 0, 30_000);
    expect(await database.db.selectFrom('email_messages').select('id').where('recipient', '=', user!.email).execute()).toHaveLength(1);
  }, 120_000);
});
