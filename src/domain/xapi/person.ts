// Who a data-protection request is about. A person can appear in the learning
// record store under several identifiers: their email address as an `mbox`,
// the same address hashed as an `mbox_sha1sum`, the platform's own account for
// them (the actor of the platform's statements), and an account at another
// system. From what an administrator knows of the person, the identifiers to
// look for, each as the agent key the store indexes. Pure.

import { createHash } from 'node:crypto';
import { agentKey } from './statement.js';
import { PLATFORM_HOME_PAGE } from './platform-statements.js';

export type IdentifierKind = 'mbox' | 'mbox_sha1sum' | 'platform-account' | 'account';

export interface PersonIdentifier {
  readonly kind: IdentifierKind;
  /** The agent key (statement.ts agentKey) the store holds for it. */
  readonly key: string;
  /** What to show: the address, the hash, or the account's home page and name. */
  readonly shown: string;
}

export interface PersonQuery {
  /** An email address, or '' when not known. */
  readonly email: string;
  /** An account at another system, or '' for both when not known. */
  readonly accountHomePage: string;
  readonly accountName: string;
}

export type PersonQueryField = 'email' | 'accountHomePage' | 'accountName';
export type PersonQueryProblem = 'none-given' | 'email-invalid' | 'home-page-invalid' | 'account-name-missing' | 'home-page-missing';

const EMAIL = /^[^\s@"<>,;:/]+@[^\s@"<>,;:/]+\.[^\s@"<>,;:/]{2,}$/;

/** What is wrong with the query, field by field (empty when nothing is). */
export function checkPersonQuery(query: PersonQuery): { field: PersonQueryField; problem: PersonQueryProblem }[] {
  const problems: { field: PersonQueryField; problem: PersonQueryProblem }[] = [];
  const { email, accountHomePage, accountName } = query;
  if (email === '' && accountHomePage === '' && accountName === '') return [{ field: 'email', problem: 'none-given' }];
  if (email !== '' && (email.length > 254 || !EMAIL.test(email))) problems.push({ field: 'email', problem: 'email-invalid' });
  if (accountHomePage !== '' && !isHomePage(accountHomePage)) problems.push({ field: 'accountHomePage', problem: 'home-page-invalid' });
  if (accountHomePage !== '' && accountName === '') problems.push({ field: 'accountName', problem: 'account-name-missing' });
  if (accountHomePage === '' && accountName !== '') problems.push({ field: 'accountHomePage', problem: 'home-page-missing' });
  return problems;
}

function isHomePage(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * The identifiers to look for: the email as an mbox and as an mbox_sha1sum
 * (SHA-1 of the mailto IRI, as xAPI defines it), the platform account of the
 * Genomeg user with that email when there is one, and the other account given.
 * Call only with a query checkPersonQuery accepts.
 */
export function identifiersOf(query: PersonQuery, platformUserId: string | null): PersonIdentifier[] {
  const out: PersonIdentifier[] = [];
  const add = (kind: IdentifierKind, agent: Record<string, unknown>, shown: string) => {
    const key = agentKey(agent);
    if (key !== null && !out.some((i) => i.key === key)) out.push({ kind, key, shown });
  };
  if (query.email !== '') {
    const mbox = `mailto:${query.email.trim().toLowerCase()}`;
    add('mbox', { mbox }, mbox);
    const sha1 = createHash('sha1').update(mbox).digest('hex');
    add('mbox_sha1sum', { mbox_sha1sum: sha1 }, sha1);
  }
  if (platformUserId !== null) add('platform-account', { account: { homePage: PLATFORM_HOME_PAGE, name: platformUserId } }, `${PLATFORM_HOME_PAGE} ${platformUserId}`);
  if (query.accountHomePage !== '' && query.accountName !== '') {
    add('account', { account: { homePage: query.accountHomePage, name: query.accountName } }, `${query.accountHomePage} ${query.accountName}`);
  }
  return out;
}
