import type { ApiKey } from '../../../shared/contract/api-types.ts';
import type { Person, PersonKey } from '../../../shared/contract/people.ts';

/** The keys of one server as read, and this month's rx + tx per key id from the cache. */
export interface ServerKeys {
  serverId: string;
  server: string;
  keys: readonly ApiKey[];
  source: 'live' | 'cache';
  syncedAt: string;
  monthBytesByKey: ReadonlyMap<string, number>;
}

/** The people of the fleet: keys grouped by uuid (letter case aside), ordered by name then uuid. */
export function groupPeople(servers: readonly ServerKeys[]): Person[] {
  const byUuid = new Map<string, { keys: PersonKey[]; monthBytes: number }>();
  for (const server of servers) {
    for (const key of server.keys) {
      const uuid = key.uuid.toLowerCase();
      const group = byUuid.get(uuid) ?? { keys: [], monthBytes: 0 };
      group.keys.push({ serverId: server.serverId, server: server.server, key, source: server.source, syncedAt: server.syncedAt });
      group.monthBytes += server.monthBytesByKey.get(key.id) ?? 0;
      byUuid.set(uuid, group);
    }
  }
  return [...byUuid]
    .map(([uuid, { keys, monthBytes }]) => personOf(uuid, keys, monthBytes))
    .sort((a, b) => a.name.localeCompare(b.name) || a.uuid.localeCompare(b.uuid));
}

function personOf(uuid: string, keys: PersonKey[], monthBytes: number): Person {
  const ordered = [...keys].sort((a, b) => a.server.localeCompare(b.server));
  const subscriptionUrls = ordered.flatMap(({ server, key }) => (key.subscription_url ? [{ server, url: key.subscription_url }] : []));
  const liveUrl = ordered.find(({ source, key }) => source === 'live' && key.subscription_url)?.key.subscription_url;
  return {
    uuid,
    name: personName(ordered.map(({ key }) => key)),
    keys: ordered,
    usedBytes: ordered.reduce((sum, { key }) => sum + key.used_bytes, 0),
    monthBytes,
    subscriptionUrl: liveUrl ?? subscriptionUrls[0]?.url ?? null,
    subscriptionUrls,
  };
}

/** The most common name among the keys; a tie goes to the name of the earliest created of them. */
export function personName(keys: readonly Pick<ApiKey, 'name' | 'created_at'>[]): string {
  const counts = new Map<string, { count: number; firstCreatedAt: string }>();
  for (const key of keys) {
    const entry = counts.get(key.name);
    if (!entry) counts.set(key.name, { count: 1, firstCreatedAt: key.created_at });
    else {
      entry.count += 1;
      if (key.created_at < entry.firstCreatedAt) entry.firstCreatedAt = key.created_at;
    }
  }
  const [best] = [...counts].sort(([nameA, a], [nameB, b]) => b.count - a.count || a.firstCreatedAt.localeCompare(b.firstCreatedAt) || nameA.localeCompare(nameB));
  return best?.[0] ?? '';
}
