import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { t } from '../../i18n/i18n.ts';
import type { KeyHistoryReport } from '../../../../shared/contract/api-types.ts';
import { utcToday } from '../../format/utc-dates.ts';
import { RX_COLOR, TrafficChart, TX_COLOR, type ChartSeries } from '../../components/traffic-chart.tsx';

interface DaySeries {
  labels: string[];
  series: ChartSeries[];
}

function bytesSeries(labels: string[], rx: number[], tx: number[]): DaySeries {
  return {
    labels,
    series: [
      { label: t('traffic.receivedRx'), values: rx, color: RX_COLOR },
      { label: t('traffic.sentTx'), values: tx, color: TX_COLOR },
    ],
  };
}

/** Every day from the first in the history to today, oldest first; days without a row moved nothing. */
export function dailySeries(days: KeyHistoryReport['daily_stats'], today = utcToday()): DaySeries {
  const dates = continuousDates(Object.keys(days).sort()[0], today);
  return bytesSeries(
    dates,
    dates.map((date) => days[date]?.rx_bytes ?? 0),
    dates.map((date) => days[date]?.tx_bytes ?? 0),
  );
}

function continuousDates(first: string | undefined, last: string): string[] {
  if (!first) return [];
  const dates: string[] = [];
  for (let day = new Date(`${first}T00:00:00Z`); ; day.setUTCDate(day.getUTCDate() + 1)) {
    const date = day.toISOString().slice(0, 10);
    if (date > last && dates.length > 0) break;
    dates.push(date);
    if (date >= last) break;
  }
  return dates;
}

/** Months are sums of their days (as on the agent). */
export function monthlySeries(days: KeyHistoryReport['daily_stats']): DaySeries {
  const months = new Map<string, { rx: number; tx: number }>();
  for (const [date, day] of Object.entries(days)) {
    const month = months.get(date.slice(0, 7)) ?? { rx: 0, tx: 0 };
    month.rx += day.rx_bytes;
    month.tx += day.tx_bytes;
    months.set(date.slice(0, 7), month);
  }
  const labels = [...months.keys()].sort();
  return bytesSeries(
    labels,
    labels.map((month) => months.get(month)?.rx ?? 0),
    labels.map((month) => months.get(month)?.tx ?? 0),
  );
}

/** A key's traffic by day and by month, from its history. */
export function KeyCharts({ history }: { history: KeyHistoryReport }) {
  const { t: translate, i18n } = useTranslation();
  // The series carry their legend's words: drawn anew in another language.
  const daily = useMemo(() => dailySeries(history.daily_stats), [history.daily_stats, i18n.language]);
  const monthly = useMemo(() => monthlySeries(history.daily_stats), [history.daily_stats, i18n.language]);
  return (
    <div className="charts">
      <TrafficChart testId="chart-daily" title={translate('key.dailyChart')} labels={daily.labels} series={daily.series} />
      <TrafficChart testId="chart-monthly" title={translate('key.monthlyChart')} labels={monthly.labels} series={monthly.series} />
    </div>
  );
}
