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

/** The month's dates (YYYY-MM-DD) up to today: later days have nothing to show yet. */
export function datesOfMonth(month: YearMonth, today = utcToday()): string[] {
  const days = new Date(Date.UTC(month.year, month.month, 0)).getUTCDate();
  const prefix = formatYearMonth(month);
  const dates: string[] = [];
  for (let day = 1; day <= days; day += 1) {
    const date = `${prefix}-${String(day).padStart(2, '0')}`;
    if (date > today) break;
    dates.push(date);
  }
  return dates;
}
