import { parseExpiresAt, type KeyStatus } from '../agent-api.ts';
import type { ApiKey } from '../contract/api-types.ts';
import type { KeyLimitCounts } from '../contract/servers.ts';

/** "Expiring soon" in the fleet view, the keys table and `keys list --expiring`. */
export const EXPIRING_SOON_DAYS = 7;
const DAY_MS = 86_400_000;

type KeyFacts = Pick<ApiKey, 'status' | 'expires_at'>;

/** When the key expires (epoch ms), or null when it never does. */
export function expiresAtMs(key: Pick<ApiKey, 'expires_at'>): number | null {
  return key.expires_at === null ? null : (parseExpiresAt(key.expires_at) ?? null);
}

/**
 * The key's status at `nowMs`: the agent's, except that an active key whose expiry has passed since
 * it was fetched (a cached copy, the laptop closed for days) is `expired`, as the agent has made it.
 */
export function keyStatusAt(key: KeyFacts, nowMs: number): KeyStatus {
  if (key.status !== 'active') return key.status;
  const expires = expiresAtMs(key);
  return expires !== null && expires <= nowMs ? 'expired' : 'active';
}

/** A working key whose expiry comes within `days` of `nowMs`. */
export function expiresWithin(key: KeyFacts, nowMs: number, days: number): boolean {
  const expires = expiresAtMs(key);
  return keyStatusAt(key, nowMs) === 'active' && expires !== null && expires - nowMs <= days * DAY_MS;
}

/** The share of its quota the key has used this period (1 = all of it); null without a quota. */
export function quotaShare(key: Pick<ApiKey, 'used_bytes' | 'data_limit_bytes'>): number | null {
  if (key.data_limit_bytes === null) return null;
  if (key.data_limit_bytes === 0) return 1;
  return key.used_bytes / key.data_limit_bytes;
}

export function keyLimitCounts(keys: readonly KeyFacts[], nowMs: number): KeyLimitCounts {
  const counts: KeyLimitCounts = { limited: 0, expired: 0, expiringSoon: 0 };
  for (const key of keys) {
    const status = keyStatusAt(key, nowMs);
    if (status === 'limited') counts.limited += 1;
    else if (status === 'expired') counts.expired += 1;
    else if (expiresWithin(key, nowMs, EXPIRING_SOON_DAYS)) counts.expiringSoon += 1;
  }
  return counts;
}

/** How far a moment is from now, in the largest whole unit, for "in 3 days" / "expired 2 h ago". */
export interface TimeDistance {
  past: boolean;
  value: number;
  unit: 'minute' | 'hour' | 'day';
}

export function timeDistance(ms: number, nowMs: number): TimeDistance {
  const past = ms <= nowMs;
  const minutes = Math.floor(Math.abs(ms - nowMs) / 60_000);
  if (minutes < 60) return { past, value: minutes, unit: 'minute' };
  if (minutes < 48 * 60) return { past, value: Math.floor(minutes / 60), unit: 'hour' };
  return { past, value: Math.floor(minutes / (24 * 60)), unit: 'day' };
}
