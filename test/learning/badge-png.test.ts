// The badge image and baking a credential into it (Open Badges 3.0, "Baked
// Badge": one iTXt chunk, keyword openbadgecredential, the compact JWS as its
// uncompressed text), without a native image library.

import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BADGE_KEYWORD, bakeCredential, bakedCredential, decodePngSize, encodePng, readPngChunks } from '../../src/services/learning/png.js';
import { moduleBadgePng } from '../../src/services/learning/badge-image.js';
import { loadContentLibrary } from '../../src/services/learning/content-library.js';

describe('badge images', () => {
  it('writes a PNG that reads back: signature, IHDR first, checksums, and the pixels it was given', () => {
    const rgba = new Uint8Array(3 * 2 * 4).map((_, i) => (i * 37) % 256);
    const png = encodePng(3, 2, rgba);
    const chunks = readPngChunks(png);
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(decodePngSize(png)).toEqual({ width: 3, height: 2, rawBytes: 2 * (3 * 4 + 1) });
    // Undo the "Up" filter and get the pixels back.
    const raw = inflateSync(chunks[1]?.data ?? Buffer.alloc(0));
    const pixels: number[] = [];
    for (let y = 0; y < 2; y += 1) {
      for (let x = 0; x < 12; x += 1) {
        const value = raw[y * 13 + 1 + x] ?? 0;
        pixels.push(y === 0 ? value : (value + (pixels[x] ?? 0)) & 0xff);
      }
    }
    expect(pixels).toEqual([...rgba]);
  });

  it('bakes a credential in as one uncompressed iTXt chunk named openbadgecredential, and replaces one baked before', () => {
    const png = encodePng(1, 1, new Uint8Array([0, 94, 184, 255]));
    const once = bakeCredential(png, 'aaa.bbb.ccc');
    const twice = bakeCredential(once, 'ddd.eee.fff');
    const itxt = readPngChunks(twice).filter((c) => c.type === 'iTXt');
    expect(itxt).toHaveLength(1);
    expect(itxt[0]?.data.equals(Buffer.concat([Buffer.from(BADGE_KEYWORD, 'latin1'), Buffer.from([0, 0, 0, 0, 0]), Buffer.from('ddd.eee.fff')]))).toBe(true);
    expect(readPngChunks(twice).map((c) => c.type)).toEqual(['IHDR', 'iTXt', 'IDAT', 'IEND']);
    expect(bakedCredential(twice)).toBe('ddd.eee.fff');
    expect(bakedCredential(png)).toBeNull();
  });

  it('refuses a file with a wrong signature or a damaged chunk, saying where', () => {
    const png = encodePng(1, 1, new Uint8Array(4));
    expect(() => readPngChunks(Buffer.from('GIF89a'))).toThrow(/signature/);
    const damaged = Buffer.from(png);
    damaged[20] = (damaged[20] ?? 0) ^ 0xff;
    expect(() => readPngChunks(damaged)).toThrow(/IHDR at byte 8 has a wrong checksum/);
    expect(() => readPngChunks(png.subarray(0, 30))).toThrow(/cut off/);
  });

  it('draws each real module\'s badge as a 600-pixel square: transparent outside the medallion, NHS blue at its rim', () => {
    for (const module of loadContentLibrary('content').modules) {
      const png = moduleBadgePng(module);
      expect(decodePngSize(png)).toMatchObject({ width: 600, height: 600 });
      const pixels = unfiltered(png, 600, 600);
      const at = (x: number, y: number) => [...pixels.subarray((y * 600 + x) * 4, (y * 600 + x) * 4 + 4)];
      expect(at(0, 0)[3]).toBe(0);
      expect(at(300, 15)).toEqual([0, 94, 184, 255]);
      expect(at(300, 27)).toEqual([255, 255, 255, 255]);
    }
  });
});

/** The RGBA pixels of a PNG this code wrote (rows filtered with None or Up). */
function unfiltered(png: Buffer, width: number, height: number): Uint8Array {
  const raw = inflateSync(Buffer.concat(readPngChunks(png).filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const stride = width * 4;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x += 1) {
      const value = raw[y * (stride + 1) + 1 + x] ?? 0;
      out[y * stride + x] = filter === 2 && y > 0 ? (value + (out[(y - 1) * stride + x] ?? 0)) & 0xff : value;
    }
  }
  return out;
}
