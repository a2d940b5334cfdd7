// The reviewers' applications list at 5,000 applications (issue 17: p95
// under 100 ms). Fills one intake with 5,000 supported applications (bulk
// inserts, not the web form) and 40 reviewers' scores spread over them, then,
// on both engines:
//   - the page a reviewer opens (GET /funded/review/:intake?page=N over HTTP,
//     app.inject: session, intake, the page of 50 and the count, rendering),
//     and the reviewer's list of intakes (GET /funded/review), for a reviewer
//     who has scored some and one who has scored none, pages 1–10 and the last;
//   - the store's query alone (FundedStore.reviewQueue).
// Each prints p50/p95 of wall time AND of this process's CPU time per request
// (on a shared, loaded machine wall time is mostly waiting for a core; SQLite
// runs in-process, so its CPU is the query's own cost; PostgreSQL's work is in
// its server, so the plans are printed with EXPLAIN ANALYZE's execution time),
// the load average before and after, and the server's memory. The query plans
// (EXPLAIN QUERY PLAN / EXPLAIN (ANALYZE, BUFFERS)) of the list's queries are
// printed too.

import { randomUUID } from 'node:crypto';
import { CompiledQuery, createQueryId, type Kysely, type RootOperationNode } from 'kysely';
import { migrateToLatest, type DatabaseHandle } from '../src/db/database.js';
import type { Database } from '../src/db/schema.js';
import { FundedStore } from '../src/db/stores/funded-store.js';
import { batchSize, engineOf } from '../src/db/dialect.js';
import { loadConfig } from '../src/config/env.js';
import { buildApp } from '../src/web/app.js';
import { loadAverage, machine, onBothEngines, watchMemory } from './machine.js';

const APPLICATIONS = Number(process.env['BENCH_APPLICATIONS'] ?? 5000);
const QUERIES = Number(process.env['BENCH_QUERIES'] ?? 200);
const REVIEWERS = 40;
const PAGE_SIZE = 50;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

interface Timings { readonly wall: number[]; readonly cpu: number[] }

async function timed(n: number, run: (i: number) => Promise<void>): Promise<Timings> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await run(i);
    const c = process.cpuUsage(c0);
    wall.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { wall, cpu };
}

function summary(t: Timings): string {
  const w = [...t.wall].sort((a, b) => a - b);
  const c = [...t.cpu].sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(1).padStart(6);
  return `wall p50 ${f(percentile(w, 50))} ms p95 ${f(percentile(w, 95))} ms | CPU p50 ${f(percentile(c, 50))} ms p95 ${f(percentile(c, 95))} ms`;
}

/** The SQL a store call runs, captured through a plugin (nothing in the store knows). */
async function queriesOf(db: Kysely<Database>, call: (spy: Kysely<Database>) => Promise<unknown>): Promise<CompiledQuery[]> {
  const nodes: RootOperationNode[] = [];
  const spy = db.withPlugin({ transformQuery: (args) => { nodes.push(args.node); return args.node; }, transformResult: (args) => Promise.resolve(args.result) });
  await call(spy);
  return nodes.map((node) => db.getExecutor().compileQuery(node, createQueryId()));
}

async function explain(db: Kysely<Database>, query: CompiledQuery): Promise<string> {
  if (engineOf(db) === 'sqlite') {
    const rows = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]));
    return rows.rows.map((r) => `    ${r.detail}`).join('\n');
  }
  const rows = await db.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain (analyze, buffers) ${query.sql}`, [...query.parameters]));
  return rows.rows.map((r) => `    ${r['QUERY PLAN']}`).join('\n');
}

async function measure(label: string, handle: DatabaseHandle): Promise<void> {
  console.log(`${label.padEnd(10)} start: ${loadAverage()}`);
  await migrateToLatest(handle);
  const db = handle.db;
  const store = FundedStore.create(db);
  const app = await buildApp({ config: loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', JOBS_WORK_IN_WEB: 'false' }), database: handle, logger: false });
  const module = await store.createModule({
    provider: 'Bench University', code: 'BENCH', title: { en: 'Bench', cy: 'Bench' }, credits: 20, fheqLevel: 7, mode: 'distance',
    entryRequirements: { en: '-', cy: '-' }, outcomes: { en: '-', cy: '-' }, literacyLevel: 'advanced', competencies: [], providerUrl: 'https://example.org/', illustrative: true,
  }, null);
  const criteria = [{ code: 'service-need', weight: 3 }, { code: 'role-fit', weight: 2 }, { code: 'career-stage', weight: 1 }, { code: 'widening-participation', weight: 1 }, { code: 'welsh-language', weight: 1 }];
  const intake = await store.createIntake({
    moduleId: module.id, startsOn: '2031-01-01', opensAt: new Date(Date.now() - 86_400_000), closesAt: new Date(Date.now() + 86_400_000), places: 400, reserved: {}, criteria,
    rules: { rule: 'quota-by-share', apportionment: 'sainte-lague', capPerOrganisation: null, capPerStaffGroup: null, professionMix: null },
    eligibility: { staffGroups: [], bands: [], minWte: null, priorModules: [] }, seed: 'bench', reviewersPerApplication: 2, disagreementThreshold: 8, offerDays: 14, wordLimit: 500, illustrative: true,
  }, 'open', null);

  const started = performance.now();
  const now = new Date();
  const userRows = Array.from({ length: APPLICATIONS }, (_, i) => ({
    id: randomUUID(), email: `bench${String(i)}@bench.test`, display_name: `Bench ${String(i)}`, password_hash: null, language: 'en', staff_id: null,
    active: true, failed_sign_ins: 0, locked_until: null, created_at: now, updated_at: now, oidc_issuer: null, oidc_subject: null, last_signed_in_at: null,
  }));
  for (let i = 0; i < userRows.length; i += batchSize(14)) await db.insertInto('users').values(userRows.slice(i, i + batchSize(14))).execute();
  // Reviewers are real accounts with the role and a session, so the pages can be requested.
  const reviewers: { id: string; cookie: string }[] = [];
  for (let r = 0; r < REVIEWERS; r++) {
    const user = await app.stores.users.create({ email: `reviewer${String(r)}@bench.test`, displayName: `Reviewer ${String(r)}`, passwordHash: null, grants: [{ role: 'funded-reviewer', organisationCode: null }], staffId: null }, null);
    const { token } = await app.stores.sessions.start(user.id);
    reviewers.push({ id: user.id, cookie: `gnm_session=${token}; gnm_lang=en` });
  }
  const orgs = ['7A1', '7A2', '7A3', '7A4', '7A5', '7A6', '7A7', 'RQF', 'RT4', 'RYT', 'T1B', 'T1C'];
  const apps = userRows.map((u, i) => ({
    id: randomUUID(), intake_id: intake.id, user_id: u.id, staff_id: null, organisation_code: orgs[i % orgs.length] ?? '7A1', staff_group_code: 'healthcare-scientists',
    band_code: String(5 + (i % 4)), job_role: i % 3 === 0 ? 'Pharmacist' : 'Clinical Scientist', wte: 1, status: 'supported', statement: 'Bench statement.',
    service_benefit: 'Bench benefit.', prior_learning: '', manager_user_id: null, study_time_agreed: 'Fridays', manager_reason: null, manager_decided_at: now,
    submitted_at: new Date(now.getTime() - i * 1000), moderated_score: null, final_score: null, rank: null, reserve_rank: null, reasons: null, offered_at: null,
    offer_deadline: null, responded_at: null, outcome: null, outcome_credits: null, outcome_at: null, created_at: now, updated_at: now,
  }));
  for (let i = 0; i < apps.length; i += batchSize(33)) await db.insertInto('funded_applications').values(apps.slice(i, i + batchSize(33))).execute();
  // The first half of the reviewers have each scored 1 in 20 applications through the store (as the page does),
  // so a tenth of the applications have one reviewer so far.
  let scored = 0;
  for (const [r, reviewer] of reviewers.slice(0, REVIEWERS / 2).entries()) {
    for (let i = r; i < apps.length; i += 200) {
      await store.recordScores(intake, apps[i]?.id ?? '', reviewer.id, new Map(criteria.map((c) => [c.code, 3])));
      scored++;
    }
  }
  // PostgreSQL's autovacuum analyses a table after a bulk load like this one; without it the planner
  // takes the intake's 5,000 applications for one row. Done here at once rather than waiting for it.
  if (engineOf(db) === 'postgres') await db.executeQuery(CompiledQuery.raw('analyze funded_applications, funded_scores', []));
  console.log(`${label.padEnd(10)} ${APPLICATIONS.toLocaleString('en-GB')} applications, ${String(scored)} reviews (${String(scored * criteria.length)} scores) loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const withScores = reviewers.slice(0, REVIEWERS / 2);
  const fresh = reviewers.slice(REVIEWERS / 2);
  const lastPage = Math.ceil(APPLICATIONS / PAGE_SIZE);
  const memory = watchMemory();
  for (const [who, pool] of [['reviewer with scores', withScores], ['new reviewer', fresh]] as const) {
    const page = (i: number) => (i % 11 === 10 ? lastPage : (i % 10) + 1);
    const get = async (url: string, cookie: string) => {
      const res = await app.inject({ method: 'GET', url, headers: { cookie } });
      if (res.statusCode !== 200) throw new Error(`${url}: ${String(res.statusCode)}`);
      return res;
    };
    const first = await get(`/funded/review/${intake.id}`, pool[0]?.cookie ?? '');
    for (let i = 0; i < 5; i++) await get(`/funded/review/${intake.id}?page=${String(page(i))}`, pool[i % pool.length]?.cookie ?? '');
    const pages = await timed(QUERIES, async (i) => { await get(`/funded/review/${intake.id}?page=${String(page(i))}`, pool[i % pool.length]?.cookie ?? ''); });
    console.log(`${label.padEnd(10)} GET /funded/review/:intake?page=1…10,${String(lastPage)}  ${who.padEnd(20)} ${summary(pages)}  (${(first.rawPayload.length / 1024).toFixed(0)} KiB)`);
    const overview = await timed(QUERIES, async (i) => { await get('/funded/review', pool[i % pool.length]?.cookie ?? ''); });
    console.log(`${label.padEnd(10)} GET /funded/review                   ${who.padEnd(20)} ${summary(overview)}`);
    let total = 0;
    const query = await timed(QUERIES, async (i) => { total = (await store.reviewQueue(intake.id, pool[i % pool.length]?.id ?? '', 2, PAGE_SIZE, (page(i) - 1) * PAGE_SIZE)).total; });
    console.log(`${label.padEnd(10)} store reviewQueue (${total.toLocaleString('en-GB')} waiting)        ${who.padEnd(20)} ${summary(query)}`);
  }
  const usage = process.memoryUsage();
  console.log(`${label.padEnd(10)} server memory: heap used ${(usage.heapUsed / 1048576).toFixed(0)} MiB, RSS ${(usage.rss / 1048576).toFixed(0)} MiB, peak RSS while serving ${memory().toFixed(0)} MiB`);
  console.log(`${label.padEnd(10)} end: ${loadAverage()}`);

  // The plans, for a reviewer with scores, the first page and the last.
  for (const offset of [0, (lastPage - 1) * PAGE_SIZE]) {
    const queries = await queriesOf(db, (spy) => FundedStore.create(spy).reviewQueue(intake.id, withScores[0]?.id ?? '', 2, PAGE_SIZE, offset));
    for (const [i, q] of queries.entries()) {
      console.log(`${label.padEnd(10)} plan, offset ${String(offset)}, query ${String(i + 1)} of ${String(queries.length)}: ${q.sql.replace(/\s+/g, ' ').slice(0, 400)}`);
      console.log(await explain(db, q));
    }
  }
  await app.close();
}

export async function run(): Promise<void> {
  console.log(`Funded places: reviewers' applications list at ${APPLICATIONS.toLocaleString('en-GB')} applications (target p95 < 100 ms), ${String(QUERIES)} requests each`);
  console.log(machine());
  await onBothEngines(measure);
}
