import type { Static } from '@sinclair/typebox';
import { formatTimestamp } from '../lib/timestamps.ts';
import type { Key } from '../api/keys.ts';
import type { KeyRecord } from '../services/store/key-store.ts';

type KeyJson = Readonly<Static<typeof Key>>;

// Key records are replaced, never changed, so each one's JSON can be made once.
const presented = new WeakMap<KeyRecord, KeyJson>();

export function keyJson(key: KeyRecord): KeyJson {
  let json = presented.get(key);
  if (!json) {
    json = {
      id: key.id,
      name: key.name,
      uuid: key.uuid,
      created_at: formatTimestamp(key.createdAtMs),
      is_active: key.isActive,
      port: key.port,
    };
    presented.set(key, json);
  }
  return json;
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
