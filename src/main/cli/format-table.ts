export interface Column {
  header: string;
  /** Numbers read best right-aligned. */
  align?: 'left' | 'right';
}

/** Columns two spaces apart, each as wide as its widest cell; no trailing spaces. */
export function formatTable(columns: Column[], rows: string[][]): string {
  const lines = [columns.map((column) => column.header), ...rows];
  const widths = columns.map((_, index) => Math.max(...lines.map((cells) => width(cells[index] ?? ''))));
  return lines
    .map((cells) =>
      columns
        .map((column, index) => {
          const cell = cells[index] ?? '';
          const padding = ' '.repeat(widths[index]! - width(cell));
          return column.align === 'right' ? padding + cell : cell + padding;
        })
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

function width(text: string): number {
  return [...text].length;
}
