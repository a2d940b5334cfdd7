import { describe, expect, it } from 'vitest';
import { readCsv } from '../../src/domain/staff/csv.js';

describe('the CSV reader', () => {
  it('strips a UTF-8 byte-order mark and reads CRLF lines', () => {
    const { records, problems } = readCsv('\uFEFFa,b\r\n1,2\r\n');
    expect(problems).toEqual([]);
    expect(records).toEqual([{ line: 1, fields: ['a', 'b'] }, { line: 2, fields: ['1', '2'] }]);
  });

  it('keeps commas, doubled quotes and newlines inside quoted fields, and numbers lines as an editor does', () => {
    const { records } = readCsv('a,b\n"x, y","say ""hi""\nthere"\nlast,row\n');
    expect(records[1]).toEqual({ line: 2, fields: ['x, y', 'say "hi"\nthere'] });
    expect(records[2]).toEqual({ line: 4, fields: ['last', 'row'] });
  });

  it('skips blank lines without losing count of lines', () => {
    const { records } = readCsv('a\r\n\r\nb\r\n');
    expect(records.map((r) => r.line)).toEqual([1, 3]);
  });

  it('reads old Mac CR line endings and a last line without an ending', () => {
    const { records } = readCsv('a,b\r1,2\r3,4');
    expect(records.map((r) => r.fields)).toEqual([['a', 'b'], ['1', '2'], ['3', '4']]);
    expect(records[2]?.line).toBe(3);
  });

  it('keeps an empty last field', () => {
    expect(readCsv('a,b,\n').records[0]?.fields).toEqual(['a', 'b', '']);
  });

  it('reports an unterminated quote with the line it started on', () => {
    const { problems } = readCsv('a,b\n1,"open\n2,3\n');
    expect(problems).toEqual([{ line: 2, field: 2, problem: 'unterminated-quote' }]);
  });

  it('reports a quote in the middle of an unquoted field', () => {
    expect(readCsv('a,b\n1,ab"c\n').problems).toEqual([{ line: 2, field: 2, problem: 'stray-quote' }]);
    expect(readCsv('a,b,c\n"x"y,2,3\n').problems).toEqual([{ line: 2, field: 1, problem: 'stray-quote' }]);
  });
});
