import type { ApiKey, DailyKeysTrafficReport, LiveTraffic, MonthlyReport } from '../../../../shared/contract/api-types.ts';
import type { SortOrder } from '../../components/sort-header.tsx';

/** A key with its traffic beside it: one line of the keys table. */
export interface KeyRow {
  key: ApiKey;
  rateBytesPerSecond: number | undefined;
  connections: number | undefined;
  todayBytes: number | undefined;
  monthBytes: number | undefined;
}

export type KeyColumn = 'name' | 'port' | 'active' | 'rate' | 'today' | 'month';

/** Joins the key list with live traffic, today's and this month's bytes, by key id. */
export function joinKeyRows(
  keys: readonly ApiKey[],
  live: LiveTraffic | undefined,
  month: MonthlyReport | undefined,
  today: DailyKeysTrafficReport | undefined,
): KeyRow[] {
  const liveByKey = new Map(Object.values(live?.ports ?? {}).map((port) => [port.key_id, port]));
  const monthByKey = new Map((month?.keys ?? []).map((entry) => [entry.key_id, entry.monthly_traffic.total_bytes]));
  return keys.map((key) => {
    const keyLive = liveByKey.get(key.id);
    return {
      key,
      rateBytesPerSecond: keyLive?.traffic_rate,
      connections: keyLive?.connections,
      // A key with no row in the day or the month moved nothing in it.
      todayBytes: today ? (today.keys[key.id]?.total_bytes ?? 0) : undefined,
      monthBytes: month ? (monthByKey.get(key.id) ?? 0) : undefined,
    };
  });
}

/** Keys whose name, id or port contains the search text. */
export function filterKeyRows(rows: readonly KeyRow[], search: string): readonly KeyRow[] {
  const needle = search.trim().toLowerCase();
  if (!needle) return rows;
  return rows.filter((row) => row.key.name.toLowerCase().includes(needle) || row.key.id.includes(needle) || String(row.key.port).includes(needle));
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

type Compare = (a: KeyRow, b: KeyRow) => number;

const COMPARE: Record<KeyColumn, Compare> = {
  name: (a, b) => collator.compare(a.key.name, b.key.name),
  port: (a, b) => a.key.port - b.key.port,
  active: (a, b) => Number(a.key.is_active) - Number(b.key.is_active),
  rate: (a, b) => (a.rateBytesPerSecond ?? 0) - (b.rateBytesPerSecond ?? 0),
  today: (a, b) => (a.todayBytes ?? 0) - (b.todayBytes ?? 0),
  month: (a, b) => (a.monthBytes ?? 0) - (b.monthBytes ?? 0),
};

/** The figures a row may not have yet (still loading, or the server offline and never read). */
const UNKNOWN: Partial<Record<KeyColumn, (row: KeyRow) => boolean>> = {
  rate: (row) => row.rateBytesPerSecond === undefined,
  today: (row) => row.todayBytes === undefined,
  month: (row) => row.monthBytes === undefined,
};

export function sortKeyRows(rows: readonly KeyRow[], order: SortOrder<KeyColumn>): KeyRow[] {
  const compare = COMPARE[order.column];
  const unknown = UNKNOWN[order.column] ?? (() => false);
  const direction = order.descending ? -1 : 1;
  // Unknowns go last either way, so a sort shows the known figures first. Ties keep port order,
  // so rows do not jump about when live numbers refresh.
  return [...rows].sort((a, b) => Number(unknown(a)) - Number(unknown(b)) || direction * compare(a, b) || a.key.port - b.key.port);
}
