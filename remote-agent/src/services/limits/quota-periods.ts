import type { DataLimitReset } from '../../api/key-limits.ts';

const DAY_MS = 86_400_000;

/**
 * The start of the UTC calendar period of `reset` holding `ms`: the day at 00:00, the week on
 * Monday 00:00, the month on the 1st 00:00, the year on 1 January 00:00. Undefined for no_reset.
 */
export function periodFloor(reset: DataLimitReset, ms: number): number | undefined {
  const at = new Date(ms);
  const year = at.getUTCFullYear();
  switch (reset) {
    case 'no_reset':
      return undefined;
    case 'day':
      return Date.UTC(year, at.getUTCMonth(), at.getUTCDate());
    case 'week':
      // getUTCDay: 0 is Sunday; weeks start on Monday.
      return Date.UTC(year, at.getUTCMonth(), at.getUTCDate()) - ((at.getUTCDay() + 6) % 7) * DAY_MS;
    case 'month':
      return Date.UTC(year, at.getUTCMonth(), 1);
    case 'year':
      return Date.UTC(year, 0, 1);
  }
}

/** The first period boundary of `reset` after `ms` (a boundary itself is not after itself). */
export function nextPeriodStart(reset: DataLimitReset, ms: number): number | undefined {
  const floor = periodFloor(reset, ms);
  if (floor === undefined) return undefined;
  const at = new Date(floor);
  switch (reset) {
    case 'day':
      return floor + DAY_MS;
    case 'week':
      return floor + 7 * DAY_MS;
    case 'month':
      return Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1);
    default:
      return Date.UTC(at.getUTCFullYear() + 1, 0, 1);
  }
}
