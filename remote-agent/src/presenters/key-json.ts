import type { Static } from '@sinclair/typebox';
import type { KeyStatus } from '../api/key-limits.ts';
import { formatTimestamp } from '../lib/timestamps.ts';
import type { Key } from '../api/keys.ts';
import type { KeyRecord } from '../services/store/key-store.ts';

type KeyJson = Readonly<Static<typeof Key>>;

// Key records are replaced, never changed, so each one's JSON can be made once; used_bytes, which
// moves every cycle, and subscription_url, which a rotation changes, are added to it.
const presented = new WeakMap<KeyRecord, Omit<KeyJson, 'used_bytes' | 'subscription_url'>>();

/** The admin's switch first, then the agent's verdict on the limits. */
export const keyStatus = (key: KeyRecord): KeyStatus => (key.isActive ? key.limitStatus : 'disabled');

export function keyJson(key: KeyRecord, usedBytes: number, subscriptionUrl: string | null): KeyJson {
  let json = presented.get(key);
  if (!json) {
    json = {
      id: key.id,
      name: key.name,
      uuid: key.uuid,
      created_at: formatTimestamp(key.createdAtMs),
      is_active: key.isActive,
      port: key.port,
      data_limit_bytes: key.dataLimitBytes,
      data_limit_reset: key.dataLimitReset,
      expires_at: key.expiresAtMs === null ? null : formatTimestamp(key.expiresAtMs),
      note: key.note,
      status: keyStatus(key),
      period_started_at: key.periodStartedAtMs === null ? null : formatTimestamp(key.periodStartedAtMs),
    };
    presented.set(key, json);
  }
  return { ...json, used_bytes: usedBytes, subscription_url: subscriptionUrl };
}

/** The identity block history and monthly entries start with. */
export function keyIdentityJson(key: KeyRecord, lastActivityMs: number | null) {
  return {
    key_id: key.id,
    key_uuid: key.uuid,
    key_name: key.name,
    port: key.port,
    created_at: formatTimestamp(key.createdAtMs),
    last_activity: lastActivityMs === null ? null : formatTimestamp(lastActivityMs),
    is_active: key.isActive,
  };
}
