export interface Row {
  what: string;
  agent: string;
  baseline: string;
  /** The figure the target is about, as measured. */
  checked: string;
  target: string;
  /** undefined: a figure shown for information, with no target. */
  pass: boolean | undefined;
}

/** A markdown table the README can take as it is. */
export function markdownTable(rows: readonly Row[]): string {
  const header = ['What', 'Keyport agent', 'Baseline (same run)', 'Checked', 'Target', 'Result'];
  const lines = rows.map((row) => [row.what, row.agent, row.baseline, row.checked, row.target, row.pass === undefined ? 'info' : row.pass ? 'PASS' : 'MISS']);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const format = (cells: readonly string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  return [format(header), format(widths.map((width) => '-'.repeat(width))), ...lines.map(format)].join('\n');
}

export const ms = (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
export const count = (value: number) => Math.round(value).toLocaleString('en-US');
export const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
