import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeyHistoryReport } from '../../../../shared/contract/api-types.ts';
import { CsvButton } from '../../components/csv-button.tsx';
import { RX_COLOR, TrafficChart, TX_COLOR, type ChartSeries } from '../../components/traffic-chart.tsx';
import { t } from '../../i18n/i18n.ts';
import { keyDaysCsv, keyMonthsCsv } from './key-history-csv.ts';
import { dailyBars, monthlyBars, type ByteBars } from './key-series.ts';

function chartOf(bars: ByteBars): { labels: string[]; series: ChartSeries[] } {
  return {
    labels: bars.labels,
    series: [
      { label: t('traffic.receivedRx'), values: bars.rxBytes, color: RX_COLOR },
      { label: t('traffic.sentTx'), values: bars.txBytes, color: TX_COLOR },
    ],
  };
}

/** A key's traffic by day and by month, from its history, each downloadable as CSV. */
export function KeyCharts({ history, fileName }: { history: KeyHistoryReport; fileName: string }) {
  const { t: translate, i18n } = useTranslation();
  // The series carry their legend's words: drawn anew in another language.
  const daily = useMemo(() => chartOf(dailyBars(history.daily_stats)), [history.daily_stats, i18n.language]);
  const monthly = useMemo(() => chartOf(monthlyBars(history.daily_stats)), [history.daily_stats, i18n.language]);
  return (
    <>
      <div className="charts">
        <TrafficChart testId="chart-daily" title={translate('key.dailyChart')} labels={daily.labels} series={daily.series} />
        <TrafficChart testId="chart-monthly" title={translate('key.monthlyChart')} labels={monthly.labels} series={monthly.series} />
      </div>
      <div className="panel-actions">
        <CsvButton fileName={`${fileName}-days`} table={() => keyDaysCsv(history)} testId="key-days-csv" />
        <CsvButton fileName={`${fileName}-months`} table={() => keyMonthsCsv(history)} testId="key-months-csv" />
      </div>
    </>
  );
}
