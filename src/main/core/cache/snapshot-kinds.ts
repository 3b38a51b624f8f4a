import type * as Api from '../../../shared/contract/api-types.ts';

/** Every snapshot the console keeps, by kind, with the data stored under it. */
export interface SnapshotKinds {
  live: Api.LiveTraffic;
  history: Api.HistoryOverview;
  daily: Api.DailyTrafficReport;
  monthly: Api.MonthlyReport;
  summary: Api.TrafficSummaryReport;
  'config-status': Api.ConfigStatusReport;
  settings: Api.ServerSettings;
  ports: Api.PortsInUse;
  /** The latest host figures, so an offline server still shows them, as of when they were read. */
  host: Api.HostFigures;
  'key-config': Api.KeyConfig;
  /** A key's history report without its days, which live in the cache's key_days table alone. */
  'key-history-summary': Omit<Api.KeyHistoryReport, 'daily_stats'>;
  'key-monthly': Api.KeyMonthlyReport;
  /** Each key's usage as of the last complete sync, as cache-sync compares it. */
  'synced-usage': Record<string, string>;
  /** The agent's UTC day when the last complete sync's bulk read began: the next one reads from there. */
  'synced-days': { since: string };
  /** Each key's usage figures (people/bundle-usage.ts usageFigures) as last pushed into its bundle. */
  'pushed-usage': Record<string, string>;
}

export type SnapshotKind = keyof SnapshotKinds;

/** The snapshots that belong to one key, scoped by its id or by `id/...`: deleteKeySnapshots finds them so. */
export type KeySnapshotKind = 'key-config' | 'key-history-summary' | 'key-monthly';

/** Where one snapshot is kept, as the cache's snapshot methods take it: `getSnapshot(serverId, ...ref)`. */
export type SnapshotRef<K extends SnapshotKind> = readonly [kind: K, scope: string];

/** The kinds whose data is exactly `T`: a read may keep its answer only under one of them. */
export type KindHolding<T> = {
  [K in SnapshotKind]: [SnapshotKinds[K]] extends [T] ? ([T] extends [SnapshotKinds[K]] ? K : never) : never;
}[SnapshotKind];

const serverWide = <K extends Exclude<SnapshotKind, KeySnapshotKind>>(kind: K, scope = ''): SnapshotRef<K> => [kind, scope];
const ofKey = <K extends KeySnapshotKind>(kind: K, keyId: string, within?: string): SnapshotRef<K> => [
  kind,
  within === undefined ? keyId : `${keyId}/${within}`,
];

/** Each snapshot's place; the scopes are written here only. */
export const SNAPSHOTS = {
  live: serverWide('live'),
  history: serverWide('history'),
  daily: (date: string) => serverWide('daily', date),
  monthly: (yearMonth: string) => serverWide('monthly', yearMonth),
  summary: serverWide('summary'),
  configStatus: serverWide('config-status'),
  settings: serverWide('settings'),
  ports: serverWide('ports'),
  host: serverWide('host'),
  syncedUsage: serverWide('synced-usage'),
  syncedDays: serverWide('synced-days'),
  pushedUsage: serverWide('pushed-usage'),
  keyConfig: (keyId: string) => ofKey('key-config', keyId),
  keyHistorySummary: (keyId: string) => ofKey('key-history-summary', keyId),
  keyMonthly: (keyId: string, yearMonth: string) => ofKey('key-monthly', keyId, yearMonth),
};

/** What a history reset makes stale; a deleted key takes all of them. */
export const KEY_HISTORY_SNAPSHOTS: readonly KeySnapshotKind[] = ['key-history-summary', 'key-monthly'];
export const ALL_KEY_SNAPSHOTS: readonly KeySnapshotKind[] = ['key-config', ...KEY_HISTORY_SNAPSHOTS];
