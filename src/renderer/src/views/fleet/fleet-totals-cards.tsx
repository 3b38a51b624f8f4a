import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { StatCard } from '../../components/stat-card.tsx';
import { formatBytes } from '../../format/format-bytes.ts';
import { formatDay, formatMonth, formatUtcTime } from '../../format/format-time.ts';
import { t } from '../../i18n/i18n.ts';
import { useFleetStore } from '../../state/fleet-store.ts';
import { fleetTotals, type PeriodTotal } from './fleet-totals.ts';

/** Today and this month over every deployed server, saying how many are in the sum and as of when. */
export function FleetTotalsCards() {
  // Its words come from t(): the hook redraws it in a newly chosen language.
  useTranslation();
  const summaries = useFleetStore(useShallow((state) => state.servers.filter((server) => server.agent).map((server) => state.summaries[server.id]?.value)));
  const totals = useMemo(() => fleetTotals(summaries, Date.now()), [summaries]);
  if (totals.deployed === 0) return null;
  const { today, month, deployed } = totals;
  return (
    <div className="stat-cards" data-testid="fleet-totals">
      <StatCard
        testId="fleet-total-today"
        label={t('fleet.totals.today', { day: formatDay(today.period) })}
        value={today.servers > 0 ? formatBytes(today.totalBytes) : '—'}
        note={periodNote(today, deployed)}
        title={t('fleet.totals.title')}
      />
      <StatCard
        testId="fleet-total-month"
        label={t('fleet.totals.month', { month: formatMonth(month.period) })}
        value={month.servers > 0 ? formatBytes(month.totalBytes) : '—'}
        note={periodNote(month, deployed)}
        title={t('fleet.totals.title')}
      />
    </div>
  );
}

function periodNote(total: PeriodTotal, deployed: number): string {
  if (total.servers === 0) return t('fleet.totals.none');
  return [
    t('fleet.totals.servers', { summed: total.servers, count: deployed }),
    total.fromCache > 0 && t('fleet.totals.fromCache', { servers: total.fromCache }),
    total.oldestMeasuredAtMs !== null && t('fleet.totals.asOf', { time: formatUtcTime(total.oldestMeasuredAtMs) }),
  ]
    .filter(Boolean)
    .join(' · ');
}
