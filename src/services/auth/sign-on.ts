// Who a single sign-on is: the account already linked to the provider's
// subject; else the account with the same (allowed) email, which is then linked;
// else a new learner account, linked to the staff record whose employee number
// (when a claim is configured) or work email matches. A person not in the
// directory gets an account with no organisation, and is told what to do.
// Roles never come from the provider; a refused sign-on creates nothing.

import type { AccountStore } from '../../db/stores/account-store.js';
import type { UserStore } from '../../db/stores/user-store.js';
import type { Language } from '../../domain/i18n.js';
import type { ProviderIdentity } from './oidc.js';

export type SignOnRefusal = 'domain' | 'no-email' | 'email-unverified' | 'disabled' | 'conflict' | 'invitation' | 'invitation-email';

export type SignOnOutcome =
  | { readonly kind: 'signed-in'; readonly userId: string; readonly created: boolean; readonly inDirectory: boolean }
  | { readonly kind: 'refused'; readonly reason: SignOnRefusal };

/** Whether an email's domain is one of the allowed ones (an empty list allows any). */
export function emailDomainAllowed(email: string, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true;
  const at = email.lastIndexOf('@');
  if (at < 1) return false;
  const domain = email.slice(at + 1).toLowerCase();
  return allowed.includes(domain);
}

export async function signOn(
  identity: ProviderIdentity,
  settings: { readonly allowedEmailDomains: readonly string[] },
  stores: { readonly accounts: AccountStore; readonly users: UserStore },
  language: Language,
): Promise<SignOnOutcome> {
  if (identity.email === null) return { kind: 'refused', reason: 'no-email' };
  if (!emailDomainAllowed(identity.email, settings.allowedEmailDomains)) return { kind: 'refused', reason: 'domain' };
  if (identity.emailVerified === false) return { kind: 'refused', reason: 'email-unverified' };

  const linkedId = await stores.accounts.findIdBySubject(identity.issuer, identity.subject);
  if (linkedId !== undefined) {
    const user = await stores.users.findById(linkedId);
    if (user === undefined || !user.active) return { kind: 'refused', reason: 'disabled' };
    return { kind: 'signed-in', userId: user.id, created: false, inDirectory: user.staffId !== null };
  }

  const byEmail = await stores.users.findByEmail(identity.email);
  if (byEmail !== undefined) {
    if (!byEmail.active) return { kind: 'refused', reason: 'disabled' };
    // An account already linked to another subject at the provider is not taken over by a second one.
    if (byEmail.ssoLinked) return { kind: 'refused', reason: 'conflict' };
    await stores.accounts.linkSubject(byEmail.id, identity.issuer, identity.subject);
    return { kind: 'signed-in', userId: byEmail.id, created: false, inDirectory: byEmail.staffId !== null };
  }

  const match = await stores.accounts.matchDirectory({ email: identity.email, employeeNumber: identity.employeeNumber });
  const userId = await stores.accounts.createFromSignOn({
    email: identity.email,
    displayName: match?.displayName ?? identity.name ?? identity.email,
    language,
    staffId: match?.staffId ?? null,
    issuer: identity.issuer,
    subject: identity.subject,
  });
  return { kind: 'signed-in', userId, created: true, inDirectory: match !== undefined };
}

/**
 * A sign-on begun from an invitation's page: the provider's (allowed, verified)
 * email must be the invited one; then the invitation is spent and a learner
 * account is made, linked to the provider's subject and to the invited staff
 * record. Refused, with nothing created, when the invitation is spent or
 * expired, the person already has an account, or the emails differ.
 */
export async function acceptInvitationBySignOn(
  identity: ProviderIdentity,
  settings: { readonly allowedEmailDomains: readonly string[] },
  stores: { readonly accounts: AccountStore; readonly users: UserStore },
  invitationHash: string,
): Promise<SignOnOutcome> {
  if (identity.email === null) return { kind: 'refused', reason: 'no-email' };
  if (!emailDomainAllowed(identity.email, settings.allowedEmailDomains)) return { kind: 'refused', reason: 'domain' };
  if (identity.emailVerified === false) return { kind: 'refused', reason: 'email-unverified' };
  const invitation = await stores.accounts.invitationByHash(invitationHash);
  if (invitation === undefined) return { kind: 'refused', reason: 'invitation' };
  if (identity.email.toLowerCase() !== invitation.email.toLowerCase()) return { kind: 'refused', reason: 'invitation-email' };
  const match = await stores.accounts.matchDirectory({ email: invitation.email, employeeNumber: null });
  const userId = await stores.accounts.acceptInvitationBySignOn(invitationHash, {
    displayName: match?.displayName ?? identity.name ?? invitation.email, issuer: identity.issuer, subject: identity.subject,
  });
  if (userId === undefined) return { kind: 'refused', reason: 'invitation' };
  return { kind: 'signed-in', userId, created: true, inDirectory: true };
}
