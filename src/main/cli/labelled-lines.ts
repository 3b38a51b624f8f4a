/** `Label  value` lines, the values in one column `gap` spaces after the longest label, each line ended. */
export function labelledLines(rows: readonly (readonly [label: string, value: string])[], gap = 2): string {
  const width = Math.max(0, ...rows.map(([label]) => [...label].length)) + gap;
  return rows.map(([label, value]) => `${label}${' '.repeat(width - [...label].length)}${value}\n`).join('');
}
