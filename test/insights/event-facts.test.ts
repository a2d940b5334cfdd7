import { describe, expect, it } from 'vitest';
import { staffFactsOf } from '../../src/domain/insights/index.js';
import type { LearningRequirement, LiteracyLevelCode } from '../../src/domain/learning/index.js';

// One person's kept facts when a requirement names an event (issue 16): the
// events attended meet it, and count for nothing else (no level, no module's
// first day for "what moved people").

const OFFERED: { id: string; level: LiteracyLevelCode }[] = [{ id: 'a1', level: 'awareness' }];
const EVENT = 'https://genomeg.nhs.wales/events/e1';
const person = { id: 's1', organisationCode: '7A7', staffGroupCode: 'nursing-midwifery', bandCode: '5', jobRole: 'Staff Nurse', ageBand: '35-44', assignmentStartDate: '2020-01-01' };
const requirement = (moduleId: string): LearningRequirement => ({
  id: `r-${moduleId}`, organisationCode: '7A7', moduleId, staffGroupCodes: [], due: { kind: 'date', date: '2026-01-01' }, refresherYears: null, revision: 1,
  createdAt: new Date('2025-01-01T00:00:00Z'), updatedAt: new Date('2025-01-01T00:00:00Z'),
});
const day = (d: string) => new Date(`${d}T12:00:00Z`);

describe('kept facts with an event requirement', () => {
  it('is overdue until the event is attended, then complete', () => {
    expect(staffFactsOf(person, new Map(), OFFERED, [requirement(EVENT)], '2026-03-01').compliance).toBe('overdue');
    expect(staffFactsOf(person, new Map(), OFFERED, [requirement(EVENT)], '2026-03-01', [], new Map([[EVENT, day('2025-11-20')]])).compliance).toBe('complete');
  });

  it('needs the module and the event both when both are required', () => {
    const both = [requirement('a1'), requirement(EVENT)];
    expect(staffFactsOf(person, new Map([['a1', day('2025-10-01')]]), OFFERED, both, '2025-12-01').compliance).toBe('due');
    expect(staffFactsOf(person, new Map([['a1', day('2025-10-01')]]), OFFERED, both, '2025-12-01', [], new Map([[EVENT, day('2025-11-20')]])).compliance).toBe('complete');
  });

  it('does not count attendance toward the literacy level or as a module first completed', () => {
    const facts = staffFactsOf(person, new Map([['a1', day('2025-10-01')]]), OFFERED, [requirement(EVENT)], '2026-03-01', [], new Map([[EVENT, day('2025-11-20')]]));
    expect(facts.level).toBe('awareness');
    expect(facts.reachedOn).toEqual({ awareness: '2025-10-01' });
    expect(facts.modulesFirstOn).toEqual({ a1: '2025-10-01' });
  });
  it('counts a refresher period from the latest attendance or completion, and levels from the first', () => {
    const yearly = [{ ...requirement(EVENT), refresherYears: 1 }, { ...requirement('a1'), refresherYears: 1 }];
    const first = { modules: new Map([['a1', day('2024-01-10')]]), events: new Map([[EVENT, day('2024-01-20')]]) };
    // Only the first, two years before: both expired.
    expect(staffFactsOf(person, first.modules, OFFERED, yearly, '2026-03-01', [], first.events).compliance).toBe('overdue');
    // Renewed last autumn: complete; the level still counts from the first completion.
    const facts = staffFactsOf(person, first.modules, OFFERED, yearly, '2026-03-01', [], first.events,
      { completedAt: new Map([['a1', day('2025-10-01')]]), attendedAt: new Map([[EVENT, day('2025-11-20')]]) });
    expect(facts.compliance).toBe('complete');
    expect(facts.reachedOn).toEqual({ awareness: '2024-01-10' });
    // Only the module renewed: the event is still overdue.
    expect(staffFactsOf(person, first.modules, OFFERED, yearly, '2026-03-01', [], first.events, { completedAt: new Map([['a1', day('2025-10-01')]]), attendedAt: first.events }).compliance).toBe('overdue');
  });
});
