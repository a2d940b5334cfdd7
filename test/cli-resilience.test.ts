// `genomeg` as a person starts it, when things are not as they should be: a
// database that cannot be reached, planner runs left by a killed server, and
// the files it writes under data/. Real processes.

import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import { ScenarioStore } from '../src/db/stores/scenario-store.js';
import { liveOwner, stoppedOwner, type RunOwner } from './support/process-owner.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'genomeg-cli-resilience-'));
const dataDir = join(dir, 'data');
const databaseUrl = `sqlite:${join(dataDir, 'genomeg.sqlite')}`;

async function genomeg(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A port on this machine that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve); });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 1;
}

const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8);

afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

describe('genomeg when the database cannot be reached', () => {
  it('stops with exit code 2, naming DATABASE_URL, the host and port tried and not the password (PostgreSQL)', async () => {
    const port = await closedPort();
    const url = `postgres://genomeg:s3cret-pw@127.0.0.1:${String(port)}/genomeg`;
    for (const command of [['migrate'], ['serve']]) {
      const result = await genomeg({ DATABASE_URL: url }, ...command);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`Cannot use the database named by DATABASE_URL (postgres://genomeg:***@127.0.0.1:${String(port)}/genomeg):`);
      expect(result.stderr).toContain(`tried 127.0.0.1:${String(port)}: connect ECONNREFUSED`);
      expect(result.stderr).not.toContain('s3cret-pw');
      expect(result.stderr).not.toMatch(/^\s+at /m);
    }
  }, 180_000);

  it('stops with exit code 2, naming DATABASE_URL and the file, when the SQLite file cannot be opened', async () => {
    const notAFolder = join(dir, 'a-file');
    writeFileSync(notAFolder, '');
    const result = await genomeg({ DATABASE_URL: `sqlite:${join(notAFolder, 'genomeg.sqlite')}` }, 'migrate');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Cannot use the database named by DATABASE_URL (sqlite:${join(notAFolder, 'genomeg.sqlite')}):`);
    expect(result.stderr).toContain(`tried ${join(notAFolder, 'genomeg.sqlite')}: `);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  }, 120_000);
});

describe('genomeg serve on a SQLite file', () => {
  let live: RunOwner;
  beforeAll(async () => { live = await liveOwner(); });
  afterAll(() => { live.child.kill(); });

  it('writes the database and the demo sign-ins for their owner only, in a data folder only the owner can open', async () => {
    const seeded = await genomeg({ DATABASE_URL: databaseUrl }, 'seed', '--demo');
    expect(seeded.code).toBe(0);
    expect({ folder: modeOf(dataDir), database: modeOf(join(dataDir, 'genomeg.sqlite')), signIns: modeOf(join(dataDir, 'demo-sign-ins.txt')) })
      .toEqual({ folder: '700', database: '600', signIns: '600' });
  }, 180_000);

  it('marks at start-up the planner runs that a stopped server left running, and leaves a live process\'s run', async () => {
    const handle = openDatabase(databaseUrl);
    const store = ScenarioStore.create(handle.db);
    const [scenario] = await store.listScenarios();
    if (scenario === undefined) throw new Error('the demo data has scenarios');
    // Both runs' heartbeats are fresh whenever the server gets to look (however long it takes to start on a busy
    // machine): only whether the owning process is alive tells them apart.
    const runOf = async (owner: string) => {
      const created = await store.createRun({ scenarioId: scenario.id, scenarioVersion: scenario.version, seed: 1, runs: 100, owner }, null);
      await handle.db.updateTable('workforce_runs').set({ status: 'running', done: 10, heartbeat_at: new Date(Date.now() + 3_600_000) }).where('id', '=', created.id).execute();
      return created.id;
    };
    const killed = await runOf(await stoppedOwner());
    const running = await runOf(live.processId);
    await handle.close();

    const server = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
      env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => { server.once('exit', resolve); });
    let stdout = '';
    const base = await new Promise<string>((resolve, reject) => {
      server.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /Genomeg is running at (http:\/\/\S+)/.exec(stdout);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
      void exited.then((code) => { reject(new Error(`serve exited (${String(code)}) before listening:\n${stdout}`)); });
    });
    try {
      expect(stdout).toContain('Marked 1 planner run(s) of a stopped process as interrupted.');
      expect((await fetch(`${base}/health`)).status).toBe(200);
      const after = openDatabase(databaseUrl);
      const check = ScenarioStore.create(after.db);
      expect(await check.getRun(killed)).toMatchObject({ status: 'failed', error: 'interrupted' });
      expect((await check.getRun(running))?.status).toBe('running');
      await after.close();
    } finally {
      server.kill('SIGTERM');
    }
    // SIGTERM finishes what is in flight and exits cleanly.
    expect(await exited).toBe(0);
  }, 180_000);
});
