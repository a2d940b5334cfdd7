// Staff, accounts and completions for the trainee-pool tests, then the kept
// insights aggregates rebuilt from them, as the refresh job would.

import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import type { LiteracyLevelCode } from '../../src/domain/learning/index.js';
import { calendarDateIn } from '../../src/domain/learning/index.js';
import { rebuildInsights } from '../../src/services/insights/aggregates.js';

/** One module at each of the first four levels: a level is reached by completing it and every one below. */
export const OFFERED: { id: string; level: LiteracyLevelCode }[] = [
  { id: 'urn:m:awareness', level: 'awareness' }, { id: 'urn:m:foundation', level: 'foundation' },
  { id: 'urn:m:practitioner', level: 'practitioner' }, { id: 'urn:m:advanced', level: 'advanced' },
];

export interface Group { readonly people: number; readonly jobRole: string; readonly staffGroup: string; readonly level: LiteracyLevelCode | null; readonly active?: boolean; readonly organisation?: string }

let serial = 0;

export async function addStaff(db: Kysely<Database>, groups: readonly Group[], now = new Date()): Promise<void> {
  // Records changed two hours ago: the app's own refresh job (which counts levels from the
  // app's content library, not OFFERED) finds nothing changed since the rebuild below.
  const stamp = new Date(now.getTime() - 7_200_000);
  for (const g of groups) {
    const upTo = g.level === null ? -1 : OFFERED.findIndex((m) => m.level === g.level);
    for (let i = 0; i < g.people; i++) {
      serial += 1;
      const n = `tp${String(serial)}`;
      await db.insertInto('staff').values({
        id: `s-${n}`, employee_number: `E-${n}`, assignment_number: `A-${n}`, first_name: 'Test', last_name: `Person ${n}`, email: null,
        organisation_code: g.organisation ?? '7A4', staff_group_code: g.staffGroup, job_role: g.jobRole, band_code: '6', wte: 1,
        assignment_start_date: calendarDateIn(new Date(now.getTime() - 400 * 86_400_000)), age_band: '35-44', line_manager_assignment_number: null,
        active: g.active ?? true, left_at: g.active === false ? stamp : null, created_at: stamp, updated_at: stamp, search_text: `test person ${n}`,
      }).execute();
      await db.insertInto('users').values({
        id: `u-${n}`, email: `${n}@example.test`, display_name: `Person ${n}`, password_hash: null, language: 'en', staff_id: `s-${n}`, active: true,
        failed_sign_ins: 0, locked_until: null, created_at: stamp, updated_at: stamp, oidc_issuer: null, oidc_subject: null, last_signed_in_at: null,
      }).execute();
      for (const m of OFFERED.slice(0, upTo + 1)) {
        await db.insertInto('module_completions').values({
          user_id: `u-${n}`, module_id: m.id, module_version: '1.0.0', attempt_id: `a-${n}-${m.level}`, score: 1, cpd_hours: 1, language: 'en', completed_at: new Date(now.getTime() - 30 * 86_400_000),
        }).execute();
      }
    }
  }
  await rebuildInsights(db, OFFERED, now);
}
