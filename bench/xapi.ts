// The learning record store benchmark (issue #4), per engine (SQLite, then
// PostgreSQL when reachable):
//  1. ingest over HTTP of ~2 KB generated statements in batches of 50, with the
//     load generator (autocannon) in another process on the same machine;
//  2. a bulk load up to BENCH_XAPI_STORED statements (bench/xapi-bulk-load.ts,
//     in its own process: the same rows the store writes, in large transactions);
//  3. p50/p95 of queries over HTTP at that size: by agent, verb, activity,
//     registration, agent + verb, related_activities and related_agents (a common
//     and a rare value of each), with the server's peak resident memory;
//  4. ingest over HTTP again, with that many statements stored.
// Each figure is printed with the load average, since other work may share the
// machine. Each engine runs in a process of its own (the server's memory is that
// process's), and its database is deleted after it unless BENCH_XAPI_SQLITE_FILE
// names where to keep it.
//
//   BENCH_XAPI_SECONDS   ingest duration (default 20)
//   BENCH_XAPI_STORED    statements held for the queries (default 5000000)
//   BENCH_XAPI_ENGINES   which engines (default sqlite,postgres)
//   BENCH_XAPI_REQUESTS  requests per query kind (default 200)
//   BENCH_XAPI_SQLITE_FILE  keep the SQLite database in this file (reused when it is there)
//   BENCH_XAPI_PG_SCHEMA    keep the PostgreSQL data in this schema (reused when it is there)
//   BENCH_CHECKPOINTS    'auto' for SQLite's own checkpoints inside commits (default: a
//                        checkpointer thread, as `genomeg serve` runs)

import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import type autocannon from 'autocannon';
import { loadConfig } from '../src/config/env.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../src/db/database.js';
import { XapiClientStore, authorityOf } from '../src/db/stores/xapi-client-store.js';
import { buildApp } from '../src/web/app.js';
import { keepHeapSmall } from '../src/web/heap.js';
import { loadAverage, machine, watchMemory } from './machine.js';
import { LEARNER, MODULE_ID, MODULES, VERB_ID, random, uuidFrom } from './xapi-generator.js';
import { prepareStaging, type LoadMessage, type LoadOptions, type LoadReport } from './xapi-bulk-load.js';

const INGEST_SECONDS = Number(process.env['BENCH_XAPI_SECONDS'] ?? 20);
const STORED = Number(process.env['BENCH_XAPI_STORED'] ?? 5_000_000);
const ENGINES = (process.env['BENCH_XAPI_ENGINES'] ?? 'sqlite,postgres').split(',');
const REQUESTS = Number(process.env['BENCH_XAPI_REQUESTS'] ?? 200);
// As `genomeg serve` opens SQLite (a checkpointer thread), unless BENCH_CHECKPOINTS=auto.
const CHECKPOINTS = process.env['BENCH_CHECKPOINTS'] === 'auto' ? 'auto' : 'background';
const LOADERS = 2;
const LEARNERS = 20_000;
const BATCH = 50;
const POSTGRES_URL = process.env['DATABASE_URL_TEST'] ?? 'postgres://postgres@127.0.0.1:5432/test';

const load = loadAverage;
const n = (x: number): string => Math.round(x).toLocaleString('en-GB');
/** Memory in MiB, and in MB as the issue's target (500 MB) is given. */
const mib = (x: number): string => `${x.toFixed(0)} MiB (${((x * 2 ** 20) / 1e6).toFixed(0)} MB)`;

function ingest(url: string, authorization: string, seed: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL('./xapi-load-worker.ts', import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (result) => { resolve(result as autocannon.Result); child.kill(); });
    child.once('error', reject);
    child.send({ url, seconds: INGEST_SECONDS, connections: 8, authorization, batch: BATCH, learners: LEARNERS, seed });
  });
}

/** One task of bench/xapi-bulk-load.ts in a child process; progress is printed every tenth of `total`. */
function child(message: LoadMessage, label: string, total: number): Promise<LoadReport> {
  return new Promise((resolve, reject) => {
    const worker = fork(new URL('./xapi-bulk-load.ts', import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let step = 0;
    worker.on('message', (m) => {
      const report = m as LoadReport;
      if (report.done) { resolve(report); return; }
      if (total > 0 && report.loaded >= ((step + 1) * total) / 10) {
        step = Math.floor((report.loaded * 10) / total);
        console.log(`${label.padEnd(10)}   loaded ${n(report.loaded)} of ${n(total)} in ${report.seconds.toFixed(0)} s (${load()})`);
      }
    });
    worker.once('exit', (code) => { if (code !== 0) reject(new Error(`bulk load exited with ${code}`)); });
    worker.send(message);
  });
}

/** The bulk load: LOADERS processes append (one generates while another writes), then one moves the staged entries into place. */
async function bulkLoad(handle: DatabaseHandle, url: string, label: string, total: number, options: Omit<LoadOptions, 'total' | 'from'>): Promise<void> {
  await prepareStaging(handle.db);
  const started = performance.now();
  const where = { url, ...(handle.schema === undefined ? {} : { schema: handle.schema }) };
  const share = Math.ceil(total / LOADERS);
  await Promise.all(Array.from({ length: LOADERS }, (_, i) => child({ task: 'load', ...where, ...options, total: Math.min(share, total - i * share), from: i * share }, `${label} ${i + 1}`, Math.min(share, total - i * share))));
  const appended = (performance.now() - started) / 1000;
  console.log(`${label.padEnd(10)} bulk load: ${n(total)} statements appended in ${appended.toFixed(0)} s by ${LOADERS} processes; ${load()}`);
  const finished = await child({ task: 'finish', ...where }, label, 0);
  const seconds = (performance.now() - started) / 1000;
  console.log(`${label.padEnd(10)} bulk load: index entries and progress put in key order in ${finished.seconds.toFixed(0)} s; in all ${seconds.toFixed(0)} s, ${n(total / seconds)} statements/s; ${load()}`);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
}

async function latency(url: string, authorization: string, path: () => string, count: number): Promise<{ p50: number; p95: number; max: number; rows: number }> {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < count + 10; i += 1) {
    const started = performance.now();
    const r = await fetch(`${url}${path()}`, { headers: { authorization, 'x-experience-api-version': '1.0.3' } });
    const body = await r.json() as { statements: unknown[] };
    if (r.status !== 200) throw new Error(`query failed: ${r.status}`);
    // The first requests of each kind warm up; they are not counted.
    if (i >= 10) { times.push(performance.now() - started); rows += body.statements.length; }
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95), max: times[times.length - 1] ?? NaN, rows: rows / count };
}

async function size(handle: DatabaseHandle, file: string | null): Promise<string> {
  if (file !== null) {
    const bytes = [file, `${file}-wal`].reduce((sum, f) => { try { return sum + statSync(f).size; } catch { return sum; } }, 0);
    return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  }
  const row = await sql<{ bytes: number }>`select sum(pg_total_relation_size(c.oid))::bigint as bytes from pg_class c join pg_namespace s on s.oid = c.relnamespace where s.nspname = ${handle.schema ?? 'public'} and c.relkind = 'r'`.execute(handle.db);
  return `${((row.rows[0]?.bytes ?? 0) / 2 ** 30).toFixed(1)} GiB`;
}

async function once(label: string, handle: DatabaseHandle, url: string, file: string | null): Promise<void> {
  await migrateToLatest(handle);
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', DATABASE_URL: url });
  keepHeapSmall(); // as `genomeg serve` does
  const app = await buildApp({ config, database: handle, logger: false });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const { client, secret } = await XapiClientStore.create(handle.db).createClient({ organisationCode: '7A7', name: 'bench', scopes: ['all'] }, null);
    const authorization = `Basic ${Buffer.from(`${client.key}:${secret}`).toString('base64')}`;
    const count = async () => Number((await handle.db.selectFrom('xapi_statements').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const ingestFigures = async (when: string, seed: number) => {
      const before = load();
      const stop = watchMemory();
      const result = await ingest(address, authorization, seed);
      const peak = stop();
      console.log(`${label.padEnd(10)} ingest over HTTP ${when}, batches of ${BATCH}, 8 connections, ${INGEST_SECONDS} s: ${n((result['2xx'] * BATCH) / INGEST_SECONDS)} statements/s `
        + `(${result['2xx']} batches ok, ${result.non2xx} not; latency p50 ${result.latency.p50} ms p97.5 ${result.latency.p97_5} ms); server peak RSS ${mib(peak)}; ${before} → ${load()}`);
    };

    const first = await count();
    await ingestFigures(first === 0 ? 'into an empty store' : `with ${n(first)} stored`, 1);

    const have = await count();
    if (STORED > have) await bulkLoad(handle, url, label, STORED - have, { learners: LEARNERS, seed: 2, organisationCode: '7A7', clientId: client.id, authority: authorityOf(client) });
    const stored = await count();
    console.log(`${label.padEnd(10)} ${n(stored)} statements stored, database ${await size(handle, file)}`);

    const rand = random(99);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
    const learner = () => Math.floor(rand() * LEARNERS);
    const q = (params: Record<string, string>) => `/xapi/statements?${new URLSearchParams({ limit: '25', ...params }).toString()}`;
    const queries: [string, () => string][] = [
      ['agent', () => q({ agent: JSON.stringify(LEARNER(learner())) })],
      ['verb', () => q({ verb: VERB_ID(pick(['passed', 'failed', 'completed', 'attended'])) })],
      ['activity', () => q({ activity: MODULE_ID(pick(MODULES)) })],
      ['registration', () => { const l = learner(); return q({ registration: uuidFrom(random(l * 31 + Math.floor(rand() * MODULES.length))) }); }],
      ['agent + verb', () => q({ agent: JSON.stringify(LEARNER(learner())), verb: VERB_ID('completed') })],
      ['activity + verb, ascending', () => q({ activity: MODULE_ID(pick(MODULES)), verb: VERB_ID('passed'), ascending: 'true' })],
      ['related_activities (module)', () => q({ activity: MODULE_ID(pick(MODULES)), related_activities: 'true' })],
      ['related_activities (question)', () => q({ activity: `${MODULE_ID(pick(MODULES))}/questions/q${1 + Math.floor(rand() * 12)}`, related_activities: 'true' })],
      ['related_agents (authority)', () => q({ agent: JSON.stringify(authorityOf(client)), related_agents: 'true' })],
      ['related_agents (learner)', () => q({ agent: JSON.stringify(LEARNER(learner())), related_agents: 'true' })],
    ];
    const memory = watchMemory();
    for (const [name, path] of queries) {
      const before = load();
      const l = await latency(address, authorization, path, REQUESTS);
      console.log(`${label.padEnd(10)} GET by ${name.padEnd(30)} p50 ${l.p50.toFixed(1).padStart(6)} ms  p95 ${l.p95.toFixed(1).padStart(6)} ms  max ${l.max.toFixed(0).padStart(5)} ms  (${l.rows.toFixed(1)} statements a page; ${before})`);
    }
    console.log(`${label.padEnd(10)} server peak RSS during queries ${mib(memory())} (${n(stored)} stored)`);

    await ingestFigures(`with ${n(stored)} stored`, 3);
  } finally {
    await app.close();
  }
}

/** Each engine in a process of its own, so that one engine's server memory is not counted against the other's. */
function eachEngineApart(): Promise<void> {
  return ENGINES.reduce<Promise<void>>((previous, engine) => previous.then(() => new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, BENCH_XAPI_ENGINES: engine } });
    child.once('error', reject);
    child.once('exit', (code) => { if (code === 0) resolve(); else reject(new Error(`the ${engine} benchmark exited with ${String(code)}`)); });
  })), Promise.resolve());
}

export async function run(): Promise<void> {
  if (ENGINES.length > 1) return eachEngineApart();
  console.log(`xAPI benchmark on ${machine()}; ${load()}`);
  if (ENGINES.includes('sqlite')) {
    // BENCH_XAPI_SQLITE_FILE keeps the database (made if missing, reused if there), so that runs at 5 million need not load it again.
    const kept = process.env['BENCH_XAPI_SQLITE_FILE'];
    const dir = kept === undefined ? mkdtempSync(join(tmpdir(), 'genomeg-xapi-')) : null;
    try {
      const file = kept ?? join(dir ?? '', 'bench.sqlite');
      const sqlite = openDatabase(`sqlite:${file}`, { checkpoints: CHECKPOINTS });
      try {
        await once('SQLite', sqlite, `sqlite:${file}`, file);
      } finally {
        await sqlite.close();
      }
    } finally {
      if (dir !== null) rmSync(dir, { recursive: true, force: true });
    }
  }
  if (!ENGINES.includes('postgres')) return;
  // BENCH_XAPI_PG_SCHEMA keeps the PostgreSQL data in that schema (made if missing, reused if there), as BENCH_XAPI_SQLITE_FILE does for SQLite.
  const keptSchema = process.env['BENCH_XAPI_PG_SCHEMA'];
  if (keptSchema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(keptSchema)) throw new Error('BENCH_XAPI_PG_SCHEMA: lower-case letters, digits and _ only');
  const schema = keptSchema ?? `bench_xapi_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  try {
    await admin.connect();
  } catch {
    console.log('PostgreSQL not reachable: skipped');
    return;
  }
  await admin.query(`create schema if not exists ${schema}`);
  try {
    const handle = openDatabase(POSTGRES_URL, { schema, poolSize: 10 });
    try {
      await once('PostgreSQL', handle, POSTGRES_URL, null);
    } finally {
      await handle.close();
    }
  } finally {
    if (keptSchema === undefined) await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}
