import { describe, expect, it } from 'vitest';
import { at, centralValues, compile, F, FIELD, outputSize, planFlow, project, projectTotals, type CompiledModel } from '../../src/domain/workforce/engine.js';
import { evaluate, goalSeek, seriesIndex, tornado } from '../../src/domain/workforce/monte-carlo.js';
import { HAND, scenario } from './helpers.js';

function run(model: CompiledModel): (r: number, o: number, t: number, f: keyof typeof FIELD) => number {
  const out = project(model, centralValues(model), new Float64Array(outputSize(model)));
  return (r, o, t, f) => out[at(model, r, o, t, FIELD[f])]!;
}

describe('the projection engine on a scenario worked by hand', () => {
  const model = compile(scenario(HAND));
  const get = run(model);

  it('year 1: leavers from the start stock, ageing, then joiners', () => {
    // start [100, 40]; attrition 25% → [25, 10]; retirement 50% of the old band's remaining 30 → 15;
    // stayers [75, 15]; half the young band ages (width 2) → [37.5, 52.5]; 10 recruits join young → [47.5, 52.5].
    expect(get(0, 0, 1, 'headcountStart')).toBe(140);
    expect(get(0, 0, 1, 'leaversAttrition')).toBe(35);
    expect(get(0, 0, 1, 'leaversRetirement')).toBe(15);
    expect(get(0, 0, 1, 'joinersRecruitment')).toBe(10);
    expect(get(0, 0, 1, 'joinersTraining')).toBe(0);
    expect(get(0, 0, 1, 'headcountEnd')).toBe(100);
    expect(get(0, 0, 1, 'supplyWte')).toBe(50);
    // demand: 50 per 100,000 × 100,000 = 50 WTE; 1,000 tests × 1.5 × 2 h / 1,000 h = 3 WTE.
    expect(get(0, 0, 1, 'demandWte')).toBe(53);
    expect(get(0, 0, 1, 'gapWte')).toBe(3);
    expect(get(0, 0, 1, 'trainees')).toBe(4);
    expect(get(0, 0, 1, 'trainingCost')).toBe(400);
    expect(get(0, 0, 1, 'payCost')).toBe(50_000);
  });

  it('year 2: the first cohort completes (4 × 0.5 × 0.5 = 1)', () => {
    // start [47.5, 52.5]; attrition [11.875, 13.125] = 25; retirement (52.5 − 13.125) × 0.5 = 19.6875;
    // stayers [35.625, 19.6875]; ageing 17.8125 → [17.8125, 37.5]; + 10 recruits + 1 trainee → 66.3125.
    expect(get(0, 0, 2, 'leaversAttrition')).toBe(25);
    expect(get(0, 0, 2, 'leaversRetirement')).toBe(19.6875);
    expect(get(0, 0, 2, 'joinersTraining')).toBe(1);
    expect(get(0, 0, 2, 'headcountEnd')).toBe(66.3125);
    expect(get(0, 0, 2, 'supplyWte')).toBe(33.15625);
    // 1,000 × 1.5² × 2 / 1,000 = 4.5 WTE of activity + 50 of ratio.
    expect(get(0, 0, 2, 'demandWte')).toBe(54.5);
    expect(get(0, 0, 2, 'gapWte')).toBe(21.34375);
  });

  it('conserves stock exactly: start + in − out = end', () => {
    for (const t of [1, 2]) {
      const inflow = get(0, 0, t, 'joinersRecruitment') + get(0, 0, t, 'joinersInternational') + get(0, 0, t, 'joinersTraining') + get(0, 0, t, 'joinersProgression');
      const outflow = get(0, 0, t, 'leaversAttrition') + get(0, 0, t, 'leaversRetirement') + get(0, 0, t, 'leaversProgression');
      expect(get(0, 0, t, 'headcountStart') + inflow - outflow).toBe(get(0, 0, t, 'headcountEnd'));
    }
  });
});

describe('progression, skill mix, caps, international recruitment and steps', () => {
  const base = {
    id: 'mix', name: 'Mix', startYear: 2025, horizon: 1,
    ageBands: [{ id: 'all' }],
    roles: [
      { id: 'technologist', name: 'Technologist', attrition: 0, recruitment: { perYear: 30 }, labourMarketCap: 12 },
      { id: 'scientist', name: 'Scientist', attrition: 0, international: 4 },
    ],
    organisations: [{ id: 'north', name: 'North', population: 100_000 }, { id: 'south', name: 'South', population: 300_000 }],
    baseline: [
      { role: 'technologist', organisation: 'north', headcount: [10] },
      { role: 'technologist', organisation: 'south', headcount: [30] },
      { role: 'scientist', organisation: 'north', headcount: [1] },
      { role: 'scientist', organisation: 'south', headcount: [3] },
    ],
    progression: [{ from: 'technologist', to: 'scientist', rate: 0.5 }],
    demand: {
      ratios: [{ role: 'technologist', per100k: 100 }],
      steps: [{ role: 'scientist', organisation: 'north', fromYear: 2026, wte: 7 }],
      skillMix: [{ from: 'technologist', to: 'scientist', share: 0.25, fromYear: 2026, efficiency: 2 }],
    },
  };
  const model = compile(scenario(base));
  const get = run(model);

  it('moves half the technologists to scientist in the same organisation', () => {
    expect(get(0, 0, 1, 'leaversProgression')).toBe(5);
    expect(get(1, 0, 1, 'joinersProgression')).toBe(5);
    expect(get(0, 1, 1, 'leaversProgression')).toBe(15);
  });

  it('caps domestic recruitment nationally, shared by baseline headcount', () => {
    // 30 wanted, capped at 12, shared 1:3.
    expect(get(0, 0, 1, 'joinersRecruitment')).toBe(3);
    expect(get(0, 1, 1, 'joinersRecruitment')).toBe(9);
    expect(get(1, 0, 1, 'joinersInternational')).toBe(1);
    expect(get(1, 1, 1, 'joinersInternational')).toBe(3);
    expect(get(0, 0, 1, 'headcountEnd')).toBe(8);
    expect(get(1, 1, 1, 'headcountEnd')).toBe(3 + 15 + 3);
  });

  it('moves a share of one role’s demand to another, with a step change in one organisation', () => {
    // north technologists: 100 WTE, 25% moved → 75; scientists get 25 × 2 = 50, plus the 7 WTE step.
    expect(get(0, 0, 1, 'demandWte')).toBe(75);
    expect(get(1, 0, 1, 'demandWte')).toBe(57);
    expect(get(1, 1, 1, 'demandWte')).toBe(150);
  });
});

describe('sensitivity and goal seeking', () => {
  const model = compile(scenario({
    ...HAND,
    horizon: 6,
    roles: [{ ...HAND.roles[0], attrition: { triangular: [0.05, 0.1, 0.3] }, recruitment: { perYear: { uniform: [0, 20] } } }],
  }));

  it('ranks the parameters that move the gap most', () => {
    const { base, bars } = tornado(model, { role: 'scientist', year: 2031, field: 'gapWte' });
    expect(base).toBeCloseTo(evaluate(model, { role: 'scientist', year: 2031, field: 'gapWte' }), 9);
    // Recruitment 0–20 a year on a stock of about 100 moves the gap more than attrition 5–30%.
    expect(bars.map((b) => b.parameter)).toEqual(['roles.scientist.recruitment.perYear', 'roles.scientist.attrition']);
    expect(bars[0]!.swing).toBeGreaterThanOrEqual(bars[1]!.swing);
    expect(bars[0]!.outputAtHigh).toBeLessThan(bars[0]!.outputAtLow);
    expect(bars[1]!.outputAtHigh).toBeGreaterThan(bars[1]!.outputAtLow);
  });

  it('finds the smallest intake that closes the gap, and says when a cap or budget stops it', () => {
    const found = goalSeek(model, { pipeline: 'stp', year: 2031 });
    expect(found.status).toBe('closed');
    expect(found.gapAtYear).toBeLessThanOrEqual(0);
    const justBelow = goalSeek(model, { pipeline: 'stp', year: 2031, cap: found.intake - 1 });
    expect(justBelow.status).toBe('capped');
    expect(justBelow.gapAtYear).toBeGreaterThan(0);
    const poor = goalSeek(model, { pipeline: 'stp', year: 2031, budget: 1000 });
    expect(poor.status).toBe('over-budget');
    expect(poor.trainingCost).toBeLessThanOrEqual(1000);
  });
});

describe('progression in a cycle and from several roles, worked by hand', () => {
  // One organisation, one band, no leavers or joiners besides progression.
  // Start: a 100, b 40, c 80. Routes, in this order: b → a 1/4, a → b 1/2, c → a 1/8, c → b 1/4.
  // a: 100 − 50 out; in from b 10 and from c 10 → 70.
  // b: 40 − 10 out; in from a 50 and from c (80 − 10) × 1/4 = 17.5 → 97.5.
  // c: 80 − 10 − 17.5 → 52.5. Total 220 before and after.
  const model = compile(scenario({
    id: 'cycle', name: 'Cycle', startYear: 2025, horizon: 2,
    ageBands: [{ id: 'all' }],
    roles: ['a', 'b', 'c'].map((id) => ({ id, name: id.toUpperCase(), attrition: 0 })),
    organisations: [{ id: 'board', name: 'Board' }],
    baseline: [{ role: 'a', organisation: 'board', headcount: [100] }, { role: 'b', organisation: 'board', headcount: [40] }, { role: 'c', organisation: 'board', headcount: [80] }],
    progression: [{ from: 'b', to: 'a', rate: 0.25 }, { from: 'a', to: 'b', rate: 0.5 }, { from: 'c', to: 'a', rate: 0.125 }, { from: 'c', to: 'b', rate: 0.25 }],
  }));
  const get = run(model);

  it('visits sources first where it can, and finishes a role in a cycle after the others', () => {
    // c has no sources; a and b feed each other, so one of them waits for the other's leavers.
    expect([...model.flow.order]).toEqual([2, 0, 1]);
    expect([...model.flow.deferred]).toEqual([1, 0, 0]);
  });

  it('moves people both ways in the same year and adds them up by source role', () => {
    expect(get(0, 0, 1, 'leaversProgression')).toBe(50);
    expect(get(0, 0, 1, 'joinersProgression')).toBe(20);
    expect(get(0, 0, 1, 'headcountEnd')).toBe(70);
    expect(get(1, 0, 1, 'leaversProgression')).toBe(10);
    expect(get(1, 0, 1, 'joinersProgression')).toBe(67.5);
    expect(get(1, 0, 1, 'headcountEnd')).toBe(97.5);
    expect(get(2, 0, 1, 'leaversProgression')).toBe(27.5);
    expect(get(2, 0, 1, 'headcountEnd')).toBe(52.5);
    // Year 2 starts from year 1's ends: a 70 − 35 + (97.5 / 4 = 24.375) + 52.5 / 8 = 65.9375.
    expect(get(0, 0, 2, 'headcountStart')).toBe(70);
    expect(get(0, 0, 2, 'headcountEnd')).toBe(65.9375);
  });

  it('keeps the national totals equal to the sum over organisations', () => {
    const values = centralValues(model);
    const totals = projectTotals(model, values);
    const out = project(model, values, new Float64Array(outputSize(model)));
    for (let r = 0; r < model.R; r++) for (let t = 1; t <= model.H; t++) for (let f = 0; f < F; f++) {
      expect(totals[seriesIndex(model, r, t, f)]).toBe(out[at(model, r, 0, t, f)]);
    }
  });
});

describe('the order roles are visited in', () => {
  it('puts every source before its target when there is no cycle, keeping scenario order otherwise', () => {
    const plan = planFlow(4, [{ from: 3, to: 1 }, { from: 1, to: 0 }]);
    expect([...plan.order]).toEqual([2, 3, 1, 0]);
    expect(plan.anyDeferred).toBe(false);
    expect([...planFlow(3, []).order]).toEqual([0, 1, 2]);
  });

  it('lists the routes into a role by source role, then scenario order', () => {
    const plan = planFlow(3, [{ from: 2, to: 0 }, { from: 1, to: 0 }, { from: 2, to: 0 }]);
    expect([...plan.inbound.subarray(plan.inStart[0], plan.inStart[1])]).toEqual([1, 0, 2]);
    expect([...plan.outbound.subarray(plan.outStart[2], plan.outStart[3])]).toEqual([0, 2]);
  });
});
