// Scheduled jobs on either engine. Every process that works jobs ticks; a tick
// finds each schedule's latest slot (cron-parser, Europe/London) and tries to
// insert (name, slot) into job_schedule_slots. The primary key lets exactly one
// insert through, and only that process sends the job: a slot runs once however
// many processes tick. A process that starts after a slot has passed sends it
// then, if nobody has (a server down at 07:00 still sends the day's reminders).

import cronParser from 'cron-parser';
import type { JobStore } from '../../db/stores/job-store.js';
import type { Schedule } from './queue.js';

export const SCHEDULE_TIME_ZONE = 'Europe/London';

/** The latest time at or before `now` that the cron names. */
export function latestSlot(cron: string, now: Date): Date {
  const expression = cronParser.parseExpression(cron, { currentDate: new Date(now.getTime() + 1), tz: SCHEDULE_TIME_ZONE });
  return expression.prev().toDate();
}

export class ScheduleTicker {
  private readonly schedules: Schedule[] = [];

  constructor(private readonly store: JobStore, private readonly send: (name: string, data: object) => Promise<string>) {}

  add(schedule: Schedule): void {
    latestSlot(schedule.cron, new Date()); // a bad cron fails here, at start-up
    this.schedules.push(schedule);
  }

  get size(): number {
    return this.schedules.length;
  }

  /** Send each schedule's due slot that no process has sent yet; returns the jobs this process sent. */
  async tick(now = new Date()): Promise<string[]> {
    const sent: string[] = [];
    for (const schedule of this.schedules) {
      const slot = latestSlot(schedule.cron, now).toISOString();
      if (!await this.store.takeScheduleSlot(schedule.name, slot)) continue;
      const id = await this.send(schedule.name, { ...schedule.data, slot });
      await this.store.recordScheduleJob(schedule.name, slot, id);
      sent.push(id);
    }
    return sent;
  }
}
