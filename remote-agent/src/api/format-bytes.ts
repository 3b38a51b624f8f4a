export const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

export type ByteUnit = (typeof BYTE_UNITS)[number];

/** A size in the 1024-based unit it is shown in: 38467682 -> 36.69 MB, 512 -> 512 B. */
export function byteUnit(bytes: number): { value: number; unit: ByteUnit } {
  let value = bytes;
  let unit = 0;
  // 1023.995 and up would print as "1024.00": that is already the next unit.
  while (Math.abs(value) >= (unit === 0 ? 1024 : 1023.995) && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return { value, unit: BYTE_UNITS[unit]! };
}

/** 1024-based, two decimals, as the API shows sizes: 512 -> "512 B", 38467682 -> "36.69 MB". */
export function formatBytes(bytes: number): string {
  const { value, unit } = byteUnit(bytes);
  return unit === 'B' ? `${Math.round(value)} B` : `${value.toFixed(2)} ${unit}`;
}
