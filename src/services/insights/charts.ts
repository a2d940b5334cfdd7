// The insights chart: the share of each row's people meeting their staff
// group's target, as horizontal bars drawn to SVG on the server with the same
// Vega-Lite → Vega setup as the planner's charts (services/workforce/charts.ts).
// One series in one colour, each bar labelled with its percentage, so it reads
// without colour; rows whose percentage is withheld are left out of the chart
// and appear in the table under it as "not shown".

import type { TopLevelSpec } from 'vega-lite';
import { loadVega } from '../vega.js';
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
  return barChartSvg(spec, title);
}

/** A Vega-Lite bar chart drawn to SVG in the house style, as one image named by its title. */
export async function barChartSvg(spec: TopLevelSpec, title: string): Promise<string> {
  return drawn(spec, title);
}

// Drawing a chart costs tens of milliseconds of CPU (Vega-Lite compiles, Vega lays out), and the
// SVG depends only on the spec and title: the same chart is drawn once and served again.
const DRAWN_LIMIT = 200;
const drawnCharts = new Map<string, Promise<string>>();

function drawn(spec: TopLevelSpec, title: string): Promise<string> {
  const key = JSON.stringify([spec, title]);
  const held = drawnCharts.get(key);
  if (held !== undefined) {
    drawnCharts.delete(key);
    drawnCharts.set(key, held);
    return held;
  }
  const made = draw(spec, title);
  drawnCharts.set(key, made);
  made.catch(() => { if (drawnCharts.get(key) === made) drawnCharts.delete(key); });
  while (drawnCharts.size > DRAWN_LIMIT) {
    const oldest = drawnCharts.keys().next().value;
    if (oldest === undefined) break;
    drawnCharts.delete(oldest);
  }
  return made;
}

async function draw(spec: TopLevelSpec, title: string): Promise<string> {
  const { vega, compileVegaLite } = await loadVega();
  const view = new vega.View(vega.parse(compileVegaLite({ ...spec, config: CONFIG }).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  // The chart is one named image: vega's inner roles and English descriptions ("Title text …") would only get in the way.
  const inner = svg.replace(/ role="graphics-[a-z]+"| aria-roledescription="[^"]*"| aria-label="[^"]*"/g, '');
  return scalableSvg(inner.replace('<svg ', `<svg role="img" aria-label="${escapeAttribute(title)}" `));
}

export interface TrendLine {
  readonly month: string;
  readonly label: string;
  readonly first: number | null;
  readonly second: number | null;
}

/**
 * Two monthly shares, e.g. at awareness or above (solid line, circles) and
 * meeting target (dashed line, squares), or the share now against the share
 * needed to reach a target (targets page), each
 * named at its last point, so the two read apart without colour. Months whose
 * share is not shown are gaps in the line; null when nothing is shown.
 */
export async function trendChartSvg(points: readonly TrendLine[], title: string, names: { readonly first: string; readonly second: string; readonly month: string; readonly percent: string }): Promise<string | null> {
  const values = points.flatMap((p) => [
    ...(p.first === null ? [] : [{ month: p.label, order: p.month, series: names.first, percent: p.first }]),
    ...(p.second === null ? [] : [{ month: p.label, order: p.month, series: names.second, percent: p.second }]),
  ]);
  if (values.length === 0) return null;
  const lastOf = (series: string) => values.filter((v) => v.series === series).at(-1);
  const ends = [lastOf(names.first), lastOf(names.second)].flatMap((v) => (v === undefined ? [] : [{ ...v, text: `${v.series}: ${String(v.percent)}%` }]));
  const domain = [names.first, names.second];
  const x = { field: 'month', type: 'ordinal' as const, sort: points.map((p) => p.label), title: names.month, axis: { labelAngle: -45, labelOverlap: true } };
  const spec: TopLevelSpec = {
    title,
    width: 460,
    height: 220,
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: { filled: true, size: 40 }, color: BAR },
        encoding: {
          x, y: { field: 'percent', type: 'quantitative', scale: { domain: [0, 100] }, title: names.percent },
          strokeDash: { field: 'series', type: 'nominal', scale: { domain, range: [[1, 0], [6, 4]] }, legend: null },
          shape: { field: 'series', type: 'nominal', scale: { domain, range: ['circle', 'square'] }, legend: null },
          detail: { field: 'series', type: 'nominal' },
        },
      },
      {
        data: { values: ends },
        mark: { type: 'text', align: 'right', dy: -10, color: INK, fontSize: 12 },
        encoding: { x, y: { field: 'percent', type: 'quantitative' }, text: { field: 'text' } },
      },
    ],
  };
  return drawn(spec, title);
}
