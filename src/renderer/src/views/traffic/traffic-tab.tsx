import { useEffect, useState } from 'react';
import { ErrorWithAction } from '../../components/error-with-action.tsx';
import { OfflineBanner } from '../../components/offline-banner.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { StatCard } from '../../components/stat-card.tsx';
import { countOf } from '../../format/count-of.ts';
import { currentYearMonth, formatYearMonth } from '../../format/utc-dates.ts';
import { selectDays, selectMonthly, selectOverview, useTrafficStore } from '../../state/traffic-store.ts';
import { MonthPicker } from './month-picker.tsx';
import { MonthlyKeysTable } from './monthly-keys-table.tsx';
import { ServerDaysReport } from './server-days.tsx';
import { ServerMonths } from './server-months.tsx';

/** A server's traffic: a month by day and by key, twelve months at a glance, and the lifetime totals. */
export function TrafficTab({ serverId }: { serverId: string }) {
  const [month, setMonth] = useState(currentYearMonth);
  const monthly = useTrafficStore(selectMonthly(serverId, month));
  const days = useTrafficStore(selectDays(serverId, month));
  const overview = useTrafficStore(selectOverview(serverId));
  const { loadMonthly, loadDays, loadOverview } = useTrafficStore.getState();

  useEffect(() => {
    void loadOverview(serverId);
  }, [loadOverview, serverId]);
  useEffect(() => {
    void loadMonthly(serverId, month);
    void loadDays(serverId, month);
  }, [loadMonthly, loadDays, serverId, month]);

  const report = monthly?.value?.data;
  const lifetime = overview?.value?.data;

  return (
    <div className="traffic-tab">
      <OfflineBanner reads={[monthly?.value, overview?.value, ...(days?.value?.reports ?? [])]} />
      <div className="toolbar">
        <MonthPicker month={month} onChange={setMonth} />
        {(monthly?.loading || days?.loading) && <Spinner label={`Loading ${formatYearMonth(month)}…`} />}
        {lifetime && (
          <span className="muted toolbar-end" data-testid="traffic-lifetime">
            Lifetime: {lifetime.total_traffic_formatted} (received {lifetime.total_rx_formatted}, sent {lifetime.total_tx_formatted}) over{' '}
            {countOf(lifetime.total_keys, 'key')}
          </span>
        )}
      </div>
      <ErrorWithAction failure={overview} serverId={serverId} onRetry={() => void loadOverview(serverId)} testId="traffic-overview-error" />

      {report && (
        <div className="stat-cards" data-testid="traffic-month-totals">
          <StatCard label={`Total ${report.year_month}`} value={report.total_traffic_formatted} />
          <StatCard label="Received" value={report.total_rx_formatted} />
          <StatCard label="Sent" value={report.total_tx_formatted} />
          <StatCard label="Sessions" value={report.total_sessions.toLocaleString()} />
          <StatCard label="Keys (active / all)" value={`${report.active_keys.toLocaleString()} / ${report.total_keys.toLocaleString()}`} />
        </div>
      )}

      <section className="panel">
        <h2>By day</h2>
        <ErrorWithAction failure={days} serverId={serverId} onRetry={() => void loadDays(serverId, month)} testId="traffic-days-error" />
        {days?.value ? <ServerDaysReport days={days.value} /> : !days?.error && <Spinner label="Loading days…" />}
      </section>

      <section className="panel">
        <h2>By month</h2>
        <ServerMonths serverId={serverId} month={month} />
      </section>

      <section className="panel monthly-keys-panel">
        <h2>By key, {formatYearMonth(month)}</h2>
        <ErrorWithAction failure={monthly} serverId={serverId} onRetry={() => void loadMonthly(serverId, month)} testId="traffic-monthly-error" />
        {report ? <MonthlyKeysTable report={report} /> : !monthly?.error && <Spinner label="Loading keys…" />}
      </section>
    </div>
  );
}
