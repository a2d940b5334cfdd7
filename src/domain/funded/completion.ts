// The completion rate observed in funded places: of the people whose outcome
// is final (completed, withdrawn or not passed), the share who completed. A
// deferral is not final (the person may still complete) and is left out, as
// is anyone with no outcome yet. This is what the workforce planner is offered
// as a pipeline's completion rate, and what the reports show per module.

import type { Outcome } from './application.js';

export interface ObservedCompletion {
  /** People with a final outcome. */
  readonly people: number;
  readonly completed: number;
  /** completed ÷ people, from 0 to 1; null when nobody has a final outcome. */
  readonly rate: number | null;
}

export function observedCompletion(outcomes: readonly (Outcome | null)[]): ObservedCompletion {
  let people = 0;
  let completed = 0;
  for (const o of outcomes) {
    if (o === null || o === 'deferred') continue;
    people += 1;
    if (o === 'completed') completed += 1;
  }
  return { people, completed, rate: people === 0 ? null : completed / people };
}

/** The observed completion per module, for the modules with at least one final outcome. */
export function observedCompletionByModule(rows: readonly { readonly moduleId: string; readonly outcome: Outcome | null }[]): Map<string, ObservedCompletion> {
  const byModule = new Map<string, (Outcome | null)[]>();
  for (const r of rows) byModule.set(r.moduleId, [...(byModule.get(r.moduleId) ?? []), r.outcome]);
  const out = new Map<string, ObservedCompletion>();
  for (const [moduleId, outcomes] of byModule) {
    const c = observedCompletion(outcomes);
    if (c.people > 0) out.set(moduleId, c);
  }
  return out;
}
