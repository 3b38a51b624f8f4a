import type { Static } from '@sinclair/typebox';
import { formatTimestamp } from '../lib/timestamps.ts';
import type { Key } from '../routes/keys/schemas.ts';
import type { KeyRecord } from '../services/store/key-store.ts';

export function keyJson(key: KeyRecord): Static<typeof Key> {
  return {
    id: key.id,
    name: key.name,
    uuid: key.uuid,
    created_at: formatTimestamp(key.createdAtMs),
    is_active: key.isActive,
    port: key.port,
  };
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
