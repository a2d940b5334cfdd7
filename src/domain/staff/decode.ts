// Turning the bytes of an uploaded or named extract into text, strictly. Pure:
// bytes in, text and the encoding it was read as out. A file is UTF-8 when it
// decodes as UTF-8 without a single bad byte; UTF-16 only with a byte-order
// mark; otherwise Windows-1252 (what Excel on Windows saves as "CSV") when every
// byte is a character there, reported so the importer can check the names as
// read. Never lossy: nothing here ever produces U+FFFD, and a file that is none
// of these is refused rather than guessed at.

export type ExtractEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export type DecodedExtract =
  | { readonly ok: true; readonly text: string; readonly encoding: ExtractEncoding }
  | { readonly ok: false; readonly reason: 'not-text' };

/** How each encoding is named to people (the name Windows and Excel use). */
export const ENCODING_NAMES: Readonly<Record<ExtractEncoding, string>> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16 (little-endian)',
  'utf-16be': 'UTF-16 (big-endian)',
  'windows-1252': 'Windows-1252',
};

// Windows-1252's characters for the bytes 0x80 to 0x9F (the rest are Latin-1's,
// which are Unicode's first 256 code points); -1 where Windows-1252 has none, so
// a file holding such a byte is not Windows-1252 text. Written out here because
// some Node builds decode the label 'windows-1252' as plain Latin-1 (0x93 as a
// control character rather than “).
const HIGH_1252 = [
  0x20ac, -1, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, -1, 0x017d, -1,
  -1, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, -1, 0x017e, 0x0178,
];

function windows1252(bytes: Uint8Array): string | null {
  const chars: string[] = [];
  let chunk: number[] = [];
  for (const b of bytes) {
    const code = b >= 0x80 && b < 0xa0 ? HIGH_1252[b - 0x80] ?? -1 : b;
    if (code < 0) return null;
    chunk.push(code);
    if (chunk.length === 8192) {
      chars.push(String.fromCharCode(...chunk));
      chunk = [];
    }
  }
  chars.push(String.fromCharCode(...chunk));
  return chars.join('');
}

/** Control characters other than tab, line feed and carriage return mark a binary file. */
function hasControlCharacters(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(text);
}

function strict(label: 'utf-8' | 'utf-16le' | 'utf-16be', bytes: Uint8Array): string | null {
  try {
    return new TextDecoder(label, { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
}

export function decodeExtract(bytes: Uint8Array): DecodedExtract {
  let text: string | null;
  let encoding: ExtractEncoding;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    encoding = 'utf-16le';
    text = strict(encoding, bytes);
  } else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    encoding = 'utf-16be';
    text = strict(encoding, bytes);
  } else {
    encoding = 'utf-8';
    text = strict(encoding, bytes);
    if (text === null) {
      encoding = 'windows-1252';
      text = windows1252(bytes);
    }
  }
  // The decoder drops a byte-order mark it recognises; a stray one is still removed by the CSV reader.
  if (text === null || hasControlCharacters(text)) return { ok: false, reason: 'not-text' };
  return { ok: true, text, encoding };
}
