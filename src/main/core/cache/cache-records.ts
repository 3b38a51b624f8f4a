import type { ApiKey, KeyHistoryReport } from '../../../shared/contract/api-types.ts';

/** One key's numbers for a day or a month, in the agent API's own shape. */
export type DayUsage = KeyHistoryReport['daily_stats'][string];

/** What logs in to a server besides its ServerInfo. Kept out of ServerInfo so it never reaches a face. */
export interface ServerCredentials {
  /** Already encrypted by the caller (the OS keychain); the cache stores it as given. */
  sealedSecret: string | null;
  /** Accepted host key fingerprints of the server and its ProxyJump hops, by `host:port`. */
  trustedKeys: Record<string, string>;
}

export interface CachedKeys {
  keys: ApiKey[];
  /** When the full key list was last fetched (ISO 8601). */
  syncedAt: string;
}

export interface CachedDay {
  /** YYYY-MM-DD */
  date: string;
  usage: DayUsage;
  syncedAt: string;
}

export interface KeyUsage {
  keyId: string;
  usage: DayUsage;
  syncedAt: string;
}

/** A month summed from the cached days: bytes and sessions added up, max_connections the highest. */
export interface KeyMonthTotal extends KeyUsage {
  /** How many of the month's days are cached for this key. */
  days: number;
}

export interface CachedSnapshot<T> {
  data: T;
  syncedAt: string;
}

/** Inclusive bounds, YYYY-MM-DD; an absent bound is open. */
export interface DayRange {
  from?: string;
  to?: string;
}
