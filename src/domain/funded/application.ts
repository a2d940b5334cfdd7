// Funded university module places: the rules an application meets before the
// allocation sees it. Who may apply to an intake (eligibility), how long a
// statement may be (words, counted the same way on the page and on the
// server), what a reviewer's scores add up to and when two reviewers disagree
// enough for an education lead to moderate. Pure: no database, no clock.
// The allocation itself is in allocation.ts.

export const APPLICATION_STATUSES = [
  'draft', 'submitted', 'awaiting-manager', 'supported', 'declined-by-manager', 'withdrawn',
  'scored', 'offered', 'accepted', 'declined', 'expired', 'reserve', 'not-offered',
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export const OUTCOMES = ['completed', 'withdrawn', 'deferred', 'failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Statuses from which an applicant may still withdraw. */
export const WITHDRAWABLE: readonly ApplicationStatus[] = ['draft', 'submitted', 'awaiting-manager', 'supported', 'scored', 'reserve', 'offered'];

export const CRITERIA = ['service-need', 'role-fit', 'career-stage', 'widening-participation', 'welsh-language'] as const;

export interface Criterion {
  readonly code: string;
  readonly weight: number;
}

/** Each criterion is scored 0 (no evidence) to this. */
export const MAX_CRITERION_SCORE = 5;

export interface Eligibility {
  /** Staff group codes that may apply; empty: any. */
  readonly staffGroups: readonly string[];
  /** Pay band codes that may apply; empty: any. */
  readonly bands: readonly string[];
  /** Whole-time equivalent at least this; null: any. */
  readonly minWte: number | null;
  /** Genomeg module ids the applicant must have completed first. */
  readonly priorModules: readonly string[];
}

export const ANY_ONE: Eligibility = { staffGroups: [], bands: [], minWte: null, priorModules: [] };

export interface Applicant {
  readonly staffGroupCode: string;
  readonly bandCode: string;
  readonly wte: number;
  readonly completedModules: readonly string[];
}

/** Why a person may not apply: an i18n key under funded.eligibility and its parameters. */
export interface Ineligibility {
  readonly code: 'staff-group' | 'band' | 'wte' | 'prior-module' | 'not-in-directory';
  readonly params: Readonly<Record<string, string | number>>;
}

export function checkEligibility(rules: Eligibility, person: Applicant | null): Ineligibility[] {
  if (person === null) return [{ code: 'not-in-directory', params: {} }];
  const problems: Ineligibility[] = [];
  if (rules.staffGroups.length > 0 && !rules.staffGroups.includes(person.staffGroupCode)) problems.push({ code: 'staff-group', params: { group: person.staffGroupCode } });
  if (rules.bands.length > 0 && !rules.bands.includes(person.bandCode)) problems.push({ code: 'band', params: { band: person.bandCode } });
  if (rules.minWte !== null && person.wte < rules.minWte) problems.push({ code: 'wte', params: { wte: person.wte, min: rules.minWte } });
  for (const module of rules.priorModules) {
    if (!person.completedModules.includes(module)) problems.push({ code: 'prior-module', params: { module } });
  }
  return problems;
}

/** Words as a person counts them: runs of letters, digits, apostrophes and hyphens (Welsh "ch", "ll" are letters too). */
export function countWords(text: string): number {
  return (text.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? []).length;
}

/** A reviewer's scores for one application: criterion code to 0..MAX. */
export type ReviewerScores = ReadonlyMap<string, number>;

export interface ScoreSummary {
  /** Each reviewer's weighted total, in the order given. */
  readonly totals: readonly number[];
  /** Enough reviewers have scored every criterion. */
  readonly complete: boolean;
  /** Highest total minus lowest. */
  readonly spread: number;
  readonly needsModeration: boolean;
  /** The mean of the totals when complete and agreed; the moderated score when one is set; else null. */
  readonly finalScore: number | null;
}

export function weightedTotal(criteria: readonly Criterion[], scores: ReviewerScores): number {
  return criteria.reduce((sum, c) => sum + c.weight * (scores.get(c.code) ?? 0), 0);
}

export function summariseScores(criteria: readonly Criterion[], reviewers: readonly ReviewerScores[], needed: number, threshold: number, moderated: number | null): ScoreSummary {
  const full = reviewers.filter((r) => criteria.every((c) => r.has(c.code)));
  const totals = full.map((r) => Math.round(weightedTotal(criteria, r) * 100) / 100);
  const complete = full.length >= Math.max(1, needed);
  const spread = totals.length === 0 ? 0 : Math.max(...totals) - Math.min(...totals);
  const needsModeration = complete && totals.length > 1 && spread > threshold;
  let finalScore: number | null = null;
  if (moderated !== null) finalScore = moderated;
  else if (complete && !needsModeration) finalScore = Math.round((totals.reduce((a, b) => a + b, 0) / totals.length) * 100) / 100;
  return { totals, complete, spread, needsModeration, finalScore };
}

/** The profession a job role belongs to, for the allocation's profession mix: a small, stable set. */
export function professionOf(jobRole: string): string {
  const role = jobRole.toLowerCase();
  if (/pharmac/.test(role)) return 'pharmacist';
  if (/midwi/.test(role)) return 'midwife';
  if (/nurs/.test(role)) return 'nurse';
  if (/counsell/.test(role)) return 'genetic-counsellor';
  if (/scien|bioinform|technolog/.test(role)) return 'scientist';
  if (/doctor|physician|consultant|registrar|geneticist|medical/.test(role)) return 'doctor';
  return 'other';
}

export const PROFESSIONS = ['pharmacist', 'nurse', 'midwife', 'genetic-counsellor', 'scientist', 'doctor', 'other'] as const;
