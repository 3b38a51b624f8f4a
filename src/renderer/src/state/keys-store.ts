import { create } from 'zustand';
import type { ApiKey, KeyConfig, KeyLimits, KeyUpdate, LiveTraffic } from '../../../shared/contract/api-types.ts';
import type { KeyportErrorCode } from '../../../shared/contract/errors.ts';
import type { CreateManyOptions, CreateManyProgress, CreateManyResult, KeyBatchEntry } from '../../../shared/contract/key-batch.ts';
import type { Cached } from '../../../shared/contract/services.ts';
import { services } from '../bridge/services.ts';
import { errorCode, errorFacts, errorMessage } from '../format/error-message.ts';
import { callServer } from './fleet-store.ts';
import { keyedEntries, loadEntry } from './keyed-entries.ts';
import type { Loadable } from './loadable.ts';
import { runOperation } from './operations-store.ts';

/** A `Keys.createMany` from the window: how far it got, and how it ended. */
export interface CreateManyRun {
  running: boolean;
  progress: CreateManyProgress | null;
  result: CreateManyResult | null;
  error: string | null;
  errorCode?: KeyportErrorCode;
  errorFacts?: Readonly<Record<string, string | number | boolean | null>>;
}

interface KeysState {
  /** By server id. */
  lists: Record<string, Loadable<Cached<ApiKey[]>>>;
  live: Record<string, Loadable<Cached<LiveTraffic>>>;
  /** By `server/key`. */
  configs: Record<string, Loadable<Cached<KeyConfig>>>;
  /** By server id: the latest "create many" there. */
  createManyRuns: Record<string, CreateManyRun>;
  loadKeys(serverId: string): Promise<void>;
  loadLive(serverId: string): Promise<void>;
  loadConfig(serverId: string, keyId: string): Promise<void>;
  createKey(serverId: string, name: string, limits?: KeyLimits): Promise<ApiKey | undefined>;
  createMany(serverId: string, names: KeyBatchEntry[], options: CreateManyOptions): Promise<void>;
  dismissCreateMany(serverId: string): void;
  setActive(serverId: string, keyId: string, active: boolean): Promise<void>;
  /** True when renamed; the key's link is read again, as its #name changed. */
  renameKey(serverId: string, keyId: string, name: string): Promise<boolean>;
  /** True when changed (name, limits, note, at once); the key's link is read again, as it carries them. */
  updateKey(serverId: string, keyId: string, changes: KeyUpdate): Promise<boolean>;
  removeKey(serverId: string, keyId: string): Promise<boolean>;
  /** Takes a key the server no longer has out of the list (its page learned it is gone). */
  forgetKey(serverId: string, keyId: string): void;
  resetLiveTraffic(serverId: string, keyId: string): Promise<boolean>;
}

export const createKeyOperation = (serverId: string) => `keys.create:${serverId}`;
export const toggleKeyOperation = (keyId: string) => `keys.toggle:${keyId}`;
export const renameKeyOperation = (keyId: string) => `keys.rename:${keyId}`;
export const updateKeyOperation = (keyId: string) => `keys.update:${keyId}`;
export const removeKeyOperation = (keyId: string) => `keys.remove:${keyId}`;
export const resetLiveOperation = (keyId: string) => `keys.reset-live:${keyId}`;

export const configId = (serverId: string, keyId: string) => `${serverId}/${keyId}`;

export const useKeysStore = create<KeysState>()((set, get) => {
  const lists = keyedEntries(set, 'lists');
  const live = keyedEntries(set, 'live');
  const configs = keyedEntries(set, 'configs');
  const createManyRuns = keyedEntries(set, 'createManyRuns');
  /** Applies a change to the server's key list in place, so the table shows writes at once. */
  const editList = (serverId: string, change: (keys: ApiKey[]) => ApiKey[]) => {
    const entry = get().lists[serverId];
    if (entry?.value) lists.put(serverId, { ...entry, value: { ...entry.value, data: change(entry.value.data) } });
  };
  /**
   * Puts a key as the server answered it into the list and into its link's entry: a key page opened
   * from elsewhere (a person's keys) reads the key from the latter, and shows the change too.
   */
  const putKey = (serverId: string, key: ApiKey) => {
    editList(serverId, (keys) => keys.map((existing) => (existing.id === key.id ? key : existing)));
    const id = configId(serverId, key.id);
    const entry = get().configs[id];
    if (entry?.value) configs.put(id, { ...entry, value: { ...entry.value, data: { ...entry.value.data, key } } });
  };

  return {
    lists: {},
    live: {},
    configs: {},
    createManyRuns: {},

    async loadKeys(serverId) {
      await Promise.all([loadEntry(lists, serverId, () => callServer(serverId, () => services.keys.list(serverId))), get().loadLive(serverId)]);
    },

    async loadLive(serverId) {
      await loadEntry(live, serverId, () => callServer(serverId, () => services.traffic.live(serverId)));
    },

    async loadConfig(serverId, keyId) {
      await loadEntry(configs, configId(serverId, keyId), () => callServer(serverId, () => services.keys.config(serverId, keyId)));
    },

    async createKey(serverId, name, limits) {
      const key = await runOperation(createKeyOperation(serverId), () => callServer(serverId, () => services.keys.create(serverId, name, limits)));
      if (key) editList(serverId, (keys) => [...keys, key]);
      return key;
    },

    async createMany(serverId, names, options) {
      if (get().createManyRuns[serverId]?.running) return;
      const idle: CreateManyRun = { running: true, progress: null, result: null, error: null };
      createManyRuns.put(serverId, idle);
      const update = (change: Partial<CreateManyRun>) => createManyRuns.update(serverId, (run = idle) => ({ ...run, ...change }));
      try {
        const result = await services.keys.createMany(serverId, names, options, (progress) => update({ progress }));
        update({ running: false, result });
        if (result.created.length > 0) editList(serverId, (keys) => [...keys, ...result.created]);
      } catch (error) {
        update({ running: false, error: errorMessage(error), errorCode: errorCode(error), errorFacts: errorFacts(error) });
        // A failure after some batches leaves those keys: the list shows what the server has.
        await get().loadKeys(serverId);
      }
    },

    dismissCreateMany(serverId) {
      if (!get().createManyRuns[serverId]?.running) createManyRuns.remove(serverId);
    },

    async setActive(serverId, keyId, active) {
      const key = await runOperation(toggleKeyOperation(keyId), () => callServer(serverId, () => services.keys.setActive(serverId, keyId, active)));
      if (key) putKey(serverId, key);
    },

    async renameKey(serverId, keyId, name) {
      const key = await runOperation(renameKeyOperation(keyId), () => services.keys.rename(serverId, keyId, name));
      if (!key) return false;
      putKey(serverId, key);
      void get().loadConfig(serverId, keyId);
      return true;
    },

    async updateKey(serverId, keyId, changes) {
      const key = await runOperation(updateKeyOperation(keyId), () => services.keys.update(serverId, keyId, changes));
      if (!key) return false;
      putKey(serverId, key);
      void get().loadConfig(serverId, keyId);
      return true;
    },

    async removeKey(serverId, keyId) {
      const removed = await runOperation(removeKeyOperation(keyId), () =>
        callServer(serverId, async () => {
          await services.keys.remove(serverId, keyId);
          return true;
        }));
      if (removed) {
        get().forgetKey(serverId, keyId);
        configs.remove(configId(serverId, keyId));
      }
      return removed === true;
    },

    forgetKey(serverId, keyId) {
      if (get().lists[serverId]?.value?.data.some((key) => key.id === keyId)) editList(serverId, (keys) => keys.filter((key) => key.id !== keyId));
    },

    async resetLiveTraffic(serverId, keyId) {
      const reset = await runOperation(resetLiveOperation(keyId), async () => {
        await services.keys.resetLiveTraffic(serverId, keyId);
        return true;
      });
      if (reset) void get().loadLive(serverId);
      return reset === true;
    },
  };
});

export const selectKeyList = (serverId: string) => (state: KeysState) => state.lists[serverId];
export const selectCreateManyRun = (serverId: string) => (state: KeysState) => state.createManyRuns[serverId];
export const selectLive = (serverId: string) => (state: KeysState) => state.live[serverId];
export const selectConfig = (serverId: string, keyId: string) => (state: KeysState) => state.configs[configId(serverId, keyId)];
export const selectKey = (serverId: string, keyId: string) => (state: KeysState) =>
  state.lists[serverId]?.value?.data.find((key) => key.id === keyId) ?? state.configs[configId(serverId, keyId)]?.value?.data.key;
