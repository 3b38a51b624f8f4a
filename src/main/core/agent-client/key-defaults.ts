import type { ApiKey } from '../../../shared/contract/api-types.ts';

/**
 * A key as an agent answered it, with the limits an agent older than them leaves out filled in as
 * that agent behaves: no quota, no reset, no expiry, no note, and the status its switch gives; and
 * an agent older than subscriptions gets `subscription_url: null`.
 */
export function withLimitDefaults(key: ApiKey): ApiKey {
  // An agent older than subscriptions has none to link.
  if (key.subscription_url === undefined) key = { ...key, subscription_url: null };
  if (key.status !== undefined) return key;
  const older = key as Partial<ApiKey> & Pick<ApiKey, 'is_active'>;
  return {
    ...key,
    data_limit_bytes: older.data_limit_bytes ?? null,
    data_limit_reset: older.data_limit_reset ?? 'no_reset',
    expires_at: older.expires_at ?? null,
    note: older.note ?? '',
    status: key.is_active ? 'active' : 'disabled',
    used_bytes: older.used_bytes ?? 0,
    period_started_at: older.period_started_at ?? null,
  };
}
