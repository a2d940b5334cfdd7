// What organisation requirements cost (issue: learning experience, required and
// overdue learning): working out every person's overdue count for a whole
// health board, and the pages that show it, the catalogue (a learner's required
// modules and due dates) and a line manager's team, served over HTTP on SQLite
// with the load generator in a separate process on the same cores. Prints the
// figures and the machine; never fails on a timing.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type autocannon from 'autocannon';
import { load } from './load.js';
import { machine } from './machine.js';
import { loadConfig } from '../src/config/env.js';
import { migrateToLatest, openDatabase } from '../src/db/database.js';
import { RequirementStore } from '../src/db/stores/requirement-store.js';
import { importStaffExtract } from '../src/services/staff-import.js';
import { overdueByStaff } from '../src/services/learning/required-learning.js';
import { syntheticStaff, toEsrCsv } from '../src/seed/synthetic-staff.js';
import { buildApp } from '../src/web/app.js';

const STAFF = Number(process.env['BENCH_STAFF'] ?? 20_000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const BOARD = '7A1';

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'genomeg-bench-required-'));
  const database = openDatabase(`sqlite:${join(dir, 'bench.sqlite')}`);
  try {
    await migrateToLatest(database);
    const contentDir = process.env['BENCH_CONTENT_DIR'] ?? 'content';
    const app = await buildApp({ config: loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', CONTENT_DIR: contentDir }), database, logger: false });
    const modules = app.content.modules;
    if (modules.length === 0) throw new Error(`no module in ${contentDir}`);
    const rows = syntheticStaff({ rows: STAFF, seed: 7, emailDomain: 'bench.genomeg.test' });
    const imported = await importStaffExtract(app.stores.staff, { text: toEsrCsv(rows), fileName: 'bench.csv', mode: 'full', permittedOrganisations: 'all', actorUserId: null });
    if (imported.status === 'rejected') throw new Error('bench extract rejected');

    // Every organisation requires the first module of everyone by a date already past,
    // and the others of three staff groups within 90 days of starting.
    const requirements = RequirementStore.create(database.db);
    const organisations = [...new Set(rows.map((r) => r.organisationCode))];
    for (const code of organisations) {
      await requirements.add({ organisationCode: code, moduleId: modules[0]?.manifest.id ?? '', staffGroupCodes: [], due: { kind: 'date', date: '2025-01-31' } }, null);
      for (const m of modules.slice(1)) await requirements.add({ organisationCode: code, moduleId: m.manifest.id, staffGroupCodes: ['medical-dental', 'nursing-midwifery', 'add-prof-sci-tech'], due: { kind: 'days', days: 90 } }, null);
    }

    // The board's staff get accounts; half of them have completed the first module.
    const board = (await app.stores.staff.list({ organisationCodes: [BOARD], limit: 1_000_000 })).members;
    const sessions: { cookie: string; csrf: string }[] = [];
    const now = new Date();
    for (const [i, member] of board.entries()) {
      const user = await app.stores.users.create({ email: `b${i}@bench.genomeg.test`, displayName: `Bench ${i}`, passwordHash: null, grants: [{ role: 'learner', organisationCode: null }], staffId: member.id }, null);
      if (i % 2 === 0) {
        await database.db.insertInto('module_completions').values({ user_id: user.id, module_id: modules[0]?.manifest.id ?? '', module_version: '1.0.0', attempt_id: `bench-${i}`, score: 1, cpd_hours: 0.5, language: 'en', completed_at: now }).execute();
      }
      if (sessions.length < 200) {
        const { token, session } = await app.stores.sessions.start(user.id);
        sessions.push({ cookie: `gnm_session=${token}`, csrf: session.csrfToken });
      }
    }
    // Line managers: the board's staff who manage others.
    const managerNumbers = new Set(board.map((m) => m.lineManagerAssignmentNumber).filter((n) => n !== null));
    const managers = board.filter((m) => managerNumbers.has(m.assignmentNumber)).slice(0, 50);
    const managerSessions: { cookie: string; csrf: string }[] = [];
    let reports = 0;
    for (const [i, m] of managers.entries()) {
      const user = await app.stores.users.create({ email: `m${i}@bench.genomeg.test`, displayName: `Manager ${i}`, passwordHash: null, grants: [{ role: 'line-manager', organisationCode: BOARD }], staffId: m.id }, null);
      const { token, session } = await app.stores.sessions.start(user.id);
      managerSessions.push({ cookie: `gnm_session=${token}`, csrf: session.csrfToken });
      reports += (await app.stores.staff.reportsOf([m.assignmentNumber])).length;
    }

    console.log(`learning requirements benchmark: ${STAFF.toLocaleString('en-GB')} synthetic staff, ${board.length.toLocaleString('en-GB')} in ${BOARD} with accounts, ${modules.length} modules required in every organisation, on ${machine()}`);
    const deps = { requirements, library: app.content };
    const times: number[] = [];
    let overdue = 0;
    for (let k = 0; k < 5; k += 1) {
      const start = performance.now();
      const counts = await overdueByStaff(deps, board);
      times.push(performance.now() - start);
      overdue = [...counts.values()].filter((n) => n > 0).length;
    }
    times.sort((a, b) => a - b);
    console.log(`overdue counts for the whole board (${board.length.toLocaleString('en-GB')} people, ${overdue.toLocaleString('en-GB')} with something overdue): median ${(times[2] ?? 0).toFixed(0)} ms of 5 runs`);

    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    const line = (name: string, r: autocannon.Result) => { console.log(`${name.padEnd(32)} ${Math.round(r.requests.average).toLocaleString('en-GB').padStart(7)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  non-2xx ${r.non2xx}  errors ${r.errors}`); };
    const unlinked: { cookie: string; csrf: string }[] = [];
    for (let i = 0; i < 200; i += 1) {
      const user = await app.stores.users.create({ email: `u${i}@bench.genomeg.test`, displayName: `Unlinked ${i}`, passwordHash: null, grants: [{ role: 'learner', organisationCode: null }], staffId: null }, null);
      const { token, session } = await app.stores.sessions.start(user.id);
      unlinked.push({ cookie: `gnm_session=${token}`, csrf: session.csrfToken });
    }
    line('catalogue, no staff record', await load(url, SECONDS, 32, { method: 'GET', sessions: unlinked, paths: ['/learn'] }));
    line('catalogue with requirements', await load(url, SECONDS, 32, { method: 'GET', sessions, paths: ['/learn'] }));
    line('required learning page', await load(url, SECONDS, 32, { method: 'GET', sessions, paths: ['/my-learning/required'] }));
    line(`team page (${(reports / Math.max(1, managers.length)).toFixed(1)} reports each)`, await load(url, SECONDS, 32, { method: 'GET', sessions: managerSessions, paths: ['/team'] }));
    await app.close();
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
