import type { ApiKey, KeyConfig } from '../../../shared/contract/api-types.ts';
import type { Cached, Keys } from '../../../shared/contract/services.ts';
import type { ConsoleCache } from '../cache/console-cache.ts';
import { ALL_KEY_SNAPSHOTS, KEY_HISTORY_SNAPSHOTS, KEY_SNAPSHOTS } from './key-snapshots.ts';
import { offlineWrite, readThrough } from './read-through.ts';
import { findServer } from './server-directory.ts';
import type { ServerSessions } from './server-sessions.ts';

export class KeysService implements Keys {
  readonly #cache: ConsoleCache;
  readonly #sessions: ServerSessions;

  constructor(cache: ConsoleCache, sessions: ServerSessions) {
    this.#cache = cache;
    this.#sessions = sessions;
  }

  async list(serverName: string): Promise<Cached<ApiKey[]>> {
    const server = findServer(this.#cache, serverName);
    return readThrough(this.#cache, {
      server,
      // The keys table is the one copy: creates and deletes made here update it between lists.
      fetch: async () => (await this.#sessions.client(server)).listKeys(),
      mirror: (keys, syncedAt) => this.#cache.replaceKeys(server.id, keys, syncedAt),
      fallback: () => {
        const cached = this.#cache.listKeys(server.id);
        return cached && { data: cached.keys, source: 'cache', syncedAt: cached.syncedAt };
      },
    });
  }

  async create(serverName: string, name: string): Promise<ApiKey> {
    const server = findServer(this.#cache, serverName);
    const key = await (await this.#sessions.client(server)).createKey(name).catch((error) => offlineWrite(server, error));
    this.#cache.upsertKey(server.id, key);
    return key;
  }

  async remove(serverName: string, keyId: string): Promise<void> {
    const server = findServer(this.#cache, serverName);
    await (await this.#sessions.client(server)).deleteKey(keyId).catch((error) => offlineWrite(server, error));
    this.#cache.batch(() => {
      this.#cache.deleteKey(server.id, keyId);
      this.#cache.deleteKeySnapshots(server.id, keyId, ALL_KEY_SNAPSHOTS);
    });
  }

  async setActive(serverName: string, keyId: string, active: boolean): Promise<ApiKey> {
    const server = findServer(this.#cache, serverName);
    const key = await (await this.#sessions.client(server))
      .updateKey(keyId, { is_active: active })
      .catch((error) => offlineWrite(server, error));
    this.#cache.upsertKey(server.id, key);
    return key;
  }

  async config(serverName: string, keyId: string): Promise<Cached<KeyConfig>> {
    const server = findServer(this.#cache, serverName);
    return readThrough(this.#cache, {
      server,
      snapshot: { kind: KEY_SNAPSHOTS.config, scope: keyId },
      fetch: async () => (await this.#sessions.client(server)).getKeyConfig(keyId),
    });
  }

  async resetLiveTraffic(serverName: string, keyId: string): Promise<void> {
    const server = findServer(this.#cache, serverName);
    await (await this.#sessions.client(server)).resetKeyLiveTraffic(keyId).catch((error) => offlineWrite(server, error));
  }

  async resetHistory(serverName: string, keyId: string): Promise<void> {
    const server = findServer(this.#cache, serverName);
    await (await this.#sessions.client(server)).resetKeyTrafficHistory(keyId).catch((error) => offlineWrite(server, error));
    this.#cache.batch(() => {
      this.#cache.clearKeyHistory(server.id, keyId);
      this.#cache.deleteKeySnapshots(server.id, keyId, KEY_HISTORY_SNAPSHOTS);
    });
  }
}
