// What a benchmark ran on, printed with its figures so they can be compared.

import type { KyselyPlugin } from 'kysely';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../src/db/database.js';

export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`;
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
  const dir = mkdtempSync(join(tmpdir(), 'genomeg-bench-'));
  try {
    const sqlite = openDatabase(`sqlite:${join(dir, 'bench.sqlite')}`);
    await measure('SQLite', sqlite);
    await sqlite.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

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
