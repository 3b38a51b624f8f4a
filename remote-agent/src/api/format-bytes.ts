const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** 1024-based, two decimals, as the API shows sizes: 512 -> "512 B", 38467682 -> "36.69 MB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  // 1023.995 and up would print as "1024.00": that is already the next unit.
  while (Math.abs(value) >= (unit === 0 ? 1024 : 1023.995) && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(2)} ${UNITS[unit]}`;
}
