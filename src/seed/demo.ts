// The demo data set: a synthetic staff directory across every NHS Wales
// organisation, loaded through the real ESR import, and one account for each
// role with a random password that is printed (and, for the embedded SQLite
// database, kept beside it so a restart can print it again).

import { randomBytes } from 'node:crypto';
import type { RoleGrant } from '../domain/auth/index.js';
import type { StaffStore } from '../db/stores/staff-store.js';
import type { UserStore } from '../db/stores/user-store.js';
import type { RequirementStore } from '../db/stores/requirement-store.js';
import { addDays, calendarDateIn } from '../domain/learning/index.js';
import { hashPassword } from '../security/passwords.js';
import { importStaffExtract } from '../services/staff-import.js';
import { syntheticStaff, toEsrCsv } from './synthetic-staff.js';

export interface DemoSignIn {
  readonly role: string;
  readonly email: string;
  readonly password: string;
  readonly note: string;
}

export interface DemoResult {
  readonly staff: number;
  readonly signIns: readonly DemoSignIn[];
}

interface DemoAccount {
  readonly key: string;
  readonly displayName: string;
  readonly grants: readonly RoleGrant[];
  readonly note: string;
  /** Link to a staff record: a manager with reports, or someone without. */
  readonly staff?: 'manager' | 'member';
}

const ACCOUNTS: readonly DemoAccount[] = [
  { key: 'platform-admin', displayName: 'Demo Platform Administrator', grants: [{ role: 'platform-admin', organisationCode: null }], note: 'everything, everywhere' },
  { key: 'org-admin', displayName: 'Demo Powys Administrator', grants: [{ role: 'org-admin', organisationCode: '7A7' }], note: 'staff and roles in Powys Teaching Health Board only' },
  { key: 'education-lead', displayName: 'Demo Education Lead', grants: [{ role: 'education-lead', organisationCode: null }], note: 'module versions, organisation requirements, credentials, xAPI clients' },
  { key: 'funded-reviewer', displayName: 'Demo Funded Places Reviewer', grants: [{ role: 'funded-reviewer', organisationCode: null }], note: 'blind scoring of applications for funded university places at /funded/review' },
  { key: 'workforce-planner', displayName: 'Demo Workforce Planner', grants: [{ role: 'workforce-planner', organisationCode: null }], note: 'workforce scenarios and projections at /plan' },
  { key: 'line-manager', displayName: 'Demo Line Manager', grants: [{ role: 'line-manager', organisationCode: '7A7' }, { role: 'learner', organisationCode: null }], note: 'their team in Powys', staff: 'manager' },
  { key: 'learner', displayName: 'Demo Learner', grants: [{ role: 'learner', organisationCode: null }], note: 'their own learning', staff: 'member' },
];

export const DEMO_EMAIL_DOMAIN = 'demo.genomeg.test';
export const DEMO_STAFF_ROWS = 3000;

/** The content/ modules the demo requirements name (module.yaml `id`). */
const MODULE_IRI = 'https://genomeg.wales/xapi/activities/module/';

/**
 * Powys requires "What is genomics?" of everyone by a date already past (so the
 * demo shows overdue learning), and "Pharmacogenomics in practice" of
 * prescribing and dispensing staff groups within 90 days of starting.
 */
async function seedDemoRequirements(requirements: RequirementStore, actorUserId: string | null, now: Date): Promise<number> {
  await requirements.add({
    organisationCode: '7A7', moduleId: `${MODULE_IRI}what-is-genomics`, staffGroupCodes: [],
    due: { kind: 'date', date: addDays(calendarDateIn(now), -14) },
  }, actorUserId);
  await requirements.add({
    organisationCode: '7A7', moduleId: `${MODULE_IRI}pharmacogenomics-in-practice`,
    staffGroupCodes: ['medical-dental', 'nursing-midwifery', 'add-prof-sci-tech'], due: { kind: 'days', days: 90 },
  }, actorUserId);
  return 2;
}

export async function seedDemo(stores: { users: UserStore; staff: StaffStore; requirements?: RequirementStore }, options: { staffRows?: number; seed?: number } = {}): Promise<DemoResult> {
  const rows = syntheticStaff({ rows: options.staffRows ?? DEMO_STAFF_ROWS, seed: options.seed ?? 2026, emailDomain: DEMO_EMAIL_DOMAIN });
  const outcome = await importStaffExtract(stores.staff, {
    text: toEsrCsv(rows), fileName: 'demo-esr-extract.csv', mode: 'full', permittedOrganisations: 'all', actorUserId: null,
  });
  if (outcome.status === 'rejected') throw new Error(`demo extract rejected: ${JSON.stringify(outcome.read.issues.slice(0, 3))}`);

  // A Powys manager with reports, and a Powys member of staff, for the linked accounts.
  const powys = rows.filter((r) => r.organisationCode === '7A7');
  const managerRow = powys.find((r) => powys.some((p) => p.lineManagerAssignmentNumber === r.assignmentNumber));
  const memberRow = powys.find((r) => r.lineManagerAssignmentNumber === managerRow?.assignmentNumber);

  const signIns: DemoSignIn[] = [];
  for (const account of ACCOUNTS) {
    const password = randomBytes(12).toString('base64url');
    const email = `${account.key}@${DEMO_EMAIL_DOMAIN}`;
    const row = account.staff === 'manager' ? managerRow : account.staff === 'member' ? memberRow : undefined;
    const staff = row === undefined ? undefined : await stores.staff.findByAssignment(row.assignmentNumber);
    await stores.users.create({
      email, displayName: staff === undefined ? account.displayName : `${staff.firstName} ${staff.lastName}`,
      passwordHash: await hashPassword(password), grants: account.grants, staffId: staff?.id ?? null,
    }, null);
    signIns.push({ role: account.key, email, password, note: account.note });
  }
  if (stores.requirements !== undefined) await seedDemoRequirements(stores.requirements, null, new Date());
  return { staff: rows.length, signIns };
}

export function formatSignIns(signIns: readonly DemoSignIn[]): string {
  const width = Math.max(...signIns.map((s) => s.email.length));
  return signIns.map((s) => `  ${s.email.padEnd(width)}  ${s.password}  (${s.role}: ${s.note})`).join('\n');
}
