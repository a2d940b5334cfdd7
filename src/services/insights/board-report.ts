// The board report (docs/insights.md, "Board report"): one organisation, one
// quarter, in one language — the literacy levels at the quarter's end against
// its start, required-learning compliance, the largest gaps against target and
// the modules and events that moved most people in the quarter. Built from the
// same kept aggregates and the same suppression as /insights (every count
// under 5 is "fewer than 5", others withheld so that none can be worked out),
// and drawn twice from this one object: as an HTML page and as a PDF (pdfkit,
// DejaVu Sans for the Welsh letters), so the PDF never shows what the page
// withholds.

/// <reference types="pdfkit" />
import { createRequire } from 'node:module';
import { addDays } from '../../domain/learning/index.js';
import { LEVEL_COLUMNS, COMPLIANCE_COLUMNS, largestGaps, literacyTable, peopleOfCells, type PublishedCount } from '../../domain/insights/index.js';
import { ORGANISATIONS } from '../../domain/staff/index.js';
import type { InsightsAggregateStore } from '../../db/stores/insights-aggregate-store.js';
import { countText, labelOf } from './literacy-view.js';
import { dayLabel, staffGroupTarget } from './dashboard.js';

type Translate = (key: string, params?: Readonly<Record<string, string | number>>) => string;

export interface Quarter { readonly year: number; readonly quarter: 1 | 2 | 3 | 4 }

/** "2026-Q3" (also "2026 Q3", any case) as a quarter, or null. */
export function parseQuarter(text: string): Quarter | null {
  const m = /^(\d{4})[- ]?[Qq]([1-4])$/.exec(text.trim());
  if (m === null) return null;
  const year = Number(m[1]);
  if (year < 2000 || year > 2100) return null;
  return { year, quarter: Number(m[2]) as Quarter['quarter'] };
}

export function quarterKey(q: Quarter): string {
  return `${String(q.year)}-Q${String(q.quarter)}`;
}

/** The quarter's first and last calendar days (YYYY-MM-DD). */
export function quarterDays(q: Quarter): { start: string; end: string } {
  const month = (q.quarter - 1) * 3 + 1;
  const start = `${String(q.year)}-${String(month).padStart(2, '0')}-01`;
  const next = q.quarter === 4 ? `${String(q.year + 1)}-01-01` : `${String(q.year)}-${String(month + 3).padStart(2, '0')}-01`;
  return { start, end: addDays(next, -1) };
}

export function quarterOf(day: string): Quarter {
  return { year: Number(day.slice(0, 4)), quarter: (Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1) as Quarter['quarter'] };
}

/** The quarters a report may be asked for, newest first: the current one and the seven before it. */
export function recentQuarters(today: string, count = 8): Quarter[] {
  let q = quarterOf(today);
  const list: Quarter[] = [];
  for (let i = 0; i < count; i += 1) {
    list.push(q);
    q = q.quarter === 1 ? { year: q.year - 1, quarter: 4 } : { year: q.year, quarter: (q.quarter - 1) as Quarter['quarter'] };
  }
  return list;
}

export function quarterText(q: Quarter, t: Translate): string {
  return t('insightsReport.quarterName', { year: q.year, quarter: q.quarter });
}

export interface LevelLine { readonly label: string; readonly start: string; readonly startPercent: string; readonly end: string; readonly endPercent: string; readonly endShare: number | null }
export interface CountLine { readonly label: string; readonly count: string }
export interface GapLine { readonly staffGroup: string; readonly target: string; readonly people: string; readonly meeting: string; readonly meetingPercent: number }

export interface BoardReport {
  readonly organisationCode: string;
  readonly organisation: string;
  readonly quarterKey: string;
  readonly quarter: string;
  readonly startText: string;
  readonly endText: string;
  /** Whether the quarter is still running (its end figures are today's). */
  readonly current: boolean;
  readonly people: { readonly start: string; readonly end: string };
  readonly levels: readonly LevelLine[];
  readonly compliance: readonly CountLine[];
  readonly complianceAsAt: string;
  readonly overduePercent: string;
  readonly gaps: readonly GapLine[];
  readonly modules: readonly CountLine[];
  readonly events: readonly CountLine[];
}

function shareOf(part: PublishedCount, whole: PublishedCount): number | null {
  if (part.state !== 'shown' || whole.state !== 'shown' || whole.count === 0) return null;
  return Math.round((part.count / whole.count) * 100);
}

export interface BoardReportRequest {
  readonly organisationCode: string;
  readonly quarter: Quarter;
  readonly today: string;
  readonly lang: 'en' | 'cy';
  readonly t: Translate;
}

/** The report's figures as text in one language; counts under 5 never appear. */
export async function boardReportOf(store: InsightsAggregateStore, modules: readonly { readonly manifest: { readonly id: string; readonly title: { readonly en: string; readonly cy: string } } }[], r: BoardReportRequest): Promise<BoardReport> {
  const { t, lang } = r;
  const population = { organisations: [r.organisationCode] };
  const filter = { organisationCode: r.organisationCode };
  const { start, end } = quarterDays(r.quarter);
  const current = end >= r.today;
  const endDay = current ? r.today : end;
  const startCells = await store.cellsAsAt(start < r.today ? start : r.today, population, filter);
  const todayCells = await store.cells(population, filter);
  const endCells = current ? todayCells : await store.cellsAsAt(end, population, filter);
  const startPeople = peopleOfCells(startCells, staffGroupTarget);
  const endPeople = peopleOfCells(endCells, staffGroupTarget);
  const startTotal = literacyTable(startPeople, 'staffGroup').total;
  const endTotal = literacyTable(endPeople, 'staffGroup').total;
  const todayTotal = current ? endTotal : literacyTable(peopleOfCells(todayCells, staffGroupTarget), 'staffGroup').total;
  const text = (c: PublishedCount) => countText(c, lang, t);
  const percent = (p: number | null) => (p === null ? t('insights.notShown') : t('insights.percent', { percent: p }));

  const levels = LEVEL_COLUMNS.map((c): LevelLine => {
    const endShare = shareOf(endTotal.levels[c], endTotal.people);
    return {
      label: t(`insights.level.${c}`), start: text(startTotal.levels[c]), startPercent: percent(shareOf(startTotal.levels[c], startTotal.people)),
      end: text(endTotal.levels[c]), endPercent: percent(endShare), endShare,
    };
  });
  const gaps = largestGaps(endPeople).map((g): GapLine => ({
    staffGroup: labelOf('staffGroup', g.staffGroupCode, lang, t), target: g.target === null ? '' : t(`insights.level.${g.target}`),
    people: text(g.people), meeting: percent(g.meetingPercent), meetingPercent: g.meetingPercent,
  }));
  // The quarter's three calendar months (the kept monthly counts: people who first completed a module in them).
  const moved = await store.movers(population, filter, start.slice(0, 7), end.slice(0, 7));
  const titles = new Map(modules.map((m) => [m.manifest.id, m.manifest.title[lang]]));
  // Each count alone, as on /insights: under 5 is "fewer than 5".
  const moverCount = (n: number) => text(n < 5 ? { state: 'small' } : { state: 'shown', count: n });
  return {
    organisationCode: r.organisationCode,
    organisation: ORGANISATIONS.find((o) => o.code === r.organisationCode)?.name[lang] ?? r.organisationCode,
    quarterKey: quarterKey(r.quarter), quarter: quarterText(r.quarter, t),
    startText: dayLabel(start, lang), endText: dayLabel(endDay, lang), current,
    people: { start: text(startTotal.people), end: text(endTotal.people) },
    levels,
    compliance: COMPLIANCE_COLUMNS.map((c) => ({ label: t(`insights.compliance.${c}`), count: text(todayTotal.compliance[c]) })),
    complianceAsAt: dayLabel(r.today, lang),
    overduePercent: percent(todayTotal.overduePercent),
    gaps,
    modules: moved.modules.slice(0, 10).map((m) => ({ label: titles.get(m.moduleId) ?? m.moduleId, count: moverCount(m.people) })),
    events: moved.events.slice(0, 10).map((e) => ({ label: lang === 'cy' ? e.titleCy : e.titleEn, count: moverCount(e.people) })),
  };
}

const require = createRequire(import.meta.url);
// pdfkit is CommonJS; loaded this way as in services/learning/credentials.ts.
const PDFDocument = require('pdfkit') as new (options?: PDFKit.PDFDocumentOptions) => PDFKit.PDFDocument;
const FONT_REGULAR = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');
const BLUE = '#005eb8';
const INK = '#212b32';

/**
 * The report as an A4 PDF: headings, a bar for each share shown (labelled with
 * its percentage, so it reads without colour) and every table of the page. The
 * PDF's title names the organisation and its subject the quarter.
 */
export function boardReportPdf(report: BoardReport, t: Translate): Promise<Buffer> {
  return new Promise((resolveBuffer, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `${t('insightsReport.title')}: ${report.organisation}`, Subject: report.quarter, Author: 'Genomeg' } });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => { resolveBuffer(Buffer.concat(chunks)); });
    doc.on('error', reject);
    doc.registerFont('regular', FONT_REGULAR);
    doc.registerFont('bold', FONT_BOLD);
    const left = doc.page.margins.left;
    const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
    const room = (h: number) => { if (doc.y + h > doc.page.height - doc.page.margins.bottom) doc.addPage(); };
    const heading = (s: string) => { room(60); doc.moveDown(0.8).font('bold').fontSize(14).fillColor(BLUE).text(s, left, doc.y, { width }).moveDown(0.3); };
    const para = (s: string) => { doc.font('regular').fontSize(10).fillColor(INK).text(s, left, doc.y, { width }).moveDown(0.3); };
    const table = (headers: readonly string[], rows: readonly (readonly string[])[]) => {
      const first = width * (headers.length > 3 ? 0.36 : 0.6);
      const rest = (width - first) / Math.max(1, headers.length - 1);
      const cols = headers.map((_, i) => (i === 0 ? left : left + first + rest * (i - 1)));
      const line = (cells: readonly string[], bold: boolean) => {
        doc.font(bold ? 'bold' : 'regular').fontSize(9).fillColor(INK);
        const h = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: (i === 0 ? first : rest) - 6 })));
        room(h + 6);
        const y = doc.y;
        cells.forEach((c, i) => doc.text(c, cols[i], y, { width: (i === 0 ? first : rest) - 6, align: i === 0 ? 'left' : 'right' }));
        doc.y = y + h + 3;
        doc.moveTo(left, doc.y).lineTo(left + width, doc.y).lineWidth(0.4).strokeColor('#aeb7bd').stroke();
        doc.y += 3;
      };
      line(headers, true);
      for (const r of rows) line(r, false);
      doc.x = left;
    };
    const bars = (items: readonly { label: string; share: number | null }[]) => {
      const labelWidth = width * 0.36;
      const barWidth = width - labelWidth - 40;
      for (const b of items) {
        if (b.share === null) continue;
        room(18);
        const y = doc.y;
        doc.font('regular').fontSize(9).fillColor(INK).text(b.label, left, y + 2, { width: labelWidth - 6 });
        doc.rect(left + labelWidth, y, Math.max(1, (barWidth * b.share) / 100), 12).fill(BLUE);
        doc.fillColor(INK).text(`${String(b.share)}%`, left + labelWidth + (barWidth * b.share) / 100 + 4, y + 2);
        doc.y = y + 17;
      }
      doc.x = left;
      doc.moveDown(0.4);
    };

    doc.font('bold').fontSize(20).fillColor(BLUE).text(t('insightsReport.title'), left, doc.y, { width });
    doc.font('bold').fontSize(13).fillColor(INK).text(`${report.organisation}: ${report.quarter}`, { width });
    para(t('insightsReport.period', { from: report.startText, to: report.endText }));
    para(t('insights.privacy'));

    heading(t('insightsReport.levels.title'));
    para(t('insightsReport.levels.people', { start: report.people.start, end: report.people.end }));
    bars(report.levels.map((l) => ({ label: l.label, share: l.endShare })));
    table([t('insightsReport.levels.level'), t('insightsReport.levels.start'), '%', t('insightsReport.levels.end'), '%'], report.levels.map((l) => [l.label, l.start, l.startPercent, l.end, l.endPercent]));

    heading(t('insightsReport.compliance.title'));
    para(t('insightsReport.compliance.asAt', { day: report.complianceAsAt }));
    table([t('insightsReport.compliance.status'), t('insights.people')], [...report.compliance.map((c) => [c.label, c.count]), [t('insights.compliance.overduePercent'), report.overduePercent]]);

    heading(t('insightsReport.gaps.title'));
    if (report.gaps.length === 0) para(t('insights.gaps.none'));
    else {
      bars(report.gaps.map((g) => ({ label: g.staffGroup, share: g.meetingPercent })));
      table([t('insights.by.staffGroup'), t('insights.gaps.target'), t('insights.people'), t('insights.target.meetingPercent')], report.gaps.map((g) => [g.staffGroup, g.target, g.people, g.meeting]));
    }

    heading(t('insights.movers.modules'));
    if (report.modules.length === 0) para(t('insights.movers.none'));
    else table([t('insights.movers.module'), t('insights.movers.people')], report.modules.map((m) => [m.label, m.count]));
    heading(t('insights.movers.events'));
    if (report.events.length === 0) para(t('insights.movers.none'));
    else table([t('insights.movers.event'), t('insights.movers.attended')], report.events.map((m) => [m.label, m.count]));
    doc.end();
  });
}
