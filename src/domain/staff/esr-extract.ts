// Reading an ESR-style staff extract. Pure: takes the file's text, the date the
// extract stands for and the organisations the importer may load, and returns
// either every row as a StaffRecord or every problem found, each naming the
// line, the column and what is wrong. Nothing here writes anything; deciding
// what changes is plan-import.ts, writing it is the staff store.

import { readCsv } from './csv.js';
import { organisationByCode, payBandByCode, staffGroupByName } from './reference-data.js';
import { ageBandOn, type AgeBand } from './age-band.js';

export interface StaffRecord {
  readonly employeeNumber: string;
  readonly assignmentNumber: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string | null;
  readonly organisationCode: string;
  readonly staffGroupCode: string;
  readonly jobRole: string;
  readonly bandCode: string;
  readonly wte: number;
  readonly assignmentStartDate: string;
  readonly ageBand: AgeBand;
  readonly lineManagerAssignmentNumber: string | null;
}

export type StaffField = keyof StaffRecord;

export interface ColumnSpec {
  readonly field: Exclude<StaffField, 'ageBand'> | 'dateOfBirth';
  readonly header: string;
  readonly aliases: readonly string[];
  readonly required: boolean;
}

/** The columns of an extract, in the order the README documents them. */
export const ESR_COLUMNS: readonly ColumnSpec[] = [
  { field: 'employeeNumber', header: 'Employee Number', aliases: ['staff number', 'employee no', 'staff no', 'person number'], required: true },
  { field: 'assignmentNumber', header: 'Assignment Number', aliases: ['assignment no'], required: true },
  { field: 'firstName', header: 'First Name', aliases: ['forename', 'first forename', 'given name'], required: true },
  { field: 'lastName', header: 'Last Name', aliases: ['surname', 'family name'], required: true },
  { field: 'email', header: 'Email Address', aliases: ['email', 'work email', 'work email address', 'email addr', 'primary email address'], required: false },
  { field: 'organisationCode', header: 'Organisation Code', aliases: ['org code', 'organization code', 'organisation'], required: true },
  { field: 'staffGroupCode', header: 'Staff Group', aliases: [], required: true },
  { field: 'jobRole', header: 'Job Role', aliases: ['occupation', 'job title'], required: true },
  { field: 'bandCode', header: 'Band', aliases: ['pay band', 'grade', 'payband'], required: true },
  { field: 'wte', header: 'WTE', aliases: ['fte', 'whole time equivalent', 'full time equivalent', 'assignment wte', 'contracted wte'], required: true },
  { field: 'assignmentStartDate', header: 'Assignment Start Date', aliases: ['start date', 'assignment start'], required: true },
  { field: 'dateOfBirth', header: 'Date of Birth', aliases: ['dob', 'birth date'], required: true },
  { field: 'lineManagerAssignmentNumber', header: 'Line Manager Assignment Number', aliases: ['supervisor assignment number', 'manager assignment number'], required: false },
];

export const ESR_ISSUE_CODES = [
  'file-empty',
  'unterminated-quote',
  'stray-quote',
  'missing-column',
  'duplicate-column',
  'ignored-column',
  'windows-encoding',
  'replacement-character',
  'held-by-another-organisation',
  'account-not-linked',
  'wrong-field-count',
  'required',
  'too-long',
  'invalid-assignment-number',
  'invalid-email',
  'unknown-organisation',
  'organisation-not-permitted',
  'unknown-staff-group',
  'unknown-band',
  'invalid-wte',
  'invalid-date',
  'date-in-future',
  'implausible-age',
  'duplicate-assignment',
  'self-managed',
  'unknown-line-manager',
] as const;

export type EsrIssueCode = (typeof ESR_ISSUE_CODES)[number];

export interface EsrIssue {
  /** 1-based line in the file; null for the file as a whole. */
  readonly line: number | null;
  /** The column's header as the file spells it, or the documented header. */
  readonly column: string | null;
  readonly code: EsrIssueCode;
  /** What was found, trimmed to a readable length; never a date of birth. */
  readonly value: string | null;
  /** For a duplicate: the line the value first appeared on (kept apart so each language words it). */
  readonly firstLine?: number;
  /** Errors stop the import; warnings are reported and the row is kept. */
  readonly severity: 'error' | 'warning';
}

export interface EsrReadOptions {
  /** The day the extract stands for: ages are worked out on it, later dates refused. */
  readonly asOf: Date;
  /** Organisation codes the importer may load, or 'all'. */
  readonly permittedOrganisations: 'all' | readonly string[];
  /** Assignment numbers already in the directory, for checking line managers. */
  readonly knownAssignmentNumbers?: ReadonlySet<string>;
  /**
   * The organisation holding each assignment number already in the directory.
   * With a limited scope, a row whose assignment number is held by an
   * organisation outside it is an error: an import never moves a person out of
   * another organisation's directory.
   */
  readonly directoryOrganisations?: ReadonlyMap<string, string>;
  /** Stop collecting after this many errors (the count is still exact). */
  readonly maxIssues?: number;
}

export interface EsrReadResult {
  readonly records: StaffRecord[];
  readonly issues: EsrIssue[];
  readonly errorCount: number;
  readonly warningCount: number;
  readonly rowCount: number;
  readonly organisationCodes: string[];
  /** The line each assignment number was read from. */
  readonly lineOf: ReadonlyMap<string, number>;
  /** Each column found, as the file spells its header. */
  readonly headers: ReadonlyMap<string, string>;
}

const ASSIGNMENT_NUMBER = /^[0-9]{5,12}(-[0-9]{1,2})?$/;
const EMPLOYEE_NUMBER = /^[0-9A-Za-z]{3,20}$/;
const EMAIL = /^[^\s@"<>,;]+@[^\s@"<>,;]+\.[^\s@"<>,;]{2,}$/;
const MONTHS: Readonly<Record<string, number>> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };

/**
 * A header as compared: letters and digits only, lower case, so "E-mail Address",
 * "EMAIL ADDRESS" and "email_address" are one name, as are "W.T.E." and "WTE".
 */
export function headerKey(value: string): string {
  return value.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '');
}

/** The column a header names, or undefined when the import ignores it. */
export function columnForHeader(raw: string): ColumnSpec | undefined {
  const key = headerKey(raw);
  if (key === '') return undefined;
  return ESR_COLUMNS.find((c) => headerKey(c.header) === key || c.aliases.some((a) => headerKey(a) === key));
}

/** Accepts 2024-03-31, 31/03/2024 and 31-MAR-2024 (ESR's own export format). */
export function parseEsrDate(raw: string): string | null {
  const value = raw.trim();
  let y: number; let m: number; let d: number;
  let match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match) {
    y = Number(match[1]); m = Number(match[2]); d = Number(match[3]);
  } else if ((match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value))) {
    d = Number(match[1]); m = Number(match[2]); y = Number(match[3]);
  } else if ((match = /^(\d{1,2})[- ]([A-Za-z]{3})[- ](\d{4})$/.exec(value))) {
    const month = MONTHS[(match[2] ?? '').toLowerCase()];
    if (month === undefined) return null;
    d = Number(match[1]); m = month; y = Number(match[3]);
  } else {
    return null;
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

function shown(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}…` : value;
}

/** Names and other text are stored in Unicode NFC, so "Siân" is one string however it was typed. */
function nfc(value: string): string {
  return value.normalize('NFC');
}

export function readEsrExtract(text: string, options: EsrReadOptions): EsrReadResult {
  const maxIssues = options.maxIssues ?? 1000;
  const issues: EsrIssue[] = [];
  let errorCount = 0;
  let warningCount = 0;
  const report = (issue: EsrIssue): void => {
    if (issue.severity === 'error') errorCount += 1; else warningCount += 1;
    if (issues.length < maxIssues) issues.push(issue);
  };
  const done = (records: StaffRecord[], rowCount: number, orgs: Set<string>): EsrReadResult => ({
    records: errorCount > 0 ? [] : records,
    issues,
    errorCount,
    warningCount,
    rowCount,
    organisationCodes: [...orgs].sort(),
    lineOf: seen,
    headers: headerText,
  });

  const seen = new Map<string, number>();
  const headerText = new Map<string, string>();
  const { records: rows, problems } = readCsv(text);
  const header = rows[0];
  for (const p of problems) {
    // The column a quote problem is in: its header, or its number where the header itself is the line (or names nothing).
    const name = header === undefined || p.line <= header.line ? '' : (header.fields[p.field - 1] ?? '').trim();
    report({ line: p.line, column: name === '' ? `#${p.field}` : shown(name), code: p.problem, value: null, severity: 'error' });
  }
  if (header === undefined) {
    report({ line: null, column: null, code: 'file-empty', value: null, severity: 'error' });
    return done([], 0, new Set());
  }

  // Map each known column to its index; extra columns are ignored.
  const index = new Map<string, number>();
  header.fields.forEach((raw, i) => {
    const spec = columnForHeader(raw);
    if (spec === undefined) {
      // Every column left out is named, so a header spelt in a way nobody foresaw is seen, not silently dropped.
      report({ line: header.line, column: raw.trim() === '' ? `#${i + 1}` : shown(raw.trim()), code: 'ignored-column', value: null, severity: 'warning' });
      return;
    }
    if (index.has(spec.field)) {
      report({ line: header.line, column: raw.trim(), code: 'duplicate-column', value: null, severity: 'error' });
      return;
    }
    index.set(spec.field, i);
    headerText.set(spec.field, raw.trim());
  });
  for (const spec of ESR_COLUMNS) {
    if (spec.required && !index.has(spec.field)) {
      report({ line: header.line, column: spec.header, code: 'missing-column', value: null, severity: 'error' });
    }
  }
  const dataRows = rows.slice(1);
  if (errorCount > 0) return done([], dataRows.length, new Set());
  if (dataRows.length === 0) {
    report({ line: null, column: null, code: 'file-empty', value: null, severity: 'error' });
    return done([], 0, new Set());
  }

  const permitted = options.permittedOrganisations === 'all' ? null : new Set(options.permittedOrganisations);
  const records: StaffRecord[] = [];
  const organisations = new Set<string>();
  const headerLength = header.fields.length;
  const asOfDay = options.asOf.toISOString().slice(0, 10);

  for (const row of dataRows) {
    const line = row.line;
    const errorsBefore = errorCount;
    const columnOf = (field: string): string => headerText.get(field) ?? ESR_COLUMNS.find((c) => c.field === field)?.header ?? field;
    const error = (field: string, code: EsrIssueCode, value: string | null, extra: { firstLine?: number } = {}): void => {
      report({ line, column: columnOf(field), code, value: value === null ? null : shown(value), severity: 'error', ...extra });
    };
    if (row.fields.length < headerLength) {
      // The column named is the first one the row does not reach.
      report({ line, column: shown((header.fields[row.fields.length] ?? '').trim()), code: 'wrong-field-count', value: `${row.fields.length}/${headerLength}`, severity: 'error' });
      continue;
    }
    const get = (field: string): string => {
      const i = index.get(field);
      const value = i === undefined ? '' : nfc((row.fields[i] ?? '').trim());
      // U+FFFD is what is left where a character was lost before the file reached us; it is never stored.
      if (value.includes('\uFFFD')) {
        error(field, 'replacement-character', field === 'dateOfBirth' ? null : value);
      }
      return value;
    };
    const required = (field: string, max: number): string => {
      const value = get(field);
      if (value === '') error(field, 'required', null);
      else if (value.length > max) error(field, 'too-long', value);
      return value;
    };

    const employeeNumber = required('employeeNumber', 20);
    if (employeeNumber !== '' && !EMPLOYEE_NUMBER.test(employeeNumber)) error('employeeNumber', 'invalid-assignment-number', employeeNumber);
    const assignmentNumber = required('assignmentNumber', 20);
    if (assignmentNumber !== '' && !ASSIGNMENT_NUMBER.test(assignmentNumber)) error('assignmentNumber', 'invalid-assignment-number', assignmentNumber);
    const firstName = required('firstName', 100);
    const lastName = required('lastName', 100);
    const emailRaw = get('email');
    let email: string | null = null;
    if (emailRaw !== '') {
      if (emailRaw.length > 254 || !EMAIL.test(emailRaw)) error('email', 'invalid-email', emailRaw);
      else email = emailRaw.toLowerCase();
    }
    const orgRaw = required('organisationCode', 10);
    const organisation = orgRaw === '' ? undefined : organisationByCode(orgRaw);
    if (orgRaw !== '' && organisation === undefined) error('organisationCode', 'unknown-organisation', orgRaw);
    else if (organisation !== undefined && permitted !== null && !permitted.has(organisation.code)) error('organisationCode', 'organisation-not-permitted', organisation.code);
    const groupRaw = required('staffGroupCode', 100);
    const group = groupRaw === '' ? undefined : staffGroupByName(groupRaw);
    if (groupRaw !== '' && group === undefined) error('staffGroupCode', 'unknown-staff-group', groupRaw);
    const jobRole = required('jobRole', 200);
    const bandRaw = required('bandCode', 40);
    const band = bandRaw === '' ? undefined : payBandByCode(bandRaw);
    if (bandRaw !== '' && band === undefined) error('bandCode', 'unknown-band', bandRaw);
    const wteRaw = required('wte', 10);
    const wte = Number(wteRaw);
    if (wteRaw !== '' && (!/^\d+(\.\d+)?$/.test(wteRaw) || !(wte > 0) || wte > 1.5)) error('wte', 'invalid-wte', wteRaw);
    const startRaw = required('assignmentStartDate', 20);
    const start = startRaw === '' ? null : parseEsrDate(startRaw);
    if (startRaw !== '' && start === null) error('assignmentStartDate', 'invalid-date', startRaw);
    else if (start !== null && start > asOfDay) error('assignmentStartDate', 'date-in-future', startRaw);
    const dobRaw = required('dateOfBirth', 20);
    const dob = dobRaw === '' ? null : parseEsrDate(dobRaw);
    let ageBand: AgeBand | null = null;
    // A date of birth is never echoed back, even when it is wrong.
    if (dobRaw !== '' && dob === null) error('dateOfBirth', 'invalid-date', null);
    else if (dob !== null) {
      ageBand = ageBandOn(dob, options.asOf);
      if (ageBand === null) error('dateOfBirth', 'implausible-age', null);
    }
    const managerRaw = get('lineManagerAssignmentNumber');
    const manager = managerRaw === '' ? null : managerRaw;
    if (manager !== null && !ASSIGNMENT_NUMBER.test(manager)) error('lineManagerAssignmentNumber', 'invalid-assignment-number', manager);
    else if (manager !== null && manager === assignmentNumber) error('lineManagerAssignmentNumber', 'self-managed', manager);

    if (assignmentNumber !== '') {
      const first = seen.get(assignmentNumber);
      if (first !== undefined) error('assignmentNumber', 'duplicate-assignment', assignmentNumber, { firstLine: first });
      else seen.set(assignmentNumber, line);
      // The person is another organisation's: the row may not rename, re-email or move them.
      const holder = options.directoryOrganisations?.get(assignmentNumber);
      if (permitted !== null && holder !== undefined && !permitted.has(holder)) error('assignmentNumber', 'held-by-another-organisation', assignmentNumber);
    }

    if (errorCount === errorsBefore && organisation !== undefined && group !== undefined && band !== undefined && start !== null && ageBand !== null) {
      organisations.add(organisation.code);
      records.push({
        employeeNumber, assignmentNumber, firstName, lastName, email,
        organisationCode: organisation.code, staffGroupCode: group.code, jobRole,
        bandCode: band.code, wte, assignmentStartDate: start, ageBand,
        lineManagerAssignmentNumber: manager,
      });
    }
  }

  // Line managers may be in this file or already in the directory; anyone else is
  // reported as a warning (managers can sit in another organisation's extract).
  for (const record of records) {
    const manager = record.lineManagerAssignmentNumber;
    if (manager !== null && !seen.has(manager) && !(options.knownAssignmentNumbers?.has(manager) ?? false)) {
      report({ line: seen.get(record.assignmentNumber) ?? null, column: headerText.get('lineManagerAssignmentNumber') ?? 'Line Manager Assignment Number', code: 'unknown-line-manager', value: manager, severity: 'warning' });
    }
  }
  return done(records, dataRows.length, organisations);
}
