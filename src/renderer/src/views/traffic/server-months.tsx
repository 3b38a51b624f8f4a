import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { YearMonth } from '../../../../shared/contract/services.ts';
import { CsvButton } from '../../components/csv-button.tsx';
import { InlineError } from '../../components/inline-error.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { RX_COLOR, TrafficChart, TX_COLOR } from '../../components/traffic-chart.tsx';
import { formatMonth } from '../../format/format-time.ts';
import { formatYearMonth } from '../../format/utc-dates.ts';
import { selectYearOfMonths, useTrafficStore } from '../../state/traffic-store.ts';
import { serverMonthsCsv } from './traffic-csv.ts';

/**
 * The twelve months up to the one picked. Asked for on demand: each month's report lists every
 * key, which on a big server is a lot to fetch just in case.
 */
export function ServerMonths({ serverId, serverName, month }: { serverId: string; serverName: string; month: YearMonth }) {
  const { t, i18n } = useTranslation();
  const months = useTrafficStore(selectYearOfMonths(serverId, month));
  const loadYearOfMonths = useTrafficStore((state) => state.loadYearOfMonths);
  const chart = useMemo(() => {
    const totals = months?.value ?? [];
    return {
      labels: totals.map((total) => total.yearMonth),
      series: [
        { label: t('traffic.receivedRx'), values: totals.map((total) => total.rxBytes), color: RX_COLOR },
        { label: t('traffic.sentTx'), values: totals.map((total) => total.txBytes), color: TX_COLOR },
      ],
    };
  }, [months?.value, t, i18n.language]);
  const missing = months?.value?.filter((total) => total.source === 'missing').map((total) => total.yearMonth) ?? [];

  if (!months?.value) {
    return (
      <div className="panel-actions">
        <button type="button" onClick={() => void loadYearOfMonths(serverId, month)} disabled={months?.loading} data-testid="traffic-load-months">
          {t('traffic.showMonths', { month: formatMonth(formatYearMonth(month)) })}
        </button>
        {months?.loading && <Spinner label={t('traffic.loadingMonths')} />}
        <InlineError message={months?.error} />
      </div>
    );
  }
  return (
    <>
      <TrafficChart testId="chart-server-monthly" title={t('traffic.serverMonthlyChart')} labels={chart.labels} series={chart.series} />
      {missing.length > 0 && <p className="notice">{t('traffic.missingMonths', { months: missing.map((yearMonth) => formatMonth(yearMonth)).join(', ') })}</p>}
      <div className="panel-actions">
        <CsvButton fileName={`${serverName}-months-to-${formatYearMonth(month)}`} table={() => serverMonthsCsv(months.value ?? [])} testId="server-months-csv" />
      </div>
    </>
  );
}
