import { useMemo } from 'react';
import { RX_COLOR, TrafficChart, TX_COLOR } from '../../components/traffic-chart.tsx';
import { formatBytes } from '../../../../shared/agent-api.ts';
import type { ServerDays } from '../../state/traffic-store.ts';

/** The server's days of the month: a chart, then the figures of each day. */
export function ServerDaysReport({ days }: { days: ServerDays }) {
  const chart = useMemo(() => {
    const labels = days.reports.map((report) => report.data.date);
    return {
      labels,
      series: [
        { label: 'Received (rx)', values: days.reports.map((report) => report.data.rx_bytes), color: RX_COLOR },
        { label: 'Sent (tx)', values: days.reports.map((report) => report.data.tx_bytes), color: TX_COLOR },
      ],
    };
  }, [days]);

  return (
    <>
      <TrafficChart testId="chart-server-daily" title="Daily traffic of the server (UTC days)" labels={chart.labels} series={chart.series} />
      {days.missing.length > 0 && (
        <p className="notice" data-testid="server-days-missing">
          No figures for {days.missing.length === 1 ? days.missing[0] : `${days.missing.length} days (${days.missing[0]} … ${days.missing.at(-1)})`}
          {days.missingReason ? `: ${days.missingReason}` : ''}
        </p>
      )}
      <div className="table-scroll">
        <table className="data-table compact" data-testid="server-days-table">
          <thead>
            <tr>
              <th>Date</th>
              <th className="number">Received</th>
              <th className="number">Sent</th>
              <th className="number">Total</th>
              <th className="number">Sessions</th>
              <th className="number">Keys with traffic</th>
            </tr>
          </thead>
          <tbody>
            {days.reports.map(({ data: day }) => (
              <tr key={day.date} data-testid={`day-row-${day.date}`}>
                <td>{day.date}</td>
                <td className="number">{formatBytes(day.rx_bytes)}</td>
                <td className="number">{formatBytes(day.tx_bytes)}</td>
                <td className="number">{day.total_formatted}</td>
                <td className="number">{day.total_sessions.toLocaleString()}</td>
                <td className="number">{day.active_keys.toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
