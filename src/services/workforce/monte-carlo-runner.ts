// Runs a scenario's Monte Carlo across worker threads (one per core by
// default). Each run's random numbers depend only on (seed, run index), so the
// result is the same whatever the number of threads.

import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { compile, K, withOrganisations, type CompiledModel } from '../../domain/workforce/engine.js';
import { PERCENTILES, seriesCount, simulateRangeBySeries, summariseBySeries, summaryOf, type Summary } from '../../domain/workforce/monte-carlo.js';
import type { WorkerDone, WorkerJob } from './monte-carlo-worker.js';
import type { Scenario } from '../../domain/workforce/scenario.js';

export interface MonteCarloOptions {
  readonly runs: number;
  readonly seed: number;
  /** Worker threads; 0 runs in this thread. Default: the number of cores. */
  readonly threads?: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** Aborting stops the worker threads; the run rejects. */
  readonly signal?: AbortSignal;
  /**
   * Also keep supply, demand and gap per organisation. Default 'auto': when
   * those series take no more than ORGANISATION_SERIES_BUDGET bytes.
   */
  readonly byOrganisation?: boolean | 'auto';
}

/**
 * Memory allowed for per-organisation series (float32, every run): 256 MiB.
 * The Welsh baseline at 10,000 runs needs 112 MiB; the benchmark size
 * (12 roles × 12 organisations × 20 years) at 10,000 runs would need 330 MiB,
 * so there only the national percentiles are kept unless asked for.
 */
export const ORGANISATION_SERIES_BUDGET = 256 * 2 ** 20;

export function keepsOrganisations(model: CompiledModel, runs: number, choice: boolean | 'auto' = 'auto'): boolean {
  if (choice !== 'auto') return choice;
  return runs * model.R * model.O * model.H * K * Float32Array.BYTES_PER_ELEMENT <= ORGANISATION_SERIES_BUDGET;
}

export interface MonteCarloResult {
  readonly model: CompiledModel;
  readonly summary: Summary;
  readonly seconds: number;
  readonly threads: number;
  /**
   * Seconds from the start of the call until every worker had loaded, had
   * projected its runs, and had summarised its series (the last worker each
   * time); the first is 0 and the others equal when running in this thread.
   */
  readonly phases?: { readonly workersLoaded: number; readonly projected: number; readonly summarised: number };
}

/**
 * The worker's entry: the compiled .js beside this file, or, when running from
 * TypeScript source (tests, `npm run genomeg`), a small bootstrap that registers
 * tsx in the worker thread before importing the .ts entry.
 */
function startWorker(workerData: WorkerJob): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./monte-carlo-worker.js', import.meta.url), { workerData });
  const entry = new URL('./monte-carlo-worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

function runInWorker(job: WorkerJob, progress: (done: number) => void, started: Worker[]): Promise<WorkerDone> {
  return new Promise((resolvePromise, reject) => {
    const worker = startWorker(job);
    started.push(worker);
    let settled = false;
    worker.on('message', (message: { type: 'progress'; done: number } | WorkerDone) => {
      if (message.type === 'progress') progress(message.done);
      else {
        settled = true;
        resolvePromise(message);
        void worker.terminate();
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`Monte Carlo worker stopped with code ${code}`));
    });
  });
}

export async function runMonteCarlo(scenario: Scenario, options: MonteCarloOptions): Promise<MonteCarloResult> {
  const started = performance.now();
  const since = (ms: number): number => (ms - performance.timeOrigin - started) / 1000;
  let phases = { workersLoaded: 0, projected: 0, summarised: 0 };
  const runs = Math.max(1, Math.floor(options.runs));
  const compiled = compile(scenario);
  const byOrganisation = keepsOrganisations(compiled, runs, options.byOrganisation);
  const model = byOrganisation ? withOrganisations(compiled) : compiled;
  const threads = Math.max(0, Math.min(options.threads ?? availableParallelism(), runs));
  const S = seriesCount(model);
  let summary: Summary;
  if (threads === 0) {
    const data = new Float32Array(S * runs);
    simulateRangeBySeries(model, options.seed, 0, runs, runs, data, (done) => options.onProgress?.(done, runs));
    const projected = (performance.now() - started) / 1000;
    const quantiles = new Float64Array(S * PERCENTILES.length), mean = new Float64Array(S);
    summariseBySeries(data, runs, 0, S, quantiles, mean);
    summary = summaryOf(model, options.seed, runs, quantiles, mean);
    phases = { workersLoaded: 0, projected, summarised: (performance.now() - started) / 1000 };
  } else {
    const shared = {
      sink: new SharedArrayBuffer(S * runs * Float32Array.BYTES_PER_ELEMENT),
      quantiles: new SharedArrayBuffer(S * PERCENTILES.length * Float64Array.BYTES_PER_ELEMENT),
      mean: new SharedArrayBuffer(S * Float64Array.BYTES_PER_ELEMENT),
      barrier: new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT),
      next: new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT),
    };
    const done = new Array<number>(threads).fill(0);
    const workers: Worker[] = [];
    // Cancelled: the threads are stopped, so their promises reject below.
    const stop = (): void => { for (const w of workers) void w.terminate(); };
    options.signal?.addEventListener('abort', stop, { once: true });
    // If one worker fails, the others would wait at the barrier for ever: stop them all.
    const reports = await Promise.all(Array.from({ length: threads }, (_, index) => {
      const from = Math.floor((index * runs) / threads), to = Math.floor(((index + 1) * runs) / threads);
      return runInWorker({ scenario, seed: options.seed, runs, byOrganisation, from, to, index, threads, ...shared }, (d) => {
        done[index] = d;
        options.onProgress?.(done.reduce((a, b) => a + b, 0), runs);
      }, workers);
    })).catch(async (error: unknown) => {
      await Promise.all(workers.map((w) => w.terminate()));
      throw options.signal?.aborted === true ? new Error('cancelled') : error;
    }).finally(() => { options.signal?.removeEventListener('abort', stop); });
    summary = summaryOf(model, options.seed, runs, new Float64Array(shared.quantiles).slice(), new Float64Array(shared.mean).slice());
    const last = (pick: (r: WorkerDone) => number): number => since(Math.max(...reports.map(pick)));
    phases = { workersLoaded: last((r) => r.loaded), projected: last((r) => r.projected), summarised: last((r) => r.summarised) };
  }
  return { model, summary, seconds: (performance.now() - started) / 1000, threads, phases };
}
