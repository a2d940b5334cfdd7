import { validateScenario, type Scenario } from '../../src/domain/workforce/scenario.js';

/** A scenario from plain data, validated as a file would be. */
export function scenario(data: Record<string, unknown>): Scenario {
  return validateScenario({ file: 'test.yaml', data });
}

/** The hand-worked scenario in engine.test.ts: one role, one organisation, two age bands. */
export const HAND = {
  id: 'hand', name: 'Hand-worked', startYear: 2025, horizon: 2,
  ageBands: [{ id: 'young', width: 2 }, { id: 'old' }],
  roles: [{ id: 'scientist', name: 'Scientist', attrition: 0.25, retirement: [0, 0.5], recruitment: { perYear: 10 }, wtePerHead: 0.5, payPerWte: 1000 }],
  organisations: [{ id: 'board', name: 'Board', population: 100_000 }],
  baseline: [{ role: 'scientist', organisation: 'board', headcount: [100, 40] }],
  pipelines: [{ id: 'stp', role: 'scientist', intake: 4, duration: 1, completion: 0.5, retention: 0.5, costPerTraineeYear: 100 }],
  demand: {
    availableHoursPerWte: 1000,
    activity: [{ category: 'genomes', tests: 1000, growth: 0.5, hours: { scientist: 2 } }],
    ratios: [{ role: 'scientist', per100k: 50 }],
  },
};

/** Every field of a form page with the value it shows, as a browser would send them back (radios: the checked one; no _csrf). */
export function formFields(page: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of page.matchAll(/<input[^>]*>/g)) {
    const tag = m[0];
    const name = /name="([^"]+)"/.exec(tag)?.[1];
    if (name === undefined || name === '_csrf') continue;
    const value = /value="([^"]*)"/.exec(tag)?.[1] ?? '';
    if (/type="radio"/.test(tag)) { if (/ checked/.test(tag)) fields[name] = value; } else fields[name] = value;
  }
  return fields;
}
