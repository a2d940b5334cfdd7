// The email benchmark: 10,000 reminder emails (half in Welsh) composed,
// kept and queued as email-send jobs, then delivered by this process's job
// runner through nodemailer to a local SMTP server (another process), on a
// SQLite file and on PostgreSQL (pg-boss) when one answers. Prints the time
// from queueing to the last message accepted, and this process's peak
// resident memory (target: under 60 s and 500 MB). Never fails on a timing.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { machine, watchMemory, loadAverage } from './machine.js';
import { loadConfig } from '../src/config/env.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../src/db/database.js';
import { EmailService, type OutgoingEmail } from '../src/services/email/email-service.js';
import { openJobQueue } from '../src/services/jobs/index.js';

const MESSAGES = Number(process.env['BENCH_EMAILS'] ?? 10_000);
const POSTGRES = process.env['DATABASE_URL_BENCH'] ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Sink { readonly port: number; count(): Promise<number>; close(): void }

async function startSink(): Promise<Sink> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'smtp-sink.ts')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => { waiting.shift()?.(line); });
  const next = () => new Promise<string>((resolve) => { waiting.push(resolve); });
  const port = Number((await next()).split(' ')[1]);
  return {
    port,
    async count() { child.stdin.write('count\n'); return Number((await next()).split(' ')[1]); },
    close() { child.stdin.end(); },
  };
}

function reminders(n: number): OutgoingEmail[] {
  return Array.from({ length: n }, (_, i) => {
    const cy = i % 2 === 1;
    return {
      template: 'reminder-due-soon', language: cy ? 'cy' : 'en',
      to: { address: `person${i}@bench.genomeg.test`, name: `Person ${i}` },
      params: { module: cy ? 'Genomeg i bawb' : 'Genomics for everyone', dueDate: cy ? '31 Ionawr 2027' : '31 January 2027', link: `http://localhost:3000${cy ? '/cy' : ''}/learn/genomics-for-everyone` },
    };
  });
}

async function measure(label: string, handle: DatabaseHandle, sink: Sink): Promise<void> {
  const config = loadConfig({ LOG_LEVEL: 'silent', SMTP_HOST: '127.0.0.1', SMTP_PORT: String(sink.port), SMTP_STARTTLS: 'off' });
  const jobs = openJobQueue(handle, { pollMs: 500 });
  const email = EmailService.create(handle.db, jobs, config);
  email.registerOn(jobs);
  const before = await sink.count();
  const memory = watchMemory();
  const started = performance.now();
  await email.sendEmails(reminders(MESSAGES));
  const queued = (performance.now() - started) / 1000;
  await jobs.start();
  while (await sink.count() - before < MESSAGES) await new Promise((resolve) => setTimeout(resolve, 200));
  const seconds = (performance.now() - started) / 1000;
  const peak = memory();
  await jobs.stop();
  email.close();
  const sent = (await email.store.countByStatus())['sent'] ?? 0;
  console.log(`  ${label}: ${MESSAGES.toLocaleString('en-GB')} reminder emails queued in ${queued.toFixed(1)} s and delivered in ${seconds.toFixed(1)} s `
    + `(${Math.round(MESSAGES / seconds)} a second; ${sent} marked sent); peak memory ${peak.toFixed(0)} MiB (target < 60 s, < 500 MB)`);
}

async function postgresSchema(): Promise<{ handle: DatabaseHandle; drop: () => Promise<void> } | null> {
  const admin = new pg.Client({ connectionString: POSTGRES, connectionTimeoutMillis: 3000 });
  try { await admin.connect(); } catch { return null; }
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  await admin.query(`create schema ${schema}`);
  const handle = openDatabase(POSTGRES, { schema });
  await migrateToLatest(handle);
  return { handle, drop: async () => { await handle.close(); await admin.query(`drop schema ${schema} cascade`); await admin.end(); } };
}

export async function run(): Promise<void> {
  console.log(`reminder emails — ${machine()}, ${loadAverage()}`);
  const sink = await startSink();
  const dir = mkdtempSync(join(tmpdir(), 'genomeg-bench-email-'));
  try {
    const sqlite = openDatabase(`sqlite:${join(dir, 'bench.sqlite')}`);
    await migrateToLatest(sqlite);
    await measure('SQLite (in-process runner)', sqlite, sink);
    await sqlite.close();
    const postgres = await postgresSchema();
    if (postgres === null) console.log(`  PostgreSQL: not reachable at ${POSTGRES}, skipped`);
    else {
      try { await measure('PostgreSQL (pg-boss)', postgres.handle, sink); } finally { await postgres.drop(); }
    }
  } finally {
    sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
