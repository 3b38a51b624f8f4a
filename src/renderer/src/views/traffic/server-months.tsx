import { useMemo } from 'react';
import type { YearMonth } from '../../../../shared/contract/services.ts';
import { InlineError } from '../../components/inline-error.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { RX_COLOR, TrafficChart, TX_COLOR } from '../../components/traffic-chart.tsx';
import { formatYearMonth } from '../../format/utc-dates.ts';
import { selectYearOfMonths, useTrafficStore } from '../../state/traffic-store.ts';

/**
 * The twelve months up to the one picked. Asked for on demand: each month's report lists every
 * key, which on a big server is a lot to fetch just in case.
 */
export function ServerMonths({ serverId, month }: { serverId: string; month: YearMonth }) {
  const months = useTrafficStore(selectYearOfMonths(serverId, month));
  const loadYearOfMonths = useTrafficStore((state) => state.loadYearOfMonths);
  const chart = useMemo(() => {
    const totals = months?.value ?? [];
    return {
      labels: totals.map((total) => total.yearMonth),
      series: [
        { label: 'Received (rx)', values: totals.map((total) => total.rxBytes), color: RX_COLOR },
        { label: 'Sent (tx)', values: totals.map((total) => total.txBytes), color: TX_COLOR },
      ],
    };
  }, [months?.value]);
  const missing = months?.value?.filter((total) => total.source === 'missing').map((total) => total.yearMonth) ?? [];

  if (!months?.value) {
    return (
      <div className="panel-actions">
        <button type="button" onClick={() => void loadYearOfMonths(serverId, month)} disabled={months?.loading} data-testid="traffic-load-months">
          Show the 12 months to {formatYearMonth(month)}
        </button>
        {months?.loading && <Spinner label="Loading months…" />}
        <InlineError message={months?.error} />
      </div>
    );
  }
  return (
    <>
      <TrafficChart testId="chart-server-monthly" title="Monthly traffic of the server" labels={chart.labels} series={chart.series} />
      {missing.length > 0 && <p className="notice">No figures for {missing.join(', ')} (offline and not cached).</p>}
    </>
  );
}
