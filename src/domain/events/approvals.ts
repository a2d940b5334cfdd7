// Who may decide a request for an event place that needs approval, and in
// which capacity. A request belongs to the learner's line manager (found
// through the staff directory) whenever that manager has an active account;
// only when there is none (no line manager recorded, the manager has no
// account, or their account or staff record is no longer active, worked out
// when the request is read, not when it was made) can the fallback decide it:
// an education lead (national) or an organisation administrator of the
// learner's organisation. Pure: takes grants and facts, returns answers.

import type { RoleGrant } from '../auth/roles.js';

export type ApprovalCapacity = 'line-manager' | 'education-lead' | 'org-admin';

/** The organisations whose requests with no line manager this person may decide: 'all', a list, or none (empty). */
export function fallbackReach(grants: readonly RoleGrant[]): 'all' | readonly string[] {
  if (grants.some((g) => g.role === 'education-lead')) return 'all';
  const codes = new Set<string>();
  for (const g of grants) if (g.role === 'org-admin' && g.organisationCode !== null) codes.add(g.organisationCode);
  return [...codes].sort();
}

/** Does this person decide any requests with no line manager at all? */
export function decidesFallback(grants: readonly RoleGrant[]): boolean {
  const reach = fallbackReach(grants);
  return reach === 'all' || reach.length > 0;
}

/**
 * The capacity in which this person decides a request: as the learner's line
 * manager (theirs alone), or, for a request with no line manager on the
 * platform, as an education lead or as an organisation administrator of the
 * learner's organisation; null when they may not decide it.
 */
export function capacityFor(
  grants: readonly RoleGrant[],
  request: { readonly isTheirLineManager: boolean; readonly hasActiveLineManager: boolean; readonly organisationCode: string | null },
): ApprovalCapacity | null {
  if (request.isTheirLineManager) return 'line-manager';
  if (request.hasActiveLineManager) return null;
  if (grants.some((g) => g.role === 'education-lead')) return 'education-lead';
  if (request.organisationCode !== null && grants.some((g) => g.role === 'org-admin' && g.organisationCode === request.organisationCode)) return 'org-admin';
  return null;
}
