// Background Monte Carlo runs for the web workspace: an in-process job that
// records its progress and, at the end, a compact result (percentiles of supply,
// demand and gap per role and year) in the database, so the progress page can
// show it without JavaScript and any process can show the result.
//
// A run records the process running it (PROCESS_ID) and a heartbeat every few
// seconds. A queued or running run is interrupted when its process has stopped:
//   - this process knows its own runs;
//   - a process on the same machine (and in the same PID namespace, so a
//     container cannot mistake another container's process for its own) is
//     gone when its PID is no longer alive, or is now this process's PID: a
//     server killed and started again finds its old runs interrupted at once;
//   - a process elsewhere (another web process on the same PostgreSQL, another
//     pod) cannot be asked, so its run is interrupted only once its heartbeat is
//     older than STALE_AFTER_MS. A PID that lives on in an unrelated process
//     falls back to the heartbeat too: the rule never stops a live run.
// `genomeg serve` applies these at start-up (interruptRunsOfStoppedProcesses),
// and the run's page when it is looked at. Nothing here resumes a run: the
// planner runs it again (same scenario, seed and number of runs).

import { randomUUID } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { QUEUED_AS_JOB, type ScenarioStore, type StoredRun } from '../../db/stores/scenario-store.js';
import { validateScenario } from '../../domain/workforce/scenario.js';
import type { JobQueue } from '../jobs/index.js';
import { FIELD, type CompiledModel } from '../../domain/workforce/engine.js';
import { organisationSeriesIndex, PERCENTILES, seriesIndex, type Summary } from '../../domain/workforce/monte-carlo.js';
import { organisationByCode } from '../../domain/staff/reference-data.js';
import type { Scenario } from '../../domain/workforce/scenario.js';
import { runMonteCarlo } from './monte-carlo-runner.js';

export interface StoredPercentiles {
  readonly year: number;
  readonly series: 'supply' | 'demand' | 'gap';
  readonly p5: number;
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p95: number;
}

export interface OrganisationResult {
  readonly id: string;
  readonly name: string;
  readonly nameCy: string | null;
  readonly rows: readonly StoredPercentiles[];
}

/** Pay (supply WTE × pay per WTE) and training (trainees × cost per trainee-year) in one year, in pounds, as percentiles. */
export interface CostPercentiles {
  readonly year: number;
  readonly series: 'pay' | 'training';
  readonly p5: number;
  readonly p50: number;
  readonly p95: number;
}

export interface RoleResult {
  readonly id: string;
  readonly name: string;
  readonly nameCy: string | null;
  readonly rows: readonly StoredPercentiles[];
  /** The hosted all-Wales service that provides the role, if one does: its figures are compared for the service, not per board. */
  readonly service?: { readonly id: string; readonly name: string; readonly nameCy: string | null; readonly host: string; readonly hostName: string; readonly hostNameCy: string | null };
  /** Costs by year (runs stored before costs were kept have none). */
  readonly costs?: readonly CostPercentiles[];
  /** The same percentiles per organisation, when the run kept them (see keepsOrganisations). */
  readonly organisations?: readonly OrganisationResult[];
}

export interface RunResult {
  readonly seconds: number;
  readonly roles: readonly RoleResult[];
}

/**
 * Where PIDs mean the same process: on Linux the boot and the PID namespace
 * (two containers on one host share the boot but not the namespace), elsewhere
 * the host name.
 */
function pidSpace(): string {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const namespace = readlinkSync('/proc/self/ns/pid').replace(/\D/g, '');
    return `${boot}.${namespace}`;
  } catch {
    return hostname();
  }
}

const PID_SPACE = pidSpace();

/** This process, as recorded on the runs it starts: `uuid pid-space pid`. */
export const PROCESS_ID = `${randomUUID()} ${PID_SPACE} ${String(process.pid)}`;

/**
 * Whether the process that owns a run is known to be gone: it ran where PIDs
 * mean what they mean here, and its PID is not alive, or is this process's.
 * False when that cannot be told (another machine, an owner recorded before
 * owners carried their PID, a PID that is alive).
 */
export function ownerIsGone(owner: string | null): boolean {
  const match = owner === null ? null : /^\S+ (\S+) (\d+)$/.exec(owner);
  if (match === null || match[1] !== PID_SPACE || owner === PROCESS_ID) return false;
  const pid = Number(match[2]);
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
export const HEARTBEAT_MS = 2_000;
/** A run of another process whose heartbeat is older than this is taken to be interrupted. */
export const STALE_AFTER_MS = 15_000;

const active = new Set<string>();

/** Whether a queued or running run has lost the process that was running it. */
export function isRunInterrupted(run: StoredRun, now = Date.now()): boolean {
  if (run.status !== 'queued' && run.status !== 'running') return false;
  // Waiting in the job queue: no process holds it yet, and the queue keeps it across restarts.
  if (run.status === 'queued' && run.owner === QUEUED_AS_JOB) return false;
  if (run.owner === PROCESS_ID) return !active.has(run.id);
  if (ownerIsGone(run.owner)) return true;
  return now - (run.heartbeatAt ?? run.createdAt).getTime() > STALE_AFTER_MS;
}

/**
 * At start-up: every queued or running run whose process is gone (isRunInterrupted)
 * is marked interrupted, audited; returns how many.
 */
export async function interruptRunsOfStoppedProcesses(store: ScenarioStore): Promise<number> {
  const unfinished = [...await store.listRuns({ status: 'running', limit: 10_000 }), ...await store.listRuns({ status: 'queued', limit: 10_000 })];
  let count = 0;
  for (const { id } of unfinished) {
    const run = await store.getRun(id);
    if (run !== null && isRunInterrupted(run) && await store.interruptRun(id, null)) count++;
  }
  return count;
}

const SERIES = ['supply', 'demand', 'gap'] as const;
const SERIES_FIELD = { supply: FIELD.supplyWte, demand: FIELD.demandWte, gap: FIELD.gapWte } as const;
/** Position of each series in ORG_FIELDS. */
const SERIES_K = { supply: 0, demand: 1, gap: 2 } as const;

function costRow(summary: Summary, year: number, series: CostPercentiles['series'], s: number): CostPercentiles {
  const at = s * PERCENTILES.length;
  const v = (i: number): number => Math.round(summary.quantiles[at + i] ?? 0);
  return { year, series, p5: v(0), p50: v(2), p95: v(4) };
}

function percentileRow(summary: Summary, year: number, series: StoredPercentiles['series'], s: number): StoredPercentiles {
  const at = s * PERCENTILES.length;
  const v = (i: number): number => Math.round((summary.quantiles[at + i] ?? 0) * 100) / 100;
  return { year, series, p5: v(0), p25: v(1), p50: v(2), p75: v(3), p95: v(4) };
}

/**
 * Percentiles of supply, demand and gap per role and year, rounded to 0.01
 * (and of pay and training costs, to the pound):
 * all organisations, and each organisation when the run kept them. An
 * organisation whose id is an ODS code takes its Welsh name from the
 * reference data.
 */
export function roleResults(scenario: Scenario, model: CompiledModel, summary: Summary): RoleResult[] {
  const serviceOf = (roleId: string): RoleResult['service'] => {
    const service = scenario.services.find((v) => v.roles.includes(roleId));
    if (service === undefined) return undefined;
    const host = scenario.organisations.find((o) => o.id === service.host);
    return {
      id: service.id, name: service.name, nameCy: service.nameCy ?? null, host: service.host,
      hostName: host?.name ?? service.host, hostNameCy: organisationByCode(service.host.toUpperCase())?.name.cy ?? null,
    };
  };
  return scenario.roles.map((role, r) => ({
    id: role.id, name: role.name, nameCy: role.nameCy ?? null,
    ...(serviceOf(role.id) === undefined ? {} : { service: serviceOf(role.id) }),
    rows: SERIES.flatMap((series) => summary.years.map((year, k) => percentileRow(summary, year, series, seriesIndex(model, r, k + 1, SERIES_FIELD[series])))),
    costs: (['pay', 'training'] as const).flatMap((series) => summary.years.map((year, k) => costRow(summary, year, series, seriesIndex(model, r, k + 1, series === 'pay' ? FIELD.payCost : FIELD.trainingCost)))),
    ...(model.byOrganisation === true ? {
      organisations: scenario.organisations.map((org, o): OrganisationResult => ({
        id: org.id, name: org.name, nameCy: organisationByCode(org.id.toUpperCase())?.name.cy ?? null,
        rows: SERIES.flatMap((series) => summary.years.map((year, k) => percentileRow(summary, year, series, organisationSeriesIndex(model, r, o, k + 1, SERIES_K[series])))),
      })),
    } : {}),
  }));
}

/**
 * Start a run in this process (the run must have been created with owner
 * PROCESS_ID); resolves when it has finished or failed, never rejects.
 */
export function startRun(store: ScenarioStore, runId: string, scenario: Scenario, runs: number, seed: number, signal?: AbortSignal): Promise<void> {
  active.add(runId);
  return runInBackground(store, runId, scenario, runs, seed, signal).finally(() => { active.delete(runId); });
}

async function runInBackground(store: ScenarioStore, runId: string, scenario: Scenario, runs: number, seed: number, signal?: AbortSignal): Promise<void> {
  // Compiling the model and starting the worker threads waits until the page that started the run has been answered.
  await new Promise((resolve) => setImmediate(resolve));
  let lastWritten = 0;
  let writing = Promise.resolve();
  const write = (job: () => Promise<void>): void => { writing = writing.then(job).catch(() => undefined); };
  // A run cancelled from any process (its row says so) stops its threads here.
  const cancelled = new AbortController();
  signal?.addEventListener('abort', () => { cancelled.abort(); }, { once: true });
  const heartbeat = setInterval(() => {
    write(async () => {
      await store.heartbeat(runId);
      const now = await store.getRun(runId);
      if (now !== null && now.status !== 'queued' && now.status !== 'running') cancelled.abort();
    });
  }, HEARTBEAT_MS);
  heartbeat.unref();
  try {
    const result = await runMonteCarlo(scenario, {
      runs, seed, signal: cancelled.signal,
      onProgress: (done) => {
        if (done - lastWritten < runs / 20 && done < runs) return;
        lastWritten = done;
        write(() => store.setRunProgress(runId, done));
      },
    });
    clearInterval(heartbeat);
    await writing;
    await store.finishRun(runId, { seconds: result.seconds, roles: roleResults(scenario, result.model, result.summary) } satisfies RunResult);
  } catch (error) {
    clearInterval(heartbeat);
    await writing;
    await store.failRun(runId, error instanceof Error ? error.message : String(error)).catch(() => undefined);
  }
}

export const WORKFORCE_RUN_JOB = 'workforce-run';

/**
 * Workforce runs as background jobs: the page creates the run (owner
 * QUEUED_AS_JOB) and sends this job; whichever process takes it claims the run
 * (its owner and heartbeat from then on), runs it on worker threads and
 * records progress and the result in the run's row, which any process reads.
 * A run cancelled (its row marked) stops at the next heartbeat. Not retried:
 * a run whose process died is interrupted (as before) and the planner runs it again.
 */
export function registerWorkforceRuns(jobs: JobQueue, store: ScenarioStore): void {
  jobs.register<{ runId: string }>(WORKFORCE_RUN_JOB, async ({ runId }, context) => {
    const run = await store.getRun(runId);
    if (run === null || run.status !== 'queued' || run.scenarioJson === null) return;
    if (!await store.claimRun(runId, PROCESS_ID)) return;
    const scenario = validateScenario({ file: 'scenario.json', data: JSON.parse(run.scenarioJson) as Record<string, unknown> });
    await startRun(store, runId, scenario, run.runs, run.seed, context.signal);
  }, { concurrency: 1 });
}

/** Queue a run created with owner QUEUED_AS_JOB. */
export async function queueRun(jobs: JobQueue, runId: string): Promise<string> {
  // Never retried (see registerWorkforceRuns). A whole 10,000-run projection may take a few minutes: its
  // heartbeat keeps the lease, so only a process that died lets it run out.
  return jobs.send(WORKFORCE_RUN_JOB, { runId }, { retryLimit: 0 });
}
