import type { KeyHistoryReport } from '../../../../shared/contract/api-types.ts';
import type { YearMonth } from '../../../../shared/contract/services.ts';
import { allDatesOfMonth, formatYearMonth, parseYearMonth, shiftMonth, utcToday } from '../../format/utc-dates.ts';

/** Byte bars of a key: a label per bar (a UTC day or month) and its rx and tx. */
export interface ByteBars {
  labels: string[];
  rxBytes: number[];
  txBytes: number[];
}

/**
 * Every day of every month from the first in the history to this one, oldest first: whole months,
 * the current one to its last day. Days without a row (none moved, or still to come) are zero.
 */
export function dailyBars(days: KeyHistoryReport['daily_stats'], today = utcToday()): ByteBars {
  const first = Object.keys(days).sort()[0];
  const labels = first ? monthsBetween(first.slice(0, 7), today.slice(0, 7)).flatMap(allDatesOfMonth) : [];
  return { labels, rxBytes: labels.map((date) => days[date]?.rx_bytes ?? 0), txBytes: labels.map((date) => days[date]?.tx_bytes ?? 0) };
}

function monthsBetween(first: string, last: string): YearMonth[] {
  const months: YearMonth[] = [];
  for (let month = parseYearMonth(first); month && formatYearMonth(month) <= last; month = shiftMonth(month, 1)) months.push(month);
  return months;
}

/** Months are sums of their days (as on the agent). */
export function monthlyBars(days: KeyHistoryReport['daily_stats']): ByteBars {
  const months = new Map<string, { rx: number; tx: number }>();
  for (const [date, day] of Object.entries(days)) {
    const month = months.get(date.slice(0, 7)) ?? { rx: 0, tx: 0 };
    month.rx += day.rx_bytes;
    month.tx += day.tx_bytes;
    months.set(date.slice(0, 7), month);
  }
  const labels = [...months.keys()].sort();
  return { labels, rxBytes: labels.map((month) => months.get(month)!.rx), txBytes: labels.map((month) => months.get(month)!.tx) };
}
