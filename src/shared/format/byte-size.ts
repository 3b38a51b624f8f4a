import { byteUnit, type ByteUnit } from '../agent-api.ts';

/**
 * The unit symbols the console writes sizes in. The agent scales by 1024 (its `*_formatted`
 * fields say "MB", as the spec has them), so the console names those same steps as IEC does:
 * "36.69 MiB" is the agent's "36.69 MB", digit for digit, and no one reads it as 10^6.
 */
export const IEC_SYMBOLS: Readonly<Record<ByteUnit, string>> = { B: 'B', KB: 'KiB', MB: 'MiB', GB: 'GiB', TB: 'TiB' };

/** A size as the CLI prints it: 1024-based, two decimals above bytes, IEC symbols (512 B, 36.69 MiB). */
export function formatByteSize(bytes: number): string {
  const { value, unit } = byteUnit(bytes);
  return unit === 'B' ? `${Math.round(value)} B` : `${value.toFixed(2)} ${IEC_SYMBOLS[unit]}`;
}
