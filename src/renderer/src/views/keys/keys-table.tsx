import { useCallback, useEffect, useRef, useState } from 'react';
import { SortHeader, type SortOrder } from '../../components/sort-header.tsx';
import { VirtualRows } from '../../components/virtual-rows.tsx';
import { selectKeysToday, useTrafficStore } from '../../state/traffic-store.ts';
import type { KeyColumn, KeyRow } from './key-rows.ts';
import { KeyTableRow } from './key-table-row.tsx';

const ROW_HEIGHT_PX = 36;
/** Today's bytes of a row on screen are asked again after this long. */
const TODAY_STALE_MS = 60_000;
/** Scrolling settles for this long before the rows on screen ask for today's bytes. */
const TODAY_SETTLE_MS = 250;

interface KeysTableProps {
  serverId: string;
  rows: readonly KeyRow[];
  order: SortOrder<KeyColumn>;
  onSort: (order: SortOrder<KeyColumn>) => void;
  onOpen: (keyId: string) => void;
  onToggle: (keyId: string, active: boolean) => void;
  onDelete: (keyId: string) => void;
  emptyText: string;
}

/**
 * The keys, virtualised. The agent has no per-key report of one day, so "Today" comes from each
 * key's history, fetched only for the rows on screen once scrolling settles.
 */
export function KeysTable({ serverId, rows, order, onSort, onOpen, onToggle, onDelete, emptyText }: KeysTableProps) {
  const [visible, setVisible] = useState<[number, number]>([0, 0]);
  const onVisibleRangeChange = useCallback((first: number, last: number) => setVisible([first, last]), []);
  useTodayOfVisibleRows(serverId, rows, visible);

  const header = (
    <div role="row" className="key-row key-header">
      <SortHeader column="name" label="Name" order={order} onSort={onSort} />
      <SortHeader column="port" label="Port" order={order} onSort={onSort} className="number" />
      <SortHeader column="active" label="Active" order={order} onSort={onSort} firstDescending />
      <SortHeader column="rate" label="Live rate" order={order} onSort={onSort} className="number" firstDescending />
      <SortHeader column="today" label="Today" order={order} onSort={onSort} className="number" firstDescending />
      <SortHeader column="month" label="This month" order={order} onSort={onSort} className="number" firstDescending />
      <div role="columnheader" className="visually-hidden">
        Actions
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
      onVisibleRangeChange={onVisibleRangeChange}
      empty={<p className="muted">{emptyText}</p>}
      renderRow={(row) => <KeyTableRow row={row} onOpen={onOpen} onToggle={onToggle} onDelete={onDelete} />}
    />
  );
}

function useTodayOfVisibleRows(serverId: string, rows: readonly KeyRow[], [first, last]: [number, number]) {
  const keysToday = useTrafficStore(selectKeysToday(serverId));
  const loadKeysToday = useTrafficStore((state) => state.loadKeysToday);
  const asking = useRef(new Set<string>());

  useEffect(() => {
    const timer = window.setTimeout(() => {
      const now = Date.now();
      const stale = rows
        .slice(first, last)
        .map((row) => row.key.id)
        .filter((keyId) => !asking.current.has(keyId) && now - (keysToday?.[keyId]?.fetchedAtMs ?? 0) > TODAY_STALE_MS);
      if (stale.length === 0) return;
      for (const keyId of stale) asking.current.add(keyId);
      void loadKeysToday(serverId, stale).finally(() => {
        for (const keyId of stale) asking.current.delete(keyId);
      });
    }, TODAY_SETTLE_MS);
    return () => window.clearTimeout(timer);
  }, [serverId, rows, first, last, keysToday, loadKeysToday]);
}
