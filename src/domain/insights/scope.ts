// Whose staff an insights reader's tables count. Pure: from the reader's
// grants. Platform administrators and education leads: all Wales;
// organisation administrators: their organisations; a line manager with
// neither: their own team (direct reports in ESR) in the organisations their
// role covers. Never a wider population than one of these.

import { can, organisationsWhere, type Principal } from '../auth/index.js';

export type InsightsScope =
  | { readonly kind: 'wales' }
  | { readonly kind: 'organisations'; readonly organisationCodes: readonly string[] }
  | { readonly kind: 'team'; readonly organisationCodes: 'all' | readonly string[] };

export function insightsScope(principal: Principal): InsightsScope | null {
  if (!can(principal, 'insights.read')) return null;
  const organisations = organisationsWhere(principal, 'insights.organisations');
  if (organisations === 'all') return { kind: 'wales' };
  if (organisations.length > 0) return { kind: 'organisations', organisationCodes: organisations };
  return { kind: 'team', organisationCodes: organisationsWhere(principal, 'team.read') };
}
