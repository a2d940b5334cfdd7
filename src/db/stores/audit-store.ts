// The append-only audit log: who changed what, when, with the record before and
// after. Every store that changes data writes here in the same transaction.
// Before/after hold ids and field values, never passwords, hashes or tokens.

import { sql, type ExpressionBuilder, type Kysely, type Transaction } from 'kysely';
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

/** What an investigation narrows the log to; every part optional, all parts together. */
export interface AuditFilter {
  /** Part of the name or email address of the person who acted. */
  readonly actor?: string;
  readonly action?: string;
  readonly organisationCode?: string;
  /** From this moment on. */
  readonly from?: Date;
  /** Before this moment. */
  readonly to?: Date;
  /** Part of the record's id, of the before or after values, or of the name or email of the person the record is. */
  readonly q?: string;
}

/** A page of the log: newest first, before (older than) or after (newer than) an entry. */
export interface AuditPage {
  readonly limit: number;
  readonly beforeId?: number;
  readonly afterId?: number;
}

/** Names for the ids an entry holds: people (accounts) and staff records. */
export interface AuditNames {
  readonly users: ReadonlyMap<string, { readonly displayName: string; readonly email: string }>;
  readonly staff: ReadonlyMap<string, { readonly name: string; readonly assignmentNumber: string }>;
}

type AuditExpression = ExpressionBuilder<Database, 'audit_events'>;

/** A LIKE pattern that matches the text anywhere, with the user's % and _ taken literally. */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function likeAnywhere(column: string, text: string) {
  return sql<boolean>`lower(${sql.ref(column)}) like ${containsPattern(text)} escape '\\'`;
}

function toEvent(r: { id: number; at: Date | string; actor_user_id: string | null; action: string; entity_type: string; entity_id: string; organisation_code: string | null; before_json: string | null; after_json: string | null }): AuditEvent {
  return {
    id: r.id,
    at: toDate(r.at),
    actorUserId: r.actor_user_id,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    organisationCode: r.organisation_code,
    before: r.before_json === null ? null : (JSON.parse(r.before_json) as unknown),
    after: r.after_json === null ? null : (JSON.parse(r.after_json) as unknown),
  };
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
  /** The row `record` inserts, for a caller that writes it within a larger statement (the same columns, the time now). */
  static rowOf(entry: AuditEntry, at: Date = new Date()): ReturnType<typeof toRow> {
    return toRow(entry, at);
  }

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
    return rows.map(toEvent);
  }

  /**
   * The entries an investigation asks for, newest first, a page at a time
   * (keyset: older than beforeId, or newer than afterId). Text matches ignore
   * case; the id, action and organisation filters use indexes (migration 0011),
   * the text ones scan the entries the others leave.
   */
  async search(filter: AuditFilter, page: AuditPage): Promise<AuditEvent[]> {
    const afterId = page.beforeId === undefined ? page.afterId : undefined;
    const newer = afterId !== undefined;
    let query = this.db.selectFrom('audit_events').selectAll().where((eb) => this.matching(eb, filter))
      .orderBy('id', newer ? 'asc' : 'desc').limit(page.limit);
    if (page.beforeId !== undefined) query = query.where('id', '<', page.beforeId);
    if (afterId !== undefined) query = query.where('id', '>', afterId);
    const rows = (await query.execute()).map(toEvent);
    return newer ? rows.reverse() : rows;
  }

  /** Is there an entry matching the filter older than this id (newer, with `newer`)? */
  async hasMore(filter: AuditFilter, id: number, newer: boolean): Promise<boolean> {
    const row = await this.db.selectFrom('audit_events').select('id').where((eb) => this.matching(eb, filter))
      .where('id', newer ? '>' : '<', id).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  private matching(eb: AuditExpression, filter: AuditFilter) {
    const parts = [];
    if (filter.action !== undefined) parts.push(eb('audit_events.action', '=', filter.action));
    if (filter.organisationCode !== undefined) parts.push(eb('audit_events.organisation_code', '=', filter.organisationCode));
    if (filter.from !== undefined) parts.push(eb('audit_events.at', '>=', filter.from));
    if (filter.to !== undefined) parts.push(eb('audit_events.at', '<', filter.to));
    if (filter.actor !== undefined && filter.actor !== '') {
      const actor = filter.actor;
      parts.push(eb('audit_events.actor_user_id', 'in', eb.selectFrom('users').select('users.id')
        .where((u) => u.or([likeAnywhere('users.display_name', actor), likeAnywhere('users.email', actor)]))));
    }
    if (filter.q !== undefined && filter.q !== '') {
      const q = filter.q;
      parts.push(eb.or([
        likeAnywhere('audit_events.entity_id', q),
        likeAnywhere('audit_events.before_json', q),
        likeAnywhere('audit_events.after_json', q),
        eb.and([eb('audit_events.entity_type', '=', 'user'), eb('audit_events.entity_id', 'in', eb.selectFrom('users').select('users.id')
          .where((u) => u.or([likeAnywhere('users.display_name', q), likeAnywhere('users.email', q)])))]),
        eb.and([eb('audit_events.entity_type', '=', 'staff'), eb('audit_events.entity_id', 'in', eb.selectFrom('staff').select('staff.id')
          .where((u) => u.or([likeAnywhere('staff.first_name', q), likeAnywhere('staff.last_name', q), likeAnywhere('staff.assignment_number', q)])))]),
      ]));
    }
    return eb.and(parts);
  }

  /** The names behind the ids in these entries: who acted, and the person or staff record acted on. */
  async namesFor(events: readonly AuditEvent[]): Promise<AuditNames> {
    const userIds = new Set<string>();
    const staffIds = new Set<string>();
    for (const e of events) {
      if (e.actorUserId !== null) userIds.add(e.actorUserId);
      if (e.entityType === 'user') userIds.add(e.entityId);
      if (e.entityType === 'staff') staffIds.add(e.entityId);
    }
    const users = userIds.size === 0 ? [] : await this.db.selectFrom('users').select(['id', 'display_name', 'email']).where('id', 'in', [...userIds]).execute();
    const staff = staffIds.size === 0 ? [] : await this.db.selectFrom('staff').select(['id', 'first_name', 'last_name', 'assignment_number']).where('id', 'in', [...staffIds]).execute();
    return {
      users: new Map(users.map((u) => [u.id, { displayName: u.display_name, email: u.email }])),
      staff: new Map(staff.map((s) => [s.id, { name: `${s.first_name} ${s.last_name}`, assignmentNumber: s.assignment_number }])),
    };
  }

  /** The actions recorded so far, for the filter's choices. */
  async actions(): Promise<string[]> {
    const rows = await this.db.selectFrom('audit_events').select('action').distinct().orderBy('action').execute();
    return rows.map((r) => r.action);
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return row.n;
  }
}
