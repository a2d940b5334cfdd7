// Small factories for test data: one staff row with sensible defaults, changed
// only where a test cares.

import type { SyntheticStaffRow } from '../../src/seed/synthetic-staff.js';
import { toEsrCsv } from '../../src/seed/synthetic-staff.js';

let next = 30_000_000;

export function buildStaffRow(overrides: Partial<SyntheticStaffRow> = {}): SyntheticStaffRow {
  next += 1;
  return {
    employeeNumber: String(next - 20_000_000),
    assignmentNumber: String(next),
    firstName: 'Siân',
    lastName: 'Prosser',
    email: `sian.prosser.${next}@test.genomeg.test`,
    organisationCode: '7A7',
    staffGroup: 'Healthcare Scientists',
    jobRole: 'Clinical Scientist (Genomics)',
    band: '7',
    wte: '1.00',
    assignmentStartDate: '2019-09-01',
    dateOfBirth: '1985-06-15',
    lineManagerAssignmentNumber: '',
    ...overrides,
  };
}

export function staffCsv(rows: readonly SyntheticStaffRow[], options: { crlf?: boolean; bom?: boolean } = {}): string {
  return toEsrCsv(rows, options);
}
