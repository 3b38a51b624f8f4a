import type {
  ConfigStatusReport,
  ConfigSyncReport,
  PortsInUse,
  RealityCheckReport,
  ServerSettings,
  ServerSettingsPatch,
  ServerSettingsUpdate,
} from '../../../shared/contract/api-types.ts';
import type { Cached, System } from '../../../shared/contract/services.ts';
import type { ConsoleCache } from '../cache/console-cache.ts';
import { checkSettingsPatch } from './check-settings-patch.ts';
import { offlineWrite, readThrough } from './read-through.ts';
import { findServer } from './server-directory.ts';
import type { ServerSessions } from './server-sessions.ts';

const SETTINGS_SNAPSHOT = { kind: 'settings', scope: '' };

/** Xray and firewall state, kept in step with the keys through the agent's system endpoints. */
export class SystemService implements System {
  readonly #cache: ConsoleCache;
  readonly #sessions: ServerSessions;

  constructor(cache: ConsoleCache, sessions: ServerSessions) {
    this.#cache = cache;
    this.#sessions = sessions;
  }

  async configStatus(serverName: string): Promise<Cached<ConfigStatusReport>> {
    const server = findServer(this.#cache, serverName);
    return readThrough(this.#cache, {
      server,
      snapshot: { kind: 'config-status', scope: '' },
      fetch: async () => (await (await this.#sessions.client(server)).getConfigStatus()).data,
    });
  }

  async syncConfig(serverName: string): Promise<ConfigSyncReport> {
    const server = findServer(this.#cache, serverName);
    const result = await offlineWrite(server, async () => (await this.#sessions.client(server)).syncConfig());
    return result.data;
  }

  async verifyReality(serverName: string): Promise<RealityCheckReport> {
    const server = findServer(this.#cache, serverName);
    return (await (await this.#sessions.client(server)).verifyReality()).data;
  }

  async settings(serverName: string): Promise<Cached<ServerSettings>> {
    const server = findServer(this.#cache, serverName);
    return readThrough(this.#cache, {
      server,
      snapshot: SETTINGS_SNAPSHOT,
      fetch: async () => (await (await this.#sessions.client(server)).getSettings()).data.settings,
    });
  }

  async updateSettings(serverName: string, patch: ServerSettingsPatch): Promise<ServerSettingsUpdate> {
    const server = findServer(this.#cache, serverName);
    // Checked before connecting: a bad value changes nothing anywhere.
    checkSettingsPatch(patch);
    const { settings, applied } = (await offlineWrite(server, async () => (await this.#sessions.client(server)).updateSettings(patch))).data;
    this.#cache.putSnapshot(server.id, SETTINGS_SNAPSHOT.kind, SETTINGS_SNAPSHOT.scope, settings, new Date().toISOString());
    return { settings, applied };
  }

  async ports(serverName: string): Promise<Cached<PortsInUse>> {
    const server = findServer(this.#cache, serverName);
    return readThrough(this.#cache, {
      server,
      snapshot: { kind: 'ports', scope: '' },
      fetch: async () => (await (await this.#sessions.client(server)).getPorts()).data,
    });
  }
}
