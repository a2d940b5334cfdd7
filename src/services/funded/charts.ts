// The allocation page's charts: places offered by organisation and by
// profession, horizontal bars drawn to SVG on the server with the same
// Vega-Lite → Vega setup as the insights and planner charts. One series in one
// colour, each bar labelled with its count, so it reads without colour; every
// chart has a table with the same figures under it on the page.

import type { TopLevelSpec } from 'vega-lite';
import { barChartSvg } from '../insights/charts.js';

const INK = '#212b32';
const BAR = '#005eb8';

export interface CountBar {
  readonly label: string;
  readonly count: number;
}

/** Bars of a count per row; null when there are no rows. */
export async function countChartSvg(bars: readonly CountBar[], title: string, axisTitle: string): Promise<string | null> {
  if (bars.length === 0) return null;
  const max = Math.max(1, ...bars.map((b) => b.count));
  const spec: TopLevelSpec = {
    title,
    width: 360,
    height: { step: 28 },
    data: { values: bars.map((b) => ({ label: b.label, count: b.count, text: String(b.count) })) },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: null, title: null, axis: { labelLimit: 200 } },
      x: { field: 'count', type: 'quantitative', scale: { domain: [0, max] }, title: axisTitle, axis: { tickMinStep: 1, format: 'd' } },
    },
    layer: [
      { mark: { type: 'bar', color: BAR } },
      { mark: { type: 'text', align: 'left', dx: 4, color: INK, fontSize: 12 }, encoding: { text: { field: 'text' } } },
    ],
  };
  return barChartSvg(spec, title);
}
