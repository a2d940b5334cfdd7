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

// Bytes Windows-1252 leaves undefined; a file holding one is not Windows-1252 text.
const UNDEFINED_1252 = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

/** Control characters other than tab, line feed and carriage return mark a binary file. */
function hasControlCharacters(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(text);
}

function strict(label: ExtractEncoding, bytes: Uint8Array): string | null {
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
    if (text === null && !bytes.some((b) => UNDEFINED_1252.has(b))) {
      encoding = 'windows-1252';
      text = strict(encoding, bytes);
    }
  }
  // The decoder drops a byte-order mark it recognises; a stray one is still removed by the CSV reader.
  if (text === null || hasControlCharacters(text)) return { ok: false, reason: 'not-text' };
  return { ok: true, text, encoding };
}
