const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/**
 * 1024-based with two decimals, as the agent's `*_formatted` fields read (512 -> "512 B",
 * 38467682 -> "36.69 MB"), for the sums the console makes itself. The agent's own formatter cannot
 * be imported here: the renderer reaches nothing outside src/shared.
 */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= (unit === 0 ? 1024 : 1023.995) && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(2)} ${UNITS[unit]}`;
}
