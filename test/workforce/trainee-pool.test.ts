// A pipeline's pool of possible trainees: each year's intake is at most what is
// left of the pool, people who start training leave it (the hand-worked case in
// docs/workforce-planning.md, "The pool of possible trainees"), and the count
// taken from insights cells with its suppression.

import { describe, expect, it } from 'vitest';
import { at, centralValues, compile, FIELD, outputSize, project } from '../../src/domain/workforce/engine.js';
import { goalSeek } from '../../src/domain/workforce/monte-carlo.js';
import { feeds, traineePoolOf, type PoolCell } from '../../src/domain/workforce/trainee-pool.js';
import { validateScenario } from '../../src/domain/workforce/scenario.js';
import { HAND, scenario } from './helpers.js';

const withPool = (pool: number | undefined, horizon = 4) => ({
  ...HAND, horizon,
  pipelines: HAND.pipelines.map((p) => ({ ...p, ...(pool === undefined ? {} : { traineePool: pool }) })),
});

function series(data: Record<string, unknown>, field: keyof typeof FIELD): number[] {
  const model = compile(scenario(data));
  const out = project(model, centralValues(model), new Float64Array(outputSize(model)));
  return Array.from({ length: model.H }, (_, i) => out[at(model, 0, 0, i + 1, FIELD[field])]!);
}

describe('the pool of possible trainees, worked by hand', () => {
  it('caps each year\'s intake at what is left of the pool: 4, 4, then the last 2, then none', () => {
    // Pool 10, intake 4 a year, one-year training, 0.5 complete × 0.5 take a post: the docs' table.
    expect(series(withPool(10), 'trainees')).toEqual([4, 4, 2, 0]);
    expect(series(withPool(10), 'joinersTraining')).toEqual([0, 1, 1, 0.5]);
    expect(series(withPool(10), 'trainingCost')).toEqual([400, 400, 200, 0]);
  });

  it('gives the same results as before when the pool is not given, or never runs out', () => {
    expect(series(withPool(undefined), 'trainees')).toEqual([4, 4, 4, 4]);
    for (const field of ['headcountEnd', 'joinersTraining', 'trainees', 'trainingCost', 'gapWte'] as const) {
      expect({ field, values: series(withPool(16), field) }).toEqual({ field, values: series(withPool(undefined), field) });
    }
    // The hand-worked engine case (horizon 2) is unchanged.
    expect(series(HAND, 'headcountEnd')).toEqual([100, 66.3125]);
  });

  it('a pool of 0 means no intake at all', () => {
    expect(series(withPool(0), 'trainees')).toEqual([0, 0, 0, 0]);
    expect(series(withPool(0), 'joinersTraining')).toEqual([0, 0, 0, 0]);
  });

  it('limits a goal seek too: an empty pool cannot close the gap', () => {
    const model = compile(scenario(withPool(0)));
    const result = goalSeek(model, { pipeline: 'stp', year: 2029, cap: 50 });
    expect(result.status).toBe('capped');
    expect(result.trainingCost).toBe(0);
  });

  it('refuses a pool that is not a whole number of 0 or more, naming the field', () => {
    const problems = (pool: unknown): string[] => {
      try {
        validateScenario({ file: 'pool.yaml', data: { ...HAND, pipelines: [{ ...HAND.pipelines[0], traineePool: pool }] } });
        return [];
      } catch (error) {
        return ((error as { details?: { path: string; message: string }[] }).details ?? []).map((i) => `${i.path}: ${i.message}`);
      }
    };
    expect(problems(-1)).toEqual([expect.stringMatching(/^pipelines\.0\.traineePool: .*>=0/)]);
    expect(problems(2.5)).toEqual(['pipelines.0.traineePool: a whole number of people']);
    expect(problems('many')).toEqual([expect.stringMatching(/^pipelines\.0\.traineePool: /)]);
    expect(problems(12)).toEqual([]);
  });
});

describe('the pool counted from insights cells', () => {
  const cell = (jobRole: string, level: PoolCell['level'], people: number, staffGroupCode = 'healthcare-scientists'): PoolCell => ({ staffGroupCode, jobRole, level, people });

  it('counts staff at practitioner level and above in the job roles feeding the role, not the role itself', () => {
    const cells = [
      cell('Genetic Technologist', 'practitioner', 6), cell('Genetic Technologist', 'advanced', 5), cell('Genetic Technologist', 'foundation', 40),
      cell('Healthcare Science Practitioner', 'specialist', 7), cell('Healthcare Science Practitioner', null, 9),
      cell('Clinical Scientist (Genomics)', 'specialist', 30), cell('Porter', 'practitioner', 8, 'estates-ancillary'),
    ];
    expect(traineePoolOf(cells, 'clinical-scientist')).toEqual({ state: 'shown', count: 18, jobRoles: 2 });
    // Genetic technologists are the role itself for their own training: not its pool.
    expect(feeds('genetic-technologist', 'healthcare-scientists', 'Genetic Technologist')).toBe(false);
    expect(feeds('genetic-counsellor', 'nursing-midwifery', 'Staff Nurse')).toBe(true);
    expect(feeds('genetic-counsellor', 'additional-clinical', 'Nursery Nurse')).toBe(false);
  });

  it('shows fewer than 5 (0 included) as small, and withholds a count that would give away a group of 1 to 4', () => {
    expect(traineePoolOf([cell('Genetic Technologist', 'practitioner', 4)], 'clinical-scientist')).toEqual({ state: 'small' });
    expect(traineePoolOf([], 'clinical-scientist')).toEqual({ state: 'small' });
    // 9 shown by job role and level as 6 and "fewer than 5": 9 − 6 would give the 3.
    expect(traineePoolOf([cell('Genetic Technologist', 'practitioner', 6), cell('Genetic Technologist', 'advanced', 3)], 'clinical-scientist')).toEqual({ state: 'withheld' });
    // Two hidden parts of 3 each: their sum (6) is no group under 5.
    expect(traineePoolOf([cell('Genetic Technologist', 'practitioner', 6), cell('Genetic Technologist', 'advanced', 3), cell('Biomedical Scientist', 'advanced', 3)], 'clinical-scientist'))
      .toEqual({ state: 'shown', count: 12, jobRoles: 2 });
    // The same job role and level in several organisations is one published part.
    expect(traineePoolOf([cell('Genetic Technologist', 'practitioner', 3), cell('Genetic Technologist', 'practitioner', 3)], 'clinical-scientist')).toEqual({ state: 'shown', count: 6, jobRoles: 1 });
    expect(traineePoolOf([cell('Genetic Technologist', 'practitioner', 60)], 'no-such-role')).toEqual({ state: 'unmapped' });
  });
});
