// The allocation page's charts: places offered by organisation and by
// profession, horizontal bars drawn to SVG on the server with the same
// Vega-Lite → Vega setup as the insights and planner charts. One series in one
// colour, each bar labelled with its count, so it reads without colour; every
// chart has a table with the same figures under it on the page.

import * as vega from 'vega';
import { compile as compileVegaLite, type TopLevelSpec } from 'vega-lite';
import { scalableSvg } from '../workforce/charts.js';

const INK = '#212b32';
const BAR = '#005eb8';
const CONFIG = { aria: false, font: 'Arial, sans-serif', title: { fontSize: 15, anchor: 'start' as const, color: INK }, axis: { labelFontSize: 12, titleFontSize: 13, labelColor: INK, titleColor: INK, labelLimit: 220 }, view: { stroke: null } };

export interface CountBar {
  readonly label: string;
  readonly count: number;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
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
  const view = new vega.View(vega.parse(compileVegaLite({ ...spec, config: CONFIG }).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const inner = svg.replace(/ role="graphics-[a-z]+"| aria-roledescription="[^"]*"| aria-label="[^"]*"/g, '');
  return scalableSvg(inner.replace('<svg ', `<svg role="img" aria-label="${escapeAttribute(title)}" `));
}
