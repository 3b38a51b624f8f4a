import { useEffect, useState } from 'react';
import { ErrorWithAction } from '../../components/error-with-action.tsx';
import { OfflineBanner } from '../../components/offline-banner.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { StatCard } from '../../components/stat-card.tsx';
import { useTranslation } from 'react-i18next';
import { formatBytes } from '../../format/format-bytes.ts';
import { formatNumber } from '../../format/format-number.ts';
import { formatDay, formatMonth, formatUtcTime } from '../../format/format-time.ts';
import { measuredAt } from '../../format/measured-at.ts';
import { currentYearMonth, formatYearMonth } from '../../format/utc-dates.ts';
import { selectServer, selectSummary, useFleetStore } from '../../state/fleet-store.ts';
import { selectDays, selectMonthly, selectOverview, useTrafficStore } from '../../state/traffic-store.ts';
import { MonthPicker } from './month-picker.tsx';
import { MonthlyKeysTable } from './monthly-keys-table.tsx';
import { ServerDaysReport } from './server-days.tsx';
import { ServerMonths } from './server-months.tsx';

/** A server's traffic: a month by day and by key, twelve months at a glance, and the lifetime totals. */
export function TrafficTab({ serverId }: { serverId: string }) {
  const { t } = useTranslation();
  const [month, setMonth] = useState(currentYearMonth);
  const monthly = useTrafficStore(selectMonthly(serverId, month));
  const days = useTrafficStore(selectDays(serverId, month));
  const overview = useTrafficStore(selectOverview(serverId));
  const summary = useFleetStore(selectSummary(serverId))?.value;
  const serverName = useFleetStore(selectServer(serverId))?.name ?? serverId;
  const { loadMonthly, loadDays, loadOverview } = useTrafficStore.getState();
  const loadSummary = useFleetStore((state) => state.loadSummary);

  useEffect(() => {
    void loadOverview(serverId);
  }, [loadOverview, serverId]);
  useEffect(() => {
    // The summary's last sample dates this month's figures: read beside them.
    void loadSummary(serverId);
    void loadMonthly(serverId, month);
    void loadDays(serverId, month);
  }, [loadSummary, loadMonthly, loadDays, serverId, month]);

  const report = monthly?.value?.data;
  const lifetime = overview?.value?.data;
  // Today and a month still going on are as of the last sample; a month that ended is complete.
  const asOf = summary ? t('traffic.asOf', { time: formatUtcTime(measuredAt(summary)) }) : null;

  return (
    <div className="traffic-tab">
      <OfflineBanner reads={[monthly?.value, overview?.value, summary, ...(days?.value?.reports ?? [])]} />
      <div className="toolbar">
        <MonthPicker month={month} onChange={setMonth} />
        {(monthly?.loading || days?.loading) && <Spinner label={t('traffic.loadingMonth', { month: formatMonth(formatYearMonth(month)) })} />}
        {lifetime && (
          <span className="muted toolbar-end" data-testid="traffic-lifetime">
            {t('traffic.lifetime', {
              total: formatBytes(lifetime.total_traffic_bytes),
              rx: formatBytes(lifetime.total_rx_bytes),
              tx: formatBytes(lifetime.total_tx_bytes),
              keys: t('counts.keys', { count: lifetime.total_keys }),
            })}
          </span>
        )}
      </div>
      <ErrorWithAction failure={overview} serverId={serverId} onRetry={() => void loadOverview(serverId)} testId="traffic-overview-error" />

      {report && (
        <div className="stat-cards" data-testid="traffic-month-totals">
          {summary && (
            <StatCard
              testId="traffic-today"
              label={t('traffic.today', { day: formatDay(summary.data.today.date) })}
              value={formatBytes(summary.data.today.total_bytes)}
              note={asOf}
            />
          )}
          <StatCard
            testId="traffic-month-total"
            label={t('traffic.monthTotal', { month: formatMonth(report.year_month) })}
            value={formatBytes(report.total_traffic_bytes)}
            note={summary?.data.month.year_month === report.year_month ? asOf : null}
          />
          <StatCard label={t('traffic.received')} value={formatBytes(report.total_rx_bytes)} />
          <StatCard label={t('traffic.sent')} value={formatBytes(report.total_tx_bytes)} />
          <StatCard label={t('traffic.sessions')} value={formatNumber(report.total_sessions)} title={t('traffic.sessionsTitle')} />
          <StatCard label={t('traffic.keysActiveAll')} value={`${formatNumber(report.active_keys)} / ${formatNumber(report.total_keys)}`} />
        </div>
      )}

      <section className="panel">
        <h2>{t('traffic.byDay')}</h2>
        <ErrorWithAction failure={days} serverId={serverId} onRetry={() => void loadDays(serverId, month)} testId="traffic-days-error" />
        {days?.value ? <ServerDaysReport serverName={serverName} month={month} days={days.value} /> : !days?.error && <Spinner label={t('traffic.loadingDays')} />}
      </section>

      <section className="panel">
        <h2>{t('traffic.byMonth')}</h2>
        <ServerMonths serverId={serverId} serverName={serverName} month={month} />
      </section>

      <section className="panel monthly-keys-panel">
        <h2>{t('traffic.byKey', { month: formatMonth(formatYearMonth(month)) })}</h2>
        <ErrorWithAction failure={monthly} serverId={serverId} onRetry={() => void loadMonthly(serverId, month)} testId="traffic-monthly-error" />
        {report ? <MonthlyKeysTable serverName={serverName} report={report} /> : !monthly?.error && <Spinner label={t('keys.loading')} />}
      </section>
    </div>
  );
}
