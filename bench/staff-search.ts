// Staff search at 100,000 staff (issue 13, item 7; target: p95 under 50 ms on
// both engines). Imports a synthetic ESR extract into a fresh database, then
// runs the searches the /staff page runs (the page of 50 and the count), as a
// platform administrator (every organisation) and as one health board's
// administrator: a first name typed without its accent, the start of a surname,
// a first name and surname, the start of an assignment number, a whole one.
// Prints p50, p95 and the slowest search, and the longest the event loop was
// held while searching (perf_hooks.monitorEventLoopDelay): on SQLite a query
// runs on the web thread, so that is what every other request waits for.
// Also this process's CPU time per search (p95): on a shared, loaded machine
// the wall-clock figures include waiting for a core, and this one does not
// (on SQLite it is the query's own cost; on PostgreSQL the server's is not in it).

import { monitorEventLoopDelay } from 'node:perf_hooks';
import { migrateToLatest, type DatabaseHandle } from '../src/db/database.js';
import { StaffStore } from '../src/db/stores/staff-store.js';
import { importStaffExtract } from '../src/services/staff-import.js';
import { seededRandom, syntheticStaff, toEsrCsv, type SyntheticStaffRow } from '../src/seed/synthetic-staff.js';
import { loadAverage, machine, onBothEngines } from './machine.js';

const ROWS = Number(process.env['BENCH_ROWS'] ?? 100_000);
const SEARCHES = Number(process.env['BENCH_SEARCHES'] ?? 300);

function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '');
}

/** The searches people type, drawn from the people in the extract. */
function searches(rows: readonly SyntheticStaffRow[]): string[] {
  const random = seededRandom(11);
  const out: string[] = [];
  for (let i = 0; i < SEARCHES; i += 1) {
    const r = rows[Math.floor(random() * rows.length)];
    if (r === undefined) continue;
    const kinds = [
      fold(r.firstName),
      r.lastName.slice(0, 4),
      `${r.firstName} ${r.lastName}`,
      r.assignmentNumber.slice(0, 6),
      r.assignmentNumber,
    ];
    out.push(kinds[i % kinds.length] ?? r.lastName);
  }
  return out;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function measure(label: string, handle: DatabaseHandle, text: string, queries: readonly string[]): Promise<void> {
  await migrateToLatest(handle);
  const staff = StaffStore.create(handle.db);
  const started = performance.now();
  const outcome = await importStaffExtract(staff, { text, fileName: 'bench.csv', mode: 'full', permittedOrganisations: 'all', actorUserId: null });
  if (outcome.status === 'rejected') throw new Error('the synthetic extract was rejected');
  console.log(`${label.padEnd(10)} imported ${ROWS.toLocaleString('en-GB')} staff in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  for (const [scope, organisationCodes] of [['all organisations', 'all'], ['one board (7A1)', ['7A1']]] as const) {
    // One untimed pass warms the caches, as a running server's would be.
    for (const q of queries.slice(0, 20)) await staff.list({ organisationCodes, search: q, limit: 50 });
    const histogram = monitorEventLoopDelay({ resolution: 1 });
    histogram.enable();
    const times: number[] = [];
    const cpu: number[] = [];
    let matches = 0;
    for (const q of queries) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const result = await staff.list({ organisationCodes, search: q, limit: 50 });
      times.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      matches += result.total;
      // Let the event loop turn between searches, as it does between requests.
      await new Promise((resolve) => setImmediate(resolve));
    }
    histogram.disable();
    const sorted = [...times].sort((a, b) => a - b);
    const cpuSorted = [...cpu].sort((a, b) => a - b);
    const t0 = performance.now();
    await staff.list({ organisationCodes, limit: 50 });
    const listing = performance.now() - t0;
    console.log(`${label.padEnd(10)} ${scope.padEnd(18)} (${loadAverage()})\n            ${queries.length} searches: p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, slowest ${percentile(sorted, 100).toFixed(1)} ms; `
      + `this process's CPU per search p95 ${percentile(cpuSorted, 95).toFixed(1)} ms; longest event-loop block ${(histogram.max / 1e6).toFixed(1)} ms; mean ${Math.round(matches / queries.length)} matches; first page without a search ${listing.toFixed(1)} ms`);
  }
}

export async function run(): Promise<void> {
  console.log(`staff search benchmark: ${ROWS.toLocaleString('en-GB')} staff, ${SEARCHES} searches per scope, on ${machine()}, ${loadAverage()}`);
  const rows = syntheticStaff({ rows: ROWS, seed: 7 });
  const text = toEsrCsv(rows);
  const queries = searches(rows);

  await onBothEngines((label, handle) => measure(label, handle, text, queries));
}
