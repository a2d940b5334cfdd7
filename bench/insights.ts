// Literacy insights at national scale (issue 18, item 6; targets: every
// dashboard view and drill-down p95 under 200 ms, "as at" a past date under
// 1 s, the XLSX of all Wales under 5 s). Per engine: imports 100,000 synthetic
// staff in the real organisational shape (src/seed/synthetic-staff.ts), links
// an account to each, and writes the learning record straight into the
// tables the aggregates are counted from: module completions (20 synthetic
// modules across the five levels, dates over the last 24 months), learning
// requirements (two modules of everyone, and a published webinar of
// registered nurses) and event attendance (about 5% attended the webinar). The insights never read xAPI statements
// themselves (a completion is the projection of a learner's statements), so the
// 5 million statements of the issue's data set stand here as their
// completions: at about ten statements per completion (launched, pages,
// answers, passed, completed), BENCH_STATEMENTS / 10 completions. Then
// `genomeg insights rebuild` (timed), and every view over HTTP (app.inject:
// routing, scope, the aggregate queries, suppression, charts and the page) as
// an education lead (all Wales), an organisation administrator and a line
// manager. Prints p50/p95 (wall and this process's CPU) per view, unchanged
// and after a change to the aggregates, the rebuild (wall, CPU, peak RSS), the
// XLSX and memory, each with the machine's load average.
//
//   BENCH_ROWS        staff (default 100,000)
//   BENCH_STATEMENTS  statements the completions stand for (default 5,000,000)
//   BENCH_REPEAT      requests per view (default 20)

import { loadConfig } from '../src/config/env.js';
import { migrateToLatest, type DatabaseHandle } from '../src/db/database.js';
import { batchSize } from '../src/db/dialect.js';
import { StaffStore } from '../src/db/stores/staff-store.js';
import { RequirementStore, eventTargetOf } from '../src/db/stores/requirement-store.js';
import { EventStore } from '../src/db/stores/event-store.js';
import { InsightsStore } from '../src/db/stores/insights-store.js';
import { InsightsAggregateStore } from '../src/db/stores/insights-aggregate-store.js';
import { cellsOfFacts } from '../src/domain/insights/index.js';
import { literacyPopulation } from '../src/services/insights/literacy-population.js';
import type { ContentLibrary } from '../src/services/learning/content-library.js';
import type { LiteracyLevelCode } from '../src/domain/learning/index.js';
import { rebuildInsights } from '../src/services/insights/aggregates.js';
import { importStaffExtract } from '../src/services/staff-import.js';
import { seededRandom, syntheticStaff, toEsrCsv } from '../src/seed/synthetic-staff.js';
import { seedDemoTargets } from '../src/seed/demo-targets.js';
import { buildApp } from '../src/web/app.js';
import { loadAverage, machine, onBothEngines, watchMemory } from './machine.js';

const ROWS = Number(process.env['BENCH_ROWS'] ?? 100_000);
const STATEMENTS = Number(process.env['BENCH_STATEMENTS'] ?? 5_000_000);
const REPEAT = Number(process.env['BENCH_REPEAT'] ?? 20);
const COMPLETIONS = Math.round(STATEMENTS / 10);
const DAY = 86_400_000;

const LEVELS: LiteracyLevelCode[] = ['awareness', 'awareness', 'awareness', 'awareness', 'awareness', 'foundation', 'foundation', 'foundation', 'foundation', 'foundation',
  'practitioner', 'practitioner', 'practitioner', 'practitioner', 'advanced', 'advanced', 'advanced', 'specialist', 'specialist', 'specialist'];
const OFFERED = LEVELS.map((level, i) => ({ id: `https://bench.genomeg.test/modules/m${String(i + 1).padStart(2, '0')}`, level }));

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export async function load(handle: DatabaseHandle): Promise<{ managerStaffId: string; seconds: number; completions: number }> {
  const started = performance.now();
  const rows = syntheticStaff({ rows: ROWS, seed: 7 });
  const outcome = await importStaffExtract(StaffStore.create(handle.db), { text: toEsrCsv(rows), fileName: 'bench.csv', mode: 'full', permittedOrganisations: 'all', actorUserId: null });
  if (outcome.status === 'rejected') throw new Error('the synthetic extract was rejected');
  const staff = await handle.db.selectFrom('staff').select(['id', 'assignment_number', 'organisation_code', 'line_manager_assignment_number']).execute();
  const now = new Date();
  const users = staff.map((s, i) => ({
    id: `bench-user-${String(i)}`, email: `b${String(i)}@bench.genomeg.test`, display_name: `Bench ${String(i)}`, password_hash: null, language: i % 5 === 0 ? 'cy' : 'en',
    staff_id: s.id, active: true, failed_sign_ins: 0, locked_until: null, created_at: now, updated_at: now, oidc_issuer: null, oidc_subject: null, last_signed_in_at: null,
  }));
  for (let i = 0; i < users.length; i += batchSize(14)) await handle.db.insertInto('users').values(users.slice(i, i + batchSize(14))).execute();
  // Completions: each person climbs a prefix of the 20 modules (most a few, some far), until the total is reached.
  const random = seededRandom(5);
  const completions: { user_id: string; module_id: string; module_version: string; attempt_id: string; score: number; cpd_hours: number; language: string; completed_at: Date }[] = [];
  const perPerson = COMPLETIONS / users.length;
  for (const [i, u] of users.entries()) {
    // Geometric-ish spread around the mean: many do 1–3 modules, a few do them all.
    const count = Math.min(OFFERED.length, Math.floor(-Math.log(1 - random()) * perPerson));
    let at = now.getTime() - Math.floor(random() * 730) * DAY;
    for (let m = 0; m < count; m++) {
      completions.push({ user_id: u.id, module_id: OFFERED[m]?.id ?? '', module_version: '1.0.0', attempt_id: `b${String(i)}-${String(m)}`, score: 0.9, cpd_hours: 1, language: u.language, completed_at: new Date(Math.min(at, now.getTime())) });
      at += Math.floor(random() * 40) * DAY;
    }
  }
  for (let i = 0; i < completions.length; i += batchSize(8)) await handle.db.insertInto('module_completions').values(completions.slice(i, i + batchSize(8))).execute();
  // Each organisation requires the first two awareness modules of everyone.
  const requirements = RequirementStore.create(handle.db);
  for (const org of [...new Set(staff.map((s) => s.organisation_code))]) {
    for (const m of OFFERED.slice(0, 2)) await requirements.add({ organisationCode: org, moduleId: m.id, staffGroupCodes: [], due: { kind: 'days', days: 180 } }, null);
  }
  // And a published pharmacogenomics webinar (four past sessions) that each organisation requires of
  // its registered nurses (issue 16): about one person in twenty attended a session (written straight
  // into the bookings, as the completions are).
  const eventStore = EventStore.create(handle.db);
  const sessions = [120, 90, 60, 30].map((daysAgo) => {
    const start = new Date(now.getTime() - daysAgo * DAY);
    return { startsAt: start, endsAt: new Date(start.getTime() + DAY / 24), delivery: 'online' as const, joinUrl: 'https://teams.example.test/j', venueName: null, venueAddress: null,
      capacity: users.length, bookingOpensAt: new Date(start.getTime() - 30 * DAY), bookingClosesAt: start, language: 'bilingual' as const };
  });
  const webinar = await eventStore.createEvent({ title: { en: 'Pharmacogenomics webinar', cy: 'Gweminar ffarmacogenomeg' }, summary: { en: 'S', cy: 'S' }, description: { en: 'D', cy: 'D' }, topic: 'pharmacogenomics', cpdHours: 1 }, sessions, null);
  await eventStore.setStatus(webinar.event.id, 'published', null);
  const bookings = users.flatMap((u, i) => (random() < 0.05 ? [{
    id: `bench-booking-${String(i)}`, session_id: webinar.sessionIds[i % webinar.sessionIds.length] ?? '', user_id: u.id, status: 'attended', position: i + 1, created_at: now, updated_at: now,
  }] : []));
  for (let i = 0; i < bookings.length; i += batchSize(7)) await handle.db.insertInto('event_bookings').values(bookings.slice(i, i + batchSize(7))).execute();
  for (const org of [...new Set(staff.map((s) => s.organisation_code))]) {
    await requirements.add({ organisationCode: org, moduleId: eventTargetOf(webinar.event.id), staffGroupCodes: ['nursing-midwifery'], due: { kind: 'days', days: 365 } }, null);
  }
  await seedDemoTargets(handle.db);
  // The line manager with the most reports in Cardiff and Vale (7A4).
  const reports = new Map<string, number>();
  for (const s of staff) if (s.line_manager_assignment_number !== null && s.organisation_code === '7A4') reports.set(s.line_manager_assignment_number, (reports.get(s.line_manager_assignment_number) ?? 0) + 1);
  const [managerAssignment] = [...reports.entries()].sort((a, b) => b[1] - a[1])[0] ?? [''];
  const manager = staff.find((s) => s.assignment_number === managerAssignment);
  return { managerStaffId: manager?.id ?? '', seconds: (performance.now() - started) / 1000, completions: completions.length };
}

async function measure(label: string, handle: DatabaseHandle): Promise<void> {
  await migrateToLatest(handle);
  const loaded = await load(handle);
  console.log(`${label.padEnd(10)} loaded ${ROWS.toLocaleString('en-GB')} staff, accounts and ${loaded.completions.toLocaleString('en-GB')} completions (standing for ${STATEMENTS.toLocaleString('en-GB')} statements) in ${loaded.seconds.toFixed(1)} s`);
  const rssBefore = process.memoryUsage().rss / 2 ** 20;
  const stopRebuild = watchMemory();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const counted = await rebuildInsights(handle.db, OFFERED);
  const rebuildCpu = process.cpuUsage(c0);
  console.log(`${label.padEnd(10)} genomeg insights rebuild: ${counted.toLocaleString('en-GB')} people in ${((performance.now() - t0) / 1000).toFixed(1)} s (CPU ${((rebuildCpu.user + rebuildCpu.system) / 1e6).toFixed(1)} s in this process), peak RSS ${stopRebuild().toFixed(0)} MiB (${rssBefore.toFixed(0)} MiB before it, after loading the data set; ${loadAverage()})`);
  if (ROWS <= 20_000) {
    // A correctness check at small sizes (too slow at national scale): the rebuilt cells equal a direct count, event requirement included.
    const key = (c: { organisationCode: string; staffGroupCode: string; bandCode: string; jobRole: string; ageBand: string; level: string | null; compliance: string; people: number }) =>
      `${c.organisationCode}|${c.staffGroupCode}|${c.bandCode}|${c.jobRole}|${c.ageBand}|${c.level ?? 'none'}|${c.compliance}=${String(c.people)}`;
    const library = { modules: OFFERED.map((m) => ({ manifest: { id: m.id, level: m.level } })) } as unknown as ContentLibrary;
    const direct = cellsOfFacts(await literacyPopulation({ insights: InsightsStore.create(handle.db), requirements: RequirementStore.create(handle.db), library }, { organisations: 'all' })).map(key).sort();
    const kept = (await InsightsAggregateStore.create(handle.db).cells({ organisations: 'all' })).map(key).sort();
    const same = JSON.stringify(direct) === JSON.stringify(kept);
    const byCompliance = new Map<string, number>();
    for (const c of await InsightsAggregateStore.create(handle.db).cells({ organisations: 'all' })) byCompliance.set(c.compliance, (byCompliance.get(c.compliance) ?? 0) + c.people);
    console.log(`${label.padEnd(10)} check: rebuilt cells ${same ? 'equal' : 'DIFFER FROM'} a direct count (${String(kept.length)} cells; compliance ${[...byCompliance].sort().map(([k, n]) => `${k} ${String(n)}`).join(', ')})`);
    if (!same) throw new Error('the rebuilt insights differ from a direct count');
  }

  const app = await buildApp({ config: loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', JOBS_WORK_IN_WEB: 'false' }), database: handle, logger: false });
  const session = async (email: string, grants: { role: 'education-lead' | 'org-admin' | 'line-manager'; organisationCode: string | null }[], staffId: string | null = null) => {
    const user = await app.stores.users.create({ email, displayName: email, passwordHash: null, grants, staffId }, null);
    const { token } = await app.stores.sessions.start(user.id);
    return `gnm_session=${token}; gnm_lang=en`;
  };
  const lead = await session('lead@bench.genomeg.test', [{ role: 'education-lead', organisationCode: null }]);
  const admin = await session('admin@bench.genomeg.test', [{ role: 'org-admin', organisationCode: '7A4' }]);
  const manager = await session('manager@bench.genomeg.test', [{ role: 'line-manager', organisationCode: '7A4' }], loaded.managerStaffId);
  const past = new Date(Date.now() - 200 * DAY).toISOString().slice(0, 10);
  const views: [string, string, string][] = [
    ['Wales by organisation', lead, '/insights'],
    ['Wales by staff group', lead, '/insights?by=staffGroup'],
    ['Wales by band', lead, '/insights?by=band'],
    ['Wales by job role', lead, '/insights?by=jobRole'],
    ['Wales by age band', lead, '/insights?by=ageBand'],
    ['→ organisation (7A4)', lead, '/insights?org=7A4'],
    ['→ 7A4 by band', lead, '/insights?org=7A4&by=band'],
    ['→ 7A4 nursing by role', lead, '/insights?org=7A4&group=nursing-midwifery'],
    ['→ 7A4 nursing by age', lead, '/insights?org=7A4&group=nursing-midwifery&by=ageBand'],
    ['org admin (7A4)', admin, '/insights'],
    ['line manager team', manager, '/insights'],
    ['Welsh, Wales', lead, '/cy/insights'],
    ['targets (Wales)', lead, '/insights/targets'],
    ['CSV Wales by job role', lead, '/insights.csv?by=jobRole'],
    ['as at, Wales', lead, `/insights?asAt=${past}`],
    ['as at, Wales by role', lead, `/insights?by=jobRole&asAt=${past}`],
    ['as at, 7A4 nursing', lead, `/insights?org=7A4&group=nursing-midwifery&asAt=${past}`],
    ['XLSX Wales', lead, '/insights.xlsx'],
    ['XLSX Wales by job role', lead, '/insights.xlsx?by=jobRole'],
  ];
  const stop = watchMemory();
  // Two passes per view: "unchanged" repeats the request with the kept aggregates as they are (a
  // view is computed once per version of them and served again), "after a change" raises the
  // version before each request, as a completion or the refresh job does, so every figure is
  // computed afresh (the worst case: a completion between every two requests).
  const bump = async () => { await handle.db.updateTable('insights_version').set((eb) => ({ version: eb(eb.ref('version'), '+', 1) })).where('id', '=', 1).execute(); };
  const ms = (x: number) => x.toFixed(0).padStart(5);
  for (const [name, cookie, url] of views) {
    const first = await app.inject({ method: 'GET', url, headers: { cookie } });
    if (first.statusCode !== 200) throw new Error(`${url}: ${String(first.statusCode)}`);
    for (const changed of [false, true]) {
      const times: number[] = [];
      const cpus: number[] = [];
      for (let i = 0; i < REPEAT; i++) {
        if (changed) await bump();
        const s = performance.now();
        const c = process.cpuUsage();
        await app.inject({ method: 'GET', url, headers: { cookie } });
        const used = process.cpuUsage(c);
        times.push(performance.now() - s);
        cpus.push((used.user + used.system) / 1000);
      }
      const sorted = times.sort((a, b) => a - b);
      const cpuSorted = cpus.sort((a, b) => a - b);
      // CPU: this process's time per request (SQLite runs in-process; PostgreSQL's own work is not in it). On a loaded machine wall time includes waiting for a core.
      console.log(`${label.padEnd(10)} ${name.padEnd(26)} ${(changed ? 'after a change' : 'unchanged').padEnd(14)} p50 ${ms(percentile(sorted, 50))} ms  p95 ${ms(percentile(sorted, 95))} ms  CPU p50 ${ms(percentile(cpuSorted, 50))} ms p95 ${ms(percentile(cpuSorted, 95))} ms  (${(first.rawPayload.length / 1024).toFixed(0)} KiB, ${loadAverage()})`);
    }
  }
  const heap = process.memoryUsage();
  console.log(`${label.padEnd(10)} server memory while serving: peak RSS ${stop().toFixed(0)} MiB, heap used ${(heap.heapUsed / 2 ** 20).toFixed(0)} MiB (${loadAverage()})`);
  await app.close();
}

export async function run(): Promise<void> {
  console.log(`insights benchmark: ${ROWS.toLocaleString('en-GB')} staff, ${STATEMENTS.toLocaleString('en-GB')} statements' worth of completions, ${String(REPEAT)} requests per view, on ${machine()}, ${loadAverage()}`);
  await onBothEngines((label, handle) => measure(label, handle));
}
