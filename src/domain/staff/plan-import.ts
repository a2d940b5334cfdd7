// Deciding what an import changes. Pure: the directory as it is for the
// organisations in the file, and the records read from the file, in; the
// people to add, to update (with before and after) and to mark as leavers out.
// A full extract of an organisation makes anyone missing from it a leaver; a
// partial extract only adds and updates.

import type { StaffRecord } from './esr-extract.js';

export type ImportMode = 'full' | 'partial';

export interface DirectoryEntry extends StaffRecord {
  readonly id: string;
  readonly active: boolean;
}

export interface StaffChange {
  readonly id: string;
  readonly before: DirectoryEntry;
  readonly after: StaffRecord;
}

export interface ImportPlan {
  readonly additions: readonly StaffRecord[];
  readonly updates: readonly StaffChange[];
  readonly leavers: readonly DirectoryEntry[];
  readonly unchanged: number;
}

const COMPARED: readonly (keyof StaffRecord)[] = [
  'employeeNumber', 'firstName', 'lastName', 'email', 'organisationCode', 'staffGroupCode', 'jobRole',
  'bandCode', 'wte', 'assignmentStartDate', 'ageBand', 'lineManagerAssignmentNumber',
];

export function sameRecord(a: StaffRecord, b: StaffRecord): boolean {
  return COMPARED.every((key) => a[key] === b[key]);
}

/**
 * @param existing everyone in the directory whose assignment is in the file or
 *   who belongs to one of the file's organisations (active or not).
 * @param organisations the organisations the extract covers (for leavers).
 */
export function planImport(
  existing: readonly DirectoryEntry[],
  incoming: readonly StaffRecord[],
  mode: ImportMode,
  organisations: readonly string[],
): ImportPlan {
  const byAssignment = new Map(existing.map((e) => [e.assignmentNumber, e]));
  const additions: StaffRecord[] = [];
  const updates: StaffChange[] = [];
  let unchanged = 0;
  const present = new Set<string>();
  for (const record of incoming) {
    present.add(record.assignmentNumber);
    const current = byAssignment.get(record.assignmentNumber);
    if (current === undefined) additions.push(record);
    else if (!current.active || !sameRecord(current, record)) updates.push({ id: current.id, before: current, after: record });
    else unchanged += 1;
  }
  const covered = new Set(organisations);
  const leavers = mode === 'full'
    ? existing.filter((e) => e.active && covered.has(e.organisationCode) && !present.has(e.assignmentNumber))
    : [];
  return { additions, updates, leavers, unchanged };
}

/** An organisation the plan would empty by more than the share allowed. */
export interface LeaverWarning {
  readonly organisationCode: string;
  readonly leavers: number;
  readonly active: number;
  /** Everyone the plan would mark as a leaver there, by name. */
  readonly people: readonly { readonly assignmentNumber: string; readonly firstName: string; readonly lastName: string }[];
}

/** A person the file moves from one organisation to another. */
export interface StaffMove {
  readonly assignmentNumber: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly from: string;
  readonly to: string;
}

/** More than this share of an organisation's active staff marked as leavers by one file needs a second confirmation. */
export const LEAVER_SHARE_NEEDING_CONFIRMATION = 0.1;

/**
 * The organisations where a full extract would mark more than `share` of the
 * active staff as leavers: the sign of a file that is not the whole
 * organisation (a team's list imported as a full extract, a truncated export).
 */
export function leaverWarnings(existing: readonly DirectoryEntry[], plan: ImportPlan, share = LEAVER_SHARE_NEEDING_CONFIRMATION): LeaverWarning[] {
  const active = new Map<string, number>();
  for (const e of existing) if (e.active) active.set(e.organisationCode, (active.get(e.organisationCode) ?? 0) + 1);
  const byOrganisation = new Map<string, DirectoryEntry[]>();
  for (const l of plan.leavers) byOrganisation.set(l.organisationCode, [...(byOrganisation.get(l.organisationCode) ?? []), l]);
  return [...byOrganisation.entries()]
    .filter(([code, people]) => people.length > share * (active.get(code) ?? 0))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, people]) => ({
      organisationCode: code, leavers: people.length, active: active.get(code) ?? 0,
      people: [...people].sort((a, b) => a.lastName.localeCompare(b.lastName) || a.firstName.localeCompare(b.firstName))
        .map((p) => ({ assignmentNumber: p.assignmentNumber, firstName: p.firstName, lastName: p.lastName })),
    }));
}

/** The updates that move a person between organisations. */
export function movesIn(plan: ImportPlan): StaffMove[] {
  return plan.updates.filter((u) => u.before.organisationCode !== u.after.organisationCode).map((u) => ({
    assignmentNumber: u.after.assignmentNumber, firstName: u.after.firstName, lastName: u.after.lastName,
    from: u.before.organisationCode, to: u.after.organisationCode,
  }));
}
