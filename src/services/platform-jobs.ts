// Every job the platform does in the background, registered on a queue in one
// place: web processes (JOBS_WORK_IN_WEB) and `genomeg worker` both call this,
// so any process can work any job.

import type { Kysely } from 'kysely';
import type { Config } from '../config/env.js';
import type { Database } from '../db/schema.js';
import type { EmailService } from './email/email-service.js';
import type { JobQueue } from './jobs/index.js';

export interface PlatformJobDeps {
  readonly db: Kysely<Database>;
  readonly config: Config;
  readonly email: EmailService;
}

export function registerPlatformJobs(jobs: JobQueue, deps: PlatformJobDeps): void {
  deps.email.registerOn(jobs);
}
