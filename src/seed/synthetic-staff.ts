// Synthetic ESR extracts: realistic in shape, about no real person. Names are
// drawn at random from lists of common Welsh and English first names and
// surnames, so any match with a real person is chance. Used by the demo data,
// the tests and the import benchmark. Pure and seeded: the same seed gives the
// same file.

import { ESR_COLUMNS, ORGANISATIONS } from '../domain/staff/index.js';

/** mulberry32: a small, fast, seedable generator; plenty for synthetic data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST_NAMES = [
  'Siân', 'Llŷr', 'Gwenllïan', 'Rhys', 'Cerys', 'Dafydd', 'Ffion', 'Gareth', 'Nia', 'Owain', 'Elin', 'Iwan',
  'Megan', 'Tomos', 'Catrin', 'Huw', 'Angharad', 'Gethin', 'Lowri', 'Aled', 'Bethan', 'Emyr', 'Mari', 'Osian',
  'Olivia', 'James', 'Amelia', 'Oliver', 'Isla', 'Jack', 'Sophie', 'Harry', 'Emily', 'George', 'Grace', 'Noah',
  'Aisha', 'Mohammed', 'Priya', 'Arjun', 'Chiara', 'Tomasz', 'Zofia', 'Kwame', 'Ngozi', 'Mei', 'Wei', 'Anaïs',
];
const LAST_NAMES = [
  'Jones', 'Williams', 'Davies', 'Evans', 'Thomas', 'Roberts', 'Lewis', 'Hughes', 'Morgan', 'Griffiths',
  'Edwards', 'Owen', 'Price', 'Jenkins', 'Rees', 'Pritchard', 'Llewellyn', 'Prosser', 'Bowen', 'Vaughan',
  'ap Iorwerth', 'Ifans', 'Smith', 'Taylor', 'Brown', 'Wilson', "O'Neill", 'Patel', 'Khan', 'Nowak', 'Okafor', 'Chen',
];

interface JobProfile {
  readonly staffGroup: string;
  readonly jobRoles: readonly string[];
  readonly bands: readonly string[];
  readonly weight: number;
}

// Rough shares of the NHS Wales workforce by staff group (illustrative, not a published figure).
const PROFILES: readonly JobProfile[] = [
  { staffGroup: 'Nursing and Midwifery Registered', jobRoles: ['Staff Nurse', 'Sister/Charge Nurse', 'Midwife', 'Clinical Nurse Specialist', 'Advanced Nurse Practitioner'], bands: ['5', '6', '7', '8a'], weight: 30 },
  { staffGroup: 'Additional Clinical Services', jobRoles: ['Healthcare Support Worker', 'Nursery Nurse', 'Phlebotomist'], bands: ['2', '3', '4'], weight: 22 },
  { staffGroup: 'Administrative and Clerical', jobRoles: ['Medical Secretary', 'Ward Clerk', 'Manager', 'Receptionist'], bands: ['2', '3', '4', '5', '8a'], weight: 22 },
  { staffGroup: 'Medical and Dental', jobRoles: ['Consultant', 'Specialty Registrar', 'Foundation Year 1', 'Specialty Doctor', 'Consultant in Clinical Genetics'], bands: ['medical'], weight: 8 },
  { staffGroup: 'Allied Health Professionals', jobRoles: ['Physiotherapist', 'Occupational Therapist', 'Dietitian', 'Radiographer - Diagnostic'], bands: ['5', '6', '7'], weight: 7 },
  { staffGroup: 'Add Prof Scientific and Technic', jobRoles: ['Pharmacist', 'Pharmacy Technician', 'Genetic Counsellor', 'Psychologist'], bands: ['5', '6', '7', '8a', '8b'], weight: 5 },
  { staffGroup: 'Healthcare Scientists', jobRoles: ['Clinical Scientist (Genomics)', 'Clinical Bioinformatician', 'Genetic Technologist', 'Biomedical Scientist', 'Healthcare Science Practitioner'], bands: ['4', '5', '6', '7', '8a'], weight: 3 },
  { staffGroup: 'Estates and Ancillary', jobRoles: ['Porter', 'Domestic', 'Catering Assistant'], bands: ['2', '3'], weight: 3 },
];

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function weighted<T extends { weight: number }>(random: () => number, items: readonly T[]): T {
  const total = items.reduce((s, i) => s + i.weight, 0);
  let r = random() * total;
  for (const item of items) {
    r -= item.weight;
    if (r < 0) return item;
  }
  const last = items[items.length - 1];
  if (last === undefined) throw new Error('weighted pick from an empty list');
  return last;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function isoDate(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export interface SyntheticStaffOptions {
  readonly rows: number;
  readonly seed?: number;
  /** Limit to these organisation codes (default: all NHS Wales organisations). */
  readonly organisations?: readonly string[];
  /** First assignment number; numbers run on from it. */
  readonly firstAssignment?: number;
  /** Email domain for synthetic addresses. */
  readonly emailDomain?: string;
}

export interface SyntheticStaffRow {
  readonly employeeNumber: string;
  readonly assignmentNumber: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly organisationCode: string;
  readonly staffGroup: string;
  readonly jobRole: string;
  readonly band: string;
  readonly wte: string;
  readonly assignmentStartDate: string;
  readonly dateOfBirth: string;
  readonly lineManagerAssignmentNumber: string;
}

export function syntheticStaff(options: SyntheticStaffOptions): SyntheticStaffRow[] {
  const random = seededRandom(options.seed ?? 1);
  const orgs = ORGANISATIONS.filter((o) => options.organisations === undefined || options.organisations.includes(o.code))
    // Health boards weighted by population; other bodies a smaller, illustrative weight.
    .map((o) => ({ code: o.code, weight: o.population2018 ?? 60_000 }));
  const domain = options.emailDomain ?? 'demo.genomeg.test';
  const first = options.firstAssignment ?? 20_000_000;
  const rows: SyntheticStaffRow[] = [];
  const managersByOrg = new Map<string, string[]>();
  for (let i = 0; i < options.rows; i += 1) {
    const org = weighted(random, orgs).code;
    const profile = weighted(random, PROFILES);
    const firstName = pick(random, FIRST_NAMES);
    const lastName = pick(random, LAST_NAMES);
    const assignment = String(first + i);
    const managers = managersByOrg.get(org) ?? [];
    // About one in eight people manages others; everyone else reports to one of them.
    const isManager = managers.length === 0 || random() < 0.125;
    const manager = isManager ? '' : pick(random, managers);
    if (isManager) managers.push(assignment);
    managersByOrg.set(org, managers);
    const age = 20 + Math.floor(random() * 46);
    const birthYear = 2026 - age - 1;
    const startYear = Math.max(birthYear + 18, 2026 - Math.floor(random() * 25) - 1);
    rows.push({
      employeeNumber: String(10_000_000 + i),
      assignmentNumber: assignment,
      firstName,
      lastName,
      email: `${firstName}.${lastName}.${assignment}@${domain}`.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9.@-]/g, '').toLowerCase(),
      organisationCode: org,
      staffGroup: profile.staffGroup,
      jobRole: pick(random, profile.jobRoles),
      band: pick(random, profile.bands),
      wte: random() < 0.7 ? '1.00' : pick(random, ['0.40', '0.50', '0.60', '0.80', '0.90']),
      assignmentStartDate: isoDate(startYear, 1 + Math.floor(random() * 12), 1 + Math.floor(random() * 28)),
      dateOfBirth: isoDate(birthYear, 1 + Math.floor(random() * 12), 1 + Math.floor(random() * 28)),
      lineManagerAssignmentNumber: manager,
    });
  }
  return rows;
}

/** Rows as an ESR-style CSV with the documented header. */
export function toEsrCsv(rows: readonly SyntheticStaffRow[], options: { crlf?: boolean; bom?: boolean } = {}): string {
  const eol = options.crlf === false ? '\n' : '\r\n';
  const header = ESR_COLUMNS.map((c) => c.header).join(',');
  const lines = rows.map((r) => [
    r.employeeNumber, r.assignmentNumber, r.firstName, r.lastName, r.email, r.organisationCode, r.staffGroup,
    r.jobRole, r.band, r.wte, r.assignmentStartDate, r.dateOfBirth, r.lineManagerAssignmentNumber,
  ].map(csvField).join(','));
  return `${options.bom === true ? '\uFEFF' : ''}${header}${eol}${lines.join(eol)}${eol}`;
}
