import type { ApiKey, KeyConfig } from '../../../shared/contract/api-types.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';
import type { ServerInfo } from '../../../shared/contract/servers.ts';
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
    const key = await offlineWrite(server, async () => (await this.#sessions.client(server)).createKey(name)).catch((error) => this.#refused(server, name, error));
    this.#cache.upsertKey(server.id, key);
    return key;
  }

  async remove(serverName: string, keyId: string): Promise<void> {
    const server = findServer(this.#cache, serverName);
    await offlineWrite(server, async () => (await this.#sessions.client(server)).deleteKey(keyId));
    this.#cache.batch(() => {
      this.#cache.deleteKey(server.id, keyId);
      this.#cache.deleteKeySnapshots(server.id, keyId, ALL_KEY_SNAPSHOTS);
    });
  }

  async setActive(serverName: string, keyId: string, active: boolean): Promise<ApiKey> {
    const server = findServer(this.#cache, serverName);
    const key = await offlineWrite(server, async () => (await this.#sessions.client(server)).updateKey(keyId, { is_active: active }));
    this.#cache.upsertKey(server.id, key);
    return key;
  }

  async rename(serverName: string, keyId: string, name: string): Promise<ApiKey> {
    const server = findServer(this.#cache, serverName);
    const key = await offlineWrite(server, async () => (await this.#sessions.client(server)).updateKey(keyId, { name })).catch((error) =>
      this.#refused(server, name, error),
    );
    this.#cache.batch(() => {
      this.#cache.upsertKey(server.id, key);
      // The cached link carries the old #name.
      this.#cache.deleteKeySnapshots(server.id, keyId, [KEY_SNAPSHOTS.config]);
    });
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
    await offlineWrite(server, async () => (await this.#sessions.client(server)).resetKeyLiveTraffic(keyId));
  }

  async resetHistory(serverName: string, keyId: string): Promise<void> {
    const server = findServer(this.#cache, serverName);
    await offlineWrite(server, async () => (await this.#sessions.client(server)).resetKeyTrafficHistory(keyId));
    this.#cache.batch(() => {
      this.#cache.clearKeyHistory(server.id, keyId);
      this.#cache.deleteKeySnapshots(server.id, keyId, KEY_HISTORY_SNAPSHOTS);
    });
  }

  /** A write the agent refused; a taken name gets the server and the other key's name as far as the cache knows it. */
  #refused(server: ServerInfo, name: string, error: unknown): never {
    if (!(error instanceof KeyportError) || error.code !== 'name-taken') throw error;
    const holderKeyId = typeof error.facts.holderKeyId === 'string' ? error.facts.holderKeyId : null;
    const holderName = this.#cache.listKeys(server.id)?.keys.find((key) => key.id === holderKeyId)?.name ?? null;
    throw new KeyportError('name-taken', `${server.name} already has a key named "${holderName ?? name}"${holderKeyId ? ` (id ${holderKeyId})` : ''}`, {
      server: server.name,
      name,
      holderKeyId,
      holderName,
    });
  }
}
