// Funded university module places: who is offered a place, who is on the
// reserve list, and why. Pure: no database, no clock, no Math.random, no I/O
// beyond node:crypto's SHA-256 for the published lottery. Everything that can
// tie is broken by that lottery, so the same inputs and seed always give the
// same allocation, and anyone holding the seed can redo it by hand. The rules,
// their properties and three intakes worked by hand are in
// docs/funded-places.md; the property tests pin every property named there.

import { createHash } from 'node:crypto';
import { DomainError } from '../errors.js';

export type AllocationRule = 'quota-by-share' | 'score-only';
export type ApportionmentMethod = 'sainte-lague' | 'largest-remainder';

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
  apportionment: ApportionmentMethod;
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
  /** How many of those not offered go on the reserve list (the rest are not offered); null or absent: all of them. */
  reserveListLength?: number | null;
}

export type AllocationOutcome = 'offered' | 'reserve' | 'not-offered';

/** code is an i18n key suffix (fundedAllocation.CODE); params fill the sentence. */
export interface AllocationReason {
  code: string;
  params: Record<string, string | number>;
}

/** How an offered place was won: within the organisation's quota (or reserved places), or as a released place. */
export type PlaceKind = 'quota' | 'released';

export interface AllocationDecision {
  applicationId: string;
  outcome: AllocationOutcome;
  /** Overall rank after tie-break (1 = best). */
  rank: number;
  reserveRank: number | null;
  lotteryTicket: string;
  reasons: AllocationReason[];
  /** Copied from the applicant, so the result alone can replay the reserve list. */
  organisationId?: string;
  staffGroup?: string;
  profession?: string;
  score?: number;
  /** For an offered place: how it was won; null otherwise. */
  place?: PlaceKind | null;
}

/** The intake settings the result was made with, so nextFromReserve follows the same rule. */
export interface AllocationSettings {
  rule: AllocationRule;
  places: number;
  capPerOrganisation: number | null;
  capPerStaffGroup: number | null;
  professionMix: { profession: string; maxShare: number } | null;
}

export interface AllocationResult {
  decisions: AllocationDecision[];
  quotas: Record<string, number>;
  seed: string;
  byOrganisation: Record<string, { quota: number; offered: number }>;
  professionMixMet: boolean | null;
  settings?: AllocationSettings;
}

/**
 * The lottery ticket: the lowercase hex SHA-256 of `seed:id` (UTF-8). Lower
 * tickets go first. `printf '%s' 'SEED:ID' | sha256sum` gives the same.
 */
export function lotteryTicket(seed: string, id: string): string {
  return createHash('sha256').update(`${seed}:${id}`, 'utf8').digest('hex');
}

function invalid(field: string, problem: string): DomainError {
  return new DomainError('GNM_VALIDATION', { field, problem });
}

/** A record's own entry, so an id such as "constructor" never reads Object.prototype. */
function own(record: Record<string, number>, key: string | undefined): number {
  return key !== undefined && Object.hasOwn(record, key) ? record[key] ?? 0 : 0;
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0;
}

// ---------------------------------------------------------------------------
// Apportionment

/** a/b > c/d for non-negative weights, without dividing (exact for integers). */
function compareFractions(a: number, b: number, c: number, d: number): number {
  return a * d - c * b;
}

function apportionOnce(method: ApportionmentMethod, seats: number, parties: string[], weights: Record<string, number>, tickets: Map<string, string>): Map<string, number> {
  const out = new Map<string, number>(parties.map((p) => [p, 0]));
  const claimants = parties.filter((p) => own(weights, p) > 0);
  if (seats <= 0 || claimants.length === 0) return out;
  const byTicket = (a: string, b: string): number => ((tickets.get(a) ?? '') < (tickets.get(b) ?? '') ? -1 : 1);
  if (method === 'sainte-lague') {
    // Highest averages with divisors 1, 3, 5, …: each seat goes to the largest w / (2s + 1).
    for (let seat = 0; seat < seats; seat++) {
      let best = '';
      for (const p of claimants) {
        if (best === '') { best = p; continue; }
        const cmp = compareFractions(own(weights, p), 2 * (out.get(p) ?? 0) + 1, own(weights, best), 2 * (out.get(best) ?? 0) + 1);
        if (cmp > 0 || (cmp === 0 && byTicket(p, best) < 0)) best = p;
      }
      out.set(best, (out.get(best) ?? 0) + 1);
    }
    return out;
  }
  // Largest remainder with the Hare quota: floor(w * seats / W), then one more
  // seat each to the largest remainders (w * seats mod W).
  const total = claimants.reduce((sum, p) => sum + own(weights, p), 0);
  let given = 0;
  const remainders = new Map<string, number>();
  for (const p of claimants) {
    const product = own(weights, p) * seats;
    const whole = Math.floor(product / total);
    out.set(p, whole);
    given += whole;
    remainders.set(p, product - whole * total);
  }
  const order = [...claimants].sort((a, b) => ((remainders.get(b) ?? 0) - (remainders.get(a) ?? 0)) || byTicket(a, b));
  for (let i = 0; i < seats - given; i++) {
    const p = order[i % order.length] ?? '';
    out.set(p, (out.get(p) ?? 0) + 1);
  }
  return out;
}

/**
 * Shares `seats` among parties in proportion to their weights. Ties (equal
 * quotients, equal remainders) go to the lower lottery ticket of the party's
 * id. Minimums: a party given fewer seats than its minimum is fixed at its
 * minimum and leaves the count, the others share what is left by the same
 * method, and so on until no party is below its minimum. Parties whose weight
 * is 0 get only their minimum. When no party has weight, only minimums are
 * given (the sum is then below `seats`).
 */
export function apportion(method: ApportionmentMethod, seats: number, weights: Record<string, number>, seed: string, minimums: Record<string, number> = {}): Record<string, number> {
  if (!isCount(seats)) throw invalid('seats', 'a whole number, 0 or more');
  for (const [p, w] of Object.entries(weights)) if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw invalid(`weights.${p}`, 'a finite number, 0 or more');
  for (const [p, m] of Object.entries(minimums)) if (!isCount(m)) throw invalid(`minimums.${p}`, 'a whole number, 0 or more');
  const parties = [...new Set([...Object.keys(weights), ...Object.keys(minimums)])].sort();
  const minTotal = parties.reduce((sum, p) => sum + own(minimums, p), 0);
  if (minTotal > seats) throw invalid('minimums', `reserved places (${minTotal}) exceed the places (${seats})`);
  const tickets = new Map(parties.map((p) => [p, lotteryTicket(seed, p)]));
  const fixed = new Map<string, number>();
  for (;;) {
    const free = parties.filter((p) => !fixed.has(p));
    const left = seats - [...fixed.values()].reduce((a, b) => a + b, 0);
    const round = apportionOnce(method, left, free, weights, tickets);
    const below = free.filter((p) => (round.get(p) ?? 0) < own(minimums, p));
    if (below.length === 0) return Object.fromEntries(parties.map((p) => [p, fixed.get(p) ?? round.get(p) ?? 0]));
    for (const p of below) fixed.set(p, own(minimums, p));
  }
}

// ---------------------------------------------------------------------------
// Allocation

interface Entry {
  readonly applicant: AllocationApplicant;
  readonly ticket: string;
  rank: number;
  offered: PlaceKind | null;
  /** The reasons, in the order they arose. */
  reasons: AllocationReason[];
  /** Why the applicant was left out, set at their turn for a released place. */
  blocked: AllocationReason | null;
  displaced: boolean;
  /** Offered through a profession-mix swap (their reason says so instead of a rank reason). */
  swappedIn: boolean;
}

/** Higher score first, then the lower lottery ticket. */
function byRank(scoreA: number, ticketA: string, scoreB: number, ticketB: string): number {
  if (scoreA !== scoreB) return scoreB - scoreA;
  return ticketA < ticketB ? -1 : ticketA > ticketB ? 1 : 0;
}

class Counter {
  private readonly counts = new Map<string, number>();
  get(key: string): number { return this.counts.get(key) ?? 0; }
  add(key: string, by: number): void { this.counts.set(key, this.get(key) + by); }
}

function validate(intake: AllocationIntake, applicants: AllocationApplicant[]): void {
  if (!isCount(intake.places)) throw invalid('places', 'a whole number, 0 or more');
  if (!(['quota-by-share', 'score-only'] as string[]).includes(intake.rule)) throw invalid('rule', 'quota-by-share or score-only');
  if (!(['sainte-lague', 'largest-remainder'] as string[]).includes(intake.apportionment)) throw invalid('apportionment', 'sainte-lague or largest-remainder');
  for (const key of ['capPerOrganisation', 'capPerStaffGroup', 'reserveListLength'] as const) {
    const v = intake[key];
    if (v !== undefined && v !== null && !isCount(v)) throw invalid(key, 'a whole number, 0 or more, or none');
  }
  const mix = intake.professionMix;
  if (mix !== undefined && mix !== null && !(mix.maxShare >= 0 && mix.maxShare <= 1)) throw invalid('professionMix.maxShare', 'between 0 and 1');
  const cap = intake.capPerOrganisation ?? null;
  for (const [org, n] of Object.entries(intake.reservedByOrganisation ?? {})) {
    if (!isCount(n)) throw invalid(`reservedByOrganisation.${org}`, 'a whole number, 0 or more');
    if (cap !== null && n > cap) throw invalid(`reservedByOrganisation.${org}`, `reserved places (${n}) above the cap per organisation (${cap})`);
  }
  const seen = new Set<string>();
  for (const a of applicants) {
    if (seen.has(a.applicationId)) throw invalid('applicationId', `${a.applicationId} appears twice`);
    seen.add(a.applicationId);
    if (!Number.isFinite(a.score)) throw invalid('score', `${a.applicationId} has no finite score`);
  }
}

/** Shares the places; see docs/funded-places.md for the rule, step by step. */
export function allocate(intake: AllocationIntake, applicants: AllocationApplicant[]): AllocationResult {
  validate(intake, applicants);
  const places = intake.places;
  const orgCap = intake.capPerOrganisation ?? null;
  const groupCap = intake.capPerStaffGroup ?? null;
  const mix = intake.professionMix ?? null;
  const reserved = intake.reservedByOrganisation ?? {};

  // Quotas: by share of eligible staff (reserved places as minimums), or, under
  // score-only, just the reserved places.
  let quotas: Record<string, number>;
  if (intake.rule === 'quota-by-share') {
    quotas = apportion(intake.apportionment, places, intake.eligibleStaffByOrganisation, intake.seed, reserved);
  } else {
    const total = Object.values(reserved).reduce((a, b) => a + b, 0);
    if (total > places) throw invalid('reservedByOrganisation', `reserved places (${total}) exceed the places (${places})`);
    quotas = Object.fromEntries(Object.entries(reserved).filter(([, n]) => n > 0));
  }

  const entries: Entry[] = applicants.map((applicant) => ({
    applicant, ticket: lotteryTicket(intake.seed, applicant.applicationId), rank: 0, offered: null, reasons: [], blocked: null, displaced: false, swappedIn: false,
  }));
  entries.sort((a, b) => byRank(a.applicant.score, a.ticket, b.applicant.score, b.ticket));
  const scoreCount = new Counter();
  entries.forEach((e, i) => { e.rank = i + 1; scoreCount.add(String(e.applicant.score), 1); });

  const orgCount = new Counter();
  const groupCount = new Counter();
  let offeredTotal = 0;
  const capBlock = (a: AllocationApplicant): AllocationReason | null => {
    if (orgCap !== null && orgCount.get(a.organisationId) >= orgCap) return { code: 'cap-organisation', params: { organisation: a.organisationId, cap: orgCap } };
    if (groupCap !== null && groupCount.get(a.staffGroup) >= groupCap) return { code: 'cap-staff-group', params: { staffGroup: a.staffGroup, cap: groupCap } };
    return null;
  };
  const offer = (e: Entry, kind: PlaceKind): void => {
    e.offered = kind;
    orgCount.add(e.applicant.organisationId, 1);
    groupCount.add(e.applicant.staffGroup, 1);
    offeredTotal++;
  };

  // Pass 1: in rank order, each organisation's best applicants up to its quota.
  const quotaCount = new Counter();
  for (const e of entries) {
    const org = e.applicant.organisationId;
    const quota = own(quotas, org);
    if (quotaCount.get(org) >= quota || offeredTotal >= places) continue;
    const block = capBlock(e.applicant);
    if (block !== null) { e.blocked = block; continue; }
    quotaCount.add(org, 1);
    offer(e, 'quota');
  }
  // Pass 2: the places left (quotas not used, or no quotas at all) to the best
  // remaining applicants across Wales, in rank order, caps still hard.
  for (const e of entries) {
    if (e.offered !== null) continue;
    if (offeredTotal >= places) { e.blocked = null; continue; }
    const block = capBlock(e.applicant);
    if (block !== null) { e.blocked = block; continue; }
    e.blocked = null;
    offer(e, 'released');
  }

  // Profession mix (soft): swap the lowest-ranked offered member of the
  // profession for the best-ranked applicant of another profession who was not
  // offered, when no cap is broken and no organisation loses a quota place:
  // a quota place passes only within its organisation, a released place to
  // anyone. The offered count never changes.
  let professionMixMet: boolean | null = null;
  if (mix !== null) {
    const share = Math.round(mix.maxShare * 100);
    const isP = (e: Entry): boolean => e.applicant.profession === mix.profession;
    let countP = entries.filter((e) => e.offered !== null && isP(e)).length;
    // Applicants of other professions in rank order, all together (for a
    // released place) and by organisation (for a quota place).
    const others = entries.filter((e) => !isP(e));
    const othersByOrg = new Map<string, Entry[]>();
    for (const e of others) {
      const list = othersByOrg.get(e.applicant.organisationId);
      if (list === undefined) othersByOrg.set(e.applicant.organisationId, [e]);
      else list.push(e);
    }
    const maxP = (): number => Math.floor(mix.maxShare * offeredTotal + 1e-9);
    // Without caps a member of the profession who cannot swap never can later
    // (swaps only use candidates up), so the search goes on from where the last
    // swap was; with caps a swap frees room, so it starts again from the bottom.
    const restart = orgCap !== null || groupCap !== null;
    // Those who can give way: offered members of the profession, in rank order
    // (a swap never adds one, so the list is made once).
    const holdersP = entries.filter((e) => e.offered !== null && isP(e));
    let from = holdersP.length - 1;
    for (;;) {
      if (countP <= maxP()) { professionMixMet = true; break; }
      let swapped = false;
      if (restart) from = holdersP.length - 1;
      for (let i = from; i >= 0 && !swapped; i--) {
        from = i;
        const y = holdersP[i];
        if (y === undefined || y.offered === null) continue;
        const yOrg = y.applicant.organisationId;
        const yGroup = y.applicant.staffGroup;
        for (const z of y.offered === 'quota' ? othersByOrg.get(yOrg) ?? [] : others) {
          if (z.offered !== null) continue;
          const zOrg = z.applicant.organisationId;
          const orgAfter = orgCount.get(zOrg) - (zOrg === yOrg ? 1 : 0);
          const groupAfter = groupCount.get(z.applicant.staffGroup) - (z.applicant.staffGroup === yGroup ? 1 : 0);
          if ((orgCap !== null && orgAfter >= orgCap) || (groupCap !== null && groupAfter >= groupCap)) continue;
          const kind = y.offered;
          y.offered = null; orgCount.add(yOrg, -1); groupCount.add(yGroup, -1); offeredTotal--;
          y.displaced = true;
          y.blocked = null;
          y.reasons.push({ code: 'profession-mix-displaced', params: { profession: mix.profession, share, rank: y.rank } });
          offer(z, kind);
          z.blocked = null;
          z.swappedIn = true;
          z.reasons.push({ code: 'profession-mix', params: { profession: mix.profession, share, rank: z.rank } });
          countP--;
          swapped = true;
          break;
        }
      }
      if (!swapped) { professionMixMet = false; break; }
    }
  }

  // Decisions and their reasons.
  const reserveLimit = intake.reserveListLength ?? null;
  let reserveRank = 0;
  const decisions: AllocationDecision[] = [];
  for (const e of entries) {
    const a = e.applicant;
    const org = a.organisationId;
    const quota = own(quotas, org);
    const reasons: AllocationReason[] = [];
    const tied = scoreCount.get(String(a.score)) - 1;
    if (e.swappedIn && e.offered !== null) {
      // The profession-mix reason, pushed with the swap, says why.
    } else if (e.offered === 'quota') {
      reasons.push(intake.rule === 'quota-by-share'
        ? { code: 'rank-within-quota', params: { rank: e.rank, organisation: org, quota, offered: orgCount.get(org) } }
        : { code: 'reserved-place', params: { rank: e.rank, organisation: org, reserved: quota } });
    } else if (e.offered === 'released') {
      reasons.push(intake.rule === 'quota-by-share'
        ? { code: 'released-quota', params: { rank: e.rank, organisation: org, quota, offered: orgCount.get(org) } }
        : { code: 'rank-score-only', params: { rank: e.rank, places } });
    } else if (!e.displaced) {
      if (e.blocked !== null) reasons.push(e.blocked);
      else if (intake.rule === 'quota-by-share') reasons.push({ code: 'quota-full', params: { rank: e.rank, organisation: org, quota, offered: orgCount.get(org), places } });
      else reasons.push({ code: 'places-full', params: { rank: e.rank, places } });
    }
    reasons.push(...e.reasons);
    if (tied > 0) reasons.push({ code: 'tie-break-lottery', params: { score: a.score, tied, ticket: e.ticket.slice(0, 12), rank: e.rank } });
    let outcome: AllocationOutcome = 'offered';
    let rr: number | null = null;
    if (e.offered === null) {
      if (reserveLimit === null || reserveRank < reserveLimit) {
        reserveRank++;
        rr = reserveRank;
        outcome = 'reserve';
        reasons.push({ code: 'reserve-list', params: { reserveRank: rr } });
      } else {
        outcome = 'not-offered';
      }
    }
    decisions.push({
      applicationId: a.applicationId, outcome, rank: e.rank, reserveRank: rr, lotteryTicket: e.ticket, reasons,
      organisationId: org, staffGroup: a.staffGroup, profession: a.profession, score: a.score, place: e.offered,
    });
  }

  const orgs = new Set([...Object.keys(quotas), ...entries.map((e) => e.applicant.organisationId)]);
  const byOrganisation = Object.fromEntries([...orgs].sort().map((org) => [org, { quota: own(quotas, org), offered: orgCount.get(org) }]));

  return {
    decisions, quotas, seed: intake.seed, byOrganisation, professionMixMet,
    settings: { rule: intake.rule, places, capPerOrganisation: orgCap, capPerStaffGroup: groupCap, professionMix: mix },
  };
}

// ---------------------------------------------------------------------------
// The reserve list

/**
 * The next reserve to offer, by the same rule, once these applications have
 * declined (or let their offer expire, or withdrawn), given in the order that
 * happened. The reserve list is replayed from the allocation: each place given
 * up goes, in rank order, first to an applicant from an organisation still
 * below its quota, else to the best-ranked remaining applicant across Wales;
 * caps stay hard and the profession mix is kept when that costs nothing else.
 * Returns who should be offered the place freed by the last id in the list,
 * or null when that id held no place or nobody can take it. Calling it again
 * with the same list gives the same answer.
 *
 * A reserve who leaves the list without ever being offered (withdraws) can be
 * put in the declined list at the moment they left, or, simpler, in
 * `unavailableApplicationIds`: those are never picked at any step.
 */
export function nextFromReserve(result: AllocationResult, declinedApplicationIds: string[], unavailableApplicationIds: readonly string[] = []): string | null {
  const decisions = [...result.decisions].sort((a, b) => a.rank - b.rank);
  const settings = result.settings;
  const orgCap = settings?.capPerOrganisation ?? null;
  const groupCap = settings?.capPerStaffGroup ?? null;
  const mix = settings?.professionMix ?? null;
  const holders = new Set(decisions.filter((d) => d.outcome === 'offered').map((d) => d.applicationId));
  const places = settings?.places ?? holders.size;
  const byId = new Map(decisions.map((d) => [d.applicationId, d]));
  const gone = new Set<string>(unavailableApplicationIds);
  const everHeld = new Set(holders);
  const count = (pick: (d: AllocationDecision) => string | undefined, value: string | undefined): number => {
    let n = 0;
    for (const id of holders) if (pick(byId.get(id) as AllocationDecision) === value) n++;
    return n;
  };
  const allowed = (d: AllocationDecision): boolean => {
    // Only the reserve list: an intake that limits its length offers nobody past it.
    if (d.outcome === 'not-offered' || gone.has(d.applicationId) || everHeld.has(d.applicationId)) return false;
    if (orgCap !== null && count((x) => x.organisationId, d.organisationId) >= orgCap) return false;
    if (groupCap !== null && count((x) => x.staffGroup, d.staffGroup) >= groupCap) return false;
    return true;
  };
  const mixPrefers = (d: AllocationDecision): boolean => {
    if (mix === null || d.profession !== mix.profession) return true;
    return count((x) => x.profession, mix.profession) + 1 <= Math.floor(mix.maxShare * (holders.size + 1) + 1e-9);
  };
  const pick = (): AllocationDecision | null => {
    const belowQuota = (d: AllocationDecision): boolean => count((x) => x.organisationId, d.organisationId) < own(result.quotas, d.organisationId);
    for (const filter of [belowQuota, () => true]) {
      const candidates = decisions.filter((d) => allowed(d) && filter(d));
      const chosen = candidates.find(mixPrefers) ?? candidates[0];
      if (chosen !== undefined) return chosen;
    }
    return null;
  };
  let last: string | null = null;
  for (const id of declinedApplicationIds) {
    gone.add(id);
    if (!holders.has(id)) { last = null; continue; }
    holders.delete(id);
    last = null;
    if (holders.size >= places) continue;
    const next = pick();
    if (next !== null) { holders.add(next.applicationId); everHeld.add(next.applicationId); last = next.applicationId; }
  }
  return last;
}
