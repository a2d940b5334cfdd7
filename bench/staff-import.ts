// Import a synthetic 100,000-row ESR extract into a fresh database, as the
// staff import issue asks (target: under 15 s on a 2-core machine). Prints the
// time for each stage, rows per second and peak resident memory, for SQLite and,
// when reachable, PostgreSQL. Then re-imports the same file with 10% of rows
// changed and 1% missing, the common monthly case.

import { migrateToLatest, type DatabaseHandle } from '../src/db/database.js';
import { StaffStore } from '../src/db/stores/staff-store.js';
import { importStaffExtract } from '../src/services/staff-import.js';
import { syntheticStaff, toEsrCsv } from '../src/seed/synthetic-staff.js';
import { machine, watchMemory, onBothEngines } from './machine.js';

const ROWS = Number(process.env['BENCH_ROWS'] ?? 100_000);

async function once(label: string, handle: DatabaseHandle, text: string, changed: string): Promise<void> {
  await migrateToLatest(handle);
  const staff = StaffStore.create(handle.db);
  for (const [name, file] of [['first import', text], ['re-import, 10% changed, 1% left', changed]] as const) {
    const stop = watchMemory();
    const started = performance.now();
    const outcome = await importStaffExtract(staff, { text: file, fileName: 'bench.csv', mode: 'full', permittedOrganisations: 'all', actorUserId: null });
    const seconds = (performance.now() - started) / 1000;
    const peak = stop();
    if (outcome.status === 'rejected') throw new Error(`rejected: ${JSON.stringify(outcome.read.issues.slice(0, 3))}`);
    const s = outcome.summary;
    console.log(`${label.padEnd(10)} ${name.padEnd(32)} ${seconds.toFixed(2).padStart(6)} s  ${Math.round(ROWS / seconds).toLocaleString('en-GB').padStart(8)} rows/s  peak RSS ${peak.toFixed(0)} MiB  (+${s.added} ~${s.updated} -${s.leavers} =${s.unchanged})`);
  }
}

export async function run(): Promise<void> {
  console.log(`staff import benchmark: ${ROWS.toLocaleString('en-GB')} rows on ${machine()}`);
  const rows = syntheticStaff({ rows: ROWS, seed: 7 });
  const text = toEsrCsv(rows);
  const changedRows = rows
    .filter((_, i) => i % 100 !== 99)
    .map((r, i) => (i % 10 === 0 ? { ...r, band: r.band === '7' ? '8a' : '7', jobRole: `${r.jobRole} (revised)` } : r));
  const changed = toEsrCsv(changedRows);
  console.log(`extract: ${(Buffer.byteLength(text) / 2 ** 20).toFixed(1)} MiB`);

  await onBothEngines((label, handle) => once(label, handle, text, changed));
}
