// Learning an organisation requires of its staff. Each change writes its audit
// entry (before and after) in the same transaction; a change made from a form
// that was open while someone else changed the same requirement is refused
// (the revision no longer matches), so nobody overwrites another's edit unseen.

import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.js';
import type { LearningRequirementsTable } from '../schema-learning.js';
import { toDate } from '../dialect.js';
import { AuditStore } from './audit-store.js';
import { DomainError } from '../../domain/errors.js';
import type { LearningRequirement, RequirementDue } from '../../domain/learning/index.js';
import { PLATFORM_HOME_PAGE } from '../../domain/xapi/platform-statements.js';

/**
 * A requirement's target is a module's IRI or an event's activity id: the
 * object id of the xAPI `attended` statement (issue 16), so "attended the
 * event" meets it as "completed the module" meets a module's.
 */
export function eventTargetOf(eventId: string): string {
  return `${PLATFORM_HOME_PAGE}/events/${encodeURIComponent(eventId)}`;
}

/** The event id of an event target, or null for a module's. */
export function eventIdOfTarget(target: string): string | null {
  const prefix = `${PLATFORM_HOME_PAGE}/events/`;
  return target.startsWith(prefix) ? decodeURIComponent(target.slice(prefix.length)) : null;
}

/** A published event a requirement may name. */
export interface EventTarget {
  /** The activity id (what the requirement stores). */
  readonly id: string;
  readonly eventId: string;
  readonly title: { readonly en: string; readonly cy: string };
}

export interface RequirementInput {
  readonly organisationCode: string;
  readonly moduleId: string;
  readonly staffGroupCodes: readonly string[];
  readonly due: RequirementDue;
  /** Every N years; absent or null: once is enough. */
  readonly refresherYears?: number | null;
}

function toRequirement(row: Selectable<LearningRequirementsTable>): LearningRequirement {
  const groups = JSON.parse(row.staff_group_codes) as unknown;
  return {
    id: row.id,
    organisationCode: row.organisation_code,
    moduleId: row.module_id,
    staffGroupCodes: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
    due: row.due_date !== null ? { kind: 'date', date: row.due_date } : { kind: 'days', days: row.due_days ?? 0 },
    refresherYears: row.refresher_years ?? null,
    revision: row.revision,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

function columns(input: RequirementInput) {
  return {
    organisation_code: input.organisationCode,
    module_id: input.moduleId,
    staff_group_codes: JSON.stringify([...input.staffGroupCodes].sort()),
    due_date: input.due.kind === 'date' ? input.due.date : null,
    due_days: input.due.kind === 'days' ? input.due.days : null,
    refresher_years: input.refresherYears ?? null,
  };
}

/** What the audit log keeps of a requirement: its fields, nothing about people. */
function audited(r: RequirementInput) {
  return { organisationCode: r.organisationCode, moduleId: r.moduleId, staffGroupCodes: [...r.staffGroupCodes].sort(), due: r.due, refresherYears: r.refresherYears ?? null };
}

export class RequirementStore {
  private constructor(private readonly db: Kysely<Database>) {}

  static create(db: Kysely<Database>): RequirementStore {
    return new RequirementStore(db);
  }

  async find(id: string): Promise<LearningRequirement | undefined> {
    const row = await this.db.selectFrom('learning_requirements').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toRequirement(row);
  }

  /** The requirements of these organisations ('all' for every one), by organisation then creation. */
  async list(organisationCodes: 'all' | readonly string[]): Promise<LearningRequirement[]> {
    let query = this.db.selectFrom('learning_requirements').selectAll().orderBy('organisation_code').orderBy('created_at').orderBy('id');
    if (organisationCodes !== 'all') {
      if (organisationCodes.length === 0) return [];
      query = query.where('organisation_code', 'in', [...organisationCodes]);
    }
    return (await query.execute()).map(toRequirement);
  }

  async add(input: RequirementInput, actorUserId: string | null): Promise<LearningRequirement> {
    const id = randomUUID();
    const now = new Date();
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('learning_requirements').values({
        id, ...columns(input), revision: 1, created_by: actorUserId, created_at: now, updated_by: actorUserId, updated_at: now,
      }).execute();
      await AuditStore.record(trx, {
        actorUserId, action: 'learning-requirement.added', entityType: 'learning_requirement', entityId: id,
        organisationCode: input.organisationCode, after: audited(input),
      });
    });
    return { id, ...input, staffGroupCodes: [...input.staffGroupCodes].sort(), revision: 1, createdAt: now, updatedAt: now };
  }

  /**
   * Change a requirement, given the revision the form was made from. Its
   * organisation cannot change (remove it and add it to the other one).
   */
  async change(id: string, revision: number, input: Omit<RequirementInput, 'organisationCode'>, actorUserId: string | null): Promise<LearningRequirement> {
    return this.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('learning_requirements').selectAll().where('id', '=', id).executeTakeFirst();
      if (before === undefined) throw new DomainError('GNM_NOT_FOUND');
      const was = toRequirement(before);
      const now = new Date();
      const result = await trx.updateTable('learning_requirements')
        .set({ ...columns({ ...input, organisationCode: was.organisationCode }), revision: revision + 1, updated_by: actorUserId, updated_at: now })
        .where('id', '=', id).where('revision', '=', revision).executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw new DomainError('GNM_CONFLICT', { what: 'learning requirement' });
      const after = { ...input, organisationCode: was.organisationCode };
      await AuditStore.record(trx, {
        actorUserId, action: 'learning-requirement.changed', entityType: 'learning_requirement', entityId: id,
        organisationCode: was.organisationCode, before: audited(was), after: audited(after),
      });
      return { ...was, ...after, staffGroupCodes: [...input.staffGroupCodes].sort(), revision: revision + 1, updatedAt: now };
    });
  }

  async remove(id: string, revision: number, actorUserId: string | null): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('learning_requirements').selectAll().where('id', '=', id).executeTakeFirst();
      if (before === undefined) throw new DomainError('GNM_NOT_FOUND');
      const result = await trx.deleteFrom('learning_requirements').where('id', '=', id).where('revision', '=', revision).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw new DomainError('GNM_CONFLICT', { what: 'learning requirement' });
      await AuditStore.record(trx, {
        actorUserId, action: 'learning-requirement.removed', entityType: 'learning_requirement', entityId: id,
        organisationCode: before.organisation_code, before: audited(toRequirement(before)),
      });
    });
  }

  /**
   * Events a requirement may name: the published ones (a cancelled or draft
   * event is not offered), by English title; or, for naming what people
   * attended, every event.
   */
  async eventTargets(which: 'published' | 'all' = 'published'): Promise<EventTarget[]> {
    let query = this.db.selectFrom('events').select(['id', 'title_en', 'title_cy']).orderBy('title_en').orderBy('id');
    if (which === 'published') query = query.where('status', '=', 'published');
    const rows = await query.execute();
    return rows.map((r) => ({ id: eventTargetOf(r.id), eventId: r.id, title: { en: r.title_en, cy: r.title_cy } }));
  }

  /** Which of these events are published (a requirement naming one counts; a draft or cancelled one is left out). */
  async publishedEvents(eventIds: readonly string[]): Promise<string[]> {
    if (eventIds.length === 0) return [];
    const rows = await this.db.selectFrom('events').select('id').where('id', 'in', [...eventIds]).where('status', '=', 'published').orderBy('id').execute();
    return rows.map((r) => r.id);
  }

  /**
   * When each of these staff attended each event (an attended booking; the
   * date is the session's start), first or latest, keyed by the event target.
   */
  async attendanceByStaff(staffIds: readonly string[], which: 'first' | 'latest' = 'first'): Promise<Map<string, Map<string, Date>>> {
    const out = new Map<string, Map<string, Date>>();
    const chunk = 500;
    for (let i = 0; i < staffIds.length; i += chunk) {
      const rows = await this.db.selectFrom('event_bookings')
        .innerJoin('users', 'users.id', 'event_bookings.user_id')
        .innerJoin('event_sessions', 'event_sessions.id', 'event_bookings.session_id')
        .select(['users.staff_id as staffId', 'event_sessions.event_id as eventId', 'event_sessions.starts_at as startsAt'])
        .where('event_bookings.status', '=', 'attended')
        .where('users.staff_id', 'in', staffIds.slice(i, i + chunk))
        .execute();
      for (const row of rows) {
        if (row.staffId === null) continue;
        const mine = out.get(row.staffId) ?? new Map<string, Date>();
        const target = eventTargetOf(row.eventId);
        const at = toDate(row.startsAt);
        const kept = mine.get(target);
        if (kept === undefined || (which === 'first' ? at < kept : at > kept)) mine.set(target, at);
        out.set(row.staffId, mine);
      }
    }
    return out;
  }

  /**
   * When each of these staff first (or latest) completed each module (any version; the latest
   * counts a version passed again), through
   * the accounts linked to their staff records, and attended each event (see
   * attendanceByStaff). Staff with no account have none.
   */
  async completionsByStaff(staffIds: readonly string[], which: 'first' | 'latest' = 'first'): Promise<Map<string, Map<string, Date>>> {
    const out = new Map<string, Map<string, Date>>();
    if (staffIds.length === 0) return out;
    const chunk = 500;
    for (let i = 0; i < staffIds.length; i += chunk) {
      const rows = await this.db.selectFrom('module_completions')
        .innerJoin('users', 'users.id', 'module_completions.user_id')
        .select(['users.staff_id as staffId', 'module_completions.module_id as moduleId', 'module_completions.completed_at as completedAt', 'module_completions.renewed_at as renewedAt'])
        .where('users.staff_id', 'in', staffIds.slice(i, i + chunk))
        .execute();
      for (const row of rows) {
        if (row.staffId === null) continue;
        const mine = out.get(row.staffId) ?? new Map<string, Date>();
        // The latest counts a version passed again (renewed_at); the first is the first pass.
        const at = toDate(which === 'latest' && row.renewedAt !== null && row.renewedAt !== undefined ? row.renewedAt : row.completedAt);
        const kept = mine.get(row.moduleId);
        if (kept === undefined || (which === 'first' ? at < kept : at > kept)) mine.set(row.moduleId, at);
        out.set(row.staffId, mine);
      }
    }
    for (const [staffId, attended] of await this.attendanceByStaff(staffIds, which)) {
      const mine = out.get(staffId) ?? new Map<string, Date>();
      for (const [target, at] of attended) mine.set(target, at);
      out.set(staffId, mine);
    }
    return out;
  }
}
