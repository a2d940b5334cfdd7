// The staff directory: reading it, and writing an ESR import as one transaction
// (all rows or none), with an audit entry for every person added, changed or
// marked as a leaver. Leavers are marked inactive, never deleted, so their
// learning history stays attached to them.

import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, StaffTable } from '../schema.js';
import { batchSize, engineOf, refreshPlannerStatistics, staffSearchMatches, toBool, toDateOrNull } from '../dialect.js';
import { AuditStore, type AuditEntry } from './audit-store.js';
import {
  isAgeBand, planImport, searchTerms, staffSearchText,
  type DirectoryEntry, type ImportMode, type ImportPlan, type StaffRecord,
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

  /** Serialise imports that touch the same organisations (PostgreSQL; SQLite writes one at a time already). */
  private async lockOrganisations(trx: Transaction<Database>, codes: readonly string[]): Promise<void> {
    if (engineOf(trx) !== 'postgres') return;
    for (const code of [...codes].sort()) {
      await sql`select pg_advisory_xact_lock(hashtext(${`staff-import:${code}`}))`.execute(trx);
    }
  }

  async applyImport(request: ImportRequest): Promise<ImportSummary & { plan: ImportPlan }> {
    const importId = randomUUID();
    const outcome = await this.db.transaction().execute(async (trx) => {
      await this.lockOrganisations(trx, request.organisationCodes);
      const existing = await this.existingFor(trx, request);
      const plan = planImport(existing, request.records, request.mode, request.organisationCodes);
      const summary = {
        importId, added: plan.additions.length, updated: plan.updates.length,
        leavers: plan.leavers.length, unchanged: plan.unchanged, applied: request.dryRun !== true, plan,
      };
      if (request.dryRun === true) return summary;

      const now = new Date();
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
        await trx.updateTable('staff').set({ active: false, left_at: now, updated_at: now }).where('id', 'in', leaverIds.slice(i, i + 5000)).execute();
      }
      for (const l of plan.leavers) {
        audit.push({ actorUserId: request.actorUserId, action: 'staff.left', entityType: 'staff', entityId: l.id, organisationCode: l.organisationCode, before: auditView(l), after: { ...auditView(l), active: false } });
      }
      // Accounts whose email matches an active staff record are linked to it, so a line
      // manager's team and a learner's organisation follow from ESR.
      const links = await trx.selectFrom('users').innerJoin('staff', 'staff.email', 'users.email')
        .select(['users.id as userId', 'staff.id as staffId', 'staff.organisation_code as organisationCode'])
        .where('users.staff_id', 'is', null).where('staff.active', '=', true).orderBy('staff.assignment_number').execute();
      const linked = new Set<string>();
      for (const link of links) {
        if (linked.has(link.userId)) continue;
        linked.add(link.userId);
        await trx.updateTable('users').set({ staff_id: link.staffId, updated_at: now }).where('id', '=', link.userId).execute();
        audit.push({ actorUserId: request.actorUserId, action: 'user.linked-to-staff', entityType: 'user', entityId: link.userId, organisationCode: link.organisationCode, before: { staffId: null }, after: { staffId: link.staffId } });
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
    });
    // After the commit, so that imports of other organisations do not wait on
    // ANALYZE's lock; an optimisation only, so a failure here fails nothing.
    if (outcome.applied) await refreshPlannerStatistics(this.db, 'staff').catch(() => undefined);
    return outcome;
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

  async recentImports(organisationCodes: 'all' | readonly string[], limit = 10) {
    const rows = await this.db.selectFrom('staff_imports').selectAll().orderBy('created_at', 'desc').limit(200).execute();
    const allowed = organisationCodes === 'all' ? null : new Set(organisationCodes);
    return rows
      .filter((r) => allowed === null || r.organisation_codes.split(',').some((c) => allowed.has(c)))
      .slice(0, limit)
      .map((r) => ({ id: r.id, fileName: r.file_name, status: r.status, mode: r.mode, organisationCodes: r.organisation_codes.split(',').filter((c) => c !== ''), rowCount: r.row_count, added: r.added, updated: r.updated, leavers: r.leavers, unchanged: r.unchanged, errorCount: r.error_count, createdAt: toDateOrNull(r.created_at) }));
  }
}
