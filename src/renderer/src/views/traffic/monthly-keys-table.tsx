import { memo, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MonthlyReport } from '../../../../shared/contract/api-types.ts';
import { CsvButton } from '../../components/csv-button.tsx';
import { SortHeader, type SortOrder } from '../../components/sort-header.tsx';
import { VirtualRows } from '../../components/virtual-rows.tsx';
import { formatBytes } from '../../format/format-bytes.ts';
import { formatNumber } from '../../format/format-number.ts';
import { monthlyKeysCsv } from './traffic-csv.ts';

type MonthlyKey = MonthlyReport['keys'][number];
type MonthlyColumn = 'name' | 'port' | 'rx' | 'tx' | 'total' | 'sessions' | 'peak';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const COMPARE: Record<MonthlyColumn, (a: MonthlyKey, b: MonthlyKey) => number> = {
  name: (a, b) => collator.compare(a.key_name, b.key_name),
  port: (a, b) => a.port - b.port,
  rx: (a, b) => a.monthly_traffic.rx_bytes - b.monthly_traffic.rx_bytes,
  tx: (a, b) => a.monthly_traffic.tx_bytes - b.monthly_traffic.tx_bytes,
  total: (a, b) => a.monthly_traffic.total_bytes - b.monthly_traffic.total_bytes,
  sessions: (a, b) => a.monthly_traffic.sessions - b.monthly_traffic.sessions,
  peak: (a, b) => a.monthly_traffic.max_connections - b.monthly_traffic.max_connections,
};

const MonthlyKeyRow = memo(function MonthlyKeyRow({ entry }: { entry: MonthlyKey }) {
  useTranslation();
  const usage = entry.monthly_traffic;
  return (
    <div role="row" className="monthly-row" data-testid={`monthly-row-${entry.key_id}`}>
      <div role="cell" className="cell-name" title={entry.key_id}>
        {entry.key_name}
      </div>
      <div role="cell" className="number">{entry.port}</div>
      <div role="cell" className="number">{formatBytes(usage.rx_bytes)}</div>
      <div role="cell" className="number">{formatBytes(usage.tx_bytes)}</div>
      <div role="cell" className="number">{formatBytes(usage.total_bytes)}</div>
      <div role="cell" className="number">{formatNumber(usage.sessions)}</div>
      <div role="cell" className="number">{formatNumber(usage.max_connections)}</div>
    </div>
  );
});

/** Every key's traffic in the month, busiest first unless sorted otherwise. */
export function MonthlyKeysTable({ serverName, report }: { serverName: string; report: MonthlyReport }) {
  const { t } = useTranslation();
  const [order, setOrder] = useState<SortOrder<MonthlyColumn>>({ column: 'total', descending: true });
  const rows = useMemo(() => {
    const compare = COMPARE[order.column];
    const direction = order.descending ? -1 : 1;
    return [...report.keys].sort((a, b) => direction * compare(a, b) || a.port - b.port);
  }, [report.keys, order]);

  const header = (
    <div role="row" className="monthly-row monthly-header">
      <SortHeader column="name" label={t('traffic.column.key')} order={order} onSort={setOrder} />
      <SortHeader column="port" label={t('traffic.column.port')} order={order} onSort={setOrder} className="number" />
      <SortHeader column="rx" label={t('traffic.received')} order={order} onSort={setOrder} className="number" firstDescending />
      <SortHeader column="tx" label={t('traffic.sent')} order={order} onSort={setOrder} className="number" firstDescending />
      <SortHeader column="total" label={t('traffic.total')} order={order} onSort={setOrder} className="number" firstDescending />
      <SortHeader column="sessions" label={t('traffic.sessions')} title={t('traffic.sessionsTitle')} order={order} onSort={setOrder} className="number" firstDescending />
      <SortHeader column="peak" label={t('traffic.column.peak')} title={t('traffic.column.peakTitle')} order={order} onSort={setOrder} className="number" firstDescending />
    </div>
  );
  return (
    <>
      <VirtualRows
        items={rows}
        rowHeight={32}
        rowKey={(entry) => entry.key_id}
        header={header}
        testId="monthly-keys-table"
        className="monthly-keys-table"
        empty={<p className="muted">{t('traffic.noKeys')}</p>}
        renderRow={(entry) => <MonthlyKeyRow entry={entry} />}
      />
      <div className="panel-actions">
        <CsvButton fileName={`${serverName}-keys-${report.year_month}`} table={() => monthlyKeysCsv(report, rows)} testId="monthly-keys-csv" />
      </div>
    </>
  );
}
