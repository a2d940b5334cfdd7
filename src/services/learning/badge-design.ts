// The Genomeg badge and mark as shapes: filled polygons in a 1000 × 1000 box,
// so that one drawing is rasterised for the badge's PNG and drawn as vectors on
// the PDF certificate. A medallion in NHS blue with a white ring, a double helix
// and, for a module's badge, its title in Welsh and in English at the same size
// and colour. Text comes in as glyph outlines from a font (outline()), so this
// file needs no font library of its own.

export type Point = readonly [number, number];

/** Filled with the non-zero winding rule; each subpath is closed. */
export interface Shape {
  readonly fill: string;
  readonly subpaths: readonly (readonly Point[])[];
}

/** Lays a line of text out as glyph outlines, its left end at (x, baseline), y growing downwards. */
export interface TextOutliner {
  width(text: string, size: number, bold: boolean): number;
  outline(text: string, x: number, baseline: number, size: number, bold: boolean): (readonly Point[])[];
}

export const NHS_BLUE = '#005eb8';
export const NHS_LIGHT_BLUE = '#41b6e6';
export const NHS_DARK_BLUE = '#003087';
export const WHITE = '#ffffff';

/** A circle as a polygon; clockwise (on screen) unless `hole`, so a hole cut from a disc under the non-zero rule. */
export function circle(cx: number, cy: number, r: number, hole = false, segments = 360): Point[] {
  const points: Point[] = [];
  for (let i = 0; i < segments; i += 1) {
    const a = ((hole ? -i : i) / segments) * 2 * Math.PI;
    points.push([cx + r * Math.cos(a), cy + r * Math.sin(a)]);
  }
  return points;
}

/** A thick line along a polyline, as one polygon (square ends). */
export function stroke(line: readonly Point[], width: number): Point[] {
  const half = width / 2;
  const left: Point[] = [];
  const right: Point[] = [];
  line.forEach(([x, y], i) => {
    const [px, py] = line[Math.max(0, i - 1)] ?? [x, y];
    const [nx, ny] = line[Math.min(line.length - 1, i + 1)] ?? [x, y];
    const dx = nx - px;
    const dy = ny - py;
    const length = Math.hypot(dx, dy) || 1;
    left.push([x - (dy / length) * half, y + (dx / length) * half]);
    right.push([x + (dy / length) * half, y - (dx / length) * half]);
  });
  return [...left, ...right.reverse()];
}

/** The double helix, upright, centred on cx between top and bottom: rungs in light blue, strands in white. */
export function helix(cx: number, top: number, bottom: number, amplitude: number, strand: number): Shape[] {
  const turns = 1.5;
  const steps = 240;
  const strandA: Point[] = [];
  const strandB: Point[] = [];
  for (let i = 0; i <= steps; i += 1) {
    const y = top + ((bottom - top) * i) / steps;
    const phase = (i / steps) * turns * 2 * Math.PI;
    strandA.push([cx + amplitude * Math.sin(phase), y]);
    strandB.push([cx - amplitude * Math.sin(phase), y]);
  }
  const rungs: Point[][] = [];
  const rungCount = 10;
  for (let k = 0; k < rungCount; k += 1) {
    const t = (k + 0.5) / rungCount;
    const y = top + (bottom - top) * t;
    const x = amplitude * Math.sin(t * turns * 2 * Math.PI);
    if (Math.abs(x) < strand) continue;
    rungs.push(stroke([[cx - Math.abs(x), y], [cx + Math.abs(x), y]], strand * 0.6));
  }
  return [{ fill: NHS_LIGHT_BLUE, subpaths: rungs }, { fill: WHITE, subpaths: [stroke(strandA, strand), stroke(strandB, strand)] }];
}

/** The medallion every badge shares: a blue disc, a white ring, the helix. */
export function medallion(): Shape[] {
  return [
    { fill: NHS_BLUE, subpaths: [circle(500, 500, 490)] },
    { fill: WHITE, subpaths: [circle(500, 500, 462), circle(500, 500, 448, true)] },
  ];
}

/** The mark (the medallion and a larger helix, no words): the issuer's logo on certificates. */
export function mark(): Shape[] {
  return [...medallion(), ...helix(500, 170, 830, 150, 40)];
}

/** Words split into lines no wider than `max` at `size`. */
export function wrap(text: string, max: number, size: number, bold: boolean, font: TextOutliner): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const tryLine = line === '' ? word : `${line} ${word}`;
    if (line !== '' && font.width(tryLine, size, bold) > max) {
      lines.push(line);
      line = word;
    } else {
      line = tryLine;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

function centred(text: string, baseline: number, size: number, bold: boolean, font: TextOutliner): (readonly Point[])[] {
  return font.outline(text, 500 - font.width(text, size, bold) / 2, baseline, size, bold);
}

/**
 * A module's badge: the medallion, "GENOMEG" above the helix, and the module's
 * title in Welsh then English below it, both at one size (the largest at which
 * each fits in two lines), and "GIG Cymru · NHS Wales" at the foot.
 */
export function moduleBadge(title: { readonly cy: string; readonly en: string }, font: TextOutliner): Shape[] {
  const maxWidth = 660;
  let size = 56;
  let cy = wrap(title.cy, maxWidth, size, true, font);
  let en = wrap(title.en, maxWidth, size, true, font);
  while (size > 24 && (cy.length + en.length > 4 || [...cy, ...en].some((l) => font.width(l, size, true) > maxWidth))) {
    size -= 2;
    cy = wrap(title.cy, maxWidth, size, true, font);
    en = wrap(title.en, maxWidth, size, true, font);
  }
  const lineHeight = size * 1.15;
  const gap = size * 0.45;
  const block = (cy.length + en.length) * lineHeight + gap;
  // The title block sits centred between the helix (ends at 495) and the foot line (at 880).
  let baseline = 515 + (320 - block) / 2 + size * 0.9;
  const text: (readonly Point[])[] = [];
  for (const line of cy) { text.push(...centred(line, baseline, size, true, font)); baseline += lineHeight; }
  baseline += gap;
  for (const line of en) { text.push(...centred(line, baseline, size, true, font)); baseline += lineHeight; }
  text.push(...centred('GENOMEG', 190, 72, true, font));
  text.push(...centred('GIG Cymru · NHS Wales', 880, 36, false, font));
  return [...medallion(), ...helix(500, 215, 495, 80, 18), { fill: WHITE, subpaths: text }];
}
