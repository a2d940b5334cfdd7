// The staff directory: reading it, and writing an ESR import as one transaction
// (all rows or none), with an audit entry for every person added, changed or
// marked as a leaver. Leavers are marked inactive, never deleted, so their
// learning history stays attached to them.

import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, StaffImportsTable, StaffTable } from '../schema.js';
import { batchSize, engineOf, refreshPlannerStatistics, staffSearchMatches, toBool, toDateOrNull } from '../dialect.js';
import { writingAccounts } from './accounts-version.js';
import { AuditStore, type AuditEntry } from './audit-store.js';
import { DomainError } from '../../domain/errors.js';
import {
  isAgeBand, leaverWarnings, movesIn, planImport, searchTerms, staffSearchText,
  type DirectoryEntry, type ExtractEncoding, type ImportMode, type ImportPlan, type LeaverWarning, type StaffMove, type StaffRecord,
} from '../../domain/staff/index.js';

export interface StaffMember extends DirectoryEntry {
  readonly leftAt: Date | null;
}

export interface StaffQuery {
  readonly organisationCodes: 'all' | readonly string[];
  readonly search?: string;
  readonly organisationCode?: string;
  readonly includeInactive?: boolean;
  readonly limit?: number;
  readonly offset?: number;
}

export interface ImportSummary {
  readonly importId: string;
  readonly added: number;
  readonly updated: number;
  readonly leavers: number;
  readonly unchanged: number;
  readonly applied: boolean;
  /** People the file moves between organisations (only a platform administrator's import can). */
  readonly moves: readonly StaffMove[];
  /** Organisations where the file would mark more than a tenth of the active staff as leavers. */
  readonly leaverWarnings: readonly LeaverWarning[];
  /** Not applied: the leavers above need a second confirmation. */
  readonly held: boolean;
  /** Assignment numbers whose email matches an account that was not linked (it holds a role outside the importer's organisations). */
  readonly accountsNotLinked: readonly string[];
}

export interface ImportRequest {
  readonly records: readonly StaffRecord[];
  readonly organisationCodes: readonly string[];
  readonly mode: ImportMode;
  readonly fileName: string;
  readonly actorUserId: string | null;
  readonly rowCount: number;
  readonly warningCount: number;
  /** Work out what would change, and write nothing. */
  readonly dryRun?: boolean;
  /** The organisations the importer administers ('all' for a platform administrator or the command line). */
  readonly permittedOrganisations?: 'all' | readonly string[];
  /** The day the extract stands for: leavers left on it. Defaults to now. */
  readonly asOf?: Date;
  /** Hold (apply nothing) when an organisation would lose more than a tenth of its active staff, unless confirmed. */
  readonly holdManyLeavers?: boolean;
}

/** How long a checked file is kept for its importer to confirm. */
export const PENDING_IMPORT_MINUTES = 60;

/** A file checked and kept for its importer (migration 0014). */
export interface PendingImport {
  readonly id: string;
  readonly userId: string;
  readonly fileName: string;
  readonly mode: ImportMode;
  /** YYYY-MM-DD */
  readonly asOf: string;
  readonly encoding: ExtractEncoding;
  readonly content: string;
  readonly expiresAt: Date;
}

function isEncoding(value: string): value is ExtractEncoding {
  return value === 'utf-8' || value === 'utf-16le' || value === 'utf-16be' || value === 'windows-1252';
}

function toMember(row: Selectable<StaffTable>): StaffMember {
  return {
    id: row.id,
    employeeNumber: row.employee_number,
    assignmentNumber: row.assignment_number,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    organisationCode: row.organisation_code,
    staffGroupCode: row.staff_group_code,
    jobRole: row.job_role,
    bandCode: row.band_code,
    wte: row.wte,
    assignmentStartDate: row.assignment_start_date,
    ageBand: isAgeBand(row.age_band) ? row.age_band : 'under-25',
    lineManagerAssignmentNumber: row.line_manager_assignment_number,
    active: toBool(row.active),
    leftAt: toDateOrNull(row.left_at),
  };
}

function toRow(record: StaffRecord, id: string, now: Date) {
  return {
    id,
    employee_number: record.employeeNumber,
    assignment_number: record.assignmentNumber,
    first_name: record.firstName,
    last_name: record.lastName,
    email: record.email,
    organisation_code: record.organisationCode,
    staff_group_code: record.staffGroupCode,
    job_role: record.jobRole,
    band_code: record.bandCode,
    wte: record.wte,
    assignment_start_date: record.assignmentStartDate,
    age_band: record.ageBand,
    line_manager_assignment_number: record.lineManagerAssignmentNumber,
    active: true,
    left_at: null,
    created_at: now,
    updated_at: now,
    search_text: staffSearchText(record),
  };
}

/** What the audit log keeps of a person: the directory fields, no more. */
function auditView(record: StaffRecord | DirectoryEntry): Record<string, unknown> {
  const { employeeNumber, assignmentNumber, firstName, lastName, email, organisationCode, staffGroupCode, jobRole, bandCode, wte, assignmentStartDate, ageBand, lineManagerAssignmentNumber } = record;
  return { employeeNumber, assignmentNumber, firstName, lastName, email, organisationCode, staffGroupCode, jobRole, bandCode, wte, assignmentStartDate, ageBand, lineManagerAssignmentNumber, ...('active' in record ? { active: record.active } : {}) };
}

export class StaffStore {
  private constructor(private readonly db: Kysely<Database>) {}

  static create(db: Kysely<Database>): StaffStore {
    return new StaffStore(db);
  }

  async list(query: StaffQuery): Promise<{ members: StaffMember[]; total: number }> {
    let base = this.db.selectFrom('staff');
    if (query.organisationCodes !== 'all') base = base.where('organisation_code', 'in', query.organisationCodes.length > 0 ? [...query.organisationCodes] : ['']);
    if (query.organisationCode !== undefined && query.organisationCode !== '') base = base.where('organisation_code', '=', query.organisationCode);
    if (query.includeInactive !== true) base = base.where('active', '=', true);
    // An address is looked up whole; anything else through the search index
    // (every word typed starts a word of the names or assignment number, accents ignored).
    const search = query.search?.trim().toLowerCase();
    if (search !== undefined && search !== '') {
      const terms = searchTerms(search);
      if (search.includes('@')) base = base.where('email', '=', search);
      else if (terms.length === 0) base = base.where(sql<boolean>`1 = 0`);
      else base = base.where(staffSearchMatches(this.db, terms));
    }
    // Without a search, the page is read in name order from the staff_name_order index. With one,
    // the matches are few and are sorted once found: ordering them by an expression that index
    // cannot give keeps PostgreSQL from walking the whole index in name order looking for a rare
    // match (550 ms instead of 0.1 ms for one assignment number among 100,000 staff).
    const searching = search !== undefined && search !== '';
    const ordered = searching
      ? base.selectAll().orderBy(sql`lower(last_name)`).orderBy(sql`lower(first_name)`).orderBy('assignment_number')
      : base.selectAll().orderBy('last_name').orderBy('first_name').orderBy('assignment_number');
    const [rows, count] = await Promise.all([
      ordered.limit(query.limit ?? 50).offset(query.offset ?? 0).execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { members: rows.map(toMember), total: count.n };
  }

  async findById(id: string): Promise<StaffMember | undefined> {
    const row = await this.db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toMember(row);
  }

  async findByAssignment(assignmentNumber: string): Promise<StaffMember | undefined> {
    const row = await this.db.selectFrom('staff').selectAll().where('assignment_number', '=', assignmentNumber).executeTakeFirst();
    return row === undefined ? undefined : toMember(row);
  }

  /** A line manager's direct reports (active), found through ESR's supervisor link. */
  async reportsOf(managerAssignmentNumbers: readonly string[]): Promise<StaffMember[]> {
    if (managerAssignmentNumbers.length === 0) return [];
    const rows = await this.db.selectFrom('staff').selectAll()
      .where('line_manager_assignment_number', 'in', [...managerAssignmentNumbers]).where('active', '=', true)
      .orderBy('last_name').orderBy('first_name').execute();
    return rows.map(toMember);
  }

  /** The organisation holding each assignment number in the directory, leavers included. */
  async organisationsByAssignment(): Promise<Map<string, string>> {
    const rows = await this.db.selectFrom('staff').select(['assignment_number', 'organisation_code']).execute();
    return new Map(rows.map((r) => [r.assignment_number, r.organisation_code]));
  }

  async assignmentNumbersIn(organisationCodes: 'all' | readonly string[]): Promise<Set<string>> {
    let query = this.db.selectFrom('staff').select('assignment_number');
    if (organisationCodes !== 'all') query = query.where('organisation_code', 'in', organisationCodes.length > 0 ? [...organisationCodes] : ['']);
    const rows = await query.execute();
    return new Set(rows.map((r) => r.assignment_number));
  }

  async countByOrganisation(): Promise<Map<string, number>> {
    const rows = await this.db.selectFrom('staff').select(['organisation_code', (eb) => eb.fn.countAll<number>().as('n')])
      .where('active', '=', true).groupBy('organisation_code').execute();
    return new Map(rows.map((r) => [r.organisation_code, r.n]));
  }

  /** Active staff counted by organisation, job role and age band (read only; for the workforce baseline). */
  async countByJobRole(): Promise<{ organisationCode: string; jobRole: string; ageBand: string; count: number }[]> {
    const rows = await this.db.selectFrom('staff')
      .select(['organisation_code', 'job_role', 'age_band', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('active', '=', true).groupBy(['organisation_code', 'job_role', 'age_band'])
      .orderBy('organisation_code').orderBy('job_role').orderBy('age_band').execute();
    return rows.map((r) => ({ organisationCode: r.organisation_code, jobRole: r.job_role, ageBand: r.age_band, count: Number(r.n) }));
  }

  private async existingFor(trx: Transaction<Database>, request: ImportRequest): Promise<DirectoryEntry[]> {
    const codes = [...request.organisationCodes];
    const rows = codes.length === 0 ? [] : await trx.selectFrom('staff').selectAll().where('organisation_code', 'in', codes).execute();
    const found = new Map(rows.map((r) => [r.assignment_number, r]));
    // People moving in from another organisation are found by assignment number.
    const missing = request.records.map((r) => r.assignmentNumber).filter((a) => !found.has(a));
    const size = 5000;
    for (let i = 0; i < missing.length; i += size) {
      const more = await trx.selectFrom('staff').selectAll().where('assignment_number', 'in', missing.slice(i, i + size)).execute();
      for (const r of more) found.set(r.assignment_number, r);
    }
    return [...found.values()].map(toMember);
  }

  /**
   * Unlinked accounts whose email is a person's in the file. An account holding a
   * role outside the importer's organisations (a national role included) is not
   * linked: linking it would let the importer grant roles to, and follow, someone
   * who is not theirs to manage.
   */
  private async accountLinks(trx: Transaction<Database>, records: readonly StaffRecord[], scope: 'all' | readonly string[]): Promise<{ allowed: { userId: string; assignmentNumber: string }[]; refused: string[] }> {
    const byEmail = new Map<string, string>();
    for (const r of records) if (r.email !== null && !byEmail.has(r.email)) byEmail.set(r.email, r.assignmentNumber);
    const allowed: { userId: string; assignmentNumber: string }[] = [];
    const refused: string[] = [];
    const emails = [...byEmail.keys()];
    for (let i = 0; i < emails.length; i += 5000) {
      const users = await trx.selectFrom('users').select(['id', 'email'])
        .where('staff_id', 'is', null).where(sql<string>`lower(email)`, 'in', emails.slice(i, i + 5000)).orderBy('email').execute();
      const outside = new Set<string>();
      if (scope !== 'all' && users.length > 0) {
        const grants = await trx.selectFrom('role_grants').select(['user_id', 'organisation_code'])
          .where('user_id', 'in', users.map((u) => u.id)).execute();
        for (const g of grants) if (!scope.includes(g.organisation_code)) outside.add(g.user_id);
      }
      for (const u of users) {
        const assignmentNumber = byEmail.get(u.email.toLowerCase());
        if (assignmentNumber === undefined) continue;
        if (outside.has(u.id)) refused.push(assignmentNumber);
        else allowed.push({ userId: u.id, assignmentNumber });
      }
    }
    return { allowed, refused };
  }

  /** Serialise imports that touch the same organisations (PostgreSQL; SQLite writes one at a time already). */
  private async lockOrganisations(trx: Transaction<Database>, codes: readonly string[]): Promise<void> {
    if (engineOf(trx) !== 'postgres') return;
    for (const code of [...codes].sort()) {
      await sql`select pg_advisory_xact_lock(hashtext(${`staff-import:${code}`}))`.execute(trx);
    }
  }

  async applyImport(request: ImportRequest): Promise<ImportSummary & { plan: ImportPlan }> {
    const importId = randomUUID();
    // It may link accounts to staff records (users.staff_id): counted as a write of accounts (accounts-version.ts).
    const outcome = await writingAccounts(() => this.db.transaction().execute(async (trx) => {
      await this.lockOrganisations(trx, request.organisationCodes);
      const existing = await this.existingFor(trx, request);
      const plan = planImport(existing, request.records, request.mode, request.organisationCodes);
      const scope = request.permittedOrganisations ?? 'all';
      // The file was checked against the directory before this transaction; checked again inside it, so an
      // import that raced another cannot take a person from an organisation the importer does not administer.
      if (scope !== 'all' && plan.updates.some((u) => !scope.includes(u.before.organisationCode))) throw new DomainError('GNM_CONFLICT');
      const warnings = request.mode === 'full' ? leaverWarnings(existing, plan) : [];
      const held = request.dryRun !== true && request.holdManyLeavers === true && warnings.length > 0;
      const links = await this.accountLinks(trx, request.records, scope);
      const summary = {
        importId, added: plan.additions.length, updated: plan.updates.length,
        leavers: plan.leavers.length, unchanged: plan.unchanged, applied: request.dryRun !== true && !held, plan,
        moves: movesIn(plan), leaverWarnings: warnings, held, accountsNotLinked: links.refused,
      };
      if (request.dryRun === true || held) return summary;

      const now = new Date();
      const leftAt = request.asOf ?? now;
      const audit: AuditEntry[] = [];
      const upserts = [
        ...plan.additions.map((r) => {
          const id = randomUUID();
          audit.push({ actorUserId: request.actorUserId, action: 'staff.added', entityType: 'staff', entityId: id, organisationCode: r.organisationCode, before: null, after: auditView(r) });
          return toRow(r, id, now);
        }),
        ...plan.updates.map((u) => {
          audit.push({ actorUserId: request.actorUserId, action: 'staff.updated', entityType: 'staff', entityId: u.id, organisationCode: u.after.organisationCode, before: auditView(u.before), after: auditView({ ...u.after, active: true }) });
          return toRow(u.after, u.id, now);
        }),
      ];
      const size = batchSize(18);
      for (let i = 0; i < upserts.length; i += size) {
        await trx.insertInto('staff').values(upserts.slice(i, i + size))
          .onConflict((oc) => oc.column('assignment_number').doUpdateSet((eb) => ({
            employee_number: eb.ref('excluded.employee_number'),
            first_name: eb.ref('excluded.first_name'),
            last_name: eb.ref('excluded.last_name'),
            email: eb.ref('excluded.email'),
            organisation_code: eb.ref('excluded.organisation_code'),
            staff_group_code: eb.ref('excluded.staff_group_code'),
            job_role: eb.ref('excluded.job_role'),
            band_code: eb.ref('excluded.band_code'),
            wte: eb.ref('excluded.wte'),
            assignment_start_date: eb.ref('excluded.assignment_start_date'),
            age_band: eb.ref('excluded.age_band'),
            line_manager_assignment_number: eb.ref('excluded.line_manager_assignment_number'),
            active: eb.ref('excluded.active'),
            left_at: eb.ref('excluded.left_at'),
            updated_at: eb.ref('excluded.updated_at'),
            search_text: eb.ref('excluded.search_text'),
          }))).execute();
      }
      const leaverIds = plan.leavers.map((l) => l.id);
      for (let i = 0; i < leaverIds.length; i += 5000) {
        await trx.updateTable('staff').set({ active: false, left_at: leftAt, updated_at: now }).where('id', 'in', leaverIds.slice(i, i + 5000)).execute();
      }
      for (const l of plan.leavers) {
        audit.push({ actorUserId: request.actorUserId, action: 'staff.left', entityType: 'staff', entityId: l.id, organisationCode: l.organisationCode, before: auditView(l), after: { ...auditView(l), active: false } });
      }
      // Accounts whose email matches a person in this file are linked to their record, so a line
      // manager's team and a learner's organisation follow from ESR; accountLinks() leaves out
      // accounts holding a role outside the importer's organisations.
      for (const link of links.allowed) {
        const member = await trx.selectFrom('staff').select(['id', 'organisation_code']).where('assignment_number', '=', link.assignmentNumber).executeTakeFirst();
        if (member === undefined) continue;
        await trx.updateTable('users').set({ staff_id: member.id, updated_at: now }).where('id', '=', link.userId).where('staff_id', 'is', null).execute();
        audit.push({ actorUserId: request.actorUserId, action: 'user.linked-to-staff', entityType: 'user', entityId: link.userId, organisationCode: member.organisation_code, before: { staffId: null }, after: { staffId: member.id } });
      }
      await trx.insertInto('staff_imports').values({
        id: importId, organisation_codes: request.organisationCodes.join(','), mode: request.mode,
        file_name: request.fileName.slice(0, 200), status: 'applied', row_count: request.rowCount,
        added: summary.added, updated: summary.updated, leavers: summary.leavers, unchanged: summary.unchanged,
        error_count: 0, warning_count: request.warningCount, imported_by: request.actorUserId, created_at: now,
      }).execute();
      audit.push({
        actorUserId: request.actorUserId, action: 'staff-import.applied', entityType: 'staff-import', entityId: importId,
        organisationCode: request.organisationCodes.length === 1 ? request.organisationCodes[0] ?? null : null,
        after: { fileName: request.fileName, mode: request.mode, organisations: request.organisationCodes, added: summary.added, updated: summary.updated, leavers: summary.leavers, unchanged: summary.unchanged },
      });
      await AuditStore.recordMany(trx, audit);
      return summary;
    }));
    // After the commit, so that imports of other organisations do not wait on
    // ANALYZE's lock; an optimisation only, so a failure here fails nothing.
    if (outcome.applied) await refreshPlannerStatistics(this.db, 'staff').catch(() => undefined);
    return outcome;
  }

  /**
   * Keep a checked file for the person who checked it, so they can import it
   * without choosing it again. Replaces their earlier one; clears expired ones.
   */
  async keepPending(input: Omit<PendingImport, 'id' | 'expiresAt'>, now = new Date()): Promise<PendingImport> {
    const pending: PendingImport = { ...input, id: randomUUID(), expiresAt: new Date(now.getTime() + PENDING_IMPORT_MINUTES * 60_000) };
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('staff_import_pending').where((eb) => eb.or([eb('user_id', '=', input.userId), eb('expires_at', '<', now)])).execute();
      await trx.insertInto('staff_import_pending').values({
        id: pending.id, user_id: pending.userId, file_name: pending.fileName.slice(0, 200), mode: pending.mode,
        as_of: pending.asOf, encoding: pending.encoding, content: pending.content, created_at: now, expires_at: pending.expiresAt,
      }).execute();
    });
    return pending;
  }

  /** A person's own checked file, if it has not expired; anyone else's is not found. */
  async findPending(id: string, userId: string, now = new Date()): Promise<PendingImport | undefined> {
    const row = await this.db.selectFrom('staff_import_pending').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    if (row === undefined) return undefined;
    const expiresAt = toDateOrNull(row.expires_at) ?? now;
    if (expiresAt.getTime() <= now.getTime()) return undefined;
    const mode: ImportMode = row.mode === 'partial' ? 'partial' : 'full';
    const encoding: ExtractEncoding = isEncoding(row.encoding) ? row.encoding : 'utf-8';
    return { id: row.id, userId: row.user_id, fileName: row.file_name, mode, asOf: row.as_of, encoding, content: row.content, expiresAt };
  }

  async dropPending(id: string): Promise<void> {
    await this.db.deleteFrom('staff_import_pending').where('id', '=', id).execute();
  }

  /** Remember a rejected import (counts only, no rows) so administrators can see attempts. */
  async recordRejectedImport(input: { fileName: string; mode: ImportMode; organisationCodes: readonly string[]; rowCount: number; errorCount: number; warningCount: number; actorUserId: string | null }): Promise<string> {
    const id = randomUUID();
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('staff_imports').values({
        id, organisation_codes: input.organisationCodes.join(','), mode: input.mode, file_name: input.fileName.slice(0, 200),
        status: 'rejected', row_count: input.rowCount, added: 0, updated: 0, leavers: 0, unchanged: 0,
        error_count: input.errorCount, warning_count: input.warningCount, imported_by: input.actorUserId, created_at: new Date(),
      }).execute();
      await AuditStore.record(trx, { actorUserId: input.actorUserId, action: 'staff-import.rejected', entityType: 'staff-import', entityId: id, after: { fileName: input.fileName, errors: input.errorCount } });
    });
    return id;
  }

  /**
   * The latest imports an administrator may see: a platform administrator sees
   * all; anyone else sees imports that touched only their organisations, and
   * their own rejected attempts (which may name no organisation).
   */
  async recentImports(organisationCodes: 'all' | readonly string[], limit = 10, viewerUserId: string | null = null) {
    const rows = await this.db.selectFrom('staff_imports').selectAll().orderBy('created_at', 'desc').limit(500).execute();
    const allowed = organisationCodes === 'all' ? null : new Set(organisationCodes);
    const visible = (r: Selectable<StaffImportsTable>): boolean => {
      if (allowed === null) return true;
      const codes = r.organisation_codes.split(',').filter((c) => c !== '');
      if (codes.length === 0) return viewerUserId !== null && r.imported_by === viewerUserId;
      return codes.every((c) => allowed.has(c));
    };
    return rows
      .filter(visible)
      .slice(0, limit)
      .map((r) => ({ id: r.id, fileName: r.file_name, status: r.status, mode: r.mode, organisationCodes: r.organisation_codes.split(',').filter((c) => c !== ''), rowCount: r.row_count, added: r.added, updated: r.updated, leavers: r.leavers, unchanged: r.unchanged, errorCount: r.error_count, createdAt: toDateOrNull(r.created_at) }));
  }
}
