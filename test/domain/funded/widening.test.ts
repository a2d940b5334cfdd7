import { describe, expect, it } from 'vitest';
import { hoursOf, wideningTable } from '../../../src/domain/funded/widening.js';

const people = (key: string, applications: number, offered: number) =>
  Array.from({ length: applications }, (_, i) => ({ key, offered: i < offered }));

describe('widening-participation tables', () => {
  it('counts applications and offers per key with the total', () => {
    const table = wideningTable(['6', '7'], [...people('6', 12, 6), ...people('7', 10, 5)]);
    expect(table.lines.map((l) => [l.key, l.applications.value, l.offered.value])).toEqual([['6', 12, 6], ['7', 10, 5]]);
    expect(table.total.applications).toEqual({ value: 22, state: 'shown' });
    expect(table.lines.every((l) => l.applications.state === 'shown' && l.offered.state === 'shown')).toBe(true);
  });

  it('shows a count under 5 as small and withholds another so it cannot be worked out from the total', () => {
    const table = wideningTable(['5', '6', '7'], [...people('5', 3, 1), ...people('6', 12, 6), ...people('7', 10, 5)]);
    expect(table.lines[0]?.applications.state).toBe('small');
    expect(table.lines[0]?.offered.state).toBe('small');
    // 3 = 25 − 12 − 10 unless one more on each sum is withheld.
    const applications = [...table.lines.map((l) => l.applications.state), table.total.applications.state];
    expect(applications.filter((s) => s === 'withheld')).toHaveLength(1);
  });

  it('calls under 1.0 WTE part-time', () => {
    expect([hoursOf(1), hoursOf(0.8)]).toEqual(['full-time', 'part-time']);
  });
});
