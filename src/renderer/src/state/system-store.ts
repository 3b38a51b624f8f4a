import { create } from 'zustand';
import type { ConfigStatusReport, ConfigSyncReport, PortsInUse, RealityCheckReport } from '../../../shared/contract/api-types.ts';
import type { Cached } from '../../../shared/contract/services.ts';
import { services } from '../bridge/services.ts';
import { load, type Loadable } from './loadable.ts';
import { runOperation } from './operations-store.ts';

interface SystemState {
  /** By server id. */
  configStatus: Record<string, Loadable<Cached<ConfigStatusReport>>>;
  ports: Record<string, Loadable<Cached<PortsInUse>>>;
  lastSync: Record<string, ConfigSyncReport>;
  reality: Record<string, RealityCheckReport>;
  loadConfigStatus(serverId: string): Promise<void>;
  loadPorts(serverId: string): Promise<void>;
  syncConfig(serverId: string): Promise<void>;
  verifyReality(serverId: string): Promise<void>;
}

export const syncConfigOperation = (serverId: string) => `system.sync:${serverId}`;
export const verifyRealityOperation = (serverId: string) => `system.reality:${serverId}`;

export const useSystemStore = create<SystemState>()((set, get) => ({
  configStatus: {},
  ports: {},
  lastSync: {},
  reality: {},

  async loadConfigStatus(serverId) {
    await load<Cached<ConfigStatusReport>>(
      (change) => set((state) => ({ configStatus: { ...state.configStatus, [serverId]: change(state.configStatus[serverId]) } })),
      () => services.system.configStatus(serverId),
    );
  },

  async loadPorts(serverId) {
    await load<Cached<PortsInUse>>(
      (change) => set((state) => ({ ports: { ...state.ports, [serverId]: change(state.ports[serverId]) } })),
      () => services.system.ports(serverId),
    );
  },

  async syncConfig(serverId) {
    const report = await runOperation(syncConfigOperation(serverId), () => services.system.syncConfig(serverId));
    if (!report) return;
    set((state) => ({ lastSync: { ...state.lastSync, [serverId]: report } }));
    await get().loadConfigStatus(serverId);
  },

  async verifyReality(serverId) {
    const report = await runOperation(verifyRealityOperation(serverId), () => services.system.verifyReality(serverId));
    if (report) set((state) => ({ reality: { ...state.reality, [serverId]: report } }));
  },
}));

export const selectConfigStatus = (serverId: string) => (state: SystemState) => state.configStatus[serverId];
export const selectPorts = (serverId: string) => (state: SystemState) => state.ports[serverId];
export const selectLastSync = (serverId: string) => (state: SystemState) => state.lastSync[serverId];
export const selectReality = (serverId: string) => (state: SystemState) => state.reality[serverId];
