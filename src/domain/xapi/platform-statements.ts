// The statements the platform's own learning produces, with ADL verbs and
// activity types, so that module pages, answers, assessments, completions,
// webinar attendance and MSc outcomes all land in the learning record store by
// one code path (services/xapi/record.ts). Pure.

import { ADL_ACTIVITY_TYPES, ADL_VERBS } from './progress.js';
import type { Json } from './statement.js';

export const PLATFORM_HOME_PAGE = 'https://genomeg.nhs.wales';
const MODULES = `${PLATFORM_HOME_PAGE}/modules`;

export type LearningEvent =
  | { readonly kind: 'page-viewed'; readonly moduleId: string; readonly page: number }
  | { readonly kind: 'question-answered'; readonly moduleId: string; readonly questionId: string; readonly response: string; readonly correct: boolean; readonly registration?: string }
  | { readonly kind: 'assessment-started'; readonly moduleId: string; readonly registration: string }
  | { readonly kind: 'assessment-submitted'; readonly moduleId: string; readonly scaled: number; readonly passed: boolean; readonly durationSeconds?: number; readonly registration?: string }
  | { readonly kind: 'module-completed'; readonly moduleId: string }
  | { readonly kind: 'webinar-attended'; readonly eventId: string; readonly title: string }
  | { readonly kind: 'msc-outcome'; readonly moduleCode: string; readonly passed: boolean; readonly registration?: string }
  /** Voids an earlier statement of the platform's (a funded outcome corrected). */
  | { readonly kind: 'statement-voided'; readonly statementId: string }
  | { readonly kind: 'confidence-rated'; readonly moduleId: string; readonly competencyId: string; readonly phase: 'before' | 'after'; readonly segment: string };

/** The verb and context extension of a confidence self-rating (docs/xapi.md). */
export const CONFIDENCE_VERB = 'http://adlnet.gov/expapi/verbs/responded';
export const CONFIDENCE_PHASE_EXTENSION = `${PLATFORM_HOME_PAGE}/xapi/extensions/confidence-phase`;

export interface Learner {
  /** The platform's user id: the account name of the xAPI actor. */
  readonly userId: string;
  readonly displayName: string;
  readonly language: 'en' | 'cy';
}

const verb = (id: string, en: string): Json => ({ id, display: { 'en-GB': en } });

/** A module's activity id: the IRI in its manifest, or one made from a bare id. */
export function moduleActivityId(moduleId: string): string {
  return /^https?:\/\//.test(moduleId) ? moduleId : `${MODULES}/${encodeURIComponent(moduleId)}`;
}

/** A funded university module's activity id (its code at the university). */
export function mscModuleActivityId(moduleCode: string): string {
  return `${PLATFORM_HOME_PAGE}/msc-modules/${encodeURIComponent(moduleCode)}`;
}

/** The xAPI actor the platform writes for one of its users. */
export function platformActor(learner: Pick<Learner, 'userId' | 'displayName'>): Json {
  return { objectType: 'Agent', name: learner.displayName, account: { homePage: PLATFORM_HOME_PAGE, name: learner.userId } };
}

/** One statement for one learning event, at a given time. */
export function platformStatement(learner: Learner, event: LearningEvent, at: Date): Json {
  const actor = platformActor(learner);
  const language = learner.language === 'cy' ? 'cy' : 'en-GB';
  const base = { actor, timestamp: at.toISOString() };
  const withRegistration = (registration: string | undefined): Json => (registration === undefined ? {} : { registration });
  const inModule = (moduleId: string, registration?: string): Json => ({ ...withRegistration(registration), language, contextActivities: { parent: [{ objectType: 'Activity', id: moduleActivityId(moduleId) }] } });
  switch (event.kind) {
    case 'page-viewed':
      return { ...base, verb: verb(ADL_VERBS.experienced, 'experienced'), object: { objectType: 'Activity', id: `${moduleActivityId(event.moduleId)}/pages/${event.page}`, definition: { type: 'http://activitystrea.ms/schema/1.0/page' } }, context: inModule(event.moduleId) };
    case 'question-answered':
      return {
        ...base, verb: verb(ADL_VERBS.answered, 'answered'),
        object: { objectType: 'Activity', id: `${moduleActivityId(event.moduleId)}/questions/${encodeURIComponent(event.questionId)}`, definition: { type: ADL_ACTIVITY_TYPES.question, interactionType: 'choice' } },
        result: { response: event.response, success: event.correct }, context: inModule(event.moduleId, event.registration),
      };
    case 'assessment-started':
      return {
        ...base, verb: verb(ADL_VERBS.attempted, 'attempted'),
        object: { objectType: 'Activity', id: moduleActivityId(event.moduleId), definition: { type: ADL_ACTIVITY_TYPES.module } },
        context: { registration: event.registration, language },
      };
    case 'assessment-submitted':
      return {
        ...base, verb: verb(event.passed ? ADL_VERBS.passed : ADL_VERBS.failed, event.passed ? 'passed' : 'failed'),
        object: { objectType: 'Activity', id: moduleActivityId(event.moduleId), definition: { type: ADL_ACTIVITY_TYPES.module } },
        result: {
          score: { scaled: Math.max(-1, Math.min(1, event.scaled)) }, success: event.passed, completion: event.passed,
          ...(event.durationSeconds === undefined ? {} : { duration: `PT${Math.max(0, Math.round(event.durationSeconds))}S` }),
        },
        context: { ...withRegistration(event.registration), language },
      };
    case 'module-completed':
      return { ...base, verb: verb(ADL_VERBS.completed, 'completed'), object: { objectType: 'Activity', id: moduleActivityId(event.moduleId), definition: { type: ADL_ACTIVITY_TYPES.module } }, result: { completion: true }, context: { language } };
    case 'webinar-attended':
      return { ...base, verb: verb(ADL_VERBS.attended, 'attended'), object: { objectType: 'Activity', id: `${PLATFORM_HOME_PAGE}/events/${encodeURIComponent(event.eventId)}`, definition: { type: ADL_ACTIVITY_TYPES.meeting, name: { 'en-GB': event.title } } }, context: { language } };
    case 'confidence-rated':
      return {
        ...base, verb: verb(CONFIDENCE_VERB, 'responded'),
        object: { objectType: 'Activity', id: `${moduleActivityId(event.moduleId)}/competencies/${encodeURIComponent(event.competencyId)}/confidence`, definition: { type: ADL_ACTIVITY_TYPES.question, interactionType: 'choice' } },
        result: { response: event.segment },
        context: { ...inModule(event.moduleId), extensions: { [CONFIDENCE_PHASE_EXTENSION]: event.phase } },
      };
    case 'msc-outcome':
      return {
        ...base, verb: verb(event.passed ? ADL_VERBS.passed : ADL_VERBS.failed, event.passed ? 'passed' : 'failed'),
        object: { objectType: 'Activity', id: mscModuleActivityId(event.moduleCode), definition: { type: ADL_ACTIVITY_TYPES.course } },
        result: { success: event.passed, completion: event.passed }, context: { ...withRegistration(event.registration), language },
      };
    case 'statement-voided':
      return { ...base, verb: verb(ADL_VERBS.voided, 'voided'), object: { objectType: 'StatementRef', id: event.statementId } };
  }
}
