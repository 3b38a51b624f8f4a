import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { YearMonth } from '../../../../shared/contract/services.ts';
import { CsvButton } from '../../components/csv-button.tsx';
import { RX_COLOR, TrafficChart, TX_COLOR } from '../../components/traffic-chart.tsx';
import { formatBytes } from '../../format/format-bytes.ts';
import { formatNumber } from '../../format/format-number.ts';
import { formatDay } from '../../format/format-time.ts';
import { formatYearMonth } from '../../format/utc-dates.ts';
import { t } from '../../i18n/i18n.ts';
import type { ServerDays } from '../../state/traffic-store.ts';
import { monthDaySeries } from './month-day-series.ts';
import { serverDaysCsv } from './traffic-csv.ts';

/** The server's days of the month: a chart of the whole month, then the figures of each day so far. */
export function ServerDaysReport({ serverName, month, days }: { serverName: string; month: YearMonth; days: ServerDays }) {
  const { i18n } = useTranslation();
  const chart = useMemo(() => {
    const series = monthDaySeries(month, days.reports.map((report) => report.data));
    return {
      labels: series.dates,
      series: [
        { label: t('traffic.receivedRx'), values: series.rxBytes, color: RX_COLOR },
        { label: t('traffic.sentTx'), values: series.txBytes, color: TX_COLOR },
      ],
    };
  }, [month, days, i18n.language]);

  return (
    <>
      <TrafficChart testId="chart-server-daily" title={t('traffic.serverDailyChart')} labels={chart.labels} series={chart.series} />
      {days.missing.length > 0 && (
        <p className="notice" data-testid="server-days-missing">
          {missingWords(days)}
        </p>
      )}
      <div className="table-scroll">
        <table className="data-table compact" data-testid="server-days-table">
          <thead>
            <tr>
              <th>{t('traffic.column.date')}</th>
              <th className="number">{t('traffic.received')}</th>
              <th className="number">{t('traffic.sent')}</th>
              <th className="number">{t('traffic.total')}</th>
              <th className="number" title={t('traffic.sessionsTitle')}>
                {t('traffic.sessions')}
              </th>
              <th className="number">{t('traffic.column.keysWithTraffic')}</th>
            </tr>
          </thead>
          <tbody>
            {days.reports.map(({ data: day }) => (
              <tr key={day.date} data-testid={`day-row-${day.date}`}>
                <td>{formatDay(day.date)}</td>
                <td className="number">{formatBytes(day.rx_bytes)}</td>
                <td className="number">{formatBytes(day.tx_bytes)}</td>
                <td className="number">{formatBytes(day.total_bytes)}</td>
                <td className="number">{formatNumber(day.total_sessions)}</td>
                <td className="number">{formatNumber(day.active_keys)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="panel-actions">
        <CsvButton
          fileName={`${serverName}-days-${formatYearMonth(month)}`}
          table={() => serverDaysCsv(days.dates, days.reports.map((report) => report.data))}
          testId="server-days-csv"
        />
      </div>
    </>
  );
}

/** The days without figures (offline and not cached), and why when the server said. */
function missingWords({ missing, missingReason }: ServerDays): string {
  const [first = '', last = first] = [missing[0], missing.at(-1)];
  const days = missing.length === 1 ? t('traffic.missingDay', { day: formatDay(first) }) : t('traffic.missingDays', { count: missing.length, first: formatDay(first), last: formatDay(last) });
  return missingReason ? t('traffic.missingWhy', { missing: days, reason: missingReason }) : days;
}
