import type { DailyTrafficReport } from '../../../../shared/contract/api-types.ts';
import type { YearMonth } from '../../../../shared/contract/services.ts';
import { allDatesOfMonth } from '../../format/utc-dates.ts';

export interface MonthDaySeries {
  /** Every UTC date of the month, the 1st to its last day. */
  dates: string[];
  rxBytes: number[];
  txBytes: number[];
}

/**
 * A month's days for its chart: every day of it, so a month reads the same width whenever it is
 * looked at. A day without a report (still to come, or not to be had offline, which the view
 * says beside the chart) draws as zero.
 */
export function monthDaySeries(month: YearMonth, reports: readonly Pick<DailyTrafficReport, 'date' | 'rx_bytes' | 'tx_bytes'>[]): MonthDaySeries {
  const byDate = new Map(reports.map((report) => [report.date, report]));
  const dates = allDatesOfMonth(month);
  return {
    dates,
    rxBytes: dates.map((date) => byDate.get(date)?.rx_bytes ?? 0),
    txBytes: dates.map((date) => byDate.get(date)?.tx_bytes ?? 0),
  };
}
