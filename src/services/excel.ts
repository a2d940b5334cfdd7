// exceljs takes about a third of a second to load, and only spreadsheet
// downloads need it: it is loaded on the first one, not when the server starts.

import type ExcelJS from 'exceljs';

let loading: Promise<typeof ExcelJS> | undefined;

export function loadExcel(): Promise<typeof ExcelJS> {
  // A CommonJS package: Node gives its exports as the default export.
  loading ??= import('exceljs').then((loaded) => (loaded as unknown as { default: typeof ExcelJS }).default);
  return loading;
}
