// An insights export as an XLSX workbook (exceljs): one sheet per part of the
// view, every cell exactly the text the page shows, except that counts and
// percentages are numbers so they add up and sort in a spreadsheet. "fewer
// than 5" and "withheld" stay text: the workbook withholds what the page does.

import { loadExcel } from '../excel.js';

const COUNT = /^\d{1,3}(,\d{3})*$|^\d+$/;
const PERCENT = /^(\d+)%$/;

function cellValue(text: string): string | number {
  if (COUNT.test(text)) return Number(text.replace(/,/g, ''));
  const p = PERCENT.exec(text);
  return p?.[1] === undefined ? text : Number(p[1]) / 100;
}

/** Excel's sheet names: at most 31 characters, none of : \ / ? * [ ]. */
function sheetName(name: string, taken: Set<string>): string {
  let out = name.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31);
  for (let i = 2; taken.has(out); i++) out = `${out.slice(0, 28)} ${String(i)}`;
  taken.add(out);
  return out;
}

export async function workbookOf(sheets: readonly { readonly name: string; readonly records: readonly (readonly string[])[] }[]): Promise<Buffer> {
  const ExcelJS = await loadExcel();
  const book = new ExcelJS.Workbook();
  book.creator = 'Genomeg';
  const taken = new Set<string>();
  for (const s of sheets) {
    const sheet = book.addWorksheet(sheetName(s.name, taken));
    for (const [i, record] of s.records.entries()) {
      const row = sheet.addRow(i === 0 ? [...record] : record.map(cellValue));
      if (i === 0) row.font = { bold: true };
      else row.eachCell((cell) => { if (typeof cell.value === 'number' && PERCENT.test(record[Number(cell.col) - 1] ?? '')) cell.numFmt = '0%'; });
    }
    sheet.columns.forEach((column, i) => { column.width = i === 0 ? 40 : 16; });
    sheet.views = [{ state: 'frozen', ySplit: 1 }];
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
