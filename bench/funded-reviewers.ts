// The reviewers' applications list at 5,000 applications (issue 17: p95
// under 100 ms). Fills one intake with 5,000 supported applications (bulk
// inserts, not the web form) and 40 reviewers' scores spread over them, then
// times the query the blind review page runs (a page of 50 and the count) for
// reviewers who have scored some and reviewers who have scored none, on both
// engines. Prints p50, p95, the slowest, and the process's heap and RSS.

import { randomUUID } from 'node:crypto';
import { migrateToLatest, type DatabaseHandle } from '../src/db/database.js';
import { FundedStore } from '../src/db/stores/funded-store.js';
import { batchSize } from '../src/db/dialect.js';
import { loadAverage, machine, onBothEngines, watchMemory } from './machine.js';

const APPLICATIONS = Number(process.env['BENCH_APPLICATIONS'] ?? 5000);
const QUERIES = Number(process.env['BENCH_QUERIES'] ?? 200);
const REVIEWERS = 40;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function measure(label: string, handle: DatabaseHandle): Promise<void> {
  await migrateToLatest(handle);
  const db = handle.db;
  const store = FundedStore.create(db);
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
  const userRows = Array.from({ length: APPLICATIONS + REVIEWERS }, (_, i) => ({
    id: randomUUID(), email: `bench${String(i)}@bench.test`, display_name: `Bench ${String(i)}`, password_hash: null, language: 'en', staff_id: null,
    active: true, failed_sign_ins: 0, locked_until: null, created_at: now, updated_at: now, oidc_issuer: null, oidc_subject: null, last_signed_in_at: null,
  }));
  for (let i = 0; i < userRows.length; i += batchSize(14)) await db.insertInto('users').values(userRows.slice(i, i + batchSize(14))).execute();
  const orgs = ['7A1', '7A2', '7A3', '7A4', '7A5', '7A6', '7A7', 'RQF', 'RT4', 'RYT', 'T1B', 'T1C'];
  const apps = userRows.slice(0, APPLICATIONS).map((u, i) => ({
    id: randomUUID(), intake_id: intake.id, user_id: u.id, staff_id: null, organisation_code: orgs[i % orgs.length] ?? '7A1', staff_group_code: 'healthcare-scientists',
    band_code: String(5 + (i % 4)), job_role: i % 3 === 0 ? 'Pharmacist' : 'Clinical Scientist', wte: 1, status: 'supported', statement: 'Bench statement.',
    service_benefit: 'Bench benefit.', prior_learning: '', manager_user_id: null, study_time_agreed: 'Fridays', manager_reason: null, manager_decided_at: now,
    submitted_at: new Date(now.getTime() - i * 1000), moderated_score: null, final_score: null, rank: null, reserve_rank: null, reasons: null, offered_at: null,
    offer_deadline: null, responded_at: null, outcome: null, outcome_credits: null, outcome_at: null, created_at: now, updated_at: now,
  }));
  for (let i = 0; i < apps.length; i += batchSize(33)) await db.insertInto('funded_applications').values(apps.slice(i, i + batchSize(33))).execute();
  // The first half of the reviewers have each scored 1 in 20 applications (one reviewer so far on a tenth of them).
  const reviewers = userRows.slice(APPLICATIONS).map((u) => u.id);
  const scores = [];
  for (const [r, reviewer] of reviewers.slice(0, REVIEWERS / 2).entries()) {
    for (let i = r; i < apps.length; i += 200) for (const c of criteria) scores.push({ application_id: apps[i]?.id ?? '', reviewer_user_id: reviewer, criterion: c.code, score: 3, created_at: now });
  }
  for (let i = 0; i < scores.length; i += batchSize(5)) await db.insertInto('funded_scores').values(scores.slice(i, i + batchSize(5))).execute();
  console.log(`${label.padEnd(10)} ${APPLICATIONS.toLocaleString('en-GB')} applications and ${scores.length.toLocaleString('en-GB')} scores loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const memory = watchMemory();
  for (const [who, pool] of [['a reviewer with scores', reviewers.slice(0, REVIEWERS / 2)], ['a new reviewer', reviewers.slice(REVIEWERS / 2)]] as const) {
    for (const r of pool.slice(0, 5)) await store.reviewQueue(intake.id, r, 2, 50, 0);
    const times: number[] = [];
    const cpu: number[] = [];
    let total = 0;
    for (let q = 0; q < QUERIES; q++) {
      const reviewer = pool[q % pool.length] ?? '';
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const result = await store.reviewQueue(intake.id, reviewer, 2, 50, (q % 10) * 50);
      times.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      total = result.total;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const sorted = [...times].sort((a, b) => a - b);
    const cpuSorted = [...cpu].sort((a, b) => a - b);
    // On a shared, loaded machine wall-clock includes waiting for a core; this process's CPU time does not (on SQLite it is the query's own cost).
    console.log(`${label.padEnd(10)} list for ${who.padEnd(22)} (${total.toLocaleString('en-GB')} waiting): p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, slowest ${(sorted.at(-1) ?? 0).toFixed(1)} ms; CPU p95 ${percentile(cpuSorted, 95).toFixed(1)} ms`);
  }
  const usage = process.memoryUsage();
  console.log(`${label.padEnd(10)} memory: heap used ${(usage.heapUsed / 1048576).toFixed(0)} MiB, RSS ${(usage.rss / 1048576).toFixed(0)} MiB, peak RSS while listing ${memory().toFixed(0)} MiB`);
}

export async function run(): Promise<void> {
  console.log(`Funded places: reviewers' applications list at ${APPLICATIONS.toLocaleString('en-GB')} applications (target p95 < 100 ms)`);
  console.log(machine());
  console.log(loadAverage());
  await onBothEngines(measure);
}
