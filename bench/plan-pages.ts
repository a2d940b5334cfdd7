// The planner's pages, timed on the server (Fastify inject, no network) on
// SQLite: the scenario page, the edit page (issue 14 item 17: about 2 s every
// time), starting a run (until the progress page's redirect) and a finished
// run's page. Prints the median and the slowest of BENCH_REPEATS requests
// (default 10) each, and the machine. Never asserted in a test.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/env.js';
import { migrateToLatest, openDatabase } from '../src/db/database.js';
import { buildApp } from '../src/web/app.js';
import { machine } from './machine.js';

const REPEATS = Number(process.env['BENCH_REPEATS'] ?? 10);

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'genomeg-bench-plan-'));
  const database = openDatabase(`sqlite:${join(dir, 'bench.sqlite')}`);
  try {
    await migrateToLatest(database);
    const app = await buildApp({ config: loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', CONTENT_DIR: 'test/fixtures/content' }), database, logger: false });
    await app.ready();
    const user = await app.stores.users.create({ email: 'planner@bench.genomeg.test', displayName: 'Bench planner', passwordHash: null, grants: [{ role: 'workforce-planner', organisationCode: null }] }, null);
    const { token, session } = await app.stores.sessions.start(user.id);
    const headers = { cookie: `gnm_session=${token}; gnm_lang=en`, accept: 'text/html' };
    const post = (url: string, fields: Record<string, string>) => app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ _csrf: session.csrfToken, ...fields }).toString() });
    const saved = await post('/plan/scenarios', { source: readFileSync('scenarios/welsh-genomics-baseline.yaml', 'utf8') });
    const scenario = saved.headers.location as string;
    console.log(`planner pages benchmark: the Welsh baseline scenario, ${REPEATS} requests each, on ${machine()}`);
    const time = async (label: string, request: () => Promise<{ statusCode: number; headers: Record<string, unknown> }>): Promise<string | undefined> => {
      const ms: number[] = [];
      let location: string | undefined;
      for (let i = 0; i < REPEATS; i++) {
        const start = performance.now();
        const response = await request();
        ms.push(performance.now() - start);
        if (response.statusCode >= 400) throw new Error(`${label}: ${response.statusCode}`);
        location = response.headers['location'] as string | undefined;
      }
      ms.sort((a, b) => a - b);
      console.log(`  ${label.padEnd(28)} median ${(ms[Math.floor(ms.length / 2)] ?? 0).toFixed(1)} ms, slowest ${(ms[ms.length - 1] ?? 0).toFixed(1)} ms`);
      return location;
    };
    await time('scenario page', () => app.inject({ method: 'GET', url: scenario, headers }));
    await time('edit page', () => app.inject({ method: 'GET', url: `${scenario}/edit`, headers }));
    await time('Welsh edit page', () => app.inject({ method: 'GET', url: `/cy${scenario}/edit`, headers }));
    const runUrl = await time('start a run (to redirect)', () => post(`${scenario}/runs`, { runs: '100', seed: '1' }));
    for (let i = 0; i < 600; i++) {
      const page = await app.inject({ method: 'GET', url: runUrl ?? '', headers });
      if (!page.body.includes('id="progress"')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await time('finished run page', () => app.inject({ method: 'GET', url: runUrl ?? '', headers }));
    await app.close();
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
