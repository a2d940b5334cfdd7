// Importing an ESR staff extract, the same way from the command line and from
// the organisation administrator's page: read and check every row (domain),
// then either write nothing and return every problem, or apply the whole file
// in one transaction (store). An importer changes only records of the
// organisations they administer: a row naming an assignment number another
// organisation holds is an error on its line, checked here and again inside
// the transaction.

import {
  ENCODING_NAMES, readEsrExtract,
  type EsrIssue, type EsrReadResult, type ExtractEncoding, type ImportMode,
} from '../domain/staff/index.js';
import type { StaffStore, ImportSummary } from '../db/stores/staff-store.js';

export interface StaffImportInput {
  readonly text: string;
  readonly fileName: string;
  readonly mode: ImportMode;
  /** The day the extract stands for: ages, the latest start date and leavers' leaving date. */
  readonly asOf?: Date;
  readonly permittedOrganisations: 'all' | readonly string[];
  readonly actorUserId: string | null;
  readonly dryRun?: boolean;
  /** How the file's bytes were read (decodeExtract); anything but UTF-8 is a warning that names it. */
  readonly encoding?: ExtractEncoding;
  /**
   * Apply nothing when a full extract would mark more than a tenth of an
   * organisation's active staff as leavers (the web page, until the person
   * confirms); the outcome is then 'held'.
   */
  readonly holdManyLeavers?: boolean;
}

export type StaffImportOutcome =
  | { readonly status: 'rejected'; readonly read: EsrReadResult }
  | { readonly status: 'checked' | 'applied' | 'held'; readonly read: EsrReadResult; readonly summary: ImportSummary };

function withIssues(read: EsrReadResult, extra: readonly EsrIssue[]): EsrReadResult {
  if (extra.length === 0) return read;
  const warnings = extra.filter((i) => i.severity === 'warning').length;
  return { ...read, issues: [...extra, ...read.issues], warningCount: read.warningCount + warnings, errorCount: read.errorCount + extra.length - warnings };
}

export async function importStaffExtract(staff: StaffStore, input: StaffImportInput): Promise<StaffImportOutcome> {
  const directory = await staff.organisationsByAssignment();
  const encodingIssues: EsrIssue[] = input.encoding === 'windows-1252'
    ? [{ line: null, column: null, code: 'windows-encoding', value: ENCODING_NAMES['windows-1252'], severity: 'warning' }]
    : [];
  const read = withIssues(readEsrExtract(input.text, {
    asOf: input.asOf ?? new Date(),
    permittedOrganisations: input.permittedOrganisations,
    knownAssignmentNumbers: new Set(directory.keys()),
    directoryOrganisations: directory,
  }), encodingIssues);
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
    permittedOrganisations: input.permittedOrganisations, holdManyLeavers: input.holdManyLeavers ?? false,
    ...(input.asOf === undefined ? {} : { asOf: input.asOf }),
  });
  const { importId, added, updated, leavers, unchanged, moves, leaverWarnings, held, accountsNotLinked } = applied;
  const summary: ImportSummary = { importId, added, updated, leavers, unchanged, applied: applied.applied, moves, leaverWarnings, held, accountsNotLinked };
  // An account left unlinked is a warning on the line of the person whose email it has.
  const column = read.headers.get('email') ?? 'Email Address';
  const linkIssues: EsrIssue[] = summary.accountsNotLinked.map((assignmentNumber): EsrIssue => ({
    line: read.lineOf.get(assignmentNumber) ?? null, column, code: 'account-not-linked', value: null, severity: 'warning',
  })).sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const status = input.dryRun === true ? 'checked' : summary.held ? 'held' : 'applied';
  return { status, read: withIssues(read, linkIssues), summary };
}
