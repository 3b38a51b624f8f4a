const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** 1024-based, two decimals, as the API shows sizes: 512 -> "512 B", 38467682 -> "36.69 MB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(2)} ${UNITS[unit]}`;
}
