// Workforce scenarios and their runs. Every save of a scenario is a new version
// (the old text is kept), and a run records the scenario version and seed it
// used (and the scenario as run, every `extends` merged in), so any published
// figure can be reproduced. Changes are audited in the same transaction. A run
// also records which process runs it and a heartbeat, so a run whose process
// stopped is marked interrupted rather than left `running`.

import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { toDate, toDateOrNull } from '../dialect.js';
import { AuditStore } from './audit-store.js';
import { DomainError } from '../../domain/errors.js';

export type ScenarioFormat = 'yaml' | 'json';
export type RunStatus = 'queued' | 'running' | 'done' | 'failed';

export interface StoredScenario {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly version: number;
  readonly format: ScenarioFormat;
  readonly source: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** Who created it (null for scenarios saved by the seed): only they or a platform administrator change or delete it. */
  readonly ownerUserId: string | null;
  readonly ownerName: string | null;
}

/** Who is asking to change or delete a scenario. */
export interface ScenarioActor {
  readonly userId: string;
  readonly platformAdmin: boolean;
}

/** Whether this person may change (save a new version of) or delete the scenario. */
export function mayChangeScenario(scenario: { readonly ownerUserId: string | null }, actor: ScenarioActor): boolean {
  return actor.platformAdmin || (scenario.ownerUserId !== null && scenario.ownerUserId === actor.userId);
}

export interface StoredRun {
  readonly id: string;
  readonly scenarioId: string;
  readonly scenarioVersion: number;
  readonly seed: number;
  readonly runs: number;
  readonly status: RunStatus;
  readonly done: number;
  readonly result: unknown;
  readonly error: string | null;
  readonly createdAt: Date;
  readonly finishedAt: Date | null;
  /** The scenario as run (JSON, `extends` merged in); null for runs stored before migration 0008. */
  readonly scenarioJson: string | null;
  readonly owner: string | null;
  readonly heartbeatAt: Date | null;
  /** The scenario's name when it was run (0012); null for older runs whose name could not be known. */
  readonly scenarioName: string | null;
}

/** A run in a list: no result, with its scenario's id and the name it had when run. */
export interface RunSummary {
  readonly id: string;
  readonly scenarioId: string;
  readonly scenarioSlug: string;
  readonly scenarioName: string;
  readonly scenarioVersion: number;
  readonly seed: number;
  readonly runs: number;
  readonly status: RunStatus;
  readonly error: string | null;
  readonly createdAt: Date;
}

/** What `error` says of a run whose process stopped before it finished. */
export const RUN_INTERRUPTED = 'interrupted';
/** A run's error when a planner cancelled it. */
export const RUN_CANCELLED = 'cancelled';
/** The owner of a run waiting in the job queue for a worker to take it (never interrupted for a stale heartbeat). */
export const QUEUED_AS_JOB = 'job-queue';

function toStatus(value: string): RunStatus {
  return value === 'queued' || value === 'running' || value === 'done' ? value : 'failed';
}

export class ScenarioStore {
  private constructor(private readonly db: Kysely<Database>) {}

  static create(db: Kysely<Database>): ScenarioStore {
    return new ScenarioStore(db);
  }

  async createScenario(input: { slug: string; name: string; format: ScenarioFormat; source: string }, actorUserId: string | null): Promise<StoredScenario> {
    const id = randomUUID();
    const now = new Date();
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('workforce_scenarios').values({ id, slug: input.slug, name: input.name, current_version: 1, created_by: actorUserId, created_at: now, updated_at: now, deleted_at: null }).execute();
      await trx.insertInto('workforce_scenario_versions').values({ scenario_id: id, version: 1, format: input.format, source: input.source, created_by: actorUserId, created_at: now }).execute();
      await AuditStore.record(trx, { actorUserId, action: 'workforce.scenario.create', entityType: 'workforce_scenario', entityId: id, after: { slug: input.slug, name: input.name, version: 1 } });
    });
    return { id, slug: input.slug, name: input.name, version: 1, format: input.format, source: input.source, createdAt: now, updatedAt: now, ownerUserId: actorUserId, ownerName: null };
  }

  /** A copy of a scenario as a new scenario (version 1, owned by whoever copied it), audited with the version it was copied from. */
  async copyScenario(fromId: string, input: { slug: string; name: string; format: ScenarioFormat; source: string; fromVersion: number }, actorUserId: string | null): Promise<StoredScenario> {
    const id = randomUUID();
    const now = new Date();
    await this.db.transaction().execute(async (trx) => {
      const from = await trx.selectFrom('workforce_scenarios').select('id').where('id', '=', fromId).where('deleted_at', 'is', null).executeTakeFirst();
      if (from === undefined) throw new DomainError('GNM_NOT_FOUND');
      await trx.insertInto('workforce_scenarios').values({ id, slug: input.slug, name: input.name, current_version: 1, created_by: actorUserId, created_at: now, updated_at: now, deleted_at: null }).execute();
      await trx.insertInto('workforce_scenario_versions').values({ scenario_id: id, version: 1, format: input.format, source: input.source, created_by: actorUserId, created_at: now }).execute();
      await AuditStore.record(trx, { actorUserId, action: 'workforce.scenario.copy', entityType: 'workforce_scenario', entityId: id, before: { scenarioId: fromId, version: input.fromVersion }, after: { slug: input.slug, name: input.name, version: 1 } });
    });
    return { id, slug: input.slug, name: input.name, version: 1, format: input.format, source: input.source, createdAt: now, updatedAt: now, ownerUserId: actorUserId, ownerName: null };
  }

  /** `base`, or `base-2`, `base-3`…: the first id no saved scenario has. */
  async freeSlug(base: string): Promise<string> {
    const taken = new Set((await this.db.selectFrom('workforce_scenarios').select('slug').where('deleted_at', 'is', null).where('slug', 'like', `${base}%`).execute()).map((r) => r.slug));
    if (!taken.has(base)) return base;
    for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
  }

  /**
   * Save a new version; `expectedVersion` guards against two planners saving at
   * once (GNM_CONFLICT). `audit` names the kind of change (default
   * workforce.scenario.save) and what the audit entry should say of it.
   */
  async saveVersion(id: string, input: { name: string; format: ScenarioFormat; source: string; expectedVersion: number; audit?: { action: string; detail?: Record<string, unknown> } }, actorUserId: string | null, actor?: ScenarioActor): Promise<StoredScenario> {
    const now = new Date();
    const version = input.expectedVersion + 1;
    await this.db.transaction().execute(async (trx) => {
      if (actor !== undefined) {
        const row = await trx.selectFrom('workforce_scenarios').select('created_by').where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
        if (row === undefined) throw new DomainError('GNM_NOT_FOUND');
        if (!mayChangeScenario({ ownerUserId: row.created_by }, actor)) throw new DomainError('GNM_FORBIDDEN');
      }
      const updated = await trx.updateTable('workforce_scenarios')
        .set({ current_version: version, name: input.name, updated_at: now })
        .where('id', '=', id).where('current_version', '=', input.expectedVersion).where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) {
        const exists = await trx.selectFrom('workforce_scenarios').select('id').where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
        throw new DomainError(exists === undefined ? 'GNM_NOT_FOUND' : 'GNM_CONFLICT');
      }
      await trx.insertInto('workforce_scenario_versions').values({ scenario_id: id, version, format: input.format, source: input.source, created_by: actorUserId, created_at: now }).execute();
      await AuditStore.record(trx, { actorUserId, action: input.audit?.action ?? 'workforce.scenario.save', entityType: 'workforce_scenario', entityId: id, before: { version: input.expectedVersion }, after: { name: input.name, version, ...input.audit?.detail } });
    });
    const saved = await this.getScenario(id);
    if (saved === null) throw new DomainError('GNM_NOT_FOUND');
    return saved;
  }

  /** The scenario at its current version, or at `version`, with its owner. */
  async getScenario(id: string, version?: number): Promise<StoredScenario | null> {
    const row = await this.db.selectFrom('workforce_scenarios as s')
      .innerJoin('workforce_scenario_versions as v', 'v.scenario_id', 's.id')
      .leftJoin('users as u', 'u.id', 's.created_by')
      .select(['s.id', 's.slug', 's.name', 's.created_at', 's.updated_at', 's.created_by', 'u.display_name', 'v.version', 'v.format', 'v.source'])
      .where('s.id', '=', id).where('s.deleted_at', 'is', null)
      .$call((q) => (version === undefined ? q.whereRef('v.version', '=', 's.current_version') : q.where('v.version', '=', version)))
      .executeTakeFirst();
    if (row === undefined) return null;
    return {
      id: row.id, slug: row.slug, name: row.name, version: row.version, format: row.format === 'json' ? 'json' : 'yaml', source: row.source,
      createdAt: toDate(row.created_at), updatedAt: toDate(row.updated_at), ownerUserId: row.created_by, ownerName: row.display_name ?? null,
    };
  }

  async listScenarios(): Promise<{ id: string; slug: string; name: string; version: number; updatedAt: Date; ownerUserId: string | null; ownerName: string | null }[]> {
    const rows = await this.db.selectFrom('workforce_scenarios as s').leftJoin('users as u', 'u.id', 's.created_by')
      .select(['s.id', 's.slug', 's.name', 's.current_version', 's.updated_at', 's.created_by', 'u.display_name']).where('s.deleted_at', 'is', null).orderBy('s.name').orderBy('s.id').execute();
    return rows.map((r) => ({ id: r.id, slug: r.slug, name: r.name, version: r.current_version, updatedAt: toDate(r.updated_at), ownerUserId: r.created_by, ownerName: r.display_name ?? null }));
  }

  /** The current text of every saved scenario by its id (slug), for resolving `extends`. */
  async currentSources(): Promise<Map<string, { source: string; format: ScenarioFormat }>> {
    const rows = await this.db.selectFrom('workforce_scenarios as s')
      .innerJoin('workforce_scenario_versions as v', (j) => j.onRef('v.scenario_id', '=', 's.id').onRef('v.version', '=', 's.current_version'))
      .select(['s.slug', 'v.source', 'v.format']).where('s.deleted_at', 'is', null).orderBy('s.created_at').execute();
    return new Map(rows.map((r) => [r.slug, { source: r.source, format: r.format === 'json' ? 'json' : 'yaml' }]));
  }

  /**
   * Hide a scenario; its versions and runs stay, so published figures can still
   * be reproduced. Only its owner or a platform administrator may (GNM_FORBIDDEN,
   * nothing changed); the audit entry names the scenario, its owner and whether
   * a platform administrator deleted someone else's.
   */
  async deleteScenario(id: string, actor: ScenarioActor): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('workforce_scenarios').select(['slug', 'name', 'current_version', 'created_by']).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
      if (row === undefined) throw new DomainError('GNM_NOT_FOUND');
      if (!mayChangeScenario({ ownerUserId: row.created_by }, actor)) throw new DomainError('GNM_FORBIDDEN');
      const done = await trx.updateTable('workforce_scenarios').set({ deleted_at: new Date() }).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
      if (Number(done.numUpdatedRows) !== 1) throw new DomainError('GNM_NOT_FOUND');
      await AuditStore.record(trx, {
        actorUserId: actor.userId, action: 'workforce.scenario.delete', entityType: 'workforce_scenario', entityId: id,
        before: { slug: row.slug, name: row.name, version: row.current_version, owner: row.created_by }, after: { deleted: true, byOwner: row.created_by === actor.userId },
      });
    });
  }

  /**
   * A queued run. `scenarioJson` is the scenario as it will run; `owner` the
   * process that will run it; `rerunOf` the run it repeats, for the audit log.
   */
  async createRun(input: { scenarioId: string; scenarioVersion: number; seed: number; runs: number; scenarioJson?: string; owner?: string; rerunOf?: string; scenarioName?: string }, actorUserId: string | null): Promise<StoredRun> {
    const id = randomUUID();
    const now = new Date();
    const { scenarioJson = null, owner = null, rerunOf, scenarioName: given, ...fields } = input;
    await this.db.transaction().execute(async (trx) => {
      // The name the scenario has as run: given, else that of the scenario as run, else the scenario's name now.
      const fromJson = scenarioJson === null ? undefined : (JSON.parse(scenarioJson) as { name?: unknown }).name;
      const scenarioName = given ?? (typeof fromJson === 'string' ? fromJson
        : (await trx.selectFrom('workforce_scenarios').select('name').where('id', '=', fields.scenarioId).executeTakeFirst())?.name ?? null);
      await trx.insertInto('workforce_runs').values({ id, scenario_id: fields.scenarioId, scenario_version: fields.scenarioVersion, seed: fields.seed, runs: fields.runs, status: 'queued', done: 0, result_json: null, error: null, created_by: actorUserId, created_at: now, finished_at: null, scenario_json: scenarioJson, owner, heartbeat_at: now, scenario_name: scenarioName }).execute();
      await AuditStore.record(trx, { actorUserId, action: 'workforce.run.create', entityType: 'workforce_run', entityId: id, after: { ...fields, scenarioName, ...(rerunOf === undefined ? {} : { rerunOf }) } });
    });
    const run = await this.getRun(id);
    if (run === null) throw new DomainError('GNM_NOT_FOUND');
    return run;
  }

  async setRunProgress(id: string, done: number): Promise<void> {
    await this.db.updateTable('workforce_runs').set({ status: 'running', done, heartbeat_at: new Date() }).where('id', '=', id).where('status', 'in', ['queued', 'running']).execute();
  }

  /** The running process says it is still working on the run. */
  async heartbeat(id: string): Promise<void> {
    await this.db.updateTable('workforce_runs').set({ heartbeat_at: new Date() }).where('id', '=', id).where('status', 'in', ['queued', 'running']).execute();
  }

  /** Mark a queued or running run as failed because its process stopped; false if it had already ended. */
  async interruptRun(id: string, actorUserId: string | null): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const updated = await trx.updateTable('workforce_runs').set({ status: 'failed', error: RUN_INTERRUPTED, finished_at: new Date() })
        .where('id', '=', id).where('status', 'in', ['queued', 'running']).executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return false;
      await AuditStore.record(trx, { actorUserId, action: 'workforce.run.interrupted', entityType: 'workforce_run', entityId: id });
      return true;
    });
  }

  /** A planner cancels a queued or running run; false if it had already ended. */
  async cancelRun(id: string, actorUserId: string | null): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const updated = await trx.updateTable('workforce_runs').set({ status: 'failed', error: RUN_CANCELLED, finished_at: new Date() })
        .where('id', '=', id).where('status', 'in', ['queued', 'running']).executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return false;
      await AuditStore.record(trx, { actorUserId, action: 'workforce.run.cancelled', entityType: 'workforce_run', entityId: id });
      return true;
    });
  }

  /** A worker has taken a queued run: it is this process's now (heartbeats and interruption follow). False if it had ended. */
  async claimRun(id: string, owner: string): Promise<boolean> {
    const updated = await this.db.updateTable('workforce_runs').set({ owner, heartbeat_at: new Date() })
      .where('id', '=', id).where('status', 'in', ['queued', 'running']).executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }

  /** Every queued or running run whose process has not said it was working since `before`; returns how many. */
  async interruptStaleRuns(before: Date): Promise<number> {
    const stale = await this.db.selectFrom('workforce_runs').select('id')
      .where('status', 'in', ['queued', 'running'])
      // A run still waiting in the job queue has no process yet: the queue keeps it.
      .where((eb) => eb.or([eb('owner', 'is', null), eb('owner', '!=', QUEUED_AS_JOB), eb('status', '=', 'running')]))
      .where((eb) => eb.or([eb('heartbeat_at', 'is', null), eb('heartbeat_at', '<', before)]))
      .execute();
    let count = 0;
    for (const { id } of stale) if (await this.interruptRun(id, null)) count++;
    return count;
  }

  /** Runs newest first: of one scenario, or of every scenario (deleted ones too: their runs can still be read). */
  async listRuns(filter: { scenarioId?: string; status?: RunStatus; limit?: number } = {}): Promise<RunSummary[]> {
    const rows = await this.db.selectFrom('workforce_runs as r')
      .innerJoin('workforce_scenarios as s', 's.id', 'r.scenario_id')
      .select(['r.id', 'r.scenario_id', 's.slug', 's.name', 'r.scenario_name', 'r.scenario_version', 'r.seed', 'r.runs', 'r.status', 'r.error', 'r.created_at'])
      .$call((q) => (filter.scenarioId === undefined ? q : q.where('r.scenario_id', '=', filter.scenarioId)))
      .$call((q) => (filter.status === undefined ? q : q.where('r.status', '=', filter.status)))
      .orderBy('r.created_at', 'desc').orderBy('r.id')
      .limit(filter.limit ?? 50)
      .execute();
    return rows.map((r) => ({
      id: r.id, scenarioId: r.scenario_id, scenarioSlug: r.slug, scenarioName: r.scenario_name ?? r.name, scenarioVersion: r.scenario_version,
      seed: Number(r.seed), runs: r.runs, status: toStatus(r.status), error: r.error, createdAt: toDate(r.created_at),
    }));
  }

  async finishRun(id: string, result: unknown): Promise<void> {
    // A run cancelled (or interrupted) meanwhile stays as it is.
    await this.db.updateTable('workforce_runs').set((eb) => ({ status: 'done', done: eb.ref('runs'), result_json: JSON.stringify(result), finished_at: new Date() })).where('id', '=', id).where('status', 'in', ['queued', 'running']).execute();
  }

  async failRun(id: string, error: string): Promise<void> {
    await this.db.updateTable('workforce_runs').set({ status: 'failed', error, finished_at: new Date() }).where('id', '=', id).where('status', 'in', ['queued', 'running']).execute();
  }

  async getRun(id: string): Promise<StoredRun | null> {
    const row = await this.db.selectFrom('workforce_runs').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) return null;
    return {
      id: row.id, scenarioId: row.scenario_id, scenarioVersion: row.scenario_version, seed: Number(row.seed), runs: row.runs,
      status: toStatus(row.status), done: row.done, result: row.result_json === null ? null : JSON.parse(row.result_json) as unknown,
      error: row.error, createdAt: toDate(row.created_at), finishedAt: toDateOrNull(row.finished_at),
      scenarioJson: row.scenario_json, owner: row.owner, heartbeatAt: toDateOrNull(row.heartbeat_at), scenarioName: row.scenario_name,
    };
  }
}
