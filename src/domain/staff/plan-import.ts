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
