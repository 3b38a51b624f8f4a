import { SortHeader, type SortOrder } from '../../components/sort-header.tsx';
import { VirtualRows } from '../../components/virtual-rows.tsx';
import type { KeyColumn, KeyRow } from './key-rows.ts';
import { KeyTableRow } from './key-table-row.tsx';
import { useTranslation } from 'react-i18next';

const ROW_HEIGHT_PX = 36;

interface KeysTableProps {
  rows: readonly KeyRow[];
  order: SortOrder<KeyColumn>;
  onSort: (order: SortOrder<KeyColumn>) => void;
  onOpen: (keyId: string) => void;
  onToggle: (keyId: string, active: boolean) => void;
  onDelete: (keyId: string) => void;
  onScroll: () => void;
  /** Why keys cannot be changed now (the server cannot take it), or null. */
  blockedWhy: string | null;
  /** Why an active key's link may not work now (the server's state), or null. */
  activeCaveat: string | null;
  emptyText: string;
}

/** The keys, virtualised: only the rows in view are drawn, so ten thousand scroll like forty. */
export function KeysTable({ rows, order, onSort, onOpen, onToggle, onDelete, onScroll, blockedWhy, activeCaveat, emptyText }: KeysTableProps) {
  const { t } = useTranslation();
  const header = (
    <div role="row" className="key-row key-header">
      <SortHeader column="name" label={t('keys.column.name')} order={order} onSort={onSort} />
      <SortHeader column="port" label={t('keys.column.port')} order={order} onSort={onSort} className="number" />
      <SortHeader column="status" label={t('keys.column.status')} order={order} onSort={onSort} />
      <SortHeader column="active" label={t('keys.column.active')} order={order} onSort={onSort} firstDescending />
      <SortHeader column="usage" label={t('keys.column.usage')} order={order} onSort={onSort} firstDescending />
      <SortHeader column="expiry" label={t('keys.column.expiry')} order={order} onSort={onSort} />
      <SortHeader column="note" label={t('keys.column.note')} order={order} onSort={onSort} />
      <SortHeader column="rate" label={t('keys.column.rate')} order={order} onSort={onSort} className="number" firstDescending />
      <SortHeader column="today" label={t('keys.column.today')} title={t('keys.column.todayTitle')} order={order} onSort={onSort} className="number" firstDescending />
      <SortHeader column="month" label={t('keys.column.month')} title={t('keys.column.monthTitle')} order={order} onSort={onSort} className="number" firstDescending />
      <div role="columnheader" className="visually-hidden">
        {t('keys.column.actions')}
      </div>
    </div>
  );

  return (
    <VirtualRows
      items={rows}
      rowHeight={ROW_HEIGHT_PX}
      rowKey={(row) => row.key.id}
      header={header}
      testId="keys-table"
      className="keys-table"
      onScroll={onScroll}
      empty={<p className="muted">{emptyText}</p>}
      renderRow={(row) => <KeyTableRow row={row} onOpen={onOpen} onToggle={onToggle} onDelete={onDelete} blockedWhy={blockedWhy} activeCaveat={activeCaveat} />}
    />
  );
}
