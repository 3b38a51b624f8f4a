/**
 * A timestamp as `YYYY-MM-DD HH:MM UTC`. Agent timestamps carry no zone but are UTC
 * (`2025-08-05T12:00:00.000000`); the core's are ISO 8601 with one. Anything else is shown as given.
 */
export function formatUtc(timestamp: string): string {
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(timestamp);
  const date = new Date(hasZone ? timestamp : `${timestamp}Z`);
  if (Number.isNaN(date.getTime())) return timestamp;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
