// The append-only audit log: who changed what, when, with the record before and
// after. Every store that changes data writes here in the same transaction.
// Before/after hold ids and field values, never passwords, hashes or tokens.

import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';
import { batchSize, toDate } from '../dialect.js';

export interface AuditEntry {
  readonly actorUserId: string | null;
  readonly action: string;
  readonly entityType: string;
  readonly entityId: string;
  readonly organisationCode?: string | null;
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface AuditEvent extends Required<AuditEntry> {
  readonly id: number;
  readonly at: Date;
}

type Db = Kysely<Database> | Transaction<Database>;

function toRow(entry: AuditEntry, at: Date) {
  return {
    at,
    actor_user_id: entry.actorUserId,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: entry.entityId,
    organisation_code: entry.organisationCode ?? null,
    before_json: entry.before === undefined ? null : JSON.stringify(entry.before),
    after_json: entry.after === undefined ? null : JSON.stringify(entry.after),
  };
}

export class AuditStore {
  private constructor(private readonly db: Kysely<Database>) {}

  static create(db: Kysely<Database>): AuditStore {
    return new AuditStore(db);
  }

  /** Record one change, inside the caller's transaction. */
  static async record(trx: Db, entry: AuditEntry): Promise<void> {
    await trx.insertInto('audit_events').values(toRow(entry, new Date())).execute();
  }

  /** Record one event that changes nothing else (a sign-in, a failed one). */
  async add(entry: AuditEntry): Promise<void> {
    await AuditStore.record(this.db, entry);
  }

  /** Record many changes at once (an import), inside the caller's transaction. */
  static async recordMany(trx: Db, entries: readonly AuditEntry[]): Promise<void> {
    const at = new Date();
    const size = batchSize(8);
    for (let i = 0; i < entries.length; i += size) {
      await trx.insertInto('audit_events').values(entries.slice(i, i + size).map((e) => toRow(e, at))).execute();
    }
  }

  async list(filter: { entityType?: string; entityId?: string; organisationCode?: string; limit?: number; beforeId?: number } = {}): Promise<AuditEvent[]> {
    let query = this.db.selectFrom('audit_events').selectAll().orderBy('id', 'desc').limit(filter.limit ?? 50);
    if (filter.entityType !== undefined) query = query.where('entity_type', '=', filter.entityType);
    if (filter.entityId !== undefined) query = query.where('entity_id', '=', filter.entityId);
    if (filter.organisationCode !== undefined) query = query.where('organisation_code', '=', filter.organisationCode);
    if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
    const rows = await query.execute();
    return rows.map((r) => ({
      id: r.id,
      at: toDate(r.at),
      actorUserId: r.actor_user_id,
      action: r.action,
      entityType: r.entity_type,
      entityId: r.entity_id,
      organisationCode: r.organisation_code,
      before: r.before_json === null ? null : (JSON.parse(r.before_json) as unknown),
      after: r.after_json === null ? null : (JSON.parse(r.after_json) as unknown),
    }));
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return row.n;
  }
}
