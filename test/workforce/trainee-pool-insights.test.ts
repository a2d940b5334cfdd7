// The pool of possible trainees taken from insights, on both databases: the
// count from the kept cells equals a count made directly from the staff
// records and completions, and small numbers are suppressed.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { literacyLevelOf } from '../../src/domain/insights/index.js';
import { levelRank } from '../../src/domain/learning/index.js';
import { feeds } from '../../src/domain/workforce/trainee-pool.js';
import { traineePoolFromInsights } from '../../src/services/workforce/trainee-pool.js';
import { today } from '../../src/services/learning/required-learning.js';
import { engines } from '../support/engines.js';
import { addStaff, OFFERED } from './trainee-pool-staff.js';

describe.each(engines)('the pool of possible trainees from insights on $name', (engine) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await engine.open();
    await addStaff(handle.db, [
      { people: 6, jobRole: 'Genetic Technologist', staffGroup: 'healthcare-scientists', level: 'practitioner' },
      { people: 5, jobRole: 'Biomedical Scientist', staffGroup: 'healthcare-scientists', level: 'advanced', organisation: '7A1' },
      { people: 3, jobRole: 'Genetic Technologist', staffGroup: 'healthcare-scientists', level: 'foundation' },
      { people: 2, jobRole: 'Genetic Technologist', staffGroup: 'healthcare-scientists', level: 'advanced', active: false },
      { people: 4, jobRole: 'Clinical Scientist (Genomics)', staffGroup: 'healthcare-scientists', level: 'advanced' },
      { people: 3, jobRole: 'Porter', staffGroup: 'estates-ancillary', level: 'practitioner' },
      { people: 3, jobRole: 'Staff Nurse', staffGroup: 'nursing-midwifery', level: 'practitioner' },
      { people: 2, jobRole: 'Nursery Nurse', staffGroup: 'additional-clinical', level: 'advanced' },
    ]);
  });
  afterAll(async () => { await handle.close(); });

  /** Active staff at practitioner level or above feeding the role, counted from the records themselves. */
  async function directCount(role: string): Promise<number> {
    const staff = await handle.db.selectFrom('staff').innerJoin('users', 'users.staff_id', 'staff.id')
      .select(['users.id as userId', 'staff.staff_group_code', 'staff.job_role', 'staff.active']).execute();
    const done = await handle.db.selectFrom('module_completions').select(['user_id', 'module_id']).execute();
    return staff.filter((s) => Boolean(s.active) && feeds(role, s.staff_group_code, s.job_role)).filter((s) => {
      const level = literacyLevelOf(new Set(done.filter((d) => d.user_id === s.userId).map((d) => d.module_id)), OFFERED);
      return level !== null && levelRank(level) >= levelRank('practitioner');
    }).length;
  }

  it('counts the same as the staff records and completions do, as at today', async () => {
    const figure = await traineePoolFromInsights(handle.db, 'clinical-scientist');
    const direct = await directCount('clinical-scientist');
    expect(direct).toBe(11);
    expect(figure).toEqual({ state: 'shown', count: direct, jobRoles: 2, asAt: today() });
  });

  it('says fewer than 5, with no count, where the records have fewer than 5', async () => {
    expect(await directCount('genetic-counsellor')).toBe(3);
    expect(await traineePoolFromInsights(handle.db, 'genetic-counsellor')).toEqual({ state: 'small', asAt: today() });
    expect(await traineePoolFromInsights(handle.db, 'no-such-role')).toEqual({ state: 'unmapped', asAt: today() });
  });
});
