// Every job the platform does in the background, registered on a queue in one
// place: web processes (JOBS_WORK_IN_WEB) and `genomeg worker` both call this,
// so any process can work any job. Schedules are in Europe/London time.

import { resolve } from 'node:path';
import type { Kysely } from 'kysely';
import type { Config } from '../config/env.js';
import type { Database } from '../db/schema.js';
import { ReminderStore } from '../db/stores/reminder-store.js';
import { RequirementStore } from '../db/stores/requirement-store.js';
import { ScenarioStore } from '../db/stores/scenario-store.js';
import { registerWorkforceRuns } from './workforce/run-jobs.js';
import { registerEventJobs } from './events/event-jobs.js';
import { FUNDED_EXPIRY_JOB, FundedService } from './funded/funded-service.js';
import type { LearningModule } from '../domain/learning/index.js';
import { projectRoot } from '../web/paths.js';
import type { EmailService } from './email/email-service.js';
import type { JobQueue } from './jobs/index.js';
import { loadContentLibrary } from './learning/content-library.js';
import { INSIGHTS_REFRESH_JOB, offeredOf, refreshInsights } from './insights/aggregates.js';
import { DIGEST_JOB, REMINDERS_JOB, sendDailyReminders, sendManagerDigests, type ReminderDeps } from './reminders/reminders.js';

export interface PlatformJobDeps {
  readonly db: Kysely<Database>;
  readonly config: Config;
  readonly email: EmailService;
  /** The modules learners get (the web process's library); a worker reads CONTENT_DIR once. */
  readonly modules?: () => readonly LearningModule[];
}

export const SCHEDULES = [
  { name: REMINDERS_JOB, cron: '0 7 * * *' },
  { name: DIGEST_JOB, cron: '30 7 * * 1' },
  { name: INSIGHTS_REFRESH_JOB, cron: '* * * * *' },
  { name: FUNDED_EXPIRY_JOB, cron: '*/5 * * * *' },
] as const;

export function reminderDepsOf(deps: PlatformJobDeps): ReminderDeps {
  let loaded: readonly LearningModule[] | null = null;
  const modules = deps.modules ?? (() => {
    loaded ??= loadContentLibrary(resolve(projectRoot, deps.config.CONTENT_DIR)).modules;
    return loaded;
  });
  return { requirements: RequirementStore.create(deps.db), reminders: ReminderStore.create(deps.db), modules, email: deps.email, config: deps.config };
}

export function registerPlatformJobs(jobs: JobQueue, deps: PlatformJobDeps): void {
  deps.email.registerOn(jobs);
  const reminders = reminderDepsOf(deps);
  jobs.register(REMINDERS_JOB, async () => { await sendDailyReminders(reminders); }, { concurrency: 1 });
  jobs.register(DIGEST_JOB, async () => { await sendManagerDigests(reminders); }, { concurrency: 1 });
  jobs.register(INSIGHTS_REFRESH_JOB, async () => { await refreshInsights(deps.db, offeredOf(reminders.modules())); }, { concurrency: 1 });
  const funded = new FundedService({ db: deps.db, email: deps.email, publicUrl: deps.config.PUBLIC_URL });
  jobs.register(FUNDED_EXPIRY_JOB, async () => { await funded.expireOffers(); }, { concurrency: 1 });
  for (const schedule of SCHEDULES) jobs.addSchedule(schedule);
  registerWorkforceRuns(jobs, ScenarioStore.create(deps.db));
  registerEventJobs(jobs, deps);
}
