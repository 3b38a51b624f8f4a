/** One cell of an exported table: figures go out raw (bytes, counts), text as written, nothing as empty. */
export type CsvCell = string | number | boolean | null | undefined;

export interface CsvTable {
  /** Column names, the API's own field names where there is one (rx_bytes, max_connections). */
  header: readonly string[];
  rows: readonly (readonly CsvCell[])[];
}

/**
 * Text a spreadsheet would run as a formula (OWASP's CSV injection list): a key named
 * `=HYPERLINK(…)` must open as that name. A leading apostrophe makes it text in Excel,
 * LibreOffice and Google Sheets.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field, quoted as RFC 4180 says when it holds a quote, a comma or a line break. */
export function csvField(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  if (typeof cell === 'boolean') return String(cell);
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The table as RFC 4180 text: a header record, then one record per row, each ended by CRLF. */
export function buildCsv({ header, rows }: CsvTable): string {
  return [header, ...rows].map((record) => `${record.map(csvField).join(',')}\r\n`).join('');
}
