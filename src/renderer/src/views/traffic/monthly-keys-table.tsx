import { memo, useMemo, useState } from 'react';
import type { MonthlyReport } from '../../../../shared/contract/api-types.ts';
import { SortHeader, type SortOrder } from '../../components/sort-header.tsx';
import { VirtualRows } from '../../components/virtual-rows.tsx';
import { formatBytes } from '../../../../shared/agent-api.ts';

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
  const usage = entry.monthly_traffic;
  return (
    <div role="row" className="monthly-row" data-testid={`monthly-row-${entry.key_id}`}>
      <div role="cell" className="cell-name" title={entry.key_id}>
        {entry.key_name}
      </div>
      <div role="cell" className="number">{entry.port}</div>
      <div role="cell" className="number">{formatBytes(usage.rx_bytes)}</div>
      <div role="cell" className="number">{formatBytes(usage.tx_bytes)}</div>
      <div role="cell" className="number">{usage.total_formatted}</div>
      <div role="cell" className="number">{usage.sessions.toLocaleString()}</div>
      <div role="cell" className="number">{usage.max_connections.toLocaleString()}</div>
    </div>
  );
});

/** Every key's traffic in the month, busiest first unless sorted otherwise. */
export function MonthlyKeysTable({ report }: { report: MonthlyReport }) {
  const [order, setOrder] = useState<SortOrder<MonthlyColumn>>({ column: 'total', descending: true });
  const rows = useMemo(() => {
    const compare = COMPARE[order.column];
    const direction = order.descending ? -1 : 1;
    return [...report.keys].sort((a, b) => direction * compare(a, b) || a.port - b.port);
  }, [report.keys, order]);

  const header = (
    <div role="row" className="monthly-row monthly-header">
      <SortHeader column="name" label="Key" order={order} onSort={setOrder} />
      <SortHeader column="port" label="Port" order={order} onSort={setOrder} className="number" />
      <SortHeader column="rx" label="Received" order={order} onSort={setOrder} className="number" firstDescending />
      <SortHeader column="tx" label="Sent" order={order} onSort={setOrder} className="number" firstDescending />
      <SortHeader column="total" label="Total" order={order} onSort={setOrder} className="number" firstDescending />
      <SortHeader column="sessions" label="Sessions" order={order} onSort={setOrder} className="number" firstDescending />
      <SortHeader column="peak" label="Peak conns" order={order} onSort={setOrder} className="number" firstDescending />
    </div>
  );
  return (
    <VirtualRows
      items={rows}
      rowHeight={32}
      rowKey={(entry) => entry.key_id}
      header={header}
      testId="monthly-keys-table"
      className="monthly-keys-table"
      empty={<p className="muted">No keys in this month.</p>}
      renderRow={(entry) => <MonthlyKeyRow entry={entry} />}
    />
  );
}
