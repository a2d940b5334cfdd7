// What a client's scopes allow (xAPI 1.0.3 §4.1.3 / 2.0.0 OAuth scope names).
// Pure.

export const XAPI_SCOPES = ['statements/write', 'statements/read', 'statements/read/mine', 'all/read', 'all', 'state', 'define', 'profile'] as const;
export type XapiScope = (typeof XAPI_SCOPES)[number];

export function isScope(value: string): value is XapiScope {
  return (XAPI_SCOPES as readonly string[]).includes(value);
}

export type XapiAction = 'statements/write' | 'statements/read' | 'state' | 'state/read' | 'profile' | 'profile/read' | 'define' | 'about';

export interface ReadAccess {
  /** false: this client may not read statements at all. */
  readonly allowed: boolean;
  /** true: only statements this client's authority wrote (statements/read/mine). */
  readonly mineOnly: boolean;
}

export function canDo(scopes: readonly XapiScope[], action: XapiAction): boolean {
  if (action === 'about') return true;
  if (scopes.includes('all')) return true;
  switch (action) {
    case 'statements/write': return scopes.includes('statements/write');
    case 'statements/read': return statementReadAccess(scopes).allowed;
    case 'state': return scopes.includes('state');
    case 'state/read': return scopes.includes('state') || scopes.includes('all/read');
    case 'profile': return scopes.includes('profile');
    case 'profile/read': return scopes.includes('profile') || scopes.includes('all/read');
    case 'define': return scopes.includes('define');
  }
}

export function statementReadAccess(scopes: readonly XapiScope[]): ReadAccess {
  if (scopes.includes('all') || scopes.includes('all/read') || scopes.includes('statements/read')) return { allowed: true, mineOnly: false };
  if (scopes.includes('statements/read/mine')) return { allowed: true, mineOnly: true };
  return { allowed: false, mineOnly: false };
}
