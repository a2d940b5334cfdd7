// Roles and what they allow. Pure: takes the roles a person holds and answers
// whether an action is allowed, optionally within one organisation. Routes ask
// here; they never test role names themselves.

export const ROLES = [
  'learner',
  'line-manager',
  'education-lead',
  'workforce-planner',
  'funded-reviewer',
  'org-admin',
  'platform-admin',
] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Roles held within one organisation need an organisation code; the others are national. */
export const ORGANISATION_SCOPED_ROLES: ReadonlySet<Role> = new Set<Role>(['line-manager', 'org-admin']);

export interface RoleGrant {
  readonly role: Role;
  /** null for national roles; an NHS Wales organisation code for scoped ones. */
  readonly organisationCode: string | null;
}

export const PERMISSIONS = [
  'staff.read',
  'staff.import',
  'roles.manage',
  'audit.read',
  'team.read',
  'workforce.plan',
  'xapi.clients.manage',
  'xapi.people.manage',
  'credentials.revoke',
  'learning.require',
  'learning.publish',
  'email.outbox.read',
  'insights.read',
  'insights.organisations',
  'funded.manage',
  'funded.review',
  'insights.targets',
  'events.approve-unmanaged',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/**
 * Which roles carry a permission, and whether it is limited to the organisation
 * the grant names ('scoped') or applies everywhere ('national').
 */
const MATRIX: Readonly<Record<Permission, Partial<Record<Role, 'scoped' | 'national'>>>> = {
  'staff.read': { 'org-admin': 'scoped', 'platform-admin': 'national' },
  'staff.import': { 'org-admin': 'scoped', 'platform-admin': 'national' },
  'roles.manage': { 'org-admin': 'scoped', 'platform-admin': 'national' },
  'audit.read': { 'platform-admin': 'national' },
  'team.read': { 'line-manager': 'scoped' },
  'workforce.plan': { 'workforce-planner': 'national', 'platform-admin': 'national' },
  'credentials.revoke': { 'education-lead': 'national', 'platform-admin': 'national' },
  'xapi.clients.manage': { 'education-lead': 'national', 'org-admin': 'scoped', 'platform-admin': 'national' },
  // A person's learning records across every organisation: subject access exports and erasure.
  'xapi.people.manage': { 'platform-admin': 'national' },
  // Which modules an organisation's staff must complete, and by when.
  'learning.require': { 'education-lead': 'national', 'org-admin': 'scoped', 'platform-admin': 'national' },
  'learning.publish': { 'education-lead': 'national', 'platform-admin': 'national' },
  // Every message the platform made (the outbox) and the addresses that fail.
  'email.outbox.read': { 'platform-admin': 'national' },
  // Literacy insights (aggregates only): the page at all, and which organisations' staff they count;
  // a line manager without the second counts only their own team (domain/insights/scope.ts).
  'insights.read': { 'line-manager': 'scoped', 'education-lead': 'national', 'org-admin': 'scoped', 'platform-admin': 'national' },
  'insights.organisations': { 'education-lead': 'national', 'org-admin': 'scoped', 'platform-admin': 'national' },
  // Funded university module places: modules, intakes, moderation, allocation, offers, outcomes, reports.
  'funded.manage': { 'education-lead': 'national', 'platform-admin': 'national' },
  // Scoring applications blind; a reviewer sits on the panel and may manage nothing else.
  'funded.review': { 'education-lead': 'national', 'funded-reviewer': 'national', 'platform-admin': 'national' },
  // Literacy targets by staff group and date (national figures).
  'insights.targets': { 'education-lead': 'national', 'platform-admin': 'national' },
  // Deciding a request for an event place when the person has no line manager on the platform
  // (a line manager's own team's requests are theirs alone: domain/events/approvals.ts).
  'events.approve-unmanaged': { 'education-lead': 'national', 'org-admin': 'scoped' },
};

export interface Principal {
  readonly userId: string;
  readonly grants: readonly RoleGrant[];
}

/**
 * Is the action allowed? Without an organisation code the question is "anywhere
 * at all" (used to show a menu item); with one it is "in this organisation".
 */
export function can(principal: Principal, permission: Permission, organisationCode?: string): boolean {
  const reach = MATRIX[permission];
  return principal.grants.some((grant) => {
    const kind = reach[grant.role];
    if (kind === undefined) return false;
    if (kind === 'national' || organisationCode === undefined) return true;
    return grant.organisationCode === organisationCode;
  });
}

/** The grant that allows the action in this organisation (a national one first), or undefined: for recording in which capacity someone acted. */
export function grantAllowing(principal: Principal, permission: Permission, organisationCode: string | null): RoleGrant | undefined {
  const reach = MATRIX[permission];
  return principal.grants.find((g) => reach[g.role] === 'national')
    ?? (organisationCode === null ? undefined : principal.grants.find((g) => reach[g.role] === 'scoped' && g.organisationCode === organisationCode));
}

/** The organisations in which a permission holds, or 'all'. */
export function organisationsWhere(principal: Principal, permission: Permission): 'all' | readonly string[] {
  const reach = MATRIX[permission];
  const codes = new Set<string>();
  for (const grant of principal.grants) {
    const kind = reach[grant.role];
    if (kind === 'national') return 'all';
    if (kind === 'scoped' && grant.organisationCode !== null) codes.add(grant.organisationCode);
  }
  return [...codes].sort();
}

/**
 * Which roles may this principal grant, and where? A platform administrator may
 * grant any role anywhere; an organisation administrator may grant the
 * non-administrative roles, and org-admin itself, only within their organisations.
 */
export function canGrant(principal: Principal, grant: RoleGrant): boolean {
  if (principal.grants.some((g) => g.role === 'platform-admin')) return true;
  if (grant.role === 'platform-admin' || grant.role === 'education-lead' || grant.role === 'workforce-planner' || grant.role === 'funded-reviewer') return false;
  if (grant.organisationCode === null) return grant.role === 'learner' && organisationsWhere(principal, 'roles.manage').length > 0;
  return can(principal, 'roles.manage', grant.organisationCode);
}

export function validateGrant(grant: RoleGrant): boolean {
  const scoped = ORGANISATION_SCOPED_ROLES.has(grant.role);
  return scoped ? grant.organisationCode !== null : grant.organisationCode === null;
}

/** Roles that manage roles: a person cannot remove the last of these they hold themselves. */
export const ADMINISTRATOR_ROLES: ReadonlySet<Role> = new Set<Role>(['org-admin', 'platform-admin']);

/**
 * Is this an administrator removing their own last administrator role? They
 * could not undo it; another administrator has to (issue 14 item 9).
 */
export function removesOwnLastAdministratorRole(actor: Principal, target: Principal, grant: RoleGrant): boolean {
  return actor.userId === target.userId && ADMINISTRATOR_ROLES.has(grant.role)
    && !target.grants.some((g) => ADMINISTRATOR_ROLES.has(g.role) && !(g.role === grant.role && g.organisationCode === grant.organisationCode));
}
