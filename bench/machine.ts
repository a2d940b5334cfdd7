// What a benchmark ran on, printed with its figures so they can be compared.

import type { KyselyPlugin } from 'kysely';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../src/db/database.js';

export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`;
}

/** CPU time so far (ms, Linux /proc): this process, its children (the load generators, counted once ended), PostgreSQL's processes, and the whole machine busy and idle. */
export interface CpuReading { readonly server: number; readonly generator: number; readonly postgres: number; readonly busy: number; readonly idle: number }

const TICK_MS = 10; // USER_HZ is 100 on Linux

export function cpuReading(): CpuReading | null {
  try {
    let server = 0;
    let generator = 0;
    let postgres = 0;
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      } catch {
        continue; // ended meanwhile
      }
      // pid (comm) state ppid … utime(14) stime(15): comm may hold spaces, so split after its ')'.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      const ms = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
      // This process's children ended so far (cutime, cstime): the load generators.
      if (Number(name) === process.pid) {
        server += ms;
        generator += (Number(fields[13]) + Number(fields[14])) * TICK_MS;
      }
      else if (Number(fields[1]) === process.pid) generator += ms;
      else if (comm === 'postgres') postgres += ms;
    }
    const cpu = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const idle = ((cpu[3] ?? 0) + (cpu[4] ?? 0)) * TICK_MS;
    const busy = cpu.reduce((a, b) => a + b, 0) * TICK_MS - idle;
    return { server, generator, postgres, busy, idle };
  } catch {
    return null;
  }
}

/** Where the CPU went between two readings, per unit of work (`per`): e.g. "server 4.1, PostgreSQL 3.2, generator 0.8, other 0.5 ms a booking; idle 9%". */
export function cpuSplit(from: CpuReading | null, to: CpuReading | null, per: number, unit: string): string {
  if (from === null || to === null || per <= 0) return 'CPU split not available here';
  const d = (k: keyof CpuReading) => to[k] - from[k];
  const other = d('busy') - d('server') - d('generator') - d('postgres');
  const each = (ms: number) => (ms / per).toFixed(2);
  return `CPU a ${unit}: server ${each(d('server'))} ms, PostgreSQL ${each(d('postgres'))} ms, load generator ${each(d('generator'))} ms, other ${each(Math.max(0, other))} ms; idle ${(100 * d('idle') / Math.max(1, d('idle') + d('busy'))).toFixed(0)}%`;
}

/** Samples resident memory every 50 ms until stopped; returns the peak in MiB. */
export function watchMemory(): () => number {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss) / 2 ** 20;
  };
}

/** The machine's 1, 5 and 15-minute load averages, to print with a figure: other work on shared cores lowers it. */
export function loadAverage(): string {
  return `load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`;
}

/** The PostgreSQL server the benchmarks use, as the tests do. */
export const BENCH_POSTGRES_URL = process.env['DATABASE_URL_TEST'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Run a measurement on a fresh SQLite file in a temporary folder, then on a
 * fresh schema of the PostgreSQL test server (skipped, and said, when it cannot
 * be reached); each is removed afterwards.
 */
export async function onBothEngines(measure: (label: 'SQLite' | 'PostgreSQL', handle: DatabaseHandle) => Promise<void>): Promise<void> {
  const only = process.env['BENCH_ENGINE'];
  if (only !== undefined && only !== 'sqlite' && only !== 'postgres') throw new Error(`BENCH_ENGINE=${only}: sqlite or postgres (or unset for both)`);
  if (only !== 'postgres') await onSqlite(measure);
  if (only !== 'sqlite') await onPostgres(measure);
}

async function onSqlite(measure: (label: 'SQLite', handle: DatabaseHandle) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'genomeg-bench-'));
  try {
    const sqlite = openDatabase(`sqlite:${join(dir, 'bench.sqlite')}`);
    await measure('SQLite', sqlite);
    await sqlite.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function onPostgres(measure: (label: 'PostgreSQL', handle: DatabaseHandle) => Promise<void>): Promise<void> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: BENCH_POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch {
    console.log(`PostgreSQL   not reachable at ${BENCH_POSTGRES_URL}: skipped`);
    return;
  }
  await admin.query(`create schema ${schema}`);
  try {
    const postgres = openDatabase(BENCH_POSTGRES_URL, { schema });
    await measure('PostgreSQL', postgres);
    await postgres.close();
  } finally {
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}

/**
 * Counts the SQL statements sent through a Kysely instance given this plugin
 * (`db.withPlugin(counter.plugin)`): a figure the machine's load does not move.
 */
export function statementCounter(): { readonly plugin: KyselyPlugin; count(): number } {
  let statements = 0;
  return {
    plugin: {
      transformQuery: (args) => { statements++; return args.node; },
      transformResult: (args) => Promise.resolve(args.result),
    },
    count: () => statements,
  };
}
