import type { DailyTrafficReport, MonthlyReport } from '../../../../shared/contract/api-types.ts';
import type { CsvTable } from '../../format/csv.ts';
import type { MonthTotals } from '../../state/traffic-store.ts';

/*
 * The traffic tab's tables as CSV, with the API's field names and raw figures. A day or month
 * that could not be had (offline, not cached) is a row with empty figures, never a zero.
 */

/** The server's days up to today: `dates` are the ones the tab asked for, `reports` those it got. */
export function serverDaysCsv(dates: readonly string[], reports: readonly DailyTrafficReport[]): CsvTable {
  const byDate = new Map(reports.map((report) => [report.date, report]));
  return {
    header: ['date', 'rx_bytes', 'tx_bytes', 'total_bytes', 'total_sessions', 'total_connections', 'active_keys'],
    rows: dates.map((date) => {
      const day = byDate.get(date);
      return [date, day?.rx_bytes, day?.tx_bytes, day?.total_bytes, day?.total_sessions, day?.total_connections, day?.active_keys];
    }),
  };
}

/** The twelve months of the chart, oldest first. */
export function serverMonthsCsv(months: readonly MonthTotals[]): CsvTable {
  return {
    header: ['year_month', 'rx_bytes', 'tx_bytes', 'total_bytes'],
    rows: months.map((month) =>
      month.source === 'missing' ? [month.yearMonth, null, null, null] : [month.yearMonth, month.rxBytes, month.txBytes, month.rxBytes + month.txBytes],
    ),
  };
}

/** Every key's month, in the order given (the table's). */
export function monthlyKeysCsv(report: MonthlyReport, keys: readonly MonthlyReport['keys'][number][] = report.keys): CsvTable {
  return {
    header: ['year_month', 'key_id', 'key_name', 'port', 'rx_bytes', 'tx_bytes', 'total_bytes', 'sessions', 'max_connections'],
    rows: keys.map((entry) => {
      const usage = entry.monthly_traffic;
      return [report.year_month, entry.key_id, entry.key_name, entry.port, usage.rx_bytes, usage.tx_bytes, usage.total_bytes, usage.sessions, usage.max_connections];
    }),
  };
}
