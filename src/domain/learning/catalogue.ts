// The catalogue's decisions: which modules a search and its filters keep, where
// a learner stands with each module (not started, in progress, completed), and
// the order cards are shown in. Pure: the route gathers the learner's progress,
// completions and requirements and presents what this returns.

import type { Language } from '../i18n.js';
import type { LearningModule } from './check-content.js';
import { isRequiredFor, type LiteracyLevelCode } from './competency-framework.js';

/** The catalogue's "how long" choices, in minutes. */
export const DURATION_LIMITS = [15, 30, 60] as const;

export interface CatalogueFilter {
  readonly q?: string | undefined;
  readonly level?: string | undefined;
  readonly topic?: string | undefined;
  /** Longest module wanted, in minutes ('' for any). */
  readonly duration?: string | undefined;
  /** 'cy': the Welsh is there; 'cy-reviewed': a Welsh-language reviewer has reviewed it. */
  readonly language?: string | undefined;
}

/** The modules a search and filters keep, in the library's order. */
export function filterModules(modules: readonly LearningModule[], filter: CatalogueFilter, lang: Language): LearningModule[] {
  const q = filter.q?.toLowerCase() ?? '';
  const maxMinutes = DURATION_LIMITS.find((d) => String(d) === filter.duration);
  const given = (value: string | undefined): value is string => value !== undefined && value !== '';
  return modules.filter((m) =>
    (q === '' || `${m.manifest.title[lang]} ${m.manifest.summary[lang]} ${m.manifest.title.en}`.toLowerCase().includes(q))
    && (!given(filter.level) || m.manifest.level === filter.level)
    && (!given(filter.topic) || m.manifest.topics.includes(filter.topic))
    && (maxMinutes === undefined || m.manifest.durationMinutes <= maxMinutes)
    // Every module that passes the content check has its Welsh; "reviewed" asks for more.
    && (filter.language !== 'cy-reviewed' || m.manifest.welsh.status === 'reviewed'));
}

/** Every topic any module has, sorted, for the filter. */
export function topicsOf(modules: readonly LearningModule[]): string[] {
  return [...new Set(modules.flatMap((m) => m.manifest.topics))].sort();
}

export type ModuleStatus = 'not-started' | 'in-progress' | 'completed';

/**
 * Where a learner stands with a module. Passing the assessment completes it,
 * whatever their place in the pages says (a learner who passes stays on the
 * last page they read). A completion of an earlier version still counts as
 * completed until they start reading the new version.
 */
export function moduleStatus(
  module: { readonly id: string; readonly version: string },
  progress: { readonly moduleVersion: string } | undefined,
  completions: readonly { readonly moduleId: string; readonly moduleVersion: string }[],
): ModuleStatus {
  const mine = completions.filter((c) => c.moduleId === module.id);
  if (mine.some((c) => c.moduleVersion === module.version)) return 'completed';
  const readingCurrent = progress !== undefined && progress.moduleVersion === module.version;
  if (mine.length > 0 && !readingCurrent) return 'completed';
  return progress === undefined ? 'not-started' : 'in-progress';
}

export interface CardFacts {
  readonly module: LearningModule;
  readonly status: ModuleStatus;
  /** Recommended for the learner's role (their staff group's literacy level). */
  readonly recommended: boolean;
  /** Required by their organisation and not yet done. */
  readonly requiredOutstanding: boolean;
}

/** Required and not yet done first, then recommended; otherwise the library's order. */
export function catalogueOrder<T extends CardFacts>(cards: readonly T[]): T[] {
  const rank = (c: CardFacts) => (c.requiredOutstanding ? 2 : 0) + (c.recommended ? 1 : 0);
  return [...cards].sort((a, b) => rank(b) - rank(a));
}

/** Is the module recommended for someone whose staff group must reach this level? */
export function isRecommended(module: LearningModule, requiredLevel: LiteracyLevelCode | null): boolean {
  return isRequiredFor(module.manifest.level, requiredLevel);
}
