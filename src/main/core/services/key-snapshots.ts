/** The cache snapshots that belong to one key (scoped by its id, or `id/YYYY-MM`). */
export const KEY_SNAPSHOTS = {
  config: 'key-config',
  /** A key's history report without its days, which live in the cache's key_days table alone. */
  historySummary: 'key-history-summary',
  monthly: 'key-monthly',
} as const;

/** What a history reset makes stale; a deleted key takes all of them. */
export const KEY_HISTORY_SNAPSHOTS = [KEY_SNAPSHOTS.historySummary, KEY_SNAPSHOTS.monthly] as const;
export const ALL_KEY_SNAPSHOTS = Object.values(KEY_SNAPSHOTS);
