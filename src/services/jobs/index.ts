export * from './queue.js';
export { SqliteJobQueue, type RunnerOptions } from './sqlite-queue.js';
export { PgBossJobQueue, type PgBossConnection } from './pg-boss-queue.js';
export { ScheduleTicker, latestSlot } from './schedule.js';
export { openJobQueue } from './open.js';
