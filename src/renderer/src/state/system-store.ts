import { create } from 'zustand';
import type {
  ConfigStatusReport,
  ConfigSyncReport,
  PortsInUse,
  RealityCheckReport,
  ServerSettings,
  ServerSettingsPatch,
  ServerSettingsUpdate,
} from '../../../shared/contract/api-types.ts';
import type { DeployProgress } from '../../../shared/contract/deploy.ts';
import type { LinkSettingsChange, LinkSettingsResult } from '../../../shared/contract/link-settings.ts';
import type { Cached } from '../../../shared/contract/services.ts';
import { services } from '../bridge/services.ts';
import { callServer, useFleetStore } from './fleet-store.ts';
import { useKeysStore } from './keys-store.ts';
import { keyedEntries, loadEntry } from './keyed-entries.ts';
import type { Loadable } from './loadable.ts';
import { runOperation } from './operations-store.ts';

interface SystemState {
  /** By server id. */
  configStatus: Record<string, Loadable<Cached<ConfigStatusReport>>>;
  ports: Record<string, Loadable<Cached<PortsInUse>>>;
  lastSync: Record<string, ConfigSyncReport>;
  reality: Record<string, RealityCheckReport>;
  settings: Record<string, Loadable<Cached<ServerSettings>>>;
  lastSettingsUpdate: Record<string, ServerSettingsUpdate>;
  lastLinkSettings: Record<string, LinkSettingsResult>;
  /** The last step a link settings change reported (a new key port range deploys the agent again). */
  linkSettingsProgress: Record<string, DeployProgress>;
  loadConfigStatus(serverId: string): Promise<void>;
  loadSettings(serverId: string): Promise<void>;
  /** Resolves to whether the agent took the change. */
  updateSettings(serverId: string, patch: ServerSettingsPatch): Promise<boolean>;
  /** Resolves to whether the change went through (a rolled-back deploy did not). */
  changeLinkSettings(serverId: string, change: LinkSettingsChange): Promise<boolean>;
  loadPorts(serverId: string): Promise<void>;
  syncConfig(serverId: string): Promise<void>;
  verifyReality(serverId: string): Promise<void>;
}

export const syncConfigOperation = (serverId: string) => `system.sync:${serverId}`;
export const verifyRealityOperation = (serverId: string) => `system.reality:${serverId}`;
export const updateSettingsOperation = (serverId: string) => `system.settings:${serverId}`;
export const linkSettingsOperation = (serverId: string) => `system.linkSettings:${serverId}`;

export const useSystemStore = create<SystemState>()((set, get) => ({
  configStatus: {},
  ports: {},
  lastSync: {},
  reality: {},
  settings: {},
  lastSettingsUpdate: {},
  lastLinkSettings: {},
  linkSettingsProgress: {},

  async loadConfigStatus(serverId) {
    await loadEntry(keyedEntries(set, 'configStatus'), serverId, () => callServer(serverId, () => services.system.configStatus(serverId)));
  },

  async loadPorts(serverId) {
    await loadEntry(keyedEntries(set, 'ports'), serverId, () => callServer(serverId, () => services.system.ports(serverId)));
  },

  async syncConfig(serverId) {
    const report = await runOperation(syncConfigOperation(serverId), () => services.system.syncConfig(serverId));
    if (!report) return;
    keyedEntries(set, 'lastSync').put(serverId, report);
    await get().loadConfigStatus(serverId);
  },

  async loadSettings(serverId) {
    await loadEntry(keyedEntries(set, 'settings'), serverId, () => services.system.settings(serverId));
  },

  async updateSettings(serverId, patch) {
    // The outcome of an earlier save says nothing about this one.
    keyedEntries(set, 'lastSettingsUpdate').remove(serverId);
    const update = await runOperation(updateSettingsOperation(serverId), () => services.system.updateSettings(serverId, patch));
    if (!update) return false;
    keyedEntries(set, 'lastSettingsUpdate').put(serverId, update);
    keyedEntries(set, 'settings').put(serverId, { value: { data: update.settings, source: 'live', syncedAt: new Date().toISOString() }, loading: false, error: null });
    // A check of the old target says nothing about the new one.
    keyedEntries(set, 'reality').remove(serverId);
    // Links carry the server names and fingerprint: the keys' shown links are stale now.
    keyedEntries(useKeysStore.setState, 'configs').removeWhere((id) => id.startsWith(`${serverId}/`));
    void get().loadConfigStatus(serverId);
    return true;
  },

  async changeLinkSettings(serverId, change) {
    keyedEntries(set, 'lastLinkSettings').remove(serverId);
    const progress = keyedEntries(set, 'linkSettingsProgress');
    const result = await runOperation(linkSettingsOperation(serverId), () =>
      services.deploy.changeLinkSettings(serverId, change, (step) => progress.put(serverId, step)),
    );
    progress.remove(serverId);
    if (!result) return false;
    keyedEntries(set, 'lastLinkSettings').put(serverId, result);
    // Links carry the host and the Reality names: every shown link of the server is stale now.
    keyedEntries(useKeysStore.setState, 'configs').removeWhere((id) => id.startsWith(`${serverId}/`));
    keyedEntries(set, 'reality').remove(serverId);
    await Promise.all([get().loadSettings(serverId), get().loadConfigStatus(serverId), get().loadPorts(serverId), useFleetStore.getState().refreshServer(serverId)]);
    return !result.deploy?.rolledBack;
  },

  async verifyReality(serverId) {
    const report = await runOperation(verifyRealityOperation(serverId), () => services.system.verifyReality(serverId));
    if (report) keyedEntries(set, 'reality').put(serverId, report);
  },
}));

export const selectConfigStatus = (serverId: string) => (state: SystemState) => state.configStatus[serverId];
export const selectPorts = (serverId: string) => (state: SystemState) => state.ports[serverId];
export const selectLastSync = (serverId: string) => (state: SystemState) => state.lastSync[serverId];
export const selectReality = (serverId: string) => (state: SystemState) => state.reality[serverId];
export const selectSettings = (serverId: string) => (state: SystemState) => state.settings[serverId];
export const selectLastSettingsUpdate = (serverId: string) => (state: SystemState) => state.lastSettingsUpdate[serverId];
export const selectLastLinkSettings = (serverId: string) => (state: SystemState) => state.lastLinkSettings[serverId];
export const selectLinkSettingsProgress = (serverId: string) => (state: SystemState) => state.linkSettingsProgress[serverId];
