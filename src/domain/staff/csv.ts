// A small RFC 4180 reader that remembers the line each record starts on, so
// that an error can say "line 42" and mean the line a person sees in a text
// editor even when an earlier field held a quoted newline. Pure: string in,
// records out. Accepts a UTF-8 byte-order mark, CRLF, LF or CR line endings,
// quoted fields with commas, quotes ("") and newlines.

export interface CsvRecord {
  /** 1-based line on which the record starts. */
  readonly line: number;
  readonly fields: readonly string[];
}

export interface CsvProblem {
  readonly line: number;
  /** 1-based number of the field, within its record, where the problem is. */
  readonly field: number;
  readonly problem: 'unterminated-quote' | 'stray-quote';
}

export interface CsvReadResult {
  readonly records: CsvRecord[];
  readonly problems: CsvProblem[];
}

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;

export function readCsv(input: string): CsvReadResult {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  const length = text.length;
  let line = 1;
  let i = 0;

  while (i < length) {
    const startLine = line;
    const fields: string[] = [];
    let endOfRecord = false;
    while (!endOfRecord) {
      let value: string;
      if (i < length && text.charCodeAt(i) === QUOTE) {
        // Quoted field: runs to the next quote not followed by another quote.
        let out = '';
        let from = i + 1;
        let j = from;
        let closed = false;
        while (j < length) {
          const c = text.charCodeAt(j);
          if (c === QUOTE) {
            if (text.charCodeAt(j + 1) === QUOTE) {
              out += text.slice(from, j + 1);
              j += 2;
              from = j;
              continue;
            }
            closed = true;
            break;
          }
          if (c === LF || (c === CR && text.charCodeAt(j + 1) !== LF)) line += 1;
          j += 1;
        }
        out += text.slice(from, j);
        if (!closed) {
          problems.push({ line: startLine, field: fields.length + 1, problem: 'unterminated-quote' });
          i = length;
        } else {
          i = j + 1;
          // Anything between the closing quote and the next separator is malformed.
          let k = i;
          while (k < length) {
            const c = text.charCodeAt(k);
            if (c === COMMA || c === CR || c === LF) break;
            k += 1;
          }
          if (k > i) {
            problems.push({ line, field: fields.length + 1, problem: 'stray-quote' });
            out += text.slice(i, k);
            i = k;
          }
        }
        value = out;
      } else {
        let j = i;
        while (j < length) {
          const c = text.charCodeAt(j);
          if (c === COMMA || c === CR || c === LF) break;
          j += 1;
        }
        value = text.slice(i, j);
        if (value.includes('"')) problems.push({ line, field: fields.length + 1, problem: 'stray-quote' });
        i = j;
      }
      fields.push(value);
      if (i >= length) {
        endOfRecord = true;
      } else {
        const c = text.charCodeAt(i);
        if (c === COMMA) {
          i += 1;
          if (i >= length) {
            fields.push('');
            endOfRecord = true;
          }
        } else {
          i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
          line += 1;
          endOfRecord = true;
        }
      }
    }
    const blank = fields.length === 1 && fields[0] === '';
    if (!blank) records.push({ line: startLine, fields });
  }
  return { records, problems };
}
