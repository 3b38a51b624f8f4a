import { formatYearMonth, utcDay } from '../../../shared/agent-api.ts';
import type { YearMonth } from '../../../shared/contract/services.ts';

// The API's own rules for what a month is and how it is written.
export { formatYearMonth, parseYearMonth } from '../../../shared/agent-api.ts';

/** Days are UTC on the agent, so "today" and "this month" are too. */
export function utcToday(now = new Date()): string {
  return utcDay(now.getTime());
}

export function currentYearMonth(now = new Date()): YearMonth {
  return { year: now.getUTCFullYear(), month: now.getUTCMonth() + 1 };
}

export function shiftMonth({ year, month }: YearMonth, by: number): YearMonth {
  const index = year * 12 + (month - 1) + by;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

/** Every date (YYYY-MM-DD) of the month, the 1st to its last day. */
export function allDatesOfMonth(month: YearMonth): string[] {
  const days = new Date(Date.UTC(month.year, month.month, 0)).getUTCDate();
  const prefix = formatYearMonth(month);
  return Array.from({ length: days }, (_, index) => `${prefix}-${String(index + 1).padStart(2, '0')}`);
}

/** The month's dates (YYYY-MM-DD) up to today: later days have nothing to show yet. */
export function datesOfMonth(month: YearMonth, today = utcToday()): string[] {
  return allDatesOfMonth(month).filter((date) => date <= today);
}
