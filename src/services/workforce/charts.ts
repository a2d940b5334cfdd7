// Server-side SVG charts for workforce results, with vega-lite compiled to vega
// and rendered without a browser. Every chart can be read without colour: lines
// differ by dash and point shape, and each line or band is labelled where it
// ends (direct labels) as well as in a legend. Every chart has role="img" and
// an aria-label; the words on it come from the caller, in the page's language.

import type * as Vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { loadVega } from '../vega.js';
import { FIELD } from '../../domain/workforce/engine.js';
import { PERCENTILES, seriesIndex, type Summary } from '../../domain/workforce/monte-carlo.js';
import type { CompiledModel } from '../../domain/workforce/engine.js';
import type { TornadoBar } from '../../domain/workforce/monte-carlo.js';

export interface ChartLabels {
  readonly supply: string;
  readonly demand: string;
  readonly year: string;
  readonly wte: string;
}

export const ENGLISH_LABELS: ChartLabels = { supply: 'Supply (WTE)', demand: 'Demand (WTE)', year: 'Year', wte: 'Whole-time equivalent' };

export interface GapLabels {
  readonly year: string;
  /** The y axis: gap, demand − supply. */
  readonly gap: string;
  readonly median: string;
  readonly p5: string;
  readonly p95: string;
  /** The zero line. */
  readonly noGap: string;
}

export interface TornadoLabels {
  /** The x axis: the output the bars move. */
  readonly output: string;
  readonly low: string;
  readonly high: string;
  /** The line at the output's most likely value. */
  readonly base: string;
}

export interface CompareLabels {
  readonly year: string;
  readonly wte: string;
  readonly supply: string;
  readonly demand: string;
}

export interface FanRow {
  readonly year: number;
  readonly series: string;
  readonly p5: number;
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p95: number;
}

/** A tornado bar with the parameter's name as shown and its two ends formatted for the labels. */
export interface LabelledTornadoBar extends TornadoBar {
  readonly label: string;
  readonly lowText: string;
  readonly highText: string;
}

export interface CompareRow {
  readonly year: number;
  /** The run's name as shown in the legend (scenario, version, seed). */
  readonly scenario: string;
  /** Its letter, for the labels at the ends of its lines. */
  readonly short: string;
  readonly series: 'supply' | 'demand';
  readonly p50: number;
}

/** Percentile rows of supply and demand (all organisations) for one role. */
export function fanRows(model: CompiledModel, summary: Summary, role: string, labels: ChartLabels = ENGLISH_LABELS): FanRow[] {
  const r = model.roleIds.indexOf(role);
  const rows: FanRow[] = [];
  for (const [field, series] of [[FIELD.supplyWte, labels.supply], [FIELD.demandWte, labels.demand]] as const) {
    for (let t = 1; t <= model.H; t++) {
      const base = seriesIndex(model, r, t, field) * PERCENTILES.length;
      const q = (i: number): number => summary.quantiles[base + i] ?? Number.NaN;
      rows.push({ year: model.startYear + t, series, p5: q(0), p25: q(1), p50: q(2), p75: q(3), p95: q(4) });
    }
  }
  return rows;
}

const INK = '#212b32';
const BLUE = '#005eb8';
const RED = '#d5281b';
const COMPARE_COLOURS = ['#005eb8', '#7c2855', '#007f3b'];
const CONFIG = { aria: false, font: 'Arial, sans-serif', title: { fontSize: 15, anchor: 'start' as const, color: INK }, axis: { labelFontSize: 12, titleFontSize: 13, labelColor: INK, titleColor: INK }, legend: { labelFontSize: 12, orient: 'bottom' as const }, view: { stroke: null } };

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * Parsed charts by their spec. A chart drawn many times (fan and gap charts:
 * one per role, run and language) takes its data and title at drawing time, so
 * compiling and parsing (most of the cost of a chart) happen once per layout.
 */
const RUNTIMES = new Map<string, Vega.Runtime>();
const RUNTIME_LIMIT = 200;

async function render(spec: TopLevelSpec, ariaLabel: string, bind: { data?: Record<string, object[]>; params?: Record<string, unknown> } = {}): Promise<string> {
  const { vega, compileVegaLite } = await loadVega();
  const key = JSON.stringify(spec);
  let runtime = RUNTIMES.get(key);
  if (runtime === undefined) {
    runtime = vega.parse(compileVegaLite({ ...spec, config: CONFIG }).spec);
    RUNTIMES.set(key, runtime);
    if (RUNTIMES.size > RUNTIME_LIMIT) RUNTIMES.delete(RUNTIMES.keys().next().value ?? key);
  }
  const view = new vega.View(runtime, { renderer: 'none' });
  for (const [name, values] of Object.entries(bind.data ?? {})) view.data(name, values);
  for (const [name, value] of Object.entries(bind.params ?? {})) view.signal(name, value);
  const svg = await view.toSVG();
  view.finalize();
  // The chart is one image with a name (its data is in the table under it): vega's
  // roles and descriptions of inner marks (in English) would only get in the way.
  // Vega names its title mark in English ("Title text '…'"); the title is the image's own name already.
  const inner = svg.replace(/ role="graphics-[a-z]+"| aria-roledescription="[^"]*"| aria-label="Title text [^"]*"/g, '');
  return inner.replace('<svg ', `<svg role="img" aria-label="${escapeAttribute(ariaLabel)}" `);
}

/** The title and last year of a reusable chart, given when it is drawn. */
const CHART_PARAMS = [{ name: 'chartTitle', value: '' }, { name: 'lastYear', value: 0 }];
const CHART_TITLE = { text: { expr: 'chartTitle' } };

/**
 * The chart for a page: without its fixed width and height, so it scales to
 * the column it is in (its viewBox keeps the proportions). Downloads keep both.
 */
export function scalableSvg(svg: string): string {
  return svg.replace(/^(<svg [^>]*?) width="[\d.]+" height="[\d.]+"/, '$1 width="100%"');
}

function lastYear(rows: readonly { readonly year: number }[]): number {
  return rows.reduce((m, r) => Math.max(m, r.year), Number.NEGATIVE_INFINITY);
}

/** Fan chart: P5–P95 and P25–P75 bands with the median line, supply solid, demand dashed, each labelled at its end. */
export function fanChartSvg(rows: readonly FanRow[], title: string, labels: ChartLabels = ENGLISH_LABELS): Promise<string> {
  const x = { field: 'year', type: 'ordinal' as const, title: labels.year, axis: { labelAngle: 0, labelOverlap: true } };
  const domain = [labels.supply, labels.demand];
  const colour = { field: 'series', type: 'nominal' as const, title: null, scale: { domain, range: [BLUE, RED] } };
  const spec: TopLevelSpec = {
    params: CHART_PARAMS, title: CHART_TITLE, width: 560, height: 280,
    data: { name: 'rows' },
    layer: [
      { mark: { type: 'area', opacity: 0.18 }, encoding: { x, y: { field: 'p5', type: 'quantitative', title: labels.wte }, y2: { field: 'p95' }, color: colour } },
      { mark: { type: 'area', opacity: 0.35 }, encoding: { x, y: { field: 'p25', type: 'quantitative' }, y2: { field: 'p75' }, color: colour } },
      {
        mark: { type: 'line', strokeWidth: 2.5, point: true },
        encoding: {
          x, y: { field: 'p50', type: 'quantitative' }, color: colour,
          strokeDash: { field: 'series', type: 'nominal', title: null, scale: { domain, range: [[1, 0], [6, 4]] } },
          shape: { field: 'series', type: 'nominal', title: null, scale: { domain, range: ['circle', 'square'] } },
        },
      },
      {
        transform: [{ filter: 'datum.year === lastYear' }],
        mark: { type: 'text', align: 'left', dx: 8, fontSize: 12, fontWeight: 'bold' },
        encoding: { x, y: { field: 'p50', type: 'quantitative' }, text: { field: 'series' }, color: colour },
      },
    ],
  };
  return render(spec, title, { data: { rows: rows.map((r) => ({ ...r })) }, params: { chartTitle: title, lastYear: lastYear(rows) } });
}

/** Gap chart: the P5–P95 and P25–P75 bands of demand − supply, the median, and a labelled line at zero. */
export function gapChartSvg(rows: readonly FanRow[], title: string, labels: GapLabels): Promise<string> {
  const x = { field: 'year', type: 'ordinal' as const, title: labels.year, axis: { labelAngle: 0, labelOverlap: true } };
  const first = rows.reduce((m, r) => Math.min(m, r.year), Number.POSITIVE_INFINITY);
  const endLabel = (field: 'p5' | 'p50' | 'p95', text: string, weight: 'bold' | 'normal') => ({
    transform: [{ filter: 'datum.year === lastYear' }, { calculate: JSON.stringify(text), as: 'label' }],
    mark: { type: 'text' as const, align: 'left' as const, dx: 8, fontSize: 12, fontWeight: weight, color: INK },
    encoding: { x, y: { field, type: 'quantitative' as const }, text: { field: 'label' } },
  });
  const spec: TopLevelSpec = {
    params: CHART_PARAMS, title: CHART_TITLE, width: 560, height: 260,
    layer: [
      {
        data: { name: 'rows' },
        layer: [
          { mark: { type: 'area', opacity: 0.18, color: BLUE }, encoding: { x, y: { field: 'p5', type: 'quantitative', title: labels.gap }, y2: { field: 'p95' } } },
          { mark: { type: 'area', opacity: 0.35, color: BLUE }, encoding: { x, y: { field: 'p25', type: 'quantitative' }, y2: { field: 'p75' } } },
          { mark: { type: 'line', strokeWidth: 2.5, color: BLUE, point: { filled: true, color: BLUE } }, encoding: { x, y: { field: 'p50', type: 'quantitative' } } },
          endLabel('p95', labels.p95, 'normal'),
          endLabel('p50', labels.median, 'bold'),
          endLabel('p5', labels.p5, 'normal'),
        ],
      },
      {
        data: { name: 'zero' },
        layer: [
          { mark: { type: 'rule', color: INK, strokeDash: [6, 4], strokeWidth: 1.5 }, encoding: { y: { field: 'zero', type: 'quantitative' } } },
          { mark: { type: 'text', align: 'left', dy: -8, fontSize: 12, color: INK }, encoding: { x, y: { field: 'zero', type: 'quantitative' }, text: { field: 'label' } } },
        ],
      },
    ],
  };
  return render(spec, title, {
    data: { rows: rows.map((r) => ({ ...r })), zero: [{ zero: 0, year: first, label: labels.noGap }] },
    params: { chartTitle: title, lastYear: lastYear(rows) },
  });
}

/** Tornado chart: the swing of the output between each parameter's low and high values, each end labelled with the value used. */
export function tornadoSvg(base: number, bars: readonly LabelledTornadoBar[], title: string, labels: TornadoLabels): Promise<string> {
  const values = bars.flatMap((b) => [
    { parameter: b.label, end: labels.low, from: base, to: b.outputAtLow, text: b.lowText },
    { parameter: b.label, end: labels.high, from: base, to: b.outputAtHigh, text: b.highText },
  ]);
  // A label "Owner: what" is written on two lines, split at the colon.
  const y = { field: 'parameter', type: 'nominal' as const, sort: bars.map((b) => b.label), title: null, axis: { labelLimit: 0, labelExpr: "split(datum.label, ': ')" } };
  const domain = [labels.low, labels.high];
  // The low end's value is written in the upper half of the bar's band and the high end's in the lower half,
  // so the two never print over each other when both ends fall on one side of the base.
  const endText = (side: 'left' | 'right', end: string, dy: number) => ({
    transform: [{ filter: `${side === 'left' ? 'datum.to < datum.from' : 'datum.to >= datum.from'} && datum.end === ${JSON.stringify(end)}` }],
    mark: { type: 'text' as const, align: side === 'left' ? 'right' as const : 'left' as const, dx: side === 'left' ? -4 : 4, dy, fontSize: 11, color: INK },
    encoding: { y, x: { field: 'to', type: 'quantitative' as const }, text: { field: 'text' } },
  });
  const spec: TopLevelSpec = {
    title, width: 420, height: Math.max(120, 40 * bars.length),
    layer: [
      {
        data: { values },
        layer: [
          {
            mark: { type: 'bar', stroke: INK, strokeWidth: 1, height: { band: 0.7 } },
            encoding: {
              y, x: { field: 'from', type: 'quantitative', title: labels.output, scale: { zero: false } }, x2: { field: 'to' },
              color: { field: 'end', type: 'nominal', title: null, scale: { domain, range: [BLUE, '#ffb81c'] } },
              strokeDash: { field: 'end', type: 'nominal', title: null, scale: { domain, range: [[1, 0], [4, 2]] } },
            },
          },
          endText('left', labels.low, -7),
          endText('right', labels.low, -7),
          endText('left', labels.high, 7),
          endText('right', labels.high, 7),
        ],
      },
      {
        data: { values: [{ base, label: labels.base }] },
        layer: [
          { mark: { type: 'rule', color: INK, strokeWidth: 1.5 }, encoding: { x: { field: 'base', type: 'quantitative' } } },
          { mark: { type: 'text', align: 'center', baseline: 'bottom', y: -4, fontSize: 11, color: INK }, encoding: { x: { field: 'base', type: 'quantitative' }, text: { field: 'label' } } },
        ],
      },
    ],
  };
  return render(spec, title);
}

/**
 * Comparison: the median supply (solid) and demand (dashed) of two or three
 * runs on one chart; runs differ by colour and point shape, and each line is
 * labelled at its end.
 */
export function compareChartSvg(rows: readonly CompareRow[], scenarios: readonly string[], title: string, labels: CompareLabels): Promise<string> {
  const x = { field: 'year', type: 'ordinal' as const, title: labels.year, axis: { labelAngle: 0, labelOverlap: true } };
  const seriesDomain = [labels.supply, labels.demand];
  const colour = { field: 'scenario', type: 'nominal' as const, title: null, scale: { domain: [...scenarios], range: COMPARE_COLOURS.slice(0, scenarios.length) }, legend: { direction: 'vertical' as const, labelLimit: 0 } };
  const end = lastYear(rows);
  const height = 300;
  const values = rows.map((r) => ({ ...r, series: r.series === 'supply' ? labels.supply : labels.demand, label: `${r.short}: ${r.series === 'supply' ? labels.supply : labels.demand}` }));
  // The y scale is fixed here so that the labels at the lines' ends can be spaced at least 14 px apart
  // (lines that end together printed their labels over each other).
  const lo = Math.min(0, ...values.map((v) => v.p50)), hi = Math.max(1, ...values.map((v) => v.p50)) * 1.05;
  const perPixel = (hi - lo) / height;
  const ends = values.filter((v) => v.year === end).sort((a, b) => a.p50 - b.p50);
  const labelled = spaced(ends.map((v) => v.p50), 14 * perPixel, lo, hi).map((labelY, i) => ({ ...ends[i], labelY }));
  const yScale = { domain: [lo, hi], nice: false, zero: false };
  const spec: TopLevelSpec = {
    title, width: 560, height,
    data: { values },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 2.5, point: true },
        encoding: {
          x, y: { field: 'p50', type: 'quantitative', title: labels.wte, scale: yScale }, color: colour,
          strokeDash: { field: 'series', type: 'nominal', title: null, scale: { domain: seriesDomain, range: [[1, 0], [6, 4]] }, legend: null },
          shape: { field: 'scenario', type: 'nominal', title: null, scale: { domain: [...scenarios], range: ['circle', 'square', 'triangle-up'] } },
        },
      },
      {
        data: { values: labelled },
        mark: { type: 'text' as const, align: 'left' as const, baseline: 'middle' as const, dx: 8, fontSize: 11 },
        encoding: { x, y: { field: 'labelY', type: 'quantitative' as const, scale: yScale }, text: { field: 'label' }, color: colour },
      },
    ],
  };
  return render(spec, title);
}

/**
 * Label positions near `wanted` (sorted ascending), each at least `gap` from
 * the next, kept inside [lo, hi] as far as room allows.
 */
export function spaced(wanted: readonly number[], gap: number, lo: number, hi: number): number[] {
  const out = [...wanted];
  for (let i = 1; i < out.length; i++) out[i] = Math.max(out[i] ?? 0, (out[i - 1] ?? 0) + gap);
  const over = (out[out.length - 1] ?? lo) - hi;
  if (over > 0) for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) - over;
  for (let i = out.length - 2; i >= 0; i--) out[i] = Math.min(out[i] ?? 0, (out[i + 1] ?? 0) - gap);
  return out;
}
