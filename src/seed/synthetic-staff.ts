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

interface JobRole {
  readonly title: string;
  /** The Agenda for Change bands this role is advertised at ('medical' for doctors' grades). */
  readonly bands: readonly string[];
}

interface JobProfile {
  readonly staffGroup: string;
  readonly jobRoles: readonly JobRole[];
  readonly weight: number;
}

// Rough shares of the NHS Wales workforce by staff group (illustrative, not a published figure).
// Each role draws its band from its own list (illustrative, after typical Agenda for Change
// profiles), so no one is a "Staff Nurse, Band 8a" or a "Porter, Band 5".
const PROFILES: readonly JobProfile[] = [
  { staffGroup: 'Nursing and Midwifery Registered', weight: 30, jobRoles: [
    { title: 'Staff Nurse', bands: ['5'] }, { title: 'Sister/Charge Nurse', bands: ['6', '7'] }, { title: 'Midwife', bands: ['5', '6', '7'] },
    { title: 'Clinical Nurse Specialist', bands: ['6', '7'] }, { title: 'Advanced Nurse Practitioner', bands: ['7', '8a'] },
  ] },
  { staffGroup: 'Additional Clinical Services', weight: 22, jobRoles: [
    { title: 'Healthcare Support Worker', bands: ['2', '3', '4'] }, { title: 'Nursery Nurse', bands: ['3', '4'] }, { title: 'Phlebotomist', bands: ['2', '3'] },
  ] },
  { staffGroup: 'Administrative and Clerical', weight: 22, jobRoles: [
    { title: 'Medical Secretary', bands: ['3', '4'] }, { title: 'Ward Clerk', bands: ['2', '3'] }, { title: 'Manager', bands: ['5', '6', '7', '8a', '8b'] }, { title: 'Receptionist', bands: ['2', '3'] },
  ] },
  { staffGroup: 'Medical and Dental', weight: 8, jobRoles: [
    { title: 'Consultant', bands: ['medical'] }, { title: 'Specialty Registrar', bands: ['medical'] }, { title: 'Foundation Year 1', bands: ['medical'] },
    { title: 'Specialty Doctor', bands: ['medical'] }, { title: 'Consultant in Clinical Genetics', bands: ['medical'] },
  ] },
  { staffGroup: 'Allied Health Professionals', weight: 7, jobRoles: [
    { title: 'Physiotherapist', bands: ['5', '6', '7'] }, { title: 'Occupational Therapist', bands: ['5', '6', '7'] }, { title: 'Dietitian', bands: ['5', '6', '7'] },
    { title: 'Radiographer - Diagnostic', bands: ['5', '6', '7'] },
  ] },
  { staffGroup: 'Add Prof Scientific and Technic', weight: 5, jobRoles: [
    { title: 'Pharmacist', bands: ['6', '7', '8a', '8b'] }, { title: 'Pharmacy Technician', bands: ['4', '5'] }, { title: 'Genetic Counsellor', bands: ['6', '7', '8a'] },
    { title: 'Psychologist', bands: ['7', '8a', '8b'] },
  ] },
  { staffGroup: 'Healthcare Scientists', weight: 3, jobRoles: [
    { title: 'Clinical Scientist (Genomics)', bands: ['7', '8a', '8b'] }, { title: 'Clinical Bioinformatician', bands: ['6', '7', '8a'] }, { title: 'Genetic Technologist', bands: ['5', '6'] },
    { title: 'Biomedical Scientist', bands: ['5', '6', '7'] }, { title: 'Healthcare Science Practitioner', bands: ['4', '5', '6'] },
  ] },
  { staffGroup: 'Estates and Ancillary', weight: 3, jobRoles: [
    { title: 'Porter', bands: ['2'] }, { title: 'Domestic', bands: ['2'] }, { title: 'Catering Assistant', bands: ['2'] },
  ] },
];

/** Every job role the generator uses, with the bands it may be drawn at. */
export const BANDS_BY_JOB_ROLE: ReadonlyMap<string, readonly string[]> = new Map(PROFILES.flatMap((p) => p.jobRoles.map((r) => [r.title, r.bands] as const)));

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
    // Drawn here, then its band, in the order the generator always drew them, so a seed gives the same people as before.
    const role = pick(random, profile.jobRoles);
    rows.push({
      employeeNumber: String(10_000_000 + i),
      assignmentNumber: assignment,
      firstName,
      lastName,
      email: `${firstName}.${lastName}.${assignment}@${domain}`.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9.@-]/g, '').toLowerCase(),
      organisationCode: org,
      staffGroup: profile.staffGroup,
      jobRole: role.title,
      band: pick(random, role.bands),
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
