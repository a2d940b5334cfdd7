// Reading and checking a goal-seek request ("what yearly intake of this
// pipeline closes its role's gap by this year?") before anything runs: the
// command line's `--goal PIPELINE:YEAR[:CAP[:BUDGET]]` and the web form both
// come here. Each problem names its field, in the scenario file's error style
// (file: path: reason), and carries a code the web page translates. Pure.

import type { GoalSeekRequest } from './monte-carlo.js';
import type { Scenario, ScenarioIssue } from './scenario.js';

export type GoalField = 'pipeline' | 'year' | 'cap' | 'budget';

export interface GoalIssue extends ScenarioIssue {
  readonly field: GoalField;
  /** What is wrong, for a translated message: unknown pipeline, a role given, not a whole year, outside the horizon, not a number, below zero. */
  readonly code: 'pipeline' | 'role' | 'yearNumber' | 'yearRange' | 'capNumber' | 'budgetNumber';
  readonly values: Readonly<Record<string, string | number>>;
}

export interface GoalText {
  readonly pipeline: string;
  readonly year: string;
  readonly cap?: string | undefined;
  readonly budget?: string | undefined;
}

/** `PIPELINE:YEAR[:CAP[:BUDGET]]` as its parts (not yet checked). */
export function splitGoal(arg: string): GoalText {
  const [pipeline = '', year = '', cap, budget] = arg.split(':');
  return { pipeline: pipeline.trim(), year: year.trim(), cap: cap?.trim(), budget: budget?.trim() };
}

/** The years a goal may name: the projection's years (the year after the start year to the horizon's end). */
export function goalYears(s: Pick<Scenario, 'startYear' | 'horizon'>): { first: number; last: number } {
  return { first: s.startYear + 1, last: s.startYear + s.horizon };
}

/**
 * The goal as a request, or every problem with it. `file` and `prefix` say
 * where the goal came from (`scenario.yaml`, `--goal`), for the messages.
 */
export function checkGoal(s: Scenario, text: GoalText, where: { file: string; prefix: string }): { request: GoalSeekRequest } | { issues: GoalIssue[] } {
  const issues: GoalIssue[] = [];
  const issue = (field: GoalField, code: GoalIssue['code'], message: string, values: Record<string, string | number> = {}): void => {
    issues.push({ file: where.file, path: `${where.prefix}.${field}`, message, field, code, values });
  };
  const pipelines = s.pipelines.map((p) => p.id);
  if (!pipelines.includes(text.pipeline)) {
    const training = s.pipelines.filter((p) => p.role === text.pipeline).map((p) => p.id);
    if (training.length > 0) {
      issue('pipeline', 'role', `"${text.pipeline}" is a role; name the training pipeline whose intake is sought (${training.join(', ')})`, { given: text.pipeline, pipelines: training.join(', ') });
    } else {
      issue('pipeline', 'pipeline', `no pipeline "${text.pipeline}" in the scenario (pipelines: ${pipelines.join(', ') || 'none'})`, { given: text.pipeline, pipelines: pipelines.join(', ') });
    }
  }
  const { first, last } = goalYears(s);
  if (!/^\d{4}$/.test(text.year)) {
    issue('year', 'yearNumber', `"${text.year}" is not a year; give a year from ${first} to ${last}`, { given: text.year, first, last });
  } else if (Number(text.year) < first || Number(text.year) > last) {
    issue('year', 'yearRange', `${text.year} is outside the horizon; give a year from ${first} to ${last}`, { given: text.year, first, last });
  }
  const whole = /^\d+$/;
  const amount = /^\d+(\.\d+)?$/;
  const cap = text.cap === undefined || text.cap === '' ? undefined : text.cap;
  const budget = text.budget === undefined || text.budget === '' ? undefined : text.budget;
  if (cap !== undefined && !whole.test(cap)) issue('cap', 'capNumber', `"${cap}" is not a cap on yearly intake; give a whole number of 0 or more`, { given: cap });
  if (budget !== undefined && !amount.test(budget)) issue('budget', 'budgetNumber', `"${budget}" is not a budget; give an amount in pounds of 0 or more`, { given: budget });
  if (issues.length > 0) return { issues };
  return { request: { pipeline: text.pipeline, year: Number(text.year), ...(cap === undefined ? {} : { cap: Number(cap) }), ...(budget === undefined ? {} : { budget: Number(budget) }) } };
}
