import type { Static } from '@sinclair/typebox';
import type { BundleUsage as BundleUsageSchema } from '../../../../remote-agent/src/api/index.ts';
import { DATA_LIMIT_MAX_BYTES } from '../../../shared/agent-api.ts';
import type { ApiKey } from '../../../shared/contract/api-types.ts';

/** The person's figures on their other servers, as a key's bundle carries them (the agent's BundleUsage). */
export type BundleUsage = Static<typeof BundleUsageSchema>;

/** One key of a person as the console last read it (live, or from its cache). */
export interface SyncedKey {
  serverId: string;
  key: Pick<ApiKey, 'is_active' | 'used_bytes' | 'data_limit_bytes'>;
  /** When its server's keys were read (ISO 8601). */
  syncedAt: string;
}

/**
 * What the bundle of the person's key on `serverId` says of their other servers: used_bytes
 * (each key's current quota period) and data_limit_bytes summed over their keys elsewhere that
 * the admin has not disabled (the ones whose links the bundle lists), the limit null when any of
 * them has no quota, taken as of the oldest of those reads. Null when they have no such key.
 */
export function bundleUsage(keys: readonly SyncedKey[], serverId: string): BundleUsage | null {
  const others = keys.filter((entry) => entry.serverId !== serverId && entry.key.is_active);
  if (others.length === 0) return null;
  const sum = (figures: number[]) => Math.min(DATA_LIMIT_MAX_BYTES, figures.reduce((total, figure) => total + figure, 0));
  const limits = others.map((entry) => entry.key.data_limit_bytes);
  const oldest = others.reduce((first, entry) => (Date.parse(entry.syncedAt) < Date.parse(first.syncedAt) ? entry : first));
  return {
    used_bytes: sum(others.map((entry) => entry.key.used_bytes)),
    limit_bytes: limits.some((limit) => limit === null) ? null : sum(limits as number[]),
    synced_at: new Date(oldest.syncedAt).toISOString(),
  };
}

/** The figures of a usage that matter to an app (synced_at aside): a push is due when they differ from the last one. */
export function usageFigures(usage: BundleUsage | null): string {
  return usage === null ? 'none' : `${usage.used_bytes}/${usage.limit_bytes ?? 'unlimited'}`;
}
