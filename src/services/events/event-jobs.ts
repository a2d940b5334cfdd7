// The events' scheduled jobs, on the job system (services/jobs): every 15
// minutes the offer sweep (offers not confirmed in time expire and the place
// is offered to the next person waiting; quotas past their date release their
// places), and every hour the reminders (EVENT_REMINDER_DAYS before each
// session, default 7 and 1, to people booked, in their language, with the
// joining link for online sessions). A slot runs once across processes (the
// schedule ticker); a reminder is sent once per booking, reminder and start
// time (event_reminders_sent's primary key), however often the job runs.

import type { Kysely } from 'kysely';
import type { Config } from '../../config/env.js';
import type { Database } from '../../db/schema.js';
import type { EmailService } from '../email/email-service.js';
import type { JobQueue } from '../jobs/index.js';
import { EventsService } from './events-service.js';

export const EVENT_OFFERS_JOB = 'event-offers';
export const EVENT_REMINDERS_JOB = 'event-reminders';

export const EVENT_SCHEDULES = [
  { name: EVENT_OFFERS_JOB, cron: '*/15 * * * *' },
  { name: EVENT_REMINDERS_JOB, cron: '5 * * * *' },
] as const;

export interface EventJobDeps {
  readonly db: Kysely<Database>;
  readonly config: Pick<Config, 'PUBLIC_URL' | 'EVENT_OFFER_HOURS' | 'EVENT_REMINDER_DAYS'>;
  readonly email: Pick<EmailService, 'sendEmail'>;
}

export function eventsServiceOf(deps: EventJobDeps): EventsService {
  return new EventsService({ db: deps.db, email: deps.email, publicUrl: deps.config.PUBLIC_URL, offerHours: deps.config.EVENT_OFFER_HOURS });
}

export function registerEventJobs(jobs: JobQueue, deps: EventJobDeps): void {
  const service = eventsServiceOf(deps);
  jobs.register(EVENT_OFFERS_JOB, async () => { await service.settleAll(); }, { concurrency: 1 });
  jobs.register(EVENT_REMINDERS_JOB, async () => { await service.sendReminders(deps.config.EVENT_REMINDER_DAYS); }, { concurrency: 1 });
  for (const schedule of EVENT_SCHEDULES) jobs.addSchedule(schedule);
}
