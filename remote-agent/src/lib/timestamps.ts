/** The spec's timestamp form, always UTC: 2025-08-05T12:00:00.000000 (microseconds, no zone). */
export function formatTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000`;
}

/** The UTC calendar day (YYYY-MM-DD) an instant falls on. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The UTC month (YYYY-MM) an instant falls on. */
export function utcMonth(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/** True for a real calendar date in YYYY-MM-DD form (rejects 2025-02-30). */
export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The first and last day (inclusive) of a YYYY-MM month. */
export function monthBounds(yearMonth: string): { firstDay: string; lastDay: string } {
  const [year, month] = yearMonth.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { firstDay: `${yearMonth}-01`, lastDay: `${yearMonth}-${String(last).padStart(2, '0')}` };
}
