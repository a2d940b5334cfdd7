// Who may decide a request for an event place that needs approval, and in
// which capacity. A request belongs to the learner's line manager (found
// through the staff directory) whenever that manager has an active account;
// only when there is none (no line manager recorded, the manager has no
// account, or their account or staff record is no longer active, worked out
// when the request is read, not when it was made) can someone with the
// permission `events.approve-unmanaged` decide it: an education lead
// (national) or an organisation administrator of the learner's organisation
// (domain/auth/roles.ts). Pure: takes grants and facts, returns answers.

import { grantAllowing, organisationsWhere, type Principal, type Role } from '../auth/roles.js';

/** In which capacity a decision was made: 'line-manager' (the staff directory's), or the role that allowed a decision on a request with no line manager. */
export type ApprovalCapacity = Role;

/** The organisations whose requests with no line manager this person may decide: 'all', or a list (empty: none). */
export function fallbackReach(principal: Principal): 'all' | readonly string[] {
  return organisationsWhere(principal, 'events.approve-unmanaged');
}

/** Does this person decide any requests with no line manager at all? */
export function decidesFallback(principal: Principal): boolean {
  const reach = fallbackReach(principal);
  return reach === 'all' || reach.length > 0;
}

/**
 * The capacity in which this person decides a request: as the learner's line
 * manager (theirs alone), or, for a request with no line manager on the
 * platform, in the role that allows it for the learner's organisation; null
 * when they may not decide it.
 */
export function capacityFor(
  principal: Principal,
  request: { readonly isTheirLineManager: boolean; readonly hasActiveLineManager: boolean; readonly organisationCode: string | null },
): ApprovalCapacity | null {
  if (request.isTheirLineManager) return 'line-manager';
  if (request.hasActiveLineManager) return null;
  return grantAllowing(principal, 'events.approve-unmanaged', request.organisationCode)?.role ?? null;
}
