import { parseTimestamp } from './format-time.ts';

/** An agent's timestamp (UTC, no zone written) as ISO 8601 with its Z, for files other programs read; null stays null. */
export function isoTime(timestamp: string | null): string | null {
  if (timestamp === null) return null;
  const date = parseTimestamp(timestamp);
  return Number.isNaN(date.getTime()) ? timestamp : date.toISOString();
}
