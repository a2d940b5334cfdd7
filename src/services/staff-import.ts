// Importing an ESR staff extract, the same way from the command line and from
// the organisation administrator's page: read and check every row (domain),
// then either write nothing and return every problem, or apply the whole file
// in one transaction (store).

import { readEsrExtract, type EsrReadResult, type ImportMode } from '../domain/staff/index.js';
import type { StaffStore, ImportSummary } from '../db/stores/staff-store.js';

export interface StaffImportInput {
  readonly text: string;
  readonly fileName: string;
  readonly mode: ImportMode;
  readonly asOf?: Date;
  readonly permittedOrganisations: 'all' | readonly string[];
  readonly actorUserId: string | null;
  readonly dryRun?: boolean;
}

export type StaffImportOutcome =
  | { readonly status: 'rejected'; readonly read: EsrReadResult }
  | { readonly status: 'checked' | 'applied'; readonly read: EsrReadResult; readonly summary: ImportSummary };

export async function importStaffExtract(staff: StaffStore, input: StaffImportInput): Promise<StaffImportOutcome> {
  const known = await staff.assignmentNumbersIn('all');
  const read = readEsrExtract(input.text, {
    asOf: input.asOf ?? new Date(),
    permittedOrganisations: input.permittedOrganisations,
    knownAssignmentNumbers: known,
  });
  if (read.errorCount > 0) {
    if (input.dryRun !== true) {
      await staff.recordRejectedImport({
        fileName: input.fileName, mode: input.mode, organisationCodes: read.organisationCodes, rowCount: read.rowCount,
        errorCount: read.errorCount, warningCount: read.warningCount, actorUserId: input.actorUserId,
      });
    }
    return { status: 'rejected', read };
  }
  const applied = await staff.applyImport({
    records: read.records, organisationCodes: read.organisationCodes, mode: input.mode, fileName: input.fileName,
    actorUserId: input.actorUserId, rowCount: read.rowCount, warningCount: read.warningCount, dryRun: input.dryRun ?? false,
  });
  const summary = { importId: applied.importId, added: applied.added, updated: applied.updated, leavers: applied.leavers, unchanged: applied.unchanged, applied: applied.applied };
  return { status: input.dryRun === true ? 'checked' : 'applied', read, summary };
}
