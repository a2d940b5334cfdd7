// On PostgreSQL, real processes share the pg-boss queue: two `genomeg serve`
// (JOBS_WORK_IN_WEB=false) and one `genomeg worker`, each a child process on
// a database of this test's own (created here and dropped after, so pg-boss's
// schema `pgboss` is this test's alone). 1,000 emails and one workforce run
// are each done exactly once (the run started on one server and watched on the
// other); a worker killed with SIGKILL while it holds an
// email job leaves it to another worker, which delivers it.
// SQLite has no queue shared between processes: skipped there.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { sql } from 'kysely';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { QUEUED_AS_JOB, ScenarioStore } from '../../src/db/stores/scenario-store.js';
import { SessionStore } from '../../src/db/stores/session-store.js';
import { UserStore } from '../../src/db/stores/user-store.js';
import { SESSION_COOKIE } from '../../src/web/plugins/auth.js';
import { EMAIL_JOB, EmailService } from '../../src/services/email/email-service.js';
import { openJobQueue, type JobQueue } from '../../src/services/jobs/index.js';
import { engines, POSTGRES_URL } from '../support/engines.js';

const onPostgres = engines.some((e) => e.name === 'postgres');
const EMAILS = 1000;
const database = `t_mproc_${randomBytes(5).toString('hex')}`;
const url = (() => { const u = new URL(POSTGRES_URL); u.pathname = `/${database}`; return u.toString(); })();

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try { await client.query(text); } finally { await client.end(); }
}

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe.skipIf(!onPostgres)('two servers and a worker share the PostgreSQL queue (PostgreSQL only: SQLite has no queue shared between processes)', () => {
  const children: ChildProcess[] = [];
  let handle: DatabaseHandle;
  let jobs: JobQueue;
  let smtp: SMTPServer;
  /** What beforeAll got as far as opening, closed by afterAll. */
  const opened: { handle?: DatabaseHandle; jobs?: JobQueue; smtp?: SMTPServer } = {};
  let smtpPort = 0;
  /** Messages the mail server accepted, by recipient. */
  const accepted = new Map<string, number>();
  // The first message to STALL is held (never answered): its worker holds the job until it is killed.
  const STALL = 'held@example.nhs.wales';
  let stalled = false;
  let heldNow: () => void = () => undefined;
  const held = new Promise<void>((resolve) => { heldNow = resolve; });

  const statuses = async (): Promise<Record<string, number>> => Object.fromEntries(
    (await handle.db.selectFrom('email_messages').select('status').select((eb) => eb.fn.countAll<string>().as('n')).groupBy('status').execute())
      .map((r) => [r.status, Number(r.n)]),
  );

  function genomeg(command: 'serve' | 'worker', port: number): ChildProcess {
    const child = spawn('npx', ['tsx', 'src/cli/main.ts', command], {
      env: {
        ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: url, HOST: '127.0.0.1', PORT: String(port),
        JOBS_WORK_IN_WEB: 'false', SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtpPort), SMTP_STARTTLS: 'off',
        MAIL_FROM: 'genomeg@example.nhs.wales', CONTENT_DIR: 'test/fixtures/content',
      },
      stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    });
    children.push(child);
    child.stdout.on('data', () => undefined);
    child.stderr.on('data', () => undefined);
    return child;
  }

  function kill(child: ChildProcess, signal: NodeJS.Signals): void {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try { process.kill(-child.pid, signal); } catch { /* already gone */ }
  }

  beforeAll(async () => {
    await admin(`create database ${database}`);
    handle = openDatabase(url, { poolSize: 4 });
    opened.handle = handle;
    await migrateToLatest(handle);
    smtp = new SMTPServer({
      secure: false, authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
      onData(stream, session, callback) {
        const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        stream.on('data', () => undefined);
        stream.on('end', () => {
          if (to.includes(STALL) && !stalled) { stalled = true; heldNow(); return; }
          for (const address of to) accepted.set(address, (accepted.get(address) ?? 0) + 1);
          callback();
        });
      },
    });
    opened.smtp = smtp;
    await new Promise<void>((resolve) => { smtp.listen(0, '127.0.0.1', resolve); });
    const address = (smtp as unknown as { readonly server: Server }).server.address();
    smtpPort = typeof address === 'object' && address !== null ? address.port : 0;
    jobs = openJobQueue(handle, { applicationName: 'genomeg test' });
    opened.jobs = jobs;
  }, 60_000);

  afterAll(async () => {
    for (const child of children) kill(child, 'SIGKILL');
    await opened.jobs?.stop().catch(() => undefined);
    await opened.handle?.close();
    await new Promise<void>((resolve) => { if (opened.smtp === undefined) resolve(); else opened.smtp.close(() => { resolve(); }); });
    await admin(`drop database if exists ${database} with (force)`).catch(() => undefined);
  }, 60_000);

  it('does 1,000 emails and one workforce run exactly once, and a killed worker\'s job is taken again', async () => {
    const first = 20_000 + Math.floor(Math.random() * 20_000);
    const ports = [first, first + 1];
    const servers = ports.map((port) => genomeg('serve', port));
    let worker = genomeg('worker', 0);
    for (const port of ports) {
      await until(`the server on port ${String(port)}`, async () => {
        try { return (await fetch(`http://127.0.0.1:${String(port)}/`)).status < 500; } catch { return false; }
      }, 120_000);
    }
    expect(servers.every((s) => s.exitCode === null)).toBe(true);

    // A planner signed in (a session in the shared database works on both servers).
    const planner = await UserStore.create(handle.db).create({ email: 'planner@example.nhs.wales', displayName: 'Planner', passwordHash: null, grants: [{ role: 'workforce-planner', organisationCode: null }] }, null);
    const { token, session } = await SessionStore.create(handle.db, 3_600_000, 8 * 3_600_000).start(planner.id);
    const cookie = `${SESSION_COOKIE}=${token}`;
    const [serverA, serverB] = ports.map((port) => `http://127.0.0.1:${String(port)}`) as [string, string];
    const post = (url: string, fields: Record<string, string>) => fetch(url, {
      method: 'POST', redirect: 'manual', headers: { cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: session.csrfToken, ...fields }).toString(),
    });

    // 1,000 emails (half in Welsh) through the store and queue API; one workforce run started on server A.
    const config = loadConfig({ NODE_ENV: 'test', SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtpPort) });
    const email = EmailService.create(handle.db, jobs, config);
    const ids = await email.sendEmails(Array.from({ length: EMAILS }, (_, i) => ({
      template: 'test-message' as const, to: { address: `person${String(i)}@example.nhs.wales`, name: `Person ${String(i)}` },
      params: {}, language: i % 2 === 0 ? 'cy' as const : 'en' as const,
    })));
    expect(ids).toHaveLength(EMAILS);
    const store = ScenarioStore.create(handle.db);
    const saved = await post(`${serverA}/plan/scenarios`, { source: readFileSync('scenarios/welsh-genomics-baseline.yaml', 'utf8') });
    expect(saved.status).toBe(303);
    const started = await post(`${serverA}${saved.headers.get('location') ?? ''}/runs`, { runs: '200', seed: '1' });
    expect(started.status).toBe(303);
    const runPath = started.headers.get('location') ?? '';
    const run = { id: runPath.split('/').pop() ?? '' };
    // Watched from server B, which did not start it (and works no jobs): its progress page, with Cancel, while it waits or runs.
    const watching = await (await fetch(`${serverB}${runPath}`, { headers: { cookie } })).text();
    if ((await store.getRun(run.id))?.status !== 'done') {
      expect(watching).toContain('id="progress"');
      expect(watching).toContain('Cancel this run');
    }

    await until('1,000 emails sent', async () => (await statuses())['sent'] === EMAILS, 150_000);
    const finished = await until('the run to finish', async () => {
      const now = await store.getRun(run.id);
      return now !== null && now.status !== 'queued' && now.status !== 'running' ? now : undefined;
    }, 150_000);
    expect(finished.status).toBe('done');
    // The run was claimed once: its owner is one process, and it has one result.
    expect(finished.owner).not.toBe(QUEUED_AS_JOB);
    // Server B shows the result.
    expect(await (await fetch(`${serverB}${runPath}`, { headers: { cookie } })).text()).toContain('<figure class="app-chart">');
    // pg-boss has one workforce-run job, completed, and 1,000 email-send jobs, each completed (none retried).
    const bossJobs = async (name: string) => (await sql<{ state: string; retry_count: number }>`select state, retry_count from pgboss.job where name = ${name}`.execute(handle.db)).rows;
    expect(await bossJobs('workforce-run')).toEqual([{ state: 'completed', retry_count: 0 }]);
    const emailJobs = await bossJobs(EMAIL_JOB);
    expect(emailJobs).toHaveLength(EMAILS);
    expect(emailJobs.every((j) => j.state === 'completed' && j.retry_count === 0)).toBe(true);
    expect(await statuses()).toEqual({ sent: EMAILS });
    // Real email jobs hold a lease of at most a minute (renewed while they run), not pg-boss's 15 minutes:
    // that is how long a killed worker's message waits before another worker takes it.
    const leases = (await sql<{ seconds: number }>`select distinct extract(epoch from expire_in)::int as seconds from pgboss.job where name = ${EMAIL_JOB}`.execute(handle.db)).rows;
    expect(leases).toEqual([{ seconds: 60 }]);
    // Each message reached the mail server exactly once.
    expect(accepted.size).toBe(EMAILS);
    expect([...accepted.values()].every((n) => n === 1)).toBe(true);
    expect(Array.from({ length: EMAILS }, (_, i) => accepted.get(`person${String(i)}@example.nhs.wales`)).every((n) => n === 1)).toBe(true);

    // A worker holding a job is killed (SIGKILL); another worker takes the job once its lease runs out
    // (3 s here rather than the default 60 s, to keep the test short) and pg-boss's maintenance
    // (every 10 s) retries it.
    const [heldId] = await email.store.insert([{ template: 'test-message', recipient: STALL, userId: null, language: 'en', subject: 'Held', text: 'held', html: '<p>held</p>' }]);
    if (heldId === undefined) throw new Error('no message kept');
    await jobs.send(EMAIL_JOB, { messageId: heldId }, { retryLimit: 3, retryDelaySeconds: 1, expireInSeconds: 3 });
    await held;
    expect((await statuses())['queued']).toBe(1);
    kill(worker, 'SIGKILL');
    await until('the worker to die', () => Promise.resolve(worker.exitCode !== null || worker.signalCode !== null), 30_000);
    worker = genomeg('worker', 0);
    await until('the held message sent by the new worker', async () => (await statuses())['sent'] === EMAILS + 1, 120_000);
    expect(accepted.get(STALL)).toBe(1);
    expect(worker.exitCode).toBeNull();
  }, 400_000);
});
