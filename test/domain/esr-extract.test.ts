import { describe, expect, it } from 'vitest';
import { readEsrExtract, parseEsrDate, decodeExtract, ESR_COLUMNS } from '../../src/domain/staff/index.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';

const asOf = new Date('2026-11-25T12:00:00Z');
const all = { asOf, permittedOrganisations: 'all' as const };

describe('reading an ESR staff extract', () => {
  it('reads Welsh diacritics, a BOM, CRLF, and quoted fields with commas and newlines', () => {
    const rows = [
      buildStaffRow({ firstName: 'Gwenllïan', lastName: 'ap Iorwerth' }),
      buildStaffRow({ firstName: 'Llŷr', jobRole: 'Consultant, Clinical Genetics\nCardiff' }),
    ];
    const result = readEsrExtract(staffCsv(rows, { bom: true, crlf: true }), all);
    expect(result.errorCount).toBe(0);
    expect(result.records.map((r) => r.firstName)).toEqual(['Gwenllïan', 'Llŷr']);
    expect(result.records[1]?.jobRole).toBe('Consultant, Clinical Genetics\nCardiff');
    expect(result.records[0]?.staffGroupCode).toBeTruthy();
  });

  it('stores an age band, never the date of birth', () => {
    const result = readEsrExtract(staffCsv([buildStaffRow({ dateOfBirth: '1966-11-26' })]), all);
    expect(result.records[0]?.ageBand).toBe('55-64');
    expect(JSON.stringify(result.records)).not.toContain('1966');
  });

  it('ignores extra columns and matches headers whatever their case', () => {
    const text = staffCsv([buildStaffRow()]).replace('Employee Number', 'EMPLOYEE number').replace(/\r\n/g, ',extra\r\n').replace(/,extra\r\n$/, ',extra\r\n');
    const result = readEsrExtract(text, all);
    expect(result.errorCount).toBe(0);
    expect(result.records).toHaveLength(1);
  });

  // Issue 13, item 17: a quote problem names its column like any other row error.
  it('names the column of a stray or unterminated quote: its header on a data row, its number on the header line', () => {
    const text = staffCsv([buildStaffRow({ lastName: 'Prosser' }), buildStaffRow({ firstName: 'Ifan' })]).replace(/\r\n$/, '');
    const stray = readEsrExtract(text.replace('Prosser', 'Pro"sser'), all);
    expect(stray.issues).toContainEqual(expect.objectContaining({ line: 2, column: 'Last Name', code: 'stray-quote' }));
    const open = readEsrExtract(text.replace(',Ifan,', ',"Ifan,'), all);
    expect(open.issues).toContainEqual(expect.objectContaining({ line: 3, column: 'First Name', code: 'unterminated-quote' }));
    const inHeader = readEsrExtract(text.replace('Last Name', 'Last"Name'), all);
    expect(inHeader.issues).toContainEqual(expect.objectContaining({ line: 1, column: '#4', code: 'stray-quote' }));
  });

  it('names the line, column and reason of each bad value, and keeps no rows', () => {
    const rows = [
      buildStaffRow(),
      buildStaffRow({ organisationCode: 'XYZ', band: '11', wte: 'full', assignmentStartDate: '31/02/2020' }),
    ];
    const result = readEsrExtract(staffCsv(rows), all);
    expect(result.records).toEqual([]);
    expect(result.issues).toEqual(expect.arrayContaining([
      expect.objectContaining({ line: 3, column: 'Organisation Code', code: 'unknown-organisation', value: 'XYZ' }),
      expect.objectContaining({ line: 3, column: 'Band', code: 'unknown-band', value: '11' }),
      expect.objectContaining({ line: 3, column: 'WTE', code: 'invalid-wte', value: 'full' }),
      expect.objectContaining({ line: 3, column: 'Assignment Start Date', code: 'invalid-date' }),
    ]));
    expect(result.errorCount).toBe(4);
  });

  it('reports a duplicate assignment number instead of merging the rows', () => {
    const first = buildStaffRow();
    const result = readEsrExtract(staffCsv([first, buildStaffRow({ assignmentNumber: first.assignmentNumber })]), all);
    expect(result.issues).toEqual([expect.objectContaining({ line: 3, column: "Assignment Number", code: "duplicate-assignment", value: first.assignmentNumber, firstLine: 2 })]);
  });

  it('counts lines correctly after a field with an embedded newline', () => {
    const rows = [buildStaffRow({ jobRole: 'Two\nlines' }), buildStaffRow({ band: 'Z' })];
    const result = readEsrExtract(staffCsv(rows), all);
    expect(result.issues[0]).toMatchObject({ line: 4, code: 'unknown-band' });
  });

  it('refuses organisations the importer does not administer', () => {
    const result = readEsrExtract(staffCsv([buildStaffRow({ organisationCode: '7A2' })]), { asOf, permittedOrganisations: ['7A7'] });
    expect(result.issues[0]).toMatchObject({ code: 'organisation-not-permitted', column: 'Organisation Code' });
  });

  it('names every missing required column', () => {
    const result = readEsrExtract('Employee Number,First Name\n1,Siân\n', all);
    const missing = result.issues.filter((i) => i.code === 'missing-column').map((i) => i.column);
    expect(missing).toContain('Assignment Number');
    expect(missing).toContain('Date of Birth');
    expect(missing).toHaveLength(ESR_COLUMNS.filter((c) => c.required).length - 2);
  });

  it('refuses an empty file and a header with no rows', () => {
    expect(readEsrExtract('', all).issues[0]?.code).toBe('file-empty');
    expect(readEsrExtract(`${ESR_COLUMNS.map((c) => c.header).join(',')}\n`, all).issues[0]?.code).toBe('file-empty');
  });

  it('never echoes a date of birth back in an error', () => {
    const result = readEsrExtract(staffCsv([buildStaffRow({ dateOfBirth: '1985-13-45' })]), all);
    expect(result.issues[0]).toMatchObject({ code: 'invalid-date', column: 'Date of Birth', value: null });
  });

  it('warns, without failing, about a line manager nobody has heard of', () => {
    const result = readEsrExtract(staffCsv([buildStaffRow({ lineManagerAssignmentNumber: '99999999' })]), all);
    expect(result.errorCount).toBe(0);
    expect(result.warningCount).toBe(1);
    expect(result.records).toHaveLength(1);
  });

  it('reads the date formats ESR exports', () => {
    expect(parseEsrDate('2024-03-31')).toBe('2024-03-31');
    expect(parseEsrDate('31/03/2024')).toBe('2024-03-31');
    expect(parseEsrDate('31-MAR-2024')).toBe('2024-03-31');
    expect(parseEsrDate('29/02/2023')).toBeNull();
    expect(parseEsrDate('2024-3-1')).toBeNull();
  });

  // Issue 13, item 16.
  it('matches header variants ignoring punctuation and case, and names every column it ignores', () => {
    const text = staffCsv([buildStaffRow({ email: 'Siân.Prosser@Test.Genomeg.Test' })])
      .replace('Email Address', 'E-mail Address').replace('WTE', 'W.T.E.').replace('Date of Birth', 'D.O.B.')
      .replace(/\r?\n/, ',Notes\n');
    const lines = text.split('\n');
    const withExtra = [lines[0], ...lines.slice(1).filter((l) => l !== '').map((l) => `${l.replace(/\r$/, '')},x`)].join('\n');
    const result = readEsrExtract(withExtra, all);
    expect(result.errorCount).toBe(0);
    expect(result.records[0]?.email).toBe('siân.prosser@test.genomeg.test');
    expect(result.records[0]?.wte).toBe(1);
    expect(result.issues).toEqual([expect.objectContaining({ line: 1, column: 'Notes', code: 'ignored-column', severity: 'warning' })]);
    const work = readEsrExtract(staffCsv([buildStaffRow()]).replace('Email Address', 'Work Email Address'), all);
    expect(work.records[0]?.email).toContain('@');
  });

  // Issue 13, item 15.
  it('stores names in NFC and never a U+FFFD', () => {
    const decomposed = 'Sia\u0302n';
    const result = readEsrExtract(staffCsv([buildStaffRow({ firstName: decomposed })]), all);
    expect(result.records[0]?.firstName).toBe('Siân');
    const broken = readEsrExtract(staffCsv([buildStaffRow(), buildStaffRow({ lastName: 'Si\uFFFDn' })]), all);
    expect(broken.records).toEqual([]);
    expect(broken.issues).toEqual([expect.objectContaining({ line: 3, column: 'Last Name', code: 'replacement-character' })]);
  });

  it('decodes UTF-8 strictly, Windows-1252 when it is not UTF-8, UTF-16 with a byte-order mark, and refuses binary', () => {
    const utf8 = decodeExtract(Buffer.from('Siân,Llŷr\n', 'utf8'));
    expect(utf8).toEqual({ ok: true, text: 'Siân,Llŷr\n', encoding: 'utf-8' });
    const cp1252 = decodeExtract(Buffer.from([0x53, 0x69, 0xe2, 0x6e, 0x2c, 0x93, 0x51, 0x94, 0x0a]));
    expect(cp1252).toEqual({ ok: true, text: 'Siân,“Q”\n', encoding: 'windows-1252' });
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Llŷr\r\n', 'utf16le')]);
    expect(decodeExtract(le)).toEqual({ ok: true, text: 'Llŷr\r\n', encoding: 'utf-16le' });
    const be = Buffer.from([0xfe, 0xff, 0x00, 0x53, 0x00, 0xe2]);
    expect(decodeExtract(be)).toEqual({ ok: true, text: 'Sâ', encoding: 'utf-16be' });
    expect(decodeExtract(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00]))).toEqual({ ok: false, reason: 'not-text' });
    expect(decodeExtract(Buffer.from([0x41, 0x81, 0xe2]))).toEqual({ ok: false, reason: 'not-text' });
  });

  // Issue 13, item 17.
  it('reports an empty file for the whole file, not line 0, and names the column a short row stops before', () => {
    expect(readEsrExtract('', all).issues[0]).toMatchObject({ line: null, code: 'file-empty' });
    const header = ESR_COLUMNS.map((c) => c.header).join(',');
    const short = readEsrExtract(`${header}\n1,2\n`, all);
    expect(short.issues[0]).toMatchObject({ line: 2, code: 'wrong-field-count', column: 'First Name' });
  });

  it('refuses a row for an assignment number another organisation holds, but lets a platform-wide import move it', () => {
    const row = buildStaffRow({ organisationCode: '7A7' });
    const directoryOrganisations = new Map([[row.assignmentNumber, '7A4']]);
    const limited = readEsrExtract(staffCsv([row]), { asOf, permittedOrganisations: ['7A7'], directoryOrganisations });
    expect(limited.issues).toEqual([expect.objectContaining({ line: 2, column: 'Assignment Number', code: 'held-by-another-organisation', severity: 'error' })]);
    expect(limited.records).toEqual([]);
    expect(readEsrExtract(staffCsv([row]), { ...all, directoryOrganisations }).errorCount).toBe(0);
  });
});
