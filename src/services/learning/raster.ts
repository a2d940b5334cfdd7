// A small anti-aliased rasteriser for filled polygons (the non-zero winding
// rule), enough to draw the badge without a native image library: each pixel
// row is sampled on several lines, and each span's coverage is exact across the
// row, so edges come out smooth.

import type { Point, Shape } from './badge-design.js';

const SUBROWS = 5;

interface Edge { readonly x0: number; readonly y0: number; readonly x1: number; readonly y1: number; readonly dir: 1 | -1; readonly top: number; readonly bottom: number }

function edgesOf(subpaths: readonly (readonly Point[])[], scale: number): Edge[] {
  const edges: Edge[] = [];
  for (const path of subpaths) {
    for (let i = 0; i < path.length; i += 1) {
      const a = path[i];
      const b = path[(i + 1) % path.length];
      if (a === undefined || b === undefined || a[1] === b[1]) continue;
      const [x0, y0, x1, y1] = [a[0] * scale, a[1] * scale, b[0] * scale, b[1] * scale];
      edges.push({ x0, y0, x1, y1, dir: y1 > y0 ? 1 : -1, top: Math.min(y0, y1), bottom: Math.max(y0, y1) });
    }
  }
  return edges.sort((p, q) => p.top - q.top);
}

function colour(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

/** Shapes drawn in a 1000 × 1000 box, painted in order onto a transparent size × size RGBA image. */
export function rasterise(shapes: readonly Shape[], size: number): Uint8Array {
  const image = new Float32Array(size * size * 4); // premultiplied, 0..1
  const scale = size / 1000;
  const coverage = new Float32Array(size);
  const crossings: { x: number; dir: number }[] = [];
  for (const shape of shapes) {
    const edges = edgesOf(shape.subpaths, scale);
    if (edges.length === 0) continue;
    const [r, g, b] = colour(shape.fill).map((c) => c / 255) as [number, number, number];
    const first = Math.max(0, Math.floor(edges[0]?.top ?? 0));
    const last = Math.min(size - 1, Math.ceil(Math.max(...edges.map((e) => e.bottom))));
    let from = 0;
    const active: Edge[] = [];
    for (let row = first; row <= last; row += 1) {
      while (from < edges.length && (edges[from]?.top ?? Infinity) < row + 1) { const e = edges[from]; if (e !== undefined) active.push(e); from += 1; }
      for (let i = active.length - 1; i >= 0; i -= 1) if ((active[i]?.bottom ?? 0) <= row) active.splice(i, 1);
      if (active.length === 0) continue;
      coverage.fill(0);
      let touched = false;
      for (let s = 0; s < SUBROWS; s += 1) {
        const y = row + (s + 0.5) / SUBROWS;
        crossings.length = 0;
        for (const e of active) {
          if (y < e.top || y >= e.bottom) continue;
          crossings.push({ x: e.x0 + ((y - e.y0) * (e.x1 - e.x0)) / (e.y1 - e.y0), dir: e.dir });
        }
        if (crossings.length < 2) continue;
        crossings.sort((p, q) => p.x - q.x);
        let winding = 0;
        let start = 0;
        for (const c of crossings) {
          const before = winding;
          winding += c.dir;
          if (before === 0 && winding !== 0) start = c.x;
          else if (before !== 0 && winding === 0) { addSpan(coverage, start, c.x, 1 / SUBROWS); touched = true; }
        }
      }
      if (!touched) continue;
      for (let x = 0; x < size; x += 1) {
        const a = Math.min(1, coverage[x] ?? 0);
        if (a <= 0) continue;
        const at = (row * size + x) * 4;
        const keep = 1 - a;
        image[at] = r * a + (image[at] ?? 0) * keep;
        image[at + 1] = g * a + (image[at + 1] ?? 0) * keep;
        image[at + 2] = b * a + (image[at + 2] ?? 0) * keep;
        image[at + 3] = a + (image[at + 3] ?? 0) * keep;
      }
    }
  }
  const out = new Uint8Array(size * size * 4);
  for (let i = 0; i < out.length; i += 4) {
    const alpha = image[i + 3] ?? 0;
    if (alpha <= 0) continue;
    out[i] = Math.round(((image[i] ?? 0) / alpha) * 255);
    out[i + 1] = Math.round(((image[i + 1] ?? 0) / alpha) * 255);
    out[i + 2] = Math.round(((image[i + 2] ?? 0) / alpha) * 255);
    out[i + 3] = Math.round(alpha * 255);
  }
  return out;
}

/** Adds `weight` times how much of each pixel the span [a, b) covers. */
function addSpan(coverage: Float32Array, a: number, b: number, weight: number): void {
  const width = coverage.length;
  const from = Math.max(0, a);
  const to = Math.min(width, b);
  if (to <= from) return;
  const i = Math.floor(from);
  const j = Math.floor(to);
  if (i === j) { coverage[i] = (coverage[i] ?? 0) + (to - from) * weight; return; }
  coverage[i] = (coverage[i] ?? 0) + (i + 1 - from) * weight;
  for (let k = i + 1; k < j; k += 1) coverage[k] = (coverage[k] ?? 0) + weight;
  if (j < width) coverage[j] = (coverage[j] ?? 0) + (to - j) * weight;
}
