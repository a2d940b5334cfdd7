// Funded places allocation (issue 17): 5,000 applications to 400 places across
// 12 NHS Wales organisations, each application scored on 6 weighted criteria,
// then allocated by quota share (Sainte-Laguë, a reserved minimum, caps per
// organisation and staff group, a pharmacist-share target) with every decision
// explained in English and Welsh. Target: under 1 s for the whole of it.
// Prints the median and slowest of the timed runs, the time of each part, the
// process's CPU time per run (on a shared machine wall time includes waiting
// for a core; CPU time counts the garbage collector's threads too), and memory. All data is synthetic; the eligible staff counts are illustrative
// (health boards: ONS mid-2018 population ÷ 100, from the reference data;
// trusts and national bodies: made up).

import { allocate, type AllocationApplicant, type AllocationIntake } from '../src/domain/funded/allocation.js';
import { explainDecision, explainResult } from '../src/domain/funded/explain.js';
import { ORGANISATIONS, STAFF_GROUPS } from '../src/domain/staff/index.js';
import { seededRandom } from '../src/seed/synthetic-staff.js';
import { translator } from '../src/web/i18n.js';
import { loadAverage, machine } from './machine.js';

const APPLICATIONS = Number(process.env['BENCH_APPLICATIONS'] ?? 5000);
const PLACES = Number(process.env['BENCH_PLACES'] ?? 400);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 10);

/** The six criteria and their weights (illustrative); each is scored 0–5 by two reviewers. */
const CRITERIA = [
  { id: 'service-need', weight: 0.3 },
  { id: 'role-fit', weight: 0.2 },
  { id: 'career-stage', weight: 0.15 },
  { id: 'widening-participation', weight: 0.15 },
  { id: 'welsh-language-need', weight: 0.1 },
  { id: 'prior-learning', weight: 0.1 },
] as const;

const PROFESSIONS = ['pharmacist', 'nurse', 'midwife', 'clinical-scientist', 'doctor', 'genetic-counsellor', 'biomedical-scientist', 'allied-health'] as const;

const ORGS = ORGANISATIONS.slice(0, 12);
const ILLUSTRATIVE_TRUST_STAFF: Record<string, number> = { RQF: 1500, RT4: 1200, RYT: 2000, HEIW: 400, DHCW: 900 };

interface RawApplication {
  applicationId: string; organisationId: string; staffGroup: string; profession: string;
  /** reviewer × criterion marks, 0–5. */
  marks: number[][];
}

function applications(): RawApplication[] {
  const random = seededRandom(17);
  const staff = ORGS.map((o) => ILLUSTRATIVE_TRUST_STAFF[o.code] ?? Math.round((o.population2018 ?? 100_000) / 100));
  const total = staff.reduce((a, b) => a + b, 0);
  const pickOrg = (): string => {
    let r = random() * total;
    for (let i = 0; i < ORGS.length; i++) { r -= staff[i] ?? 0; if (r < 0) return ORGS[i]?.code ?? ''; }
    return ORGS[ORGS.length - 1]?.code ?? '';
  };
  return Array.from({ length: APPLICATIONS }, (_, i) => {
    // Pharmacists apply out of proportion, as in the example.
    const profession = random() < 0.35 ? 'pharmacist' : PROFESSIONS[1 + Math.floor(random() * (PROFESSIONS.length - 1))] ?? 'nurse';
    const staffGroup = profession === 'pharmacist' ? 'add-prof-sci-tech' : STAFF_GROUPS[Math.floor(random() * STAFF_GROUPS.length)]?.code ?? 'ahp';
    const marks = [0, 1].map(() => CRITERIA.map(() => Math.floor(random() * 6)));
    return { applicationId: `APP-${String(i + 1).padStart(5, '0')}`, organisationId: pickOrg(), staffGroup, profession, marks };
  });
}

function eligibleStaff(): Record<string, number> {
  return Object.fromEntries(ORGS.map((o) => [o.code, ILLUSTRATIVE_TRUST_STAFF[o.code] ?? Math.round((o.population2018 ?? 100_000) / 100)]));
}

/** The weighted mean of the two reviewers' marks, to two decimals (so ties happen, and the lottery settles them). */
function score(marks: number[][]): number {
  let sum = 0;
  for (const reviewer of marks) CRITERIA.forEach((c, k) => { sum += c.weight * (reviewer[k] ?? 0); });
  return Math.round((sum / marks.length) * 100) / 100;
}

function once(raw: RawApplication[], intake: AllocationIntake): { parts: [number, number, number]; cpu: number; sentences: number; offered: number; met: boolean | null } {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const applicants: AllocationApplicant[] = raw.map((a) => ({
    applicationId: a.applicationId, organisationId: a.organisationId, staffGroup: a.staffGroup, profession: a.profession,
    score: score(a.marks), submittedAt: '2026-11-01T09:00:00Z',
  }));
  const t1 = performance.now();
  const result = allocate(intake, applicants);
  const t2 = performance.now();
  const names = { organisation: (code: string): string => ORGS.find((o) => o.code === code)?.shortName.en ?? code };
  let sentences = 0;
  for (const language of ['en', 'cy'] as const) {
    const t = translator(language);
    for (const d of result.decisions) sentences += explainDecision(d, t, names).length;
    sentences += explainResult(result, t).length;
  }
  const t3 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  return { parts: [t1 - t0, t2 - t1, t3 - t2], cpu: (cpu.user + cpu.system) / 1000, sentences, offered: result.decisions.filter((d) => d.outcome === 'offered').length, met: result.professionMixMet };
}

export async function run(): Promise<void> {
  console.log(`funded-places allocation benchmark on ${machine()}; ${loadAverage()}`);
  const raw = applications();
  const intakes: { label: string; intake: AllocationIntake }[] = [
    { label: 'quota by share, Sainte-Laguë, caps, reserved, mix', intake: {
      places: PLACES, rule: 'quota-by-share', apportionment: 'sainte-lague', eligibleStaffByOrganisation: eligibleStaff(),
      reservedByOrganisation: { '7A7': 10 }, capPerOrganisation: 90, capPerStaffGroup: 160,
      professionMix: { profession: 'pharmacist', maxShare: 0.25 }, seed: 'bench-2026',
    } },
    { label: 'quota by share, largest remainder, no caps', intake: {
      places: PLACES, rule: 'quota-by-share', apportionment: 'largest-remainder', eligibleStaffByOrganisation: eligibleStaff(), seed: 'bench-2026',
    } },
    { label: 'score only, mix', intake: {
      places: PLACES, rule: 'score-only', apportionment: 'sainte-lague', eligibleStaffByOrganisation: {},
      professionMix: { profession: 'pharmacist', maxShare: 0.25 }, seed: 'bench-2026',
    } },
  ];
  for (const { label, intake } of intakes) {
    const heapBefore = process.memoryUsage().heapUsed;
    const cold = once(raw, intake); // the first run also loads the locale files
    for (let i = 0; i < 3; i++) once(raw, intake); // warm-up, not counted
    const totals: number[] = [];
    const parts: [number, number, number][] = [];
    const cpus: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = once(raw, intake);
      cpus.push(r.cpu);
      totals.push(r.parts[0] + r.parts[1] + r.parts[2]);
      parts.push(r.parts);
    }
    const heapAfter = process.memoryUsage().heapUsed;
    const order = totals.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0]);
    const median = order[Math.floor(order.length / 2)] ?? [0, 0];
    const worst = order[order.length - 1] ?? [0, 0];
    const mp = parts[median[1]] ?? [0, 0, 0];
    const ms = (x: number): string => `${x.toFixed(1)} ms`;
    const cpuMedian = [...cpus].sort((a, b) => a - b)[Math.floor(cpus.length / 2)] ?? 0;
    console.log(`${label}: ${APPLICATIONS.toLocaleString('en-GB')} applications, ${PLACES} places, ${ORGS.length} organisations, ${CRITERIA.length} criteria`);
    console.log(`  first run ${ms(cold.parts[0] + cold.parts[1] + cold.parts[2])}; after 3 warm-up runs, ${RUNS} runs: median ${ms(median[0])} (scores ${ms(mp[0])}, allocation ${ms(mp[1])}, ${cold.sentences.toLocaleString('en-GB')} sentences in English and Welsh ${ms(mp[2])}), slowest ${ms(worst[0])}; CPU time of this process per run, median ${ms(cpuMedian)} (wall time includes waiting for a core on a loaded machine)`);
    console.log(`  offered ${cold.offered}, profession mix met: ${String(cold.met)}; heap ${(heapBefore / 2 ** 20).toFixed(0)} → ${(heapAfter / 2 ** 20).toFixed(0)} MiB, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
  }
  await Promise.resolve();
}
