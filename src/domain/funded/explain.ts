// Plain-language sentences for an allocation decision, in the reader's
// language. The domain holds no strings: each reason code is a key under
// fundedAllocation in locales/*.json, and the caller passes its translate
// function (src/web/i18n.ts translator) and, if it has them, the names to put
// in place of organisation, staff group and profession codes.

import type { AllocationDecision, AllocationReason, AllocationResult } from './allocation.js';

/** The shape of src/web/i18n.ts Translate, restated so the domain does not import from web. */
export type TranslateFn = (key: string, params?: Readonly<Record<string, string | number>>) => string;

export interface ExplainNames {
  organisation?: (id: string) => string;
  staffGroup?: (code: string) => string;
  profession?: (code: string) => string;
}

export const REASON_CODES = [
  'rank-within-quota', 'released-quota', 'rank-score-only', 'reserved-place', 'quota-full', 'places-full',
  'cap-organisation', 'cap-staff-group', 'tie-break-lottery', 'profession-mix', 'profession-mix-displaced', 'reserve-list',
] as const;

export function reasonKey(code: string): string {
  return `fundedAllocation.${code}`;
}

function named(params: Record<string, string | number>, names: ExplainNames): Record<string, string | number> {
  const out = { ...params };
  const swap = (field: string, name: ((code: string) => string) | undefined): void => {
    const value = out[field];
    if (name !== undefined && typeof value === 'string') out[field] = name(value);
  };
  swap('organisation', names.organisation);
  swap('staffGroup', names.staffGroup);
  swap('profession', names.profession);
  return out;
}

export function explainReason(reason: AllocationReason, t: TranslateFn, names: ExplainNames = {}): string {
  return t(reasonKey(reason.code), named(reason.params, names));
}

/** One sentence per reason, in the order the decision gives them (the deciding reason first). */
export function explainDecision(decision: AllocationDecision, t: TranslateFn, names: ExplainNames = {}): string[] {
  return decision.reasons.map((reason) => explainReason(reason, t, names));
}

/** Sentences about the whole allocation: the seed, and whether the profession mix was met. */
export function explainResult(result: AllocationResult, t: TranslateFn, names: ExplainNames = {}): string[] {
  const out = [t('fundedAllocation.summary.seed', { seed: result.seed })];
  const mix = result.settings?.professionMix ?? null;
  if (mix !== null && result.professionMixMet !== null) {
    const params = named({ share: Math.round(mix.maxShare * 100), profession: mix.profession }, names);
    out.push(t(result.professionMixMet ? 'fundedAllocation.summary.professionMixMet' : 'fundedAllocation.summary.professionMixNotMet', params));
  }
  return out;
}
