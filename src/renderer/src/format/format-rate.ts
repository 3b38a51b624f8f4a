import { formatBytes } from '../../../shared/agent-api.ts';

/** A traffic rate in bytes per second; an idle key reads as a dash so busy ones stand out. */
export function formatRate(bytesPerSecond: number | undefined): string {
  if (bytesPerSecond === undefined) return '—';
  if (bytesPerSecond <= 0) return '0 B/s';
  return `${formatBytes(bytesPerSecond)}/s`;
}
