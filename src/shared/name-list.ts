import { KeyportError } from './contract/errors.ts';

/** Names read from a file, each with the line it came from, so an error can point at the line. */
export interface NameList {
  names: string[];
  lines: number[];
}

/** A NameList with, for each name, the CSV's other columns by their lowercased header (none for a plain list). */
export interface NameRecords extends NameList {
  columns: Record<string, string>[];
}

const DELIMITERS = [',', ';', '\t'] as const;

/**
 * One name per line, or a CSV (as spreadsheets save it: `,`, `;` or tab, quoted fields, CRLF, a
 * UTF-8 BOM) whose header has a `name` column. A first line that is only `name` is such a header.
 * Blank lines are left out; names are trimmed, since a name may not start or end with a space.
 */
export function parseNameList(text: string): NameList {
  const { names, lines } = parseNameRecords(text);
  return { names, lines };
}

/** As parseNameList, keeping each row's other cells (trimmed) by their column's header. */
export function parseNameRecords(text: string): NameRecords {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const rows = splitRows(body);
  const first = rows.find((row) => row.cells.some((cell) => cell.trim() !== ''));
  const delimiter = first && headerDelimiter(first.raw);
  if (!first || delimiter === undefined) return plainList(rows);
  const records = splitRows(body, delimiter);
  const header = records.find((row) => row.line === first.line)!;
  const headers = header.cells.map((cell) => cell.trim().toLowerCase());
  const column = headers.indexOf('name');
  const list: NameRecords = { names: [], lines: [], columns: [] };
  for (const record of records) {
    if (record.line <= header.line || record.cells.every((cell) => cell.trim() === '')) continue;
    const name = record.cells[column]?.trim() ?? '';
    if (name === '') throw new KeyportError('bad-input', `line ${record.line} has no name in the "name" column`, { line: record.line });
    list.names.push(name);
    list.lines.push(record.line);
    list.columns.push(
      Object.fromEntries(headers.flatMap((heading, index) => (index === column || heading === '' ? [] : [[heading, record.cells[index]?.trim() ?? '']]))),
    );
  }
  return list;
}

/** The delimiter of a CSV header naming a `name` column; undefined when the line is a name itself. */
function headerDelimiter(line: string): (typeof DELIMITERS)[number] | undefined {
  for (const delimiter of DELIMITERS) {
    const cells = splitRows(line, delimiter)[0]?.cells ?? [];
    if (cells.length > 1 && cells.some((cell) => cell.trim().toLowerCase() === 'name')) return delimiter;
  }
  return line.trim().toLowerCase() === 'name' ? ',' : undefined;
}

function plainList(rows: Row[]): NameRecords {
  const list: NameRecords = { names: [], lines: [], columns: [] };
  for (const row of rows) {
    const name = row.raw.trim();
    if (name === '') continue;
    list.names.push(name);
    list.lines.push(row.line);
    list.columns.push({});
  }
  return list;
}

interface Row {
  /** 1-based, where the row starts. */
  line: number;
  raw: string;
  cells: string[];
}

/** Splits text into rows (CR, LF or CRLF) and, given a delimiter, cells as RFC 4180 quotes them. */
function splitRows(text: string, delimiter?: string): Row[] {
  const rows: Row[] = [];
  let line = 1;
  let index = 0;
  while (index < text.length) {
    const start = index;
    const startLine = line;
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    let atCellStart = true;
    for (; index < text.length; index += 1) {
      const char = text[index]!;
      if (quoted) {
        if (char === '"' && text[index + 1] === '"') {
          cell += '"';
          index += 1;
        } else if (char === '"') quoted = false;
        else {
          if (char === '\n' || (char === '\r' && text[index + 1] !== '\n')) line += 1;
          cell += char;
        }
      } else if (char === '\r' || char === '\n') {
        break;
      } else if (delimiter !== undefined && char === '"' && atCellStart) {
        quoted = true;
        atCellStart = false;
      } else if (delimiter !== undefined && char === delimiter) {
        cells.push(cell);
        cell = '';
        atCellStart = true;
      } else {
        cell += char;
        atCellStart = false;
      }
    }
    cells.push(cell);
    rows.push({ line: startLine, raw: text.slice(start, index), cells });
    index += text.startsWith('\r\n', index) ? 2 : 1;
    line += 1;
  }
  return rows;
}
