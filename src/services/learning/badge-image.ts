// The badge as a PNG image with the learner's credential baked in (Open Badges
// 3.0, "Baked Badge"): the module's badge is drawn once per module version
// (badge-design.ts, rasterised by raster.ts with DejaVu Sans outlines read by
// fontkit) and kept; each learner's copy is that image with their signed
// credential in an iTXt chunk. No native image library is involved.

import { createRequire } from 'node:module';
import type { LearningModule } from '../../domain/learning/index.js';
import { mark, moduleBadge, type Point, type Shape, type TextOutliner } from './badge-design.js';
import { bakeCredential, encodePng } from './png.js';
import { rasterise } from './raster.js';

const require = createRequire(import.meta.url);

/** The little of fontkit used here (it ships no types). */
interface PathCommand { readonly command: 'moveTo' | 'lineTo' | 'quadraticCurveTo' | 'bezierCurveTo' | 'closePath'; readonly args: readonly number[] }
interface Font {
  readonly unitsPerEm: number;
  layout(text: string): { readonly glyphs: readonly { readonly path: { readonly commands: readonly PathCommand[] } }[]; readonly positions: readonly { readonly xAdvance: number; readonly xOffset: number; readonly yOffset: number }[] };
}
// fontkit is CommonJS here; loaded this way so the strict ESM settings need no loosening.
const fontkit = require('fontkit') as { openSync(path: string): Font };
export const FONT_REGULAR = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
export const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

let fonts: { regular: Font; bold: Font } | undefined;

function loadFonts(): { regular: Font; bold: Font } {
  fonts ??= { regular: fontkit.openSync(FONT_REGULAR), bold: fontkit.openSync(FONT_BOLD) };
  return fonts;
}

const CURVE_STEPS = 8;

/** Glyph outlines from DejaVu Sans, curves flattened into short straight lines. */
export function dejaVuOutliner(): TextOutliner {
  const { regular, bold } = loadFonts();
  const pick = (isBold: boolean) => (isBold ? bold : regular);
  return {
    width(text, size, isBold) {
      const font = pick(isBold);
      return (font.layout(text).positions.reduce((sum, p) => sum + p.xAdvance, 0) * size) / font.unitsPerEm;
    },
    outline(text, x, baseline, size, isBold) {
      const font = pick(isBold);
      const run = font.layout(text);
      const k = size / font.unitsPerEm;
      const subpaths: Point[][] = [];
      let penX = 0;
      run.glyphs.forEach((glyph, i) => {
        const position = run.positions[i];
        const ox = x + (penX + (position?.xOffset ?? 0)) * k;
        const oy = baseline - (position?.yOffset ?? 0) * k;
        const at = (fx: number, fy: number): Point => [ox + fx * k, oy - fy * k];
        let current: Point[] = [];
        let last: [number, number] = [0, 0];
        for (const c of glyph.path.commands) {
          const a = c.args;
          if (c.command === 'moveTo') {
            if (current.length > 2) subpaths.push(current);
            current = [at(a[0] ?? 0, a[1] ?? 0)];
            last = [a[0] ?? 0, a[1] ?? 0];
          } else if (c.command === 'lineTo') {
            current.push(at(a[0] ?? 0, a[1] ?? 0));
            last = [a[0] ?? 0, a[1] ?? 0];
          } else if (c.command === 'quadraticCurveTo') {
            const [cx, cy, ex, ey] = [a[0] ?? 0, a[1] ?? 0, a[2] ?? 0, a[3] ?? 0];
            for (let s = 1; s <= CURVE_STEPS; s += 1) {
              const t = s / CURVE_STEPS;
              const u = 1 - t;
              current.push(at(u * u * last[0] + 2 * u * t * cx + t * t * ex, u * u * last[1] + 2 * u * t * cy + t * t * ey));
            }
            last = [ex, ey];
          } else if (c.command === 'bezierCurveTo') {
            const [c1x, c1y, c2x, c2y, ex, ey] = [a[0] ?? 0, a[1] ?? 0, a[2] ?? 0, a[3] ?? 0, a[4] ?? 0, a[5] ?? 0];
            for (let s = 1; s <= CURVE_STEPS; s += 1) {
              const t = s / CURVE_STEPS;
              const u = 1 - t;
              current.push(at(
                u * u * u * last[0] + 3 * u * u * t * c1x + 3 * u * t * t * c2x + t * t * t * ex,
                u * u * u * last[1] + 3 * u * u * t * c1y + 3 * u * t * t * c2y + t * t * t * ey,
              ));
            }
            last = [ex, ey];
          } else if (current.length > 2) {
            subpaths.push(current);
            current = [];
          }
        }
        if (current.length > 2) subpaths.push(current);
        penX += position?.xAdvance ?? 0;
      });
      return subpaths;
    },
  };
}

/** The badge's side in pixels: large enough for a profile, small enough to draw on a request. */
export const BADGE_SIZE = 600;

const drawn = new Map<string, Buffer>();
const DRAWN_MAX = 200;

/** A module version's badge as a PNG, without any credential in it. */
export function moduleBadgePng(module: LearningModule): Buffer {
  const key = `${module.manifest.id}@${module.manifest.version}`;
  let png = drawn.get(key);
  if (png === undefined) {
    png = encodePng(BADGE_SIZE, BADGE_SIZE, rasterise(moduleBadge(module.manifest.title, dejaVuOutliner()), BADGE_SIZE));
    if (drawn.size >= DRAWN_MAX) drawn.clear();
    drawn.set(key, png);
  }
  return png;
}

/** The learner's own badge: the module's image with their signed credential (a compact JWS) baked in. */
export function bakedBadgePng(module: LearningModule, jws: string): Buffer {
  return bakeCredential(moduleBadgePng(module), jws);
}

/** The issuer's mark, for the certificate. */
export function issuerMark(): Shape[] {
  return mark();
}

/** A module's badge as shapes, for drawing as vectors (on the certificate). */
export function moduleBadgeShapes(module: LearningModule): Shape[] {
  return moduleBadge(module.manifest.title, dejaVuOutliner());
}
