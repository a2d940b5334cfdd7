// The server's CPU time per request for the event list and for bookings, over
// real HTTP (keep-alive connections from autocannon in a child process), on
// SQLite and PostgreSQL. CPU time is the server process's own (user + system,
// process.cpuUsage around a fixed number of requests), so it holds steady on a
// shared, loaded machine where requests/s and latencies do not: 1 ms of CPU a
// request is 1,000 requests/s on one free core.
//
//   EVENTS_CPU_N        requests per phase (default 4000)
//
// The list is measured twice: asked by 2,000 people in turn, then by 250 people
// in turn (each asking again 250 requests later, as people browsing do, within
// the 5 s a process keeps their session: what the kept session saves).
//   EVENTS_CPU_PROFILE  a folder: write a .cpuprofile of each phase there (Chrome DevTools)

import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import type { DatabaseHandle } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/database.js';
import { loadConfig } from '../src/config/env.js';
import { EventStore } from '../src/db/stores/event-store.js';
import { buildApp } from '../src/web/app.js';
import { keepHeapSmall } from '../src/web/heap.js';
import { seedEvents } from './events.js';
import { load } from './load.js';
import { loadAverage, machine, onBothEngines, statementCounter } from './machine.js';

const N = Number(process.env['EVENTS_CPU_N'] ?? 4000);
const PROFILE = process.env['EVENTS_CPU_PROFILE'];

/** The server's CPU milliseconds (and a profile, when asked) spent while `work` runs. */
async function cpuOf(name: string, work: () => Promise<unknown>): Promise<number> {
  let session: Session | undefined;
  if (PROFILE !== undefined) {
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const from = process.cpuUsage();
  await work();
  const d = process.cpuUsage(from);
  if (session !== undefined) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(`${PROFILE ?? '.'}/${name}.cpuprofile`, JSON.stringify(profile));
    session.disconnect();
  }
  return (d.user + d.system) / 1000;
}

/** Counts the SQL statements the app sends (a figure the machine's load does not move). */
const counter = statementCounter();

async function measure(label: string, plain: DatabaseHandle): Promise<void> {
  await migrateToLatest(plain);
  const database: DatabaseHandle = { ...plain, db: plain.db.withPlugin(counter.plugin) };
  keepHeapSmall();
  const app = await buildApp({ config: loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', CONTENT_DIR: 'test/fixtures/content' }), database, logger: false });
  const { learners, bookPaths } = await seedEvents(app, EventStore.create(database.db), 2000);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? String(address.port) : '0'}`;
  const list = { method: 'GET' as const, sessions: learners, paths: ['/events'] };
  await load(url, 1, 8, list, 500); // warm
  let from = counter.count();
  const listMs = await cpuOf(`list-${label}`, () => load(url, 0, 8, list, N));
  const listStatements = (counter.count() - from) / N;
  // The same list asked by 250 people in turn (each asks again 250 requests later, well within
  // the 5 s a process keeps a session): what a kept session saves, next to 2,000 people in turn above.
  const few = { ...list, sessions: learners.slice(0, 250) };
  await load(url, 0, 8, few, 250); // each of them read once
  from = counter.count();
  const fewMs = await cpuOf(`list-few-${label}`, () => load(url, 0, 8, few, N));
  const fewStatements = (counter.count() - from) / N;
  const books = Math.min(N, learners.length);
  from = counter.count();
  // The emails each booking queues are sent by the job worker in this process: counted with the bookings, to the last.
  const bookMs = await cpuOf(`book-${label}`, async () => {
    await load(url, 0, 8, { method: 'POST', sessions: learners, paths: bookPaths, body: '_csrf={csrf}' }, books);
    for (let i = 0; i < 600 && (await plain.db.selectFrom('email_messages').select('id').where('status', '=', 'queued').limit(1).execute()).length > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  const bookStatements = (counter.count() - from) / books;
  const rows = await database.db.selectFrom('event_bookings').select(['status', (eb) => eb.fn.countAll<number | string>().as('n')]).groupBy('status').execute();
  const counts = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  console.log(`  ${label.padEnd(11)} event list ${(listMs / N).toFixed(3)} ms CPU, ${listStatements.toFixed(2)} SQL statements a request (2,000 people in turn), ${(fewMs / N).toFixed(3)} ms, ${fewStatements.toFixed(2)} (250 people in turn); booking ${(bookMs / books).toFixed(3)} ms CPU, ${bookStatements.toFixed(1)} statements a booking (${String(counts['booked'] ?? 0)} booked, ${String(counts['waiting'] ?? 0)} waiting)  (${loadAverage()})`);
  await app.close();
}

export async function run(): Promise<void> {
  console.log(`events: server CPU per request over HTTP, ${String(N)} list requests, up to 2,000 bookings, on ${machine()}`);
  await onBothEngines((label, handle) => measure(label, handle));
}
