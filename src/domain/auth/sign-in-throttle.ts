// Sign-in throttling, as the authentication chapter of OWASP ASVS asks: count
// failures per account and per client address, slow guessing down with a
// delay that grows with each failure rather than lock the account, and let
// the counts decay. Pure: the store keeps the counters; this decides.
//
// Three counters see each failure:
// - the account's (every address): it slows attempts at that account from
//   addresses the account has not signed in from before, so a guesser
//   elsewhere waits, but its owner at their usual desk does not;
// - the account at this address: it slows a guesser who shares an address
//   with the owner (a hospital's NAT); the owner's own success clears it;
// - the address's (every account, with a far higher limit): it slows one
//   address trying many accounts (password spraying), again only for accounts
//   not signed in from there before, so one NAT does not stop everyone behind it.
// A success clears only the account-at-address counter: an attacker's own
// successful sign-in must not wipe the address's count of their guesses.
// The wait never grows past the cap, so the right password always gets in.

export interface ThrottlePolicy {
  /** Failures of one account (and of one account at one address) before waits begin. */
  readonly accountLimit: number;
  /** Failures from one address, over all accounts, before waits begin. */
  readonly addressLimit: number;
  /** A count halves after this long without a failure. */
  readonly halfLifeMs: number;
  /** The first wait; each further failure doubles it. */
  readonly firstDelayMs: number;
  /** The longest wait ever asked for. */
  readonly maxDelayMs: number;
}

export interface FailureCounter {
  readonly score: number;
  readonly lastFailureAt: Date;
}

export type CounterKind = 'account' | 'account-address' | 'address';

export interface ThrottleKeys {
  readonly account: string;
  readonly accountAddress: string;
  readonly address: string;
}

export function policyFor(config: { accountLimit: number; addressLimit: number; windowMinutes: number }): ThrottlePolicy {
  const windowMs = config.windowMinutes * 60_000;
  return { accountLimit: config.accountLimit, addressLimit: config.addressLimit, halfLifeMs: windowMs, firstDelayMs: Math.min(30_000, windowMs), maxDelayMs: windowMs };
}

/**
 * The address a counter is kept for: an IPv4 address as it is, an IPv4
 * address written as IPv6 as IPv4, and IPv6 by its /64 (one household or one
 * attacker usually holds a whole /64).
 */
export function addressKeyOf(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1] !== undefined) return mapped[1];
  if (!ip.includes(':')) return ip;
  const [head = '', tail] = ip.toLowerCase().split('%')[0]?.split('::') ?? [''];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export function throttleKeys(accountKey: string, address: string): ThrottleKeys {
  return { account: `account:${accountKey}`, accountAddress: `account-address:${accountKey}:${address}`, address: `address:${address}` };
}

/** The count as it stands now, having halved every half-life since the last failure. */
export function decayedScore(counter: FailureCounter | undefined, now: Date, policy: ThrottlePolicy): number {
  if (counter === undefined) return 0;
  const elapsed = Math.max(0, now.getTime() - counter.lastFailureAt.getTime());
  return counter.score * 0.5 ** (elapsed / policy.halfLifeMs);
}

/** The counter after one more failure now. */
export function afterFailure(counter: FailureCounter | undefined, now: Date, policy: ThrottlePolicy): FailureCounter {
  return { score: decayedScore(counter, now, policy) + 1, lastFailureAt: now };
}

/** How long after a failure the next attempt must wait, for a count that has reached the limit. */
export function delayFor(score: number, limit: number, policy: ThrottlePolicy): number {
  // Failures a few seconds apart have decayed a little in between (five in
  // ten seconds count as about 4.97): a tenth's tolerance counts them as five.
  const failures = Math.floor(score + 0.1);
  if (failures < limit) return 0;
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.min(30, failures - limit));
}

export interface ThrottleDecision {
  /** Milliseconds still to wait; 0 when the attempt may go ahead. */
  readonly waitMs: number;
  /** Which counter asked for the wait, for the audit log. */
  readonly counter: CounterKind | null;
}

/**
 * May this attempt go ahead now? `knownAddress`: the account has signed in
 * from this address before, so only the account-at-address counter applies.
 */
export function decide(counters: Readonly<Partial<Record<CounterKind, FailureCounter>>>, knownAddress: boolean, now: Date, policy: ThrottlePolicy): ThrottleDecision {
  const applicable: [CounterKind, number][] = knownAddress
    ? [['account-address', policy.accountLimit]]
    : [['account-address', policy.accountLimit], ['account', policy.accountLimit], ['address', policy.addressLimit]];
  let decision: ThrottleDecision = { waitMs: 0, counter: null };
  for (const [kind, limit] of applicable) {
    const counter = counters[kind];
    if (counter === undefined) continue;
    const waitMs = Math.max(0, counter.lastFailureAt.getTime() + delayFor(counter.score, limit, policy) - now.getTime());
    if (waitMs > decision.waitMs) decision = { waitMs, counter: kind };
  }
  return decision;
}
