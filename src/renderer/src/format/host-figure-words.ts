import type { HostFigures } from '../../../shared/contract/api-types.ts';
import { t } from '../i18n/i18n.ts';
import { formatBytes } from './format-bytes.ts';
import { formatDecimal } from './format-number.ts';

const MINUTE_S = 60;
const HOUR_S = 60 * MINUTE_S;
const DAY_S = 24 * HOUR_S;

/** "3 days 4 h", "5 h 12 min", "7 min" (after the label "up"): the two largest units, whole. */
export function uptimeWords(seconds: number): string {
  const days = Math.floor(seconds / DAY_S);
  const hours = Math.floor((seconds % DAY_S) / HOUR_S);
  const minutes = Math.floor((seconds % HOUR_S) / MINUTE_S);
  if (days > 0) return t('fleet.host.uptimeDays', { count: days, hours });
  if (hours > 0) return t('fleet.host.uptimeHours', { hours, minutes });
  return t('fleet.host.uptimeMinutes', { minutes });
}

/** "0.42 / 2 CPUs" (after "load"): the last minute's average beside the CPUs that share it. */
export function loadWords(load: NonNullable<HostFigures['load_average']>, cpuCount: number): string {
  return t('fleet.host.load', { load: formatDecimal(load.one_minute), count: cpuCount });
}

/** All three averages, for the tooltip. */
export function loadTitle(load: NonNullable<HostFigures['load_average']>): string {
  return t('fleet.host.loadTitle', { one: formatDecimal(load.one_minute), five: formatDecimal(load.five_minutes), fifteen: formatDecimal(load.fifteen_minutes) });
}

/** "1.20 GB / 3.80 GB" (after "memory"): used is all but what programs could still be given (MemAvailable). */
export function memoryWords(memory: NonNullable<HostFigures['memory']>): string {
  return t('fleet.host.memory', { used: formatBytes(Math.max(memory.total_bytes - memory.available_bytes, 0)), total: formatBytes(memory.total_bytes) });
}

/** "28.00 GB free" (after "disk"): what the agent's data may still grow into. */
export function diskWords(disk: NonNullable<HostFigures['disk']>): string {
  return t('fleet.host.diskFree', { free: formatBytes(disk.available_bytes) });
}

export function diskTitle(disk: NonNullable<HostFigures['disk']>): string {
  return t('fleet.host.diskTitle', { free: formatBytes(disk.available_bytes), total: formatBytes(disk.total_bytes), path: disk.path });
}
