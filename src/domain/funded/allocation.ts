// Funded university module places: who is offered a place, who is on the
// reserve list, and why. Pure: no database, no clock, no Math.random. The
// rules, their properties and three intakes worked by hand are in
// docs/funded-places.md.

export type AllocationRule = 'quota-by-share' | 'score-only';

export interface AllocationApplicant {
  applicationId: string;
  organisationId: string;
  staffGroup: string;
  profession: string;
  /** Final (moderated) score, higher is better. */
  score: number;
  /** ISO timestamp, informational only (never used to rank). */
  submittedAt: string;
}

export interface AllocationIntake {
  places: number;
  rule: AllocationRule;
  apportionment: 'sainte-lague' | 'largest-remainder';
  /** Eligible staff per organisation, for quotas by share. */
  eligibleStaffByOrganisation: Record<string, number>;
  /** Minimum reserved places, if any. */
  reservedByOrganisation?: Record<string, number>;
  capPerOrganisation?: number | null;
  capPerStaffGroup?: number | null;
  /** Soft: e.g. pharmacist at most 0.75 => at least 1 in 4 non-pharmacists. */
  professionMix?: { profession: string; maxShare: number } | null;
  /** Published lottery seed. */
  seed: string;
}

export type AllocationOutcome = 'offered' | 'reserve' | 'not-offered';

/** code is an i18n key suffix (fundedAllocation.CODE); params fill the sentence. */
export interface AllocationReason {
  code: string;
  params: Record<string, string | number>;
}

export interface AllocationDecision {
  applicationId: string;
  outcome: AllocationOutcome;
  /** Overall rank after tie-break (1 = best). */
  rank: number;
  reserveRank: number | null;
  lotteryTicket: string;
  reasons: AllocationReason[];
}

export interface AllocationResult {
  decisions: AllocationDecision[];
  quotas: Record<string, number>;
  seed: string;
  byOrganisation: Record<string, { quota: number; offered: number }>;
  professionMixMet: boolean | null;
}

export function allocate(intake: AllocationIntake, applicants: AllocationApplicant[]): AllocationResult {
  void intake; void applicants;
  throw new Error('allocate: not implemented yet');
}

export function apportion(method: 'sainte-lague' | 'largest-remainder', seats: number, weights: Record<string, number>, seed: string): Record<string, number> {
  void method; void seats; void weights; void seed;
  throw new Error('apportion: not implemented yet');
}

/** The next reserve to offer, by the same rule, once these applications have declined or expired. */
export function nextFromReserve(result: AllocationResult, declinedApplicationIds: string[]): string | null {
  void result; void declinedApplicationIds;
  throw new Error('nextFromReserve: not implemented yet');
}
