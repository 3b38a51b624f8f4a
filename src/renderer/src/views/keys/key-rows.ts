import { KEY_STATUSES, type KeyStatus } from '../../../../shared/agent-api.ts';
import type { ApiKey, DailyKeysTrafficReport, LiveTraffic, MonthlyReport } from '../../../../shared/contract/api-types.ts';
import { EXPIRING_SOON_DAYS, expiresAtMs, expiresWithin, keyStatusAt, quotaShare, timeDistance } from '../../../../shared/key-limits/key-limit-status.ts';
import type { SortOrder } from '../../components/sort-header.tsx';
import { formatBytes } from '../../format/format-bytes.ts';
import { expiryWords } from '../../format/key-limit-words.ts';

/** What a key's limits come to at a moment, worked out once per key list (not per render of a row). */
export interface KeyLimitFacts {
  status: KeyStatus;
  /** Used share of the quota this period (1 = all); null without a quota. */
  quotaShare: number | null;
  /** "1.20 MB / 2.00 MB"; null without a quota. */
  usageText: string | null;
  expiresAtMs: number | null;
  expiryText: string;
  expiringSoon: boolean;
}

export interface KeyWithLimits {
  key: ApiKey;
  limits: KeyLimitFacts;
}

/** A key with its limits and traffic beside it: one line of the keys table. */
export interface KeyRow extends KeyWithLimits {
  rateBytesPerSecond: number | undefined;
  connections: number | undefined;
  todayBytes: number | undefined;
  monthBytes: number | undefined;
}

export type KeyColumn = 'name' | 'port' | 'status' | 'active' | 'usage' | 'expiry' | 'note' | 'rate' | 'today' | 'month';

/** The table's filters beside the search: a status, or the limits about to bite. */
export type KeyFilter = 'all' | KeyStatus | 'expiring-soon' | 'over-80';

/** The filters in the order the select offers them. */
export const KEY_FILTERS: readonly KeyFilter[] = ['all', 'active', 'disabled', 'limited', 'expired', 'expiring-soon', 'over-80'];

/** "Over 80% of quota": the filter, and the bar's warning colour. */
export const NEAR_QUOTA_SHARE = 0.8;

export function keyLimitFacts(key: ApiKey, nowMs: number): KeyLimitFacts {
  const share = quotaShare(key);
  const expires = expiresAtMs(key);
  return {
    status: keyStatusAt(key, nowMs),
    quotaShare: share,
    usageText: key.data_limit_bytes === null ? null : `${formatBytes(key.used_bytes)} / ${formatBytes(key.data_limit_bytes)}`,
    expiresAtMs: expires,
    expiryText: expiryWords(expires === null ? null : timeDistance(expires, nowMs)),
    expiringSoon: expiresWithin(key, nowMs, EXPIRING_SOON_DAYS),
  };
}

/** Every key with its limits judged at `nowMs`; rerun when the list or the minute changes, not on live refreshes. */
export function keysWithLimits(keys: readonly ApiKey[], nowMs: number): KeyWithLimits[] {
  return keys.map((key) => ({ key, limits: keyLimitFacts(key, nowMs) }));
}

/** Joins the keys with live traffic, today's and this month's bytes, by key id. */
export function joinKeyRows(
  keys: readonly KeyWithLimits[],
  live: LiveTraffic | undefined,
  month: MonthlyReport | undefined,
  today: DailyKeysTrafficReport | undefined,
): KeyRow[] {
  const liveByKey = new Map(Object.values(live?.ports ?? {}).map((port) => [port.key_id, port]));
  const monthByKey = new Map((month?.keys ?? []).map((entry) => [entry.key_id, entry.monthly_traffic.total_bytes]));
  return keys.map(({ key, limits }) => {
    const keyLive = liveByKey.get(key.id);
    return {
      key,
      limits,
      rateBytesPerSecond: keyLive?.traffic_rate,
      connections: keyLive?.connections,
      // A key with no row in the day or the month moved nothing in it.
      todayBytes: today ? (today.keys[key.id]?.total_bytes ?? 0) : undefined,
      monthBytes: month ? (monthByKey.get(key.id) ?? 0) : undefined,
    };
  });
}

const FILTERS: Record<Exclude<KeyFilter, 'all'>, (row: KeyRow) => boolean> = {
  active: (row) => row.limits.status === 'active',
  disabled: (row) => row.limits.status === 'disabled',
  limited: (row) => row.limits.status === 'limited',
  expired: (row) => row.limits.status === 'expired',
  'expiring-soon': (row) => row.limits.expiringSoon,
  'over-80': (row) => row.limits.quotaShare !== null && row.limits.quotaShare > NEAR_QUOTA_SHARE,
};

/** Keys that pass the filter and whose name, note, id or port contains the search text. */
export function filterKeyRows(rows: readonly KeyRow[], search: string, filter: KeyFilter = 'all'): readonly KeyRow[] {
  const needle = search.trim().toLowerCase();
  if (!needle && filter === 'all') return rows;
  const passes = filter === 'all' ? () => true : FILTERS[filter];
  const matches = (row: KeyRow) =>
    !needle ||
    row.key.name.toLowerCase().includes(needle) ||
    row.key.note.toLowerCase().includes(needle) ||
    row.key.id.includes(needle) ||
    String(row.key.port).includes(needle);
  return rows.filter((row) => passes(row) && matches(row));
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

type Compare = (a: KeyRow, b: KeyRow) => number;

const COMPARE: Record<KeyColumn, Compare> = {
  name: (a, b) => collator.compare(a.key.name, b.key.name),
  port: (a, b) => a.key.port - b.key.port,
  status: (a, b) => KEY_STATUSES.indexOf(a.limits.status) - KEY_STATUSES.indexOf(b.limits.status),
  active: (a, b) => Number(a.key.is_active) - Number(b.key.is_active),
  usage: (a, b) => (a.limits.quotaShare ?? 0) - (b.limits.quotaShare ?? 0),
  expiry: (a, b) => (a.limits.expiresAtMs ?? 0) - (b.limits.expiresAtMs ?? 0),
  note: (a, b) => collator.compare(a.key.note, b.key.note),
  rate: (a, b) => (a.rateBytesPerSecond ?? 0) - (b.rateBytesPerSecond ?? 0),
  today: (a, b) => (a.todayBytes ?? 0) - (b.todayBytes ?? 0),
  month: (a, b) => (a.monthBytes ?? 0) - (b.monthBytes ?? 0),
};

/** The rows a column has nothing to compare for: figures not known yet, no quota, no expiry, no note. */
const UNKNOWN: Partial<Record<KeyColumn, (row: KeyRow) => boolean>> = {
  usage: (row) => row.limits.quotaShare === null,
  expiry: (row) => row.limits.expiresAtMs === null,
  note: (row) => row.key.note === '',
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
