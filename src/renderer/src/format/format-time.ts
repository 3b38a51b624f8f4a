/**
 * The agent writes UTC timestamps without a zone (`2025-08-05T12:00:00.000000`); the console's own
 * are ISO 8601 with `Z`. Both are shown in the admin's local time.
 */
export function parseTimestamp(timestamp: string): Date {
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(timestamp);
  return new Date(hasZone ? timestamp : `${timestamp}Z`);
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatLocalTime(timestamp: string | null | undefined): string {
  if (!timestamp) return 'never';
  const date = parseTimestamp(timestamp);
  return Number.isNaN(date.getTime()) ? timestamp : dateTime.format(date);
}
