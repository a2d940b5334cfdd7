// Worker thread entry. Workers take runs in chunks from a shared counter and
// project them into a SharedArrayBuffer (series-major: each series' runs
// contiguous), wait at a barrier until every run is done, then take series in
// chunks and compute their percentiles, so both halves of the work use every
// core and a worker slowed by other work on the machine holds nobody up.
// Where a run's numbers go depends only on its index, so the result is the
// same whichever worker took it.

import { parentPort, workerData } from 'node:worker_threads';
import { compile, withOrganisations } from '../../domain/workforce/engine.js';
import { seriesCount, seriesSimulator, summariseBySeries } from '../../domain/workforce/monte-carlo.js';
import type { Scenario } from '../../domain/workforce/scenario.js';

export interface WorkerJob {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly runs: number;
  /** Keep supply, demand and gap per organisation too (see withOrganisations). */
  readonly byOrganisation: boolean;
  /** No longer used: runs are shared out in chunks (see `next`). */
  readonly from: number;
  /** No longer used: runs are shared out in chunks (see `next`). */
  readonly to: number;
  readonly index: number;
  readonly threads: number;
  /** Float32 national totals of every run, series-major: [series × runs + run]. */
  readonly sink: SharedArrayBuffer;
  /** Float64 percentiles and means of every series. */
  readonly quantiles: SharedArrayBuffer;
  readonly mean: SharedArrayBuffer;
  /** Int32: [0] = workers that have finished their runs. */
  readonly barrier: SharedArrayBuffer;
  /** Int32: [0] = next run to project, [1] = next series to summarise. */
  readonly next: SharedArrayBuffer;
}

/** Runs, then series, a worker takes at a time. */
const RUN_CHUNK = 64, SERIES_CHUNK = 64;

/** Sent when a worker has finished: when (ms, performance.timeOrigin + now) each phase ended. */
export interface WorkerDone {
  readonly type: 'done';
  readonly loaded: number;
  readonly projected: number;
  readonly summarised: number;
}

const now = (): number => performance.timeOrigin + performance.now();
const loaded = now();
const job = workerData as WorkerJob;
const port = parentPort;
if (port !== null) {
  const model = job.byOrganisation ? withOrganisations(compile(job.scenario)) : compile(job.scenario);
  const S = seriesCount(model);
  const sink = new Float32Array(job.sink);
  const next = new Int32Array(job.next);
  const simulate = seriesSimulator(model, job.seed, job.runs, sink);
  let runsDone = 0;
  for (let from = Atomics.add(next, 0, RUN_CHUNK); from < job.runs; from = Atomics.add(next, 0, RUN_CHUNK)) {
    const to = Math.min(job.runs, from + RUN_CHUNK);
    simulate(from, to);
    runsDone += to - from;
    port.postMessage({ type: 'progress', done: runsDone });
  }
  const projected = now();
  const barrier = new Int32Array(job.barrier);
  Atomics.add(barrier, 0, 1);
  Atomics.notify(barrier, 0);
  for (let seen = Atomics.load(barrier, 0); seen < job.threads; seen = Atomics.load(barrier, 0)) Atomics.wait(barrier, 0, seen);
  const quantiles = new Float64Array(job.quantiles), mean = new Float64Array(job.mean);
  for (let s0 = Atomics.add(next, 1, SERIES_CHUNK); s0 < S; s0 = Atomics.add(next, 1, SERIES_CHUNK)) {
    summariseBySeries(sink, job.runs, s0, Math.min(S, s0 + SERIES_CHUNK), quantiles, mean);
  }
  const done: WorkerDone = { type: 'done', loaded, projected, summarised: now() };
  port.postMessage(done);
}
