// `genomeg worker`: a process that only works background jobs (email,
// reminders, workforce runs), beside any number of `serve` processes on the
// same database. SIGTERM or SIGINT stops taking jobs, lets running ones finish
// (10 s), then exits; a job it could not finish is taken by another process.

import pino from 'pino';
import type { Config } from '../config/env.js';
import { migrateToLatest, openDatabase } from '../db/database.js';
import { EmailService } from '../services/email/email-service.js';
import { openJobQueue } from '../services/jobs/index.js';
import { registerPlatformJobs } from '../services/platform-jobs.js';

export async function workerCommand(config: Config): Promise<void> {
  const log = pino({ level: config.LOG_LEVEL, name: 'genomeg worker' });
  const handle = openDatabase(config.DATABASE_URL, { applicationName: 'genomeg worker' });
  await migrateToLatest(handle);
  const jobs = openJobQueue(handle, { applicationName: 'genomeg worker', onError: (error, context) => { log.warn({ err: error, ...context }, 'background job failed'); } });
  const email = EmailService.create(handle.db, jobs, config, log);
  registerPlatformJobs(jobs, { db: handle.db, config, email });
  await jobs.start();
  log.info({ queue: jobs.kind, database: handle.description }, 'worker started');
  process.stdout.write(`Genomeg worker is working background jobs (${jobs.kind}, database: ${handle.description})\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'worker stopping: finishing jobs in hand');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    jobs.stop().then(() => { email.close(); return handle.close(); }).then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', () => { stop('SIGINT'); });
  process.once('SIGTERM', () => { stop('SIGTERM'); });
}
