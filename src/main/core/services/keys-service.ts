import type { ApiKey, KeyConfig, KeyLimits, KeyRequest, KeyUpdate } from '../../../shared/contract/api-types.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';
import type { ServerInfo } from '../../../shared/contract/servers.ts';
import type { CreateManyOptions, CreateManyProgress, CreateManyResult, KeyBatchEntry } from '../../../shared/contract/key-batch.ts';
import type { Cached, Keys } from '../../../shared/contract/services.ts';
import type { AgentClient } from '../agent-client/agent-client.ts';
import { ALL_KEY_SNAPSHOTS, KEY_HISTORY_SNAPSHOTS, SNAPSHOTS, type KeySnapshotKind } from '../cache/snapshot-kinds.ts';
import { checkKeyLimitsInput } from './check-key-limits.ts';
import { planKeyBatch } from './key-batch-plan.ts';
import { findServer } from './server-directory.ts';
import { ServerService } from './server-service.ts';

/** Names per bulk call: small enough that progress moves, large enough that 10,000 keys take 100 calls. */
const CREATE_MANY_BATCH = 100;

export class KeysService extends ServerService implements Keys {
  list(serverName: string): Promise<Cached<ApiKey[]>> {
    return this.calls.read(serverName, (server) => ({
      // The keys table is the one copy: creates and deletes made here update it between lists.
      fetch: (client) => client.listKeys(),
      mirror: (keys, syncedAt) => this.cache.replaceKeys(server.id, keys, syncedAt),
      fallback: () => {
        const cached = this.cache.listKeys(server.id);
        return cached && { data: cached.keys, source: 'cache', syncedAt: cached.syncedAt };
      },
    }));
  }

  async create(serverName: string, name: string, limits: KeyLimits = {}): Promise<ApiKey> {
    checkKeyLimitsInput(limits);
    return this.calls.write(serverName, (server) => ({
      send: (client) => client.createKey(name, limits),
      record: (key) => this.cache.upsertKey(server.id, key),
      refusal: (error) => this.#nameTaken(server, name, error),
    }));
  }

  async createMany(serverName: string, entries: KeyBatchEntry[], options: CreateManyOptions = {}, onProgress?: (progress: CreateManyProgress) => void): Promise<CreateManyResult> {
    const server = findServer(this.cache, serverName);
    const shared = options.limits ?? {};
    const requests = entries.map((entry): KeyRequest => (typeof entry === 'string' ? { name: entry } : entry));
    checkKeyLimitsInput(shared);
    for (const [index, { name, ...limits }] of requests.entries()) checkKeyLimitsInput({ ...shared, ...limits }, { index, name });
    // Rows with limits of their own go as `keys`, each with the shared ones under its own.
    const perRow = requests.some((request) => Object.keys(request).length > 1);
    // The server's names now, not the cache's: a name taken since the last sync must stop the list here.
    const existing = await this.calls.write(serverName, () => ({
      send: (client) => client.listKeys(),
      record: (keys, syncedAt) => this.cache.replaceKeys(server.id, keys, syncedAt),
    }));
    const plan = planKeyBatch(
      server.name,
      requests.map((request) => request.name),
      existing.map((key) => key.name),
      options.skipExisting === true,
    );
    const created: ApiKey[] = [];
    const total = plan.create.length;
    onProgress?.({ created: 0, total });
    for (let start = 0; start < total; start += CREATE_MANY_BATCH) {
      const names = plan.create.slice(start, start + CREATE_MANY_BATCH);
      const batch = perRow
        ? { keys: names.map((name, offset) => ({ ...shared, ...requests[plan.indexes[start + offset]!], name })) }
        : { names, ...shared };
      try {
        created.push(
          ...(await this.calls.write(serverName, () => ({
            send: (client) => client.createKeys(batch),
            record: (keys) => {
              for (const key of keys) this.cache.upsertKey(server.id, key);
            },
          }))),
        );
      } catch (error) {
        if (created.length === 0 || !(error instanceof KeyportError)) throw error;
        throw new KeyportError(error.code, `${error.message} (${created.length} of ${total} keys were created before it; the others were not)`, {
          ...error.facts,
          created: created.length,
          total,
        });
      }
      onProgress?.({ created: created.length, total });
    }
    return { created, skipped: plan.skipped };
  }

  async remove(serverName: string, keyId: string): Promise<void> {
    await this.#writeForgetting(serverName, keyId, (client) => client.deleteKey(keyId), ALL_KEY_SNAPSHOTS, (serverId) => this.cache.deleteKey(serverId, keyId));
  }

  setActive(serverName: string, keyId: string, active: boolean): Promise<ApiKey> {
    return this.calls.write(serverName, (server) => ({
      send: (client) => client.updateKey(keyId, { is_active: active }),
      record: (key, syncedAt) => this.#recordChangedKey(server.id, key, syncedAt, false),
    }));
  }

  rename(serverName: string, keyId: string, name: string): Promise<ApiKey> {
    return this.calls.write(serverName, (server) => ({
      send: (client) => client.updateKey(keyId, { name }),
      record: (key, syncedAt) => this.#recordChangedKey(server.id, key, syncedAt, true),
      refusal: (error) => this.#nameTaken(server, name, error),
    }));
  }

  async update(serverName: string, keyId: string, changes: KeyUpdate): Promise<ApiKey> {
    const { name, is_active: active, ...limits } = changes;
    if (name === undefined && active === undefined && Object.keys(limits).length === 0) {
      throw new KeyportError('bad-input', 'nothing to change was given: a name, enabled or disabled, a quota, reset period, expiry or note', { problem: 'empty' });
    }
    checkKeyLimitsInput(limits);
    return this.calls.write(serverName, (server) => ({
      send: (client) => client.updateKey(keyId, changes),
      record: (key, syncedAt) => this.#recordChangedKey(server.id, key, syncedAt, name !== undefined),
      refusal: (error) => (name === undefined ? undefined : this.#nameTaken(server, name, error)),
    }));
  }

  config(serverName: string, keyId: string): Promise<Cached<KeyConfig>> {
    return this.calls.read(serverName, () => ({ snapshot: SNAPSHOTS.keyConfig(keyId), fetch: (client) => client.getKeyConfig(keyId) }));
  }

  async resetLiveTraffic(serverName: string, keyId: string): Promise<void> {
    await this.calls.write(serverName, () => ({ send: (client) => client.resetKeyLiveTraffic(keyId) }));
  }

  async resetHistory(serverName: string, keyId: string): Promise<void> {
    await this.#writeForgetting(serverName, keyId, (client) => client.resetKeyTrafficHistory(keyId), KEY_HISTORY_SNAPSHOTS, (serverId) =>
      this.cache.clearKeyHistory(serverId, keyId),
    );
  }

  rotateSubscription(serverName: string, keyId: string): Promise<ApiKey> {
    return this.calls.write(serverName, (server) => ({
      send: async (client) => {
        await client.rotateKeySubscription(keyId);
        return client.getKey(keyId);
      },
      record: (key, syncedAt) => this.#recordChangedKey(server.id, key, syncedAt, false),
    }));
  }

  /**
   * A key changed in place. Its cached config gets the key as it is now (status, limits), so an
   * offline key view shows them beside the link; a new name makes the cached link (its #name) stale.
   */
  #recordChangedKey(serverId: string, key: ApiKey, syncedAt: string, linkChanged: boolean): void {
    this.cache.upsertKey(serverId, key);
    const [kind, scope] = SNAPSHOTS.keyConfig(key.id);
    const cached = linkChanged ? null : this.cache.getSnapshot(serverId, kind, scope);
    if (cached) this.cache.putSnapshot(serverId, kind, scope, { ...cached.data, key }, syncedAt);
    else this.cache.deleteKeySnapshots(serverId, key.id, ['key-config']);
  }

  /** A write to one key after which the cache forgets what `forget` drops and the key's snapshots of `kinds`. */
  async #writeForgetting(
    serverName: string,
    keyId: string,
    send: (client: AgentClient) => Promise<unknown>,
    kinds: readonly KeySnapshotKind[],
    forget: (serverId: string) => void,
  ): Promise<void> {
    await this.calls.write(serverName, (server) => ({
      send,
      record: () => {
        forget(server.id);
        this.cache.deleteKeySnapshots(server.id, keyId, kinds);
      },
    }));
  }

  /** A taken name, told with the server and the other key's name as far as the cache knows it. */
  #nameTaken(server: ServerInfo, name: string, error: KeyportError): KeyportError | undefined {
    if (error.code !== 'name-taken') return undefined;
    const holderKeyId = typeof error.facts.holderKeyId === 'string' ? error.facts.holderKeyId : null;
    const holderName = this.cache.listKeys(server.id)?.keys.find((key) => key.id === holderKeyId)?.name ?? null;
    return new KeyportError('name-taken', `${server.name} already has a key named "${holderName ?? name}"${holderKeyId ? ` (id ${holderKeyId})` : ''}`, {
      server: server.name,
      name,
      holderKeyId,
      holderName,
    });
  }
}
