/** The spec's timestamp form, always UTC: 2025-08-05T12:00:00.000000 (microseconds, no zone). */
export function formatTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000`;
}
