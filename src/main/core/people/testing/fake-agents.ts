import type { TestContext } from 'node:test';
import type { ApiKey, KeyLimits } from '../../../../shared/contract/api-types.ts';
import { KeyportError } from '../../../../shared/contract/errors.ts';
import type { ServerInfo } from '../../../../shared/contract/servers.ts';
import { deployedAlpha, openTempCache } from '../../cache/testing/temp-cache.ts';
import { KeysService } from '../../services/keys-service.ts';
import type { ServerSessions } from '../../services/server-sessions.ts';
import type { BundleEntry } from '../bundle-pusher.ts';
import type { BundleUsage } from '../bundle-usage.ts';

export const AT = '2026-12-02T06:00:00.000Z';

/** A key as an agent with subscriptions answers it. */
export function personKey(server: string, id: string, name: string, uuid: string, changes: Partial<ApiKey> = {}): ApiKey {
  return {
    id, name, uuid, created_at: '2026-11-01T10:00:00.000000', is_active: true, port: 10001, status: 'active',
    data_limit_bytes: null, data_limit_reset: 'no_reset', expires_at: null, note: '', used_bytes: 0, period_started_at: null,
    subscription_url: `https://${server}.example:8443/sub/${id}`,
    ...changes,
  };
}

/**
 * One server's agent as the contract of 8ef65fc says it answers: keys created with a given uuid
 * keep it, a uuid or name a key has is refused, bundles are stored per key.
 */
export class FakeAgent {
  readonly name: string;
  keys: ApiKey[];
  online = true;
  readonly bundles = new Map<string, string[]>();
  readonly usage = new Map<string, BundleUsage | null>();
  /** Each bulk bundle write as it was sent. */
  readonly bundleWrites: BundleEntry[][] = [];
  readonly calls: string[] = [];
  #next = 0;

  constructor(name: string, keys: ApiKey[] = []) {
    this.name = name;
    this.keys = keys;
  }

  linkOf(key: ApiKey): string {
    return `vless://${key.uuid}@${this.name}.example:${key.port}?security=reality#${encodeURIComponent(key.name)}`;
  }

  client(): object {
    const check = (call: string) => {
      this.calls.push(call);
      if (!this.online) throw new KeyportError('server-offline', `${this.name} does not answer`);
    };
    const find = (keyId: string) => {
      const key = this.keys.find((candidate) => candidate.id === keyId);
      if (!key) throw new KeyportError('not-found', 'key not found', { httpStatus: 404 });
      return key;
    };
    const make = (request: { name: string; uuid?: string } & KeyLimits): ApiKey => {
      if (this.keys.some((key) => key.name.toLowerCase() === request.name.toLowerCase())) throw new KeyportError('name-taken', 'taken', { name: request.name });
      if (request.uuid && this.keys.some((key) => key.uuid === request.uuid)) throw new KeyportError('uuid-taken', 'uuid taken', { uuid: request.uuid });
      this.#next += 1;
      const { name, uuid, ...limits } = request;
      const id = `${this.name}-k${this.#next}`;
      const key = personKey(this.name, id, name, uuid ?? `random-${id}`, { port: 20000 + this.#next, ...limits });
      this.keys.push(key);
      return key;
    };
    return {
      listKeys: async () => (check('listKeys'), this.keys.map((key) => ({ ...key }))),
      createKey: async (name: string, limits: KeyLimits) => (check('createKey'), make({ name, ...limits })),
      createKeys: async (batch: { keys: ({ name: string } & KeyLimits)[] }) => {
        check('createKeys');
        return batch.keys.map(make);
      },
      deleteKey: async (keyId: string) => {
        check(`deleteKey ${keyId}`);
        find(keyId);
        this.keys = this.keys.filter((key) => key.id !== keyId);
        return { message: 'deleted' };
      },
      updateKey: async (keyId: string, changes: Partial<ApiKey>) => {
        check(`updateKey ${keyId} ${JSON.stringify(changes)}`);
        const key = find(keyId);
        Object.assign(key, changes, changes.is_active === false ? { status: 'disabled' } : {});
        return { ...key };
      },
      getKeyConfig: async (keyId: string) => {
        check('getKeyConfig');
        const key = find(keyId);
        return { key: { ...key }, vless_url: this.linkOf(key), qr_code_data: this.linkOf(key) };
      },
      getKey: async (keyId: string) => (check('getKey'), { ...find(keyId) }),
      rotateKeySubscription: async (keyId: string) => {
        check(`rotateKeySubscription ${keyId}`);
        const key = find(keyId);
        this.#next += 1;
        if (key.subscription_url !== null) key.subscription_url = `https://${this.name}.example:8443/sub/${keyId}-r${this.#next}`;
        return { key_id: keyId, subscription_url: key.subscription_url };
      },
      putBundles: async (entries: BundleEntry[]) => {
        check(`putBundles ${entries.length}`);
        // All or none, as the agent writes them; an unknown key as the client reports the agent's unknown_key.
        const unknown = entries.findIndex((entry) => !this.keys.some((key) => key.id === entry.key_id));
        if (unknown >= 0) throw new KeyportError('not-found', 'no key of this server has that id', { httpStatus: 400, keyId: entries[unknown]!.key_id, index: unknown });
        for (const entry of entries) {
          if (entry.links) this.bundles.set(entry.key_id, entry.links);
          if (entry.usage !== undefined) this.usage.set(entry.key_id, entry.usage);
        }
        this.bundleWrites.push(entries);
        return { updated: entries.length };
      },
    };
  }
}

export function server(id: string, name: string): ServerInfo {
  return { ...deployedAlpha(AT), id, name };
}

/** A real cache holding the agents' servers, and a KeysService whose sessions reach each fake agent. */
export function fleetOf(t: TestContext, agents: Record<string, FakeAgent>) {
  const { cache } = openTempCache(t);
  for (const [id, agent] of Object.entries(agents)) cache.saveServer(server(id, agent.name));
  const sessions = {
    client: async (info: ServerInfo) => agents[info.id]!.client(),
  } as unknown as ServerSessions;
  return { cache, sessions, keys: new KeysService(cache, sessions) };
}
