// Events under load over HTTP against the real server, on SQLite and on
// PostgreSQL (issue 16; targets: the event list at 1,000 requests/s or more
// with p99 under 50 ms, and 200 bookings/s into sessions with waiting lists).
// 30 published events of 4 sessions each; 2,000 signed-in learners. The list
// phase asks /events; the booking phase posts bookings spread over 7 sessions
// of 40 places (coprime with the learners, so each request is a new person
// for its session): the places go within the first second and every later
// booking joins a waiting list under the session's lock, with its email
// queued, as in real use (each learner books each session once: 2,000 × 7
// different bookings, so a phase of 10 s or more at 200/s fills the places and
// puts over a thousand people on waiting lists). The load generator
// (autocannon, keep-alive connections) runs in a child process on the same
// cores, so the figures are a floor. Prints requests/s, p50/p99, bookings/s,
// how many went onto waiting lists, the server's memory (this process: the
// generator is the child) and the load average beside each figure. The list
// is asked twice: as fast as the server answers (its most requests/s, with
// the latency of requests queued at that load), then at 1,000 requests/s (the
// target's own terms: the latency at that rate; one request due every
// millisecond, each timed from when it was due, load-worker.ts). After the booking phase,
// where the CPU went per booking: the server (with its job worker), PostgreSQL
// and the load generator (Linux). Server CPU per request, which the load does
// not move much: `npm run bench -- events-cpu`.
//
//   BENCH_SECONDS   seconds of each phase (default 10)
//   BENCH_ENGINE    sqlite or postgres: that engine only (default both)

import type { FastifyInstance } from 'fastify';
import type { DatabaseHandle } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/database.js';
import { loadConfig } from '../src/config/env.js';
import { EventStore, type SessionInput } from '../src/db/stores/event-store.js';
import { buildApp } from '../src/web/app.js';
import { keepHeapSmall } from '../src/web/heap.js';
import { load, type LoadFigures } from './load.js';
import { cpuReading, cpuSplit, loadAverage, machine, onBothEngines, watchMemory } from './machine.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const LEARNERS = 2000;
const HOUR = 3_600_000;

function session(days: number, capacity: number): SessionInput {
  const start = new Date(Date.now() + days * 24 * HOUR);
  return {
    startsAt: start, endsAt: new Date(start.getTime() + HOUR), delivery: 'online', joinUrl: 'https://teams.example.test/join/bench', venueName: null, venueAddress: null,
    capacity, bookingOpensAt: new Date(Date.now() - HOUR), bookingClosesAt: start, language: 'bilingual',
  };
}

/** 30 published events of 4 sessions (the list), one event of 7 sessions of 40 places (the bookings), and signed-in learners. */
export async function seedEvents(app: FastifyInstance, store: EventStore, count: number): Promise<{ learners: { cookie: string; csrf: string }[]; bookPaths: string[]; sessionIds: string[] }> {
  const text = { en: 'Bench', cy: 'Mainc' };
  for (let e = 0; e < 30; e++) {
    const { event } = await store.createEvent({
      title: { en: `Webinar ${String(e)}`, cy: `Gweminar ${String(e)}` }, summary: text, description: text, topic: 'pharmacogenomics', cpdHours: 1, audienceStaffGroups: ['ahp'],
    }, [session(5 + e, 100), session(40 + e, 100), session(80 + e, 100), session(120 + e, 100)], null);
    await store.setStatus(event.id, 'published', null);
  }
  const { event, sessionIds } = await store.createEvent({ title: text, summary: text, description: text, topic: 'rare-disease', cpdHours: 1 }, Array.from({ length: 7 }, (_, i) => session(3 + i, 40)), null);
  await store.setStatus(event.id, 'published', null);
  const learners: { cookie: string; csrf: string }[] = [];
  for (let i = 0; i < count; i++) {
    const user = await app.stores.users.create({ email: `bench${String(i)}@bench.genomeg.test`, displayName: `Bench ${String(i)}`, passwordHash: null, grants: [{ role: 'learner', organisationCode: null }] }, null);
    const { token, session: s } = await app.stores.sessions.start(user.id);
    learners.push({ cookie: `gnm_session=${token}; gnm_lang=en`, csrf: s.csrfToken });
  }
  return { learners, sessionIds, bookPaths: sessionIds.map((s) => `/events/${event.id}/sessions/${s}/book`) };
}

async function measure(label: string, database: DatabaseHandle): Promise<void> {
  await migrateToLatest(database);
  keepHeapSmall(); // as `genomeg serve` does
  const app = await buildApp({ config: loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', CONTENT_DIR: 'test/fixtures/content' }), database, logger: false });
  const store = EventStore.create(database.db);
  const { learners, sessionIds, bookPaths } = await seedEvents(app, store, LEARNERS);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? String(address.port) : '0'}`;
  const line = (name: string, r: LoadFigures) => {
    const late = r.sentLateP99 === undefined ? '' : `  (sent late p99 ${String(r.sentLateP99)} ms)`;
    console.log(`  ${label.padEnd(11)} ${name.padEnd(22)} ${Math.round(r.requests.average).toLocaleString('en-GB').padStart(6)} req/s  p50 ${String(r.latency.p50)} ms  p99 ${String(r.latency.p99)} ms  non-2xx ${String(r.non2xx)}  errors ${String(r.errors)}${late}  (${loadAverage()})`);
  };
  const list = await load(url, SECONDS, 32, { method: 'GET', sessions: learners, paths: ['/events'] });
  line('event list (GET)', list);
  // The target's own terms: latency while 1,000 requests a second arrive (the line above is as fast as the server answers, where requests queue).
  const paced = await load(url, SECONDS, 32, { method: 'GET', sessions: learners, paths: ['/events'] }, undefined, 1000);
  line('event list at 1,000/s', paced);
  const peak = watchMemory();
  const cpuFrom = cpuReading();
  const bookings = await load(url, SECONDS, 16, { method: 'POST', sessions: learners, paths: bookPaths, body: '_csrf={csrf}' });
  const cpuTo = cpuReading();
  line('bookings (POST)', bookings);
  const rows = await database.db.selectFrom('event_bookings').select(['status', (eb) => eb.fn.countAll<number | string>().as('n')]).where('session_id', 'in', sessionIds).groupBy('status').execute();
  const counts = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  const taken = (counts['booked'] ?? 0) + (counts['waiting'] ?? 0);
  console.log(`  ${label.padEnd(11)} bookings: ${Math.round(taken / SECONDS).toLocaleString('en-GB')} bookings/s taken (${String(taken)} in ${String(SECONDS)} s): ${String(counts['booked'] ?? 0)} booked (7 × 40 places), ${String(counts['waiting'] ?? 0)} onto waiting lists; `
    + `server RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB (peak ${peak().toFixed(0)} MiB), heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB  (${loadAverage()})`);
  console.log(`  ${label.padEnd(11)} bookings: ${cpuSplit(cpuFrom, cpuTo, taken, 'booking')}`);
  await app.close();
}

export async function run(): Promise<void> {
  console.log(`events benchmark: 30 events × 4 sessions listed, bookings into 7 sessions of 40 places with waiting lists, ${String(LEARNERS)} learners, ${String(SECONDS)} s a phase, on ${machine()}`);
  await onBothEngines((label, handle) => measure(label, handle));
}
