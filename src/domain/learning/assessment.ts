// The final assessment of a module: which questions an attempt gets, in what
// order, and how it is scored. Pure and seeded: the same seed draws the same
// questions in the same order, so an attempt can be shown again exactly as it
// was, and a retake (a new seed) draws again, favouring the questions the
// learner has seen least, so that a retake cannot be passed by remembering the
// last one. After a fail the learner is told which outcomes they missed and
// which pages teach them, never the answers.

import type { Question } from './content-schema.js';
import type { LearningModule } from './check-content.js';

export interface DrawnQuestion {
  readonly id: string;
  /** Option ids in the order shown. */
  readonly optionOrder: readonly string[];
}

export interface AttemptResult {
  readonly correct: number;
  readonly total: number;
  /** 0 to 1. */
  readonly score: number;
  readonly passed: boolean;
  readonly perQuestion: readonly { readonly id: string; readonly correct: boolean; readonly chosen: readonly string[] }[];
}

/** A splitmix32-style generator: small, fast and good enough for shuffling. */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    const a = out[i];
    const b = out[j];
    if (a !== undefined && b !== undefined) {
      out[i] = b;
      out[j] = a;
    }
  }
  return out;
}

/**
 * Draw `count` questions for an attempt, covering every outcome first where the
 * bank allows, then filling at random; questions and their options shuffled.
 * `timesSeen` (question id → how many earlier attempts drew it) makes the draw
 * take the least seen questions first, for each outcome and for the rest.
 */
export function drawAttempt(bank: readonly Question[], count: number, seed: number, timesSeen: Readonly<Record<string, number>> = {}): DrawnQuestion[] {
  const seen = (q: Question): number => timesSeen[q.id] ?? 0;
  // Shuffled, then the least seen first; the sort is stable, so equals stay shuffled.
  const shuffled = seededShuffle(bank, seed).sort((a, b) => seen(a) - seen(b));
  const chosen: Question[] = [];
  const outcomes = new Set<string>();
  for (const q of shuffled) {
    if (chosen.length < count && !outcomes.has(q.outcome)) {
      chosen.push(q);
      outcomes.add(q.outcome);
    }
  }
  for (const q of shuffled) if (chosen.length < count && !chosen.includes(q)) chosen.push(q);
  return seededShuffle(chosen, seed ^ 0x5bd1e995).map((q, i) => ({
    id: q.id,
    optionOrder: seededShuffle(q.options.map((o) => o.id), (seed + (i + 1) * 7919) >>> 0),
  }));
}

/** Right only when the chosen options are exactly the correct ones. */
export function scoreAttempt(bank: readonly Question[], drawn: readonly DrawnQuestion[], answers: Readonly<Record<string, readonly string[]>>, passMark: number): AttemptResult {
  const byId = new Map(bank.map((q) => [q.id, q]));
  const perQuestion = drawn.map((d) => {
    const question = byId.get(d.id);
    const chosen = [...new Set(answers[d.id] ?? [])].sort();
    const right = question === undefined ? [] : question.options.filter((o) => o.correct).map((o) => o.id).sort();
    return { id: d.id, chosen, correct: question !== undefined && chosen.length === right.length && chosen.every((c, i) => c === right[i]) };
  });
  const correct = perQuestion.filter((q) => q.correct).length;
  const total = drawn.length;
  const score = total === 0 ? 0 : correct / total;
  // Compare in whole hundredths so that 8 of 10 at an 80% pass mark passes despite floating point.
  return { correct, total, score, passed: Math.round(score * 10000) >= Math.round(passMark * 10000), perQuestion };
}

/** How many of these earlier attempts drew each question. */
export function timesSeenIn(attempts: readonly { readonly drawn: readonly { readonly id: string }[] }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const attempt of attempts) for (const d of attempt.drawn) out[d.id] = (out[d.id] ?? 0) + 1;
  return out;
}

export interface OutcomeToRevisit {
  readonly outcomeId: string;
  /** Page numbers (from 1) that teach what the missed questions asked, in order. */
  readonly pages: readonly number[];
}

const CITATION = /\[\^([a-z0-9-]+)\]/g;
const CHECK = /^::check\{id=([a-z0-9-]+)\}/gm;

/**
 * The outcomes an attempt's wrong answers belong to, in the module's order,
 * each with the pages to read again: those citing a missed question's source
 * or, where no page cites it, those whose knowledge checks practise the outcome.
 */
export function outcomesToRevisit(module: LearningModule, result: Pick<AttemptResult, 'perQuestion'>): OutcomeToRevisit[] {
  const byId = new Map(module.questions.map((q) => [q.id, q]));
  const missed = result.perQuestion.filter((p) => !p.correct).map((p) => byId.get(p.id)).filter((q) => q !== undefined);
  const checkOutcome = new Map(module.checks.map((c) => [c.id, c.outcome]));
  const pagesWhere = (test: (markdown: string) => boolean): number[] =>
    module.pages.flatMap((page, i) => (test(page.en.markdown) ? [i + 1] : []));
  const pagesFor = (outcomeId: string): number[] => {
    const references = new Set(missed.filter((q) => q.outcome === outcomeId).map((q) => q.reference));
    const citing = pagesWhere((text) => [...text.matchAll(CITATION)].some((m) => references.has(m[1] ?? '')));
    return citing.length > 0 ? citing : pagesWhere((text) => [...text.matchAll(CHECK)].some((m) => checkOutcome.get(m[1] ?? '') === outcomeId));
  };
  const outcomes = new Set(missed.map((q) => q.outcome));
  return module.manifest.outcomes.filter((o) => outcomes.has(o.id)).map((o) => ({ outcomeId: o.id, pages: pagesFor(o.id) }));
}
