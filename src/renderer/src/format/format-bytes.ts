import { t } from '../i18n/i18n.ts';
import { formatDecimal } from './format-number.ts';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/**
 * A size as the agent's formatBytes counts it (1024-based, two decimals above bytes: "36.69 MB"),
 * written in the chosen language ("36,69 МБ").
 */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  // 1023.995 and up would print as "1024.00": that is already the next unit.
  while (Math.abs(value) >= (unit === 0 ? 1024 : 1023.995) && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? String(Math.round(value)) : formatDecimal(value)} ${t(`units.${UNITS[unit]!}`)}`;
}
