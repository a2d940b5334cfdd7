// The insights chart: the share of each row's people meeting their staff
// group's target, as horizontal bars drawn to SVG on the server with the same
// Vega-Lite → Vega setup as the planner's charts (services/workforce/charts.ts).
// One series in one colour, each bar labelled with its percentage, so it reads
// without colour; rows whose percentage is withheld are left out of the chart
// and appear in the table under it as "not shown".

import * as vega from 'vega';
import { compile as compileVegaLite, type TopLevelSpec } from 'vega-lite';
import { scalableSvg } from '../workforce/charts.js';

const INK = '#212b32';
const BAR = '#005eb8';
const CONFIG = { aria: false, font: 'Arial, sans-serif', title: { fontSize: 15, anchor: 'start' as const, color: INK }, axis: { labelFontSize: 12, titleFontSize: 13, labelColor: INK, titleColor: INK, labelLimit: 220 }, view: { stroke: null } };

export interface ShareBar {
  readonly label: string;
  readonly percent: number;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** Bars of the share meeting target, 0–100%, one per row shown; null when no row's share is shown. */
export async function shareChartSvg(bars: readonly ShareBar[], title: string, axisTitle: string): Promise<string | null> {
  if (bars.length === 0) return null;
  const spec: TopLevelSpec = {
    title,
    width: 420,
    height: { step: 28 },
    data: { values: bars.map((b) => ({ label: b.label, percent: b.percent, text: `${String(b.percent)}%` })) },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: null, title: null, axis: { labelLimit: 240 } },
      x: { field: 'percent', type: 'quantitative', scale: { domain: [0, 100] }, title: axisTitle },
    },
    layer: [
      { mark: { type: 'bar', color: BAR } },
      { mark: { type: 'text', align: 'left', dx: 4, color: INK, fontSize: 12 }, encoding: { text: { field: 'text' } } },
    ],
  };
  const view = new vega.View(vega.parse(compileVegaLite({ ...spec, config: CONFIG }).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  // The chart is one named image: vega's inner roles and English descriptions ("Title text …") would only get in the way.
  const inner = svg.replace(/ role="graphics-[a-z]+"| aria-roledescription="[^"]*"| aria-label="[^"]*"/g, '');
  return scalableSvg(inner.replace('<svg ', `<svg role="img" aria-label="${escapeAttribute(title)}" `));
}
