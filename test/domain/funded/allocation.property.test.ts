// The properties docs/funded-places.md promises, checked on random intakes.
// Scores are drawn from a few values so that ties (and the lottery) are common.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocate, apportion, lotteryTicket, nextFromReserve,
  type AllocationApplicant, type AllocationIntake, type AllocationResult,
} from '../../../src/domain/funded/allocation.js';
import { REASON_CODES } from '../../../src/domain/funded/explain.js';

const ORGS = ['A', 'B', 'C', 'D', 'E'];
const GROUPS = ['nursing', 'scientific', 'medical'];
const PROFESSIONS = ['pharmacist', 'nurse', 'scientist'];

function buildApplicant(i: number, fields: Partial<AllocationApplicant> = {}): AllocationApplicant {
  return { applicationId: `app-${i}`, organisationId: 'A', staffGroup: 'nursing', profession: 'nurse', score: 1, submittedAt: '2026-11-01T09:00:00Z', ...fields };
}

const applicantFields = fc.record({
  organisationId: fc.constantFrom(...ORGS, 'Z'), // Z has no eligible staff listed
  staffGroup: fc.constantFrom(...GROUPS),
  profession: fc.constantFrom(...PROFESSIONS),
  score: fc.integer({ min: 0, max: 4 }),
});

const applicantsArb = fc.array(applicantFields, { maxLength: 40 }).map((rows) => rows.map((r, i) => buildApplicant(i, r)));

const intakeArb: fc.Arbitrary<AllocationIntake> = fc.record({
  places: fc.integer({ min: 0, max: 20 }),
  rule: fc.constantFrom('quota-by-share' as const, 'score-only' as const),
  apportionment: fc.constantFrom('sainte-lague' as const, 'largest-remainder' as const),
  weights: fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: ORGS.length, maxLength: ORGS.length }),
  reservedRaw: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: ORGS.length, maxLength: ORGS.length }),
  useReserved: fc.boolean(),
  capPerOrganisation: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }),
  capPerStaffGroup: fc.option(fc.integer({ min: 0, max: 8 }), { nil: null }),
  professionMix: fc.option(fc.record({ profession: fc.constant('pharmacist'), maxShare: fc.constantFrom(0, 0.25, 0.5, 0.75, 1) }), { nil: null }),
  seed: fc.string({ maxLength: 12 }),
}).map(({ weights, reservedRaw, useReserved, ...rest }) => {
  const eligibleStaffByOrganisation = Object.fromEntries(ORGS.map((o, i) => [o, weights[i] ?? 0]));
  // Reserved places that fit: within the cap and, together, within the places.
  const reservedByOrganisation: Record<string, number> = {};
  let left = rest.places;
  if (useReserved) {
    ORGS.forEach((o, i) => {
      const n = Math.min(reservedRaw[i] ?? 0, left, rest.capPerOrganisation ?? Infinity);
      if (n > 0) { reservedByOrganisation[o] = n; left -= n; }
    });
  }
  return { ...rest, eligibleStaffByOrganisation, reservedByOrganisation };
});

const offered = (r: AllocationResult): Set<string> => new Set(r.decisions.filter((d) => d.outcome === 'offered').map((d) => d.applicationId));

function countBy(applicants: AllocationApplicant[], ids: Set<string>, key: (a: AllocationApplicant) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const a of applicants) if (ids.has(a.applicationId)) out.set(key(a), (out.get(key(a)) ?? 0) + 1);
  return out;
}

const RUNS = { numRuns: 500 };

describe('apportionment', () => {
  const weightsArb = fc.dictionary(fc.constantFrom(...ORGS), fc.integer({ min: 0, max: 10_000 }), { minKeys: 1 });
  const methodArb = fc.constantFrom('sainte-lague' as const, 'largest-remainder' as const);

  it('gives every seat when some party has weight, and only minimums when none has', () => {
    fc.assert(fc.property(methodArb, fc.integer({ min: 0, max: 60 }), weightsArb, fc.string(), (method, seats, weights, seed) => {
      const out = apportion(method, seats, weights, seed);
      const total = Object.values(out).reduce((a, b) => a + b, 0);
      expect(total).toBe(Object.values(weights).some((w) => w > 0) ? seats : 0);
      for (const [p, w] of Object.entries(weights)) if (w === 0) expect(out[p]).toBe(0);
    }), RUNS);
  });

  it('largest remainder keeps every party within its exact quota rounded down or up', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 60 }), weightsArb, fc.string(), (seats, weights, seed) => {
      const total = Object.values(weights).reduce((a, b) => a + b, 0);
      fc.pre(total > 0);
      const out = apportion('largest-remainder', seats, weights, seed);
      for (const [p, w] of Object.entries(weights)) {
        const exact = (w * seats) / total;
        expect(out[p]).toBeGreaterThanOrEqual(Math.floor(exact));
        expect(out[p]).toBeLessThanOrEqual(Math.ceil(exact));
      }
    }), RUNS);
  });

  it('Sainte-Laguë never takes a seat from a party when the house grows by one seat', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 60 }), weightsArb, fc.string(), (seats, weights, seed) => {
      const before = apportion('sainte-lague', seats, weights, seed);
      const after = apportion('sainte-lague', seats + 1, weights, seed);
      for (const p of Object.keys(weights)) expect(after[p]).toBeGreaterThanOrEqual(before[p] ?? 0);
    }), RUNS);
  });

  it('never gives a larger party fewer seats than a smaller one, and honours minimums', () => {
    fc.assert(fc.property(methodArb, fc.integer({ min: 0, max: 60 }), weightsArb, fc.dictionary(fc.constantFrom(...ORGS), fc.integer({ min: 0, max: 3 })), fc.string(), (method, seats, weights, minimums, seed) => {
      fc.pre(Object.values(minimums).reduce((a, b) => a + b, 0) <= seats);
      const plain = apportion(method, seats, weights, seed);
      for (const [p, w] of Object.entries(weights)) for (const [q, v] of Object.entries(weights)) if (w > v) expect(plain[p]).toBeGreaterThanOrEqual(plain[q] ?? 0);
      const withMinimums = apportion(method, seats, weights, seed, minimums);
      for (const [p, m] of Object.entries(minimums)) expect(withMinimums[p]).toBeGreaterThanOrEqual(m);
      if (Object.values(weights).some((w) => w > 0)) expect(Object.values(withMinimums).reduce((a, b) => a + b, 0)).toBe(seats);
    }), RUNS);
  });

  it('refuses minimums that add up to more than the seats', () => {
    expect(() => apportion('sainte-lague', 2, { A: 1, B: 1 }, 's', { A: 2, B: 1 })).toThrow(/GNM_VALIDATION/);
  });
});

describe('allocation properties', () => {
  it('never gives an organisation more than its cap, or a staff group more than its cap', () => {
    fc.assert(fc.property(intakeArb, applicantsArb, (intake, applicants) => {
      const ids = offered(allocate(intake, applicants));
      if (intake.capPerOrganisation != null) for (const n of countBy(applicants, ids, (a) => a.organisationId).values()) expect(n).toBeLessThanOrEqual(intake.capPerOrganisation);
      if (intake.capPerStaffGroup != null) for (const n of countBy(applicants, ids, (a) => a.staffGroup).values()) expect(n).toBeLessThanOrEqual(intake.capPerStaffGroup);
    }), RUNS);
  });

  it('with every applicant scored equal and enough applicants everywhere, gives each organisation exactly its apportioned quota', () => {
    fc.assert(fc.property(intakeArb, fc.integer({ min: 0, max: 4 }), (base, score) => {
      const intake: AllocationIntake = { ...base, rule: 'quota-by-share', capPerOrganisation: null, capPerStaffGroup: null, professionMix: null };
      fc.pre(Object.values(intake.eligibleStaffByOrganisation).some((w) => w > 0));
      // Every organisation has as many applicants as there are places.
      const applicants = ORGS.flatMap((o, j) => Array.from({ length: intake.places }, (_, k) => buildApplicant(j * 100 + k, { organisationId: o, score })));
      const result = allocate(intake, applicants);
      const expected = apportion(intake.apportionment, intake.places, intake.eligibleStaffByOrganisation, intake.seed, intake.reservedByOrganisation);
      for (const o of ORGS) expect({ o, offered: result.byOrganisation[o]?.offered }).toEqual({ o, offered: expected[o] });
    }), RUNS);
  });

  it('never takes a place from a better-ranked applicant in the same organisation when an applicant is added, except through the profession-mix swap', () => {
    fc.assert(fc.property(intakeArb, applicantsArb, applicantFields, (intake, applicants, extra) => {
      const x = buildApplicant(999, extra);
      const before = allocate(intake, applicants);
      const after = allocate(intake, [...applicants, x]);
      const xRank = after.decisions.find((d) => d.applicationId === x.applicationId)?.rank ?? 0;
      const was = offered(before);
      for (const d of after.decisions) {
        // Better-ranked: a higher score, or the same score and a lower ticket.
        if (d.rank >= xRank || !was.has(d.applicationId)) continue;
        const sameOrg = d.organisationId === x.organisationId;
        const scoreOnlyNoReserved = intake.rule === 'score-only' && Object.keys(intake.reservedByOrganisation ?? {}).length === 0;
        if (!sameOrg && !scoreOnlyNoReserved) continue;
        // With a profession-mix target, a place can also go because a swap now
        // displaces them, or because the swap that gave it them is no longer needed.
        const displacedByMix = d.reasons.some((r) => r.code === 'profession-mix-displaced');
        const heldByMix = before.decisions.find((b) => b.applicationId === d.applicationId)?.reasons.some((r) => r.code === 'profession-mix') ?? false;
        if (intake.professionMix == null) expect(d.outcome).toBe('offered');
        else expect(d.outcome === 'offered' || displacedByMix || heldByMix).toBe(true);
      }
    }), RUNS);
  });

  it('gives the same allocation for the same inputs and seed, whatever order the applications come in', () => {
    fc.assert(fc.property(intakeArb, applicantsArb, fc.integer(), (intake, applicants, salt) => {
      const shuffled = [...applicants].sort((a, b) => lotteryTicket(String(salt), a.applicationId).localeCompare(lotteryTicket(String(salt), b.applicationId)));
      expect(allocate(intake, shuffled)).toEqual(allocate(intake, applicants));
    }), RUNS);
  });

  it('offers min(places, applicants) places when there are no caps', () => {
    fc.assert(fc.property(intakeArb, applicantsArb, (base, applicants) => {
      const intake = { ...base, capPerOrganisation: null, capPerStaffGroup: null };
      expect(offered(allocate(intake, applicants)).size).toBe(Math.min(intake.places, applicants.length));
    }), RUNS);
  });

  it('with caps, leaves an applicant out only when the places are full or one of their caps is reached', () => {
    fc.assert(fc.property(intakeArb, applicantsArb, (base, applicants) => {
      const intake = { ...base, professionMix: null };
      const ids = offered(allocate(intake, applicants));
      const byOrg = countBy(applicants, ids, (a) => a.organisationId);
      const byGroup = countBy(applicants, ids, (a) => a.staffGroup);
      for (const a of applicants) {
        if (ids.has(a.applicationId)) continue;
        const full = ids.size >= intake.places;
        const orgCapped = intake.capPerOrganisation != null && (byOrg.get(a.organisationId) ?? 0) >= intake.capPerOrganisation;
        const groupCapped = intake.capPerStaffGroup != null && (byGroup.get(a.staffGroup) ?? 0) >= intake.capPerStaffGroup;
        expect(full || orgCapped || groupCapped).toBe(true);
      }
    }), RUNS);
  });

  it('the profession-mix target never changes how many places are offered, and is met whenever it says so', () => {
    fc.assert(fc.property(intakeArb, applicantsArb, (intake, applicants) => {
      const mix = intake.professionMix;
      fc.pre(mix !== null && mix !== undefined);
      const result = allocate(intake, applicants);
      const ids = offered(result);
      expect(ids.size).toBe(offered(allocate({ ...intake, professionMix: null }, applicants)).size);
      const p = applicants.filter((a) => ids.has(a.applicationId) && a.profession === mix.profession).length;
      expect(p <= Math.floor(mix.maxShare * ids.size + 1e-9)).toBe(result.professionMixMet);
    }), RUNS);
  });

  it('decides each applicant once: never both offered and reserve, ranks 1..n by score then ticket, reserve ranks 1..k in rank order', () => {
    fc.assert(fc.property(intakeArb, applicantsArb, (intake, applicants) => {
      const result = allocate(intake, applicants);
      expect(result.decisions.map((d) => d.applicationId).sort()).toEqual(applicants.map((a) => a.applicationId).sort());
      expect(result.decisions.map((d) => d.rank)).toEqual(applicants.map((_, i) => i + 1));
      for (let i = 1; i < result.decisions.length; i++) {
        const [p, q] = [result.decisions[i - 1], result.decisions[i]];
        if (p === undefined || q === undefined) continue;
        expect((p.score ?? 0) > (q.score ?? 0) || (p.score === q.score && p.lotteryTicket < q.lotteryTicket)).toBe(true);
      }
      for (const d of result.decisions) {
        expect(d.outcome === 'reserve').toBe(d.reserveRank !== null);
        expect(d.outcome === 'offered').toBe(d.place != null);
        expect(d.reasons.length).toBeGreaterThan(0);
        for (const r of d.reasons) expect(REASON_CODES).toContain(r.code);
      }
      expect(result.decisions.filter((d) => d.outcome === 'reserve').map((d) => d.reserveRank)).toEqual(result.decisions.filter((d) => d.outcome === 'reserve').map((_, i) => i + 1));
    }), RUNS);
  });

  it('fills a declined place from the reserve with someone not yet offered, within the caps, and gives the same answer when asked again', () => {
    fc.assert(fc.property(intakeArb, applicantsArb, fc.nat(), (intake, applicants, which) => {
      const result = allocate(intake, applicants);
      const holders = [...offered(result)];
      fc.pre(holders.length > 0);
      const declined = holders[which % holders.length] ?? '';
      const next = nextFromReserve(result, [declined]);
      expect(nextFromReserve(result, [declined])).toBe(next);
      if (next === null) return;
      expect(holders).not.toContain(next);
      expect(next).not.toBe(declined);
      const after = new Set([...holders.filter((h) => h !== declined), next]);
      if (intake.capPerOrganisation != null) for (const n of countBy(applicants, after, (a) => a.organisationId).values()) expect(n).toBeLessThanOrEqual(intake.capPerOrganisation);
      if (intake.capPerStaffGroup != null) for (const n of countBy(applicants, after, (a) => a.staffGroup).values()) expect(n).toBeLessThanOrEqual(intake.capPerStaffGroup);
      // A second decline (the one just offered) moves on to someone else.
      const again = nextFromReserve(result, [declined, next]);
      if (again !== null) expect([declined, next, ...holders]).not.toContain(again);
    }), RUNS);
  });

  it('over a run of declines, as the offers page uses it, never offers anyone twice and keeps the caps', () => {
    fc.assert(fc.property(intakeArb, applicantsArb, fc.array(fc.nat(), { maxLength: 12 }), (intake, applicants, picks) => {
      const result = allocate(intake, applicants);
      const holders = new Set(offered(result));
      const everOffered = new Set(holders);
      const declined: string[] = [];
      for (const pick of picks) {
        const current = [...holders].sort();
        if (current.length === 0) break;
        const who = current[pick % current.length] ?? '';
        holders.delete(who);
        declined.push(who);
        const next = nextFromReserve(result, declined);
        if (next === null) continue;
        expect(everOffered.has(next)).toBe(false);
        expect(result.decisions.find((d) => d.applicationId === next)?.outcome).toBe('reserve');
        holders.add(next);
        everOffered.add(next);
        expect(holders.size).toBeLessThanOrEqual(intake.places);
        if (intake.capPerOrganisation != null) for (const n of countBy(applicants, holders, (a) => a.organisationId).values()) expect(n).toBeLessThanOrEqual(intake.capPerOrganisation);
        if (intake.capPerStaffGroup != null) for (const n of countBy(applicants, holders, (a) => a.staffGroup).values()) expect(n).toBeLessThanOrEqual(intake.capPerStaffGroup);
      }
    }), RUNS);
  });
});
