import { describe, expect, it } from 'vitest';
import { addressKeyOf, afterFailure, decayedScore, decide, delayFor, policyFor, type FailureCounter } from '../../src/domain/auth/index.js';

const policy = policyFor({ accountLimit: 5, addressLimit: 50, windowMinutes: 15 });
const at = (minutes: number) => new Date(Date.UTC(2026, 11, 7, 9, 0) + minutes * 60_000);

function failures(n: number, when = at(0)): FailureCounter {
  let counter: FailureCounter | undefined;
  for (let i = 0; i < n; i += 1) counter = afterFailure(counter, when, policy);
  if (counter === undefined) throw new Error('no failures');
  return counter;
}

describe('sign-in throttling policy (issue 13 item 4)', () => {
  it('waits only once the limit is reached, doubling each failure after, and never longer than the window', () => {
    expect(delayFor(4, 5, policy)).toBe(0);
    expect(delayFor(5, 5, policy)).toBe(30_000);
    expect(delayFor(6, 5, policy)).toBe(60_000);
    expect(delayFor(1000, 5, policy)).toBe(15 * 60_000);
  });

  it('lets counts decay: a count halves every window without a failure', () => {
    const counter = failures(8);
    expect(decayedScore(counter, at(15), policy)).toBeCloseTo(4);
    expect(decayedScore(counter, at(30), policy)).toBeCloseTo(2);
    expect(afterFailure(counter, at(30), policy).score).toBeCloseTo(3);
  });

  it("slows an account's guessers elsewhere but not its owner at an address they signed in from", () => {
    const counters = { account: failures(5) };
    expect(decide(counters, false, at(0.1), policy)).toMatchObject({ counter: 'account' });
    expect(decide(counters, false, at(0.1), policy).waitMs).toBeGreaterThan(0);
    expect(decide(counters, true, at(0.1), policy).waitMs).toBe(0);
    // Never refused for good: after the wait the attempt goes ahead.
    expect(decide(counters, false, at(1), policy).waitMs).toBe(0);
  });

  it('slows a guesser at the same address as the owner through the account-at-address count', () => {
    expect(decide({ 'account-address': failures(5) }, true, at(0.1), policy).counter).toBe('account-address');
  });

  it("does not let one address's failures slow accounts that have signed in from there, and only past the address limit", () => {
    expect(decide({ address: failures(49) }, false, at(0), policy).waitMs).toBe(0);
    expect(decide({ address: failures(50) }, false, at(0), policy).counter).toBe('address');
    expect(decide({ address: failures(500) }, true, at(0), policy).waitMs).toBe(0);
  });

  it('counts IPv6 by its /64 and IPv4 written as IPv6 as IPv4', () => {
    expect(addressKeyOf('203.0.113.9')).toBe('203.0.113.9');
    expect(addressKeyOf('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(addressKeyOf('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressKeyOf('2001:db8:1:2::9')).toBe('2001:db8:1:2::/64');
    expect(addressKeyOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKeyOf('::1')).toBe('0:0:0:0::/64');
  });
});
