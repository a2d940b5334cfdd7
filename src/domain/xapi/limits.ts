// The sizes the LRS accepts (docs/xapi.md, "Limits"), and the check that keeps
// deeply nested JSON from reaching JSON.parse and the recursive code after it.
// Pure.

/** The largest body of any xAPI request: statements with their attachments, or a document. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/**
 * The most statements one request may carry. With MAX_STATEMENTS_JSON_BYTES it
 * keeps the work a request does on the web thread (parsing, validating,
 * preparing) under 100 ms at a time (bench/xapi-batch-limits.ts).
 */
export const MAX_STATEMENTS_PER_REQUEST = 500;
/** The most bytes of statements' JSON in one request (the JSON body, or a multipart body's first part); attachments take the rest of MAX_BODY_BYTES. */
export const MAX_STATEMENTS_JSON_BYTES = 1024 * 1024;
/** The deepest nesting of arrays and objects accepted in any JSON the LRS parses (a statement needs about 8; extensions get the rest). */
export const MAX_JSON_DEPTH = 64;

/**
 * Does the JSON text nest arrays and objects deeper than `max`? A scan of the
 * bytes (strings skipped), without parsing, so that text nested 10,000 deep
 * never reaches JSON.parse or the recursive code after it. Not a validator:
 * text that is not JSON is left to JSON.parse.
 */
export function jsonTooDeep(text: Uint8Array | string, max: number = MAX_JSON_DEPTH): boolean {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i += 1) {
    const c = bytes[i];
    if (inString) {
      if (c === 0x5c) i += 1; // a backslash escapes the next byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth -= 1;
    }
  }
  return false;
}
