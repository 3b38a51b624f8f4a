import type { KeyHistoryReport } from '../../../../shared/contract/api-types.ts';
import type { CsvTable } from '../../format/csv.ts';

const USAGE_HEADER = ['rx_bytes', 'tx_bytes', 'total_bytes', 'sessions', 'max_connections'] as const;

/** A key's days as the agent keeps them (days without a row moved nothing and are left out), oldest first. */
export function keyDaysCsv(history: KeyHistoryReport): CsvTable {
  return {
    header: ['date', ...USAGE_HEADER],
    rows: Object.entries(history.daily_stats)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([date, day]) => [date, day.rx_bytes, day.tx_bytes, day.total_bytes, day.sessions, day.max_connections]),
  };
}

/** A key's months, sums of its days as on the agent; a month's max_connections is its busiest day's. */
export function keyMonthsCsv(history: KeyHistoryReport): CsvTable {
  const months = new Map<string, { rx: number; tx: number; sessions: number; maxConnections: number }>();
  for (const [date, day] of Object.entries(history.daily_stats)) {
    const yearMonth = date.slice(0, 7);
    const month = months.get(yearMonth) ?? { rx: 0, tx: 0, sessions: 0, maxConnections: 0 };
    month.rx += day.rx_bytes;
    month.tx += day.tx_bytes;
    month.sessions += day.sessions;
    month.maxConnections = Math.max(month.maxConnections, day.max_connections);
    months.set(yearMonth, month);
  }
  return {
    header: ['year_month', ...USAGE_HEADER],
    rows: [...months.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([yearMonth, month]) => [yearMonth, month.rx, month.tx, month.rx + month.tx, month.sessions, month.maxConnections]),
  };
}
