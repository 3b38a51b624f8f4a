import { create } from 'zustand';
import type { XrayInstallRequest, XrayInstallResult } from '../../../shared/contract/deploy.ts';
import { services } from '../bridge/services.ts';
import { errorMessage } from '../format/error-message.ts';
import { useFleetStore } from './fleet-store.ts';
import { keyedEntries } from './keyed-entries.ts';
import { runOperation } from './operations-store.ts';
import { trackProgressRun, type ProgressRun } from './progress-run.ts';
import { useSystemStore } from './system-store.ts';

/** An Xray install: its streamed steps as they came, and how it ended. */
export type XrayInstallRun = ProgressRun<XrayInstallResult>;

interface ServerHealthState {
  /** By server id. */
  xrayInstalls: Record<string, XrayInstallRun>;
  installXray(serverId: string, request: XrayInstallRequest): Promise<void>;
  dismissXrayInstall(serverId: string): void;
  /** Brings the firewall and Xray in line with the keys, then shows the server's state again. */
  syncNow(serverId: string): Promise<void>;
  /** Connects to a key port again now, then shows the server's state again. */
  checkPorts(serverId: string): Promise<void>;
}

export const checkPortsOperation = (serverId: string) => `fleet.checkPorts:${serverId}`;
export { syncConfigOperation } from './system-store.ts';

export const useServerHealthStore = create<ServerHealthState>()((set, get) => ({
  xrayInstalls: {},

  async installXray(serverId, request) {
    if (get().xrayInstalls[serverId]?.running) return;
    await trackProgressRun(
      keyedEntries(set, 'xrayInstalls'),
      serverId,
      (onProgress) => services.deploy.installXray(serverId, request, onProgress),
      (error) => ({ error: errorMessage(error) }),
    );
    await useFleetStore.getState().refreshServer(serverId);
  },

  dismissXrayInstall(serverId) {
    if (get().xrayInstalls[serverId]?.running) return;
    keyedEntries(set, 'xrayInstalls').remove(serverId);
  },

  async syncNow(serverId) {
    await useSystemStore.getState().syncConfig(serverId);
    await useFleetStore.getState().refreshServer(serverId);
  },

  async checkPorts(serverId) {
    const checked = await runOperation(checkPortsOperation(serverId), () => services.fleet.checkPorts(serverId));
    if (checked) await useFleetStore.getState().refreshServer(serverId);
  },
}));

export const selectXrayInstall = (serverId: string) => (state: ServerHealthState) => state.xrayInstalls[serverId];
