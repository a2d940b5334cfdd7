import { describe, expect, it } from 'vitest';
import { BANDS_BY_JOB_ROLE, syntheticStaff } from '../../src/seed/synthetic-staff.js';

describe('synthetic staff', () => {
  it('draws every band from those of the person\'s job role (no "Staff Nurse, Band 8a")', () => {
    const rows = syntheticStaff({ rows: 5000, seed: 3 });
    const impossible = rows.filter((r) => !(BANDS_BY_JOB_ROLE.get(r.jobRole) ?? []).includes(r.band)).map((r) => `${r.jobRole}, Band ${r.band}`);
    expect(impossible).toEqual([]);
    expect(rows.some((r) => r.jobRole === 'Staff Nurse' && r.band === '8a')).toBe(false);
    expect(new Set(rows.map((r) => r.jobRole)).size).toBe(BANDS_BY_JOB_ROLE.size);
  });

  it('gives Staff Nurses band 5 and porters band 2', () => {
    expect(BANDS_BY_JOB_ROLE.get('Staff Nurse')).toEqual(['5']);
    expect(BANDS_BY_JOB_ROLE.get('Porter')).toEqual(['2']);
  });
});
