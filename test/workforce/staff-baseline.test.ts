import { describe, expect, it } from 'vitest';
import { AGE_BANDS } from '../../src/domain/staff/age-band.js';
import { baselineFromStaff, specialistRoleOf, withStaffBaseline } from '../../src/domain/workforce/staff-baseline.js';
import { validateScenario } from '../../src/domain/workforce/scenario.js';
import { HAND } from './helpers.js';

describe('the baseline from the staff directory', () => {
  it('maps job roles to specialist roles by keyword', () => {
    expect(specialistRoleOf('Principal Clinical Scientist (Genomics)')).toBe('clinical-scientist');
    expect(specialistRoleOf('Senior Bioinformatician')).toBe('clinical-bioinformatician');
    expect(specialistRoleOf('Healthcare Science Practitioner')).toBe('genetic-technologist');
    expect(specialistRoleOf('Staff Nurse')).toBeUndefined();
  });

  it('counts people by role, organisation and band, and lets the planner override one row', () => {
    const staff = [
      { organisationCode: '7A4', jobRole: 'Clinical Scientist', ageBand: '25-34' },
      { organisationCode: '7A4', jobRole: 'Clinical Scientist', ageBand: '25-34' },
      { organisationCode: '7A4', jobRole: 'Clinical Scientist', ageBand: '55-64' },
      { organisationCode: '7A1', jobRole: 'Genetic Counsellor', ageBand: 'under-25' },
      { organisationCode: '7A1', jobRole: 'Porter', ageBand: 'under-25' },
      { organisationCode: 'RQ3', jobRole: 'Genetic Counsellor', ageBand: 'under-25' },
    ];
    const counted = baselineFromStaff(staff, AGE_BANDS, ['7a4', '7a1']);
    expect(counted.counted).toBe(4);
    expect(counted.skipped).toBe(1);
    expect(counted.baseline).toEqual([
      { role: 'clinical-scientist', organisation: '7a4', headcount: [0, 2, 0, 0, 1, 0] },
      { role: 'genetic-counsellor', organisation: '7a1', headcount: [1, 0, 0, 0, 0, 0] },
    ]);
    const data = {
      ...HAND,
      ageBands: AGE_BANDS.map((id, i) => (i < AGE_BANDS.length - 1 ? { id, width: 10 } : { id })),
      roles: [{ id: 'clinical-scientist', name: 'Clinical scientist', attrition: 0.1 }, { id: 'genetic-counsellor', name: 'Genetic counsellor', attrition: 0.1 }],
      organisations: [{ id: '7a4', name: 'Cardiff and Vale' }, { id: '7a1', name: 'Betsi Cadwaladr' }],
      baseline: [{ role: 'clinical-scientist', organisation: '7a4', headcount: [0, 5, 0, 0, 0, 0] }],
      pipelines: [], demand: {},
    };
    const scenario = validateScenario({ file: 'with-staff.yaml', data: withStaffBaseline(data, counted) });
    expect(scenario.baseline).toEqual([
      { role: 'clinical-scientist', organisation: '7a4', headcount: [0, 5, 0, 0, 0, 0] },
      { role: 'genetic-counsellor', organisation: '7a1', headcount: [1, 0, 0, 0, 0, 0] },
    ]);
  });
});
