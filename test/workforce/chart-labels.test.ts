// Issue 14 item 17: tornado and compare charts printed labels over each other.

import { describe, expect, it } from 'vitest';
import { compareChartSvg, spaced, tornadoSvg, type CompareRow } from '../../src/services/workforce/charts.js';

/** The text labels of an SVG drawn by vega: their words and where they are. */
function texts(svg: string): { text: string; x: number; y: number }[] {
  return [...svg.matchAll(/<text[^>]*transform="translate\(([-\d.]+),([-\d.]+)\)"[^>]*>([^<]*)<\/text>/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]), text: m[3] ?? '' }));
}

describe('chart labels', () => {
  it('spaces labels that would sit on one another at least a gap apart, inside the scale', () => {
    expect(spaced([10, 10, 10], 2, 0, 100)).toEqual([10, 12, 14]);
    expect(spaced([99, 100], 3, 0, 100)).toEqual([97, 100]);
    expect(spaced([1, 50], 3, 0, 100)).toEqual([1, 50]);
  });

  it('writes the end labels of runs that end at the same figure apart on the compare chart', async () => {
    const rows: CompareRow[] = [];
    for (const [scenario, short] of [['A: one', 'A'], ['B: two', 'B'], ['C: three', 'C']] as const) {
      for (const year of [2026, 2027, 2028]) {
        rows.push({ year, scenario, short, series: 'supply', p50: 20 }, { year, scenario, short, series: 'demand', p50: 21 });
      }
    }
    const svg = await compareChartSvg(rows, ['A: one', 'B: two', 'C: three'], 'Title', { year: 'Year', wte: 'WTE', supply: 'Supply', demand: 'Demand' });
    // Welsh review row 55: no English words hidden in the chart (vega's "Title text '…'").
    expect(svg).not.toContain('Title text');
    const ends = texts(svg).filter((t) => /^[ABC]: (Supply|Demand)$/.test(t.text)).sort((a, b) => a.y - b.y);
    expect(ends).toHaveLength(6);
    for (let i = 1; i < ends.length; i++) expect((ends[i]?.y ?? 0) - (ends[i - 1]?.y ?? 0)).toBeGreaterThanOrEqual(13.9);
  });

  it('writes the low and high values of a bar apart when both ends fall on one side of the base', async () => {
    const bars = [{ parameter: 'p', label: 'Role: attrition', low: 0.05, high: 0.1, outputAtLow: 3, outputAtHigh: 3.2, swing: 0.2, lowText: '0.05', highText: '0.1' }];
    const svg = await tornadoSvg(1, bars, 'Title', { output: 'Gap', low: 'Low end', high: 'High end', base: 'Most likely' });
    const low = texts(svg).find((t) => t.text === '0.05'), high = texts(svg).find((t) => t.text === '0.1');
    expect(low).toBeDefined();
    expect(high).toBeDefined();
    expect(Math.abs((high?.y ?? 0) - (low?.y ?? 0))).toBeGreaterThanOrEqual(12);
  });
});
