// The workforce charts with their words, and the self-contained report.html
// (charts as inline SVG, a data table under every chart, no outside files or
// scripts), in English or Welsh. `genomeg plan` writes the report to a folder;
// the web workspace offers it as a download and draws its results pages with
// the same chart functions, so a chart reads the same everywhere.

import type { TornadoBar } from '../../domain/workforce/monte-carlo.js';
import type { ScenarioNames } from '../../domain/workforce/scenario.js';
import { fanChartSvg, gapChartSvg, tornadoSvg, type FanRow, type LabelledTornadoBar } from './charts.js';
import type { RoleResult, StoredPercentiles } from './run-jobs.js';
import { FIGURE_DIGITS, numberFormatter } from '../../domain/number-format.js';

export type Language = 'en' | 'cy';
export type Translate = (key: string, params?: Readonly<Record<string, string | number>>) => string;

export interface TornadoInput {
  readonly role: string;
  readonly year: number;
  readonly base: number;
  readonly bars: readonly TornadoBar[];
  /** The scenario's pipeline and demand category names, so that labels name them rather than show ids. */
  readonly names?: ScenarioNames;
}

export interface ReportScenario {
  readonly id: string;
  readonly name: string;
  /** The stored version (web runs); files have none. */
  readonly version?: number;
  readonly runs: number;
  readonly seed: number;
  readonly seconds: number;
  readonly roles: readonly RoleResult[];
  readonly tornado?: TornadoInput;
  readonly goal?: { readonly pipeline: string; readonly year: number; readonly status: string; readonly intake: number; readonly gapAtYear: number; readonly trainingCost: number };
  /** The command that reproduces the figures. */
  readonly reproduce?: string;
}

export interface Chart {
  readonly title: string;
  readonly caption: string;
  readonly tableCaption: string;
  readonly svg: string;
}

/**
 * The shared number format (src/domain/number-format.ts): by default a workforce
 * figure, to one decimal place always; other precisions (seconds, parameter
 * values, whole counts) at most `digits` places. Never "-0".
 */
export function numberFormat(lang: Language, digits = FIGURE_DIGITS): Intl.NumberFormat {
  return numberFormatter(lang, digits, digits === FIGURE_DIGITS);
}

export function roleName(role: { readonly name: string; readonly nameCy: string | null }, lang: Language): string {
  return lang === 'cy' && role.nameCy !== null ? role.nameCy : role.name;
}

function translated(t: Translate, key: string, params?: Readonly<Record<string, string | number>>): string | undefined {
  const text = t(key, params);
  return text === `[${key}]` ? undefined : text;
}

/**
 * A model parameter's name as a planner reads it: `roles.clinical-scientist.attrition`
 * becomes "Clinical scientist (genomics): attrition". Names it does not know stay as they are.
 */
export function parameterLabel(name: string, roles: readonly RoleResult[], t: Translate, lang: Language, names?: ScenarioNames): string {
  const pipelineOf = (id: string): string => names?.pipelines[id]?.[lang] ?? id;
  const categoryOf = (id: string): string => names?.categories[id]?.[lang] ?? id;
  const role = /^roles\.([a-z0-9-]+)\.([A-Za-z]+)(?:\.([A-Za-z0-9-]+))?$/.exec(name);
  if (role !== null) {
    const [, id = '', field = '', sub] = role;
    const owner = roles.find((r) => r.id === id);
    const what = translated(t, `workforce.param.${field}${field === 'recruitment' && sub !== undefined ? `.${sub}` : ''}`, { band: sub ?? '' });
    if (owner !== undefined && what !== undefined) return `${roleName(owner, lang)}: ${what}`;
  }
  const pipeline = /^pipelines\.([a-z0-9-]+)\.([A-Za-z]+)$/.exec(name);
  if (pipeline !== null) {
    const what = translated(t, `workforce.param.pipeline.${pipeline[2] ?? ''}`);
    if (what !== undefined) return t('workforce.param.pipelineLabel', { pipeline: pipelineOf(pipeline[1] ?? ''), field: what });
  }
  const named = (id: string): string => {
    const r = roles.find((x) => x.id === id);
    return r === undefined ? id : roleName(r, lang);
  };
  const patterns: readonly [RegExp, (m: RegExpExecArray) => string | undefined][] = [
    [/^demand\.availableHoursPerWte$/, () => translated(t, 'workforce.param.availableHours')],
    [/^demand\.activity\.([a-z0-9-]+)\.(tests|growth)$/, (m) => translated(t, `workforce.param.activity.${m[2] ?? ''}`, { category: categoryOf(m[1] ?? '') })],
    [/^demand\.activity\.([a-z0-9-]+)\.hours\.([a-z0-9-]+)$/, (m) => translated(t, 'workforce.param.activity.hours', { category: categoryOf(m[1] ?? ''), role: named(m[2] ?? '') })],
    [/^demand\.ratios\.([a-z0-9-]+)\.per100k$/, (m) => translated(t, 'workforce.param.ratio', { role: named(m[1] ?? '') })],
    [/^demand\.steps\.\d+\.([a-z0-9-]+)\.wte$/, (m) => translated(t, 'workforce.param.step', { role: named(m[1] ?? '') })],
    [/^demand\.skillMix\.([a-z0-9-]+)>([a-z0-9-]+)\.(share|efficiency)$/, (m) => translated(t, `workforce.param.skillMix.${m[3] ?? ''}`, { from: named(m[1] ?? ''), to: named(m[2] ?? '') })],
    [/^progression\.([a-z0-9-]+)>([a-z0-9-]+)\.rate$/, (m) => translated(t, 'workforce.param.progression', { from: named(m[1] ?? ''), to: named(m[2] ?? '') })],
    [/^organisations\.([a-z0-9-]+)\.populationGrowth$/, (m) => translated(t, 'workforce.param.populationGrowth', { organisation: m[1] ?? '' })],
  ];
  for (const [pattern, label] of patterns) {
    const m = pattern.exec(name);
    const text = m === null ? undefined : label(m);
    if (text !== undefined) return text;
  }
  return name;
}

function rowsOf(role: RoleResult, series: StoredPercentiles['series'], label: string): FanRow[] {
  return role.rows.filter((r) => r.series === series).map((r) => ({ ...r, series: label }));
}

/** Supply against demand for one role: the fan chart and its words. */
export async function fanChart(role: RoleResult, t: Translate, lang: Language): Promise<Chart> {
  const name = roleName(role, lang);
  const labels = { supply: t('workforce.chart.supply'), demand: t('workforce.chart.demand'), year: t('workforce.chart.year'), wte: t('workforce.chart.wte') };
  const title = t('workforce.chart.title', { role: name });
  const rows = [...rowsOf(role, 'supply', labels.supply), ...rowsOf(role, 'demand', labels.demand)];
  return { title, caption: t('workforce.chart.caption', { role: name }), tableCaption: t('workforce.chart.tableCaption', { role: name }), svg: await fanChartSvg(rows, title, labels) };
}

/** The gap (demand − supply) for one role: its chart and words. */
export async function gapChart(role: RoleResult, t: Translate, lang: Language): Promise<Chart> {
  const name = roleName(role, lang);
  const title = t('workforce.chart.gapTitle', { role: name });
  const labels = { year: t('workforce.chart.year'), gap: t('workforce.chart.gapAxis'), median: t('workforce.chart.median'), p5: 'P5', p95: 'P95', noGap: t('workforce.chart.noGap') };
  return { title, caption: t('workforce.chart.gapCaption', { role: name }), tableCaption: t('workforce.chart.gapTableCaption', { role: name }), svg: await gapChartSvg(rowsOf(role, 'gap', labels.gap), title, labels) };
}

/** The tornado bars with the words and numbers the chart and its table show. */
export function labelledBars(tornado: TornadoInput, roles: readonly RoleResult[], t: Translate, lang: Language): LabelledTornadoBar[] {
  const f = numberFormat(lang, 3);
  return tornado.bars.map((b) => ({ ...b, label: parameterLabel(b.parameter, roles, t, lang, tornado.names), lowText: f.format(b.low), highText: f.format(b.high) }));
}

/** What moves a role's gap in a year most: the tornado chart and its words. */
export async function tornadoChart(tornado: TornadoInput, roles: readonly RoleResult[], t: Translate, lang: Language): Promise<Chart> {
  const role = roles.find((r) => r.id === tornado.role);
  const name = role === undefined ? tornado.role : roleName(role, lang);
  const title = t('workforce.chart.tornadoTitle', { role: name, year: tornado.year });
  const base = numberFormat(lang).format(tornado.base);
  const labels = { output: t('workforce.chart.gapAxis'), low: t('workforce.chart.low'), high: t('workforce.chart.high'), base: t('workforce.chart.base', { base }) };
  return {
    title,
    caption: t('workforce.chart.tornadoCaption', { role: name, year: tornado.year, base }),
    tableCaption: t('workforce.chart.tornadoTableCaption', { role: name, year: tornado.year }),
    svg: await tornadoSvg(tornado.base, labelledBars(tornado, roles, t, lang), title, labels),
  };
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function percentileTable(rows: readonly StoredPercentiles[], caption: string, t: Translate, lang: Language): string {
  const f = numberFormat(lang);
  const head = `<tr><th scope="col">${escapeHtml(t('workforce.chart.year'))}</th><th scope="col">${escapeHtml(t('workforce.chart.series'))}</th>${['P5', 'P25', 'P50', 'P75', 'P95'].map((p) => `<th scope="col">${p}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr><td>${r.year}</td><td>${escapeHtml(t(`workforce.chart.${r.series}`))}</td>${[r.p5, r.p25, r.p50, r.p75, r.p95].map((v) => `<td>${f.format(v)}</td>`).join('')}</tr>`).join('');
  return `<table><caption>${escapeHtml(caption)}</caption><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

export function tornadoTable(tornado: TornadoInput, roles: readonly RoleResult[], caption: string, t: Translate, lang: Language): string {
  const f = numberFormat(lang);
  const head = ['parameter', 'lowValue', 'highValue', 'gapAtLow', 'gapAtHigh'].map((k) => `<th scope="col">${escapeHtml(t(`workforce.chart.${k}`))}</th>`).join('');
  const body = labelledBars(tornado, roles, t, lang).map((b) => `<tr><td>${escapeHtml(b.label)}</td><td>${b.lowText}</td><td>${b.highText}</td><td>${f.format(b.outputAtLow)}</td><td>${f.format(b.outputAtHigh)}</td></tr>`).join('');
  return `<table><caption>${escapeHtml(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function figure(chart: Chart): string {
  return `<figure>${chart.svg}<figcaption>${escapeHtml(chart.caption)}</figcaption></figure>`;
}

const STYLE = 'body{font-family:Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#212b32;line-height:1.4}table{border-collapse:collapse;margin:1rem 0 2rem}td,th{border:1px solid #aeb7bd;padding:.2rem .5rem;text-align:right}th:first-child,td:first-child{text-align:left}caption{text-align:left;font-weight:bold;padding-bottom:.3rem}figure{margin:1.5rem 0}svg{max-width:100%;height:auto}code{background:#f0f4f5;padding:.1rem .3rem}';

/**
 * The report and every chart in it (for writing as separate SVG files too):
 * per scenario, a fan chart and a gap chart per role, the tornado when given,
 * each with its data table.
 */
export async function buildReport(scenarios: readonly ReportScenario[], t: Translate, lang: Language): Promise<{ html: string; charts: { file: string; svg: string }[] }> {
  const charts: { file: string; svg: string }[] = [];
  const sections: string[] = [];
  const seconds = numberFormat(lang, 2);
  const whole = numberFormat(lang, 0);
  for (const s of scenarios) {
    const parts = [`<h2>${escapeHtml(s.name)}</h2>`];
    if (s.version !== undefined) parts.push(`<p>${escapeHtml(t('workforce.versionLine', { id: s.id, version: s.version }))}</p>`);
    parts.push(`<p>${escapeHtml(t('workforce.report.meta', { runs: whole.format(s.runs), seed: s.seed, seconds: seconds.format(s.seconds) }))}</p>`);
    if (s.reproduce !== undefined) parts.push(`<p>${escapeHtml(t('workforce.report.reproduce'))} <code>${escapeHtml(s.reproduce)}</code></p>`);
    for (const role of s.roles) {
      const fan = await fanChart(role, t, lang);
      const gap = await gapChart(role, t, lang);
      charts.push({ file: `${s.id}-${role.id}.svg`, svg: fan.svg }, { file: `${s.id}-${role.id}-gap.svg`, svg: gap.svg });
      parts.push(`<h3>${escapeHtml(roleName(role, lang))}</h3>`);
      parts.push(figure(fan), percentileTable(role.rows.filter((r) => r.series !== 'gap'), fan.tableCaption, t, lang));
      parts.push(figure(gap), percentileTable(role.rows.filter((r) => r.series === 'gap'), gap.tableCaption, t, lang));
    }
    if (s.tornado !== undefined) {
      const tornado = await tornadoChart(s.tornado, s.roles, t, lang);
      charts.push({ file: `${s.id}-tornado.svg`, svg: tornado.svg });
      parts.push(`<h3>${escapeHtml(t('workforce.tornadoHeading'))}</h3>`, figure(tornado), tornadoTable(s.tornado, s.roles, tornado.tableCaption, t, lang));
    }
    if (s.goal !== undefined) {
      const g = s.goal;
      parts.push(`<p>${escapeHtml(t('workforce.report.goal', { pipeline: g.pipeline, year: g.year, status: g.status, intake: g.intake, gap: numberFormat(lang).format(g.gapAtYear), cost: whole.format(Math.round(g.trainingCost)) }))}</p>`);
    }
    sections.push(`<section>${parts.join('\n')}</section>`);
  }
  const title = t('workforce.report.title');
  const html = `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(t('workforce.chart.howToRead'))}</p>
${sections.join('\n')}
</main></body></html>
`;
  return { html, charts };
}
