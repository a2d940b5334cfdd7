import { describe, expect, it } from 'vitest';
import { can, canGrant, organisationsWhere, validateGrant, type Principal } from '../../src/domain/auth/index.js';

const powysAdmin: Principal = { userId: 'a', grants: [{ role: 'org-admin', organisationCode: '7A7' }] };
const platformAdmin: Principal = { userId: 'b', grants: [{ role: 'platform-admin', organisationCode: null }] };
const learner: Principal = { userId: 'c', grants: [{ role: 'learner', organisationCode: null }] };

describe('roles and permissions', () => {
  it('lets an organisation administrator read staff in their organisation only', () => {
    expect(can(powysAdmin, 'staff.read', '7A7')).toBe(true);
    expect(can(powysAdmin, 'staff.read', '7A2')).toBe(false);
    expect(organisationsWhere(powysAdmin, 'staff.import')).toEqual(['7A7']);
  });

  it('lets a platform administrator act in every organisation', () => {
    expect(can(platformAdmin, 'staff.import', '7A2')).toBe(true);
    expect(organisationsWhere(platformAdmin, 'roles.manage')).toBe('all');
  });

  it('gives a learner none of the administrative permissions', () => {
    for (const p of ['staff.read', 'staff.import', 'roles.manage', 'audit.read', 'team.read'] as const) {
      expect(can(learner, p)).toBe(false);
    }
  });

  it('stops an organisation administrator granting national or other organisations\' roles', () => {
    expect(canGrant(powysAdmin, { role: 'line-manager', organisationCode: '7A7' })).toBe(true);
    expect(canGrant(powysAdmin, { role: 'org-admin', organisationCode: '7A2' })).toBe(false);
    expect(canGrant(powysAdmin, { role: 'platform-admin', organisationCode: null })).toBe(false);
    expect(canGrant(powysAdmin, { role: 'workforce-planner', organisationCode: null })).toBe(false);
    expect(canGrant(platformAdmin, { role: 'workforce-planner', organisationCode: null })).toBe(true);
  });

  it('requires an organisation for scoped roles and refuses one for national roles', () => {
    expect(validateGrant({ role: 'org-admin', organisationCode: null })).toBe(false);
    expect(validateGrant({ role: 'education-lead', organisationCode: '7A7' })).toBe(false);
    expect(validateGrant({ role: 'line-manager', organisationCode: '7A1' })).toBe(true);
  });
});
