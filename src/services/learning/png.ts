// PNG files without a native image library: writing an RGBA image (node:zlib
// for the compressed data), reading a file's chunks back with their checksums
// checked, and baking an Open Badges 3.0 credential into an image as the
// 1EdTech specification says ("Baked Badge", PNG): one iTXt chunk with the
// keyword `openbadgecredential` whose text is the credential's compact JWS,
// uncompressed, with an empty language tag and translated keyword.

import { deflateSync, inflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
export const BADGE_KEYWORD = 'openbadgecredential';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = (c & 1) !== 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit RGBA image, rows top to bottom, as a PNG file. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  if (rgba.length !== width * height * 4) throw new Error(`expected ${String(width * height * 4)} bytes of RGBA, not ${String(rgba.length)}`);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, adaptive filtering, not interlaced
  // Each row with the "Up" filter: flat colours, most of a badge, compress to almost nothing.
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y += 1) {
    const at = y * (stride + 1);
    raw[at] = y === 0 ? 0 : 2;
    for (let x = 0; x < stride; x += 1) {
      const here = rgba[y * stride + x] ?? 0;
      raw[at + 1 + x] = y === 0 ? here : (here - (rgba[(y - 1) * stride + x] ?? 0)) & 0xff;
    }
  }
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

export interface PngChunk {
  readonly type: string;
  readonly data: Buffer;
}

/** Every chunk of a PNG file, in order; throws on a wrong signature, a cut-off chunk or a wrong checksum. */
export function readPngChunks(file: Buffer): PngChunk[] {
  if (file.length < 8 || !file.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file: wrong signature');
  const chunks: PngChunk[] = [];
  let at = 8;
  while (at < file.length) {
    if (at + 12 > file.length) throw new Error(`PNG chunk at byte ${String(at)} is cut off`);
    const length = file.readUInt32BE(at);
    const type = file.toString('latin1', at + 4, at + 8);
    if (at + 12 + length > file.length) throw new Error(`PNG chunk ${type} at byte ${String(at)} is cut off`);
    const data = file.subarray(at + 8, at + 8 + length);
    if (crc32(file.subarray(at + 4, at + 8 + length)) !== file.readUInt32BE(at + 8 + length)) throw new Error(`PNG chunk ${type} at byte ${String(at)} has a wrong checksum`);
    chunks.push({ type, data });
    at += 12 + length;
    if (type === 'IEND') break;
  }
  return chunks;
}

/** Width, height and the decompressed image data of a PNG file this module wrote (8-bit RGBA). */
export function decodePngSize(file: Buffer): { width: number; height: number; rawBytes: number } {
  const chunks = readPngChunks(file);
  const header = chunks.find((c) => c.type === 'IHDR');
  if (header === undefined || chunks[0]?.type !== 'IHDR' || chunks.at(-1)?.type !== 'IEND') throw new Error('PNG file without IHDR first and IEND last');
  const data = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  return { width: header.data.readUInt32BE(0), height: header.data.readUInt32BE(4), rawBytes: data.length };
}

function itxt(keyword: string, text: string): Buffer {
  // keyword, NUL, compression flag 0, compression method 0, language tag "", NUL, translated keyword "", NUL, text
  return chunk('iTXt', Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0, 0, 0, 0, 0]), Buffer.from(text, 'utf8')]));
}

/** The image with the credential (a compact JWS) baked in, just after IHDR; an earlier baked credential is replaced. */
export function bakeCredential(png: Buffer, jws: string): Buffer {
  const chunks = readPngChunks(png).filter((c) => !(c.type === 'iTXt' && itxtKeyword(c.data) === BADGE_KEYWORD));
  const parts = chunks.map((c) => chunk(c.type, c.data));
  return Buffer.concat([SIGNATURE, parts[0] ?? Buffer.alloc(0), itxt(BADGE_KEYWORD, jws), ...parts.slice(1)]);
}

function itxtKeyword(data: Buffer): string {
  const end = data.indexOf(0);
  return data.toString('latin1', 0, end < 0 ? data.length : end);
}

/** The credential baked into a PNG (the text of the first iTXt chunk named openbadgecredential), or null. */
export function bakedCredential(png: Buffer): string | null {
  const found = readPngChunks(png).find((c) => c.type === 'iTXt' && itxtKeyword(c.data) === BADGE_KEYWORD);
  if (found === undefined) return null;
  const data = found.data;
  let at = data.indexOf(0) + 1;
  const compressed = data[at] === 1;
  at += 2;
  at = data.indexOf(0, at) + 1; // past the language tag
  at = data.indexOf(0, at) + 1; // past the translated keyword
  const text = data.subarray(at);
  return (compressed ? inflateSync(text) : text).toString('utf8');
}
