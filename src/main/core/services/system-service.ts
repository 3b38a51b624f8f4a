import type * as Api from '../../../shared/contract/api-types.ts';
import type { ServerOutcome } from '../../../shared/contract/people.ts';
import type { Cached, System } from '../../../shared/contract/services.ts';
import type { ConsoleCache } from '../cache/console-cache.ts';
import { SNAPSHOTS } from '../cache/snapshot-kinds.ts';
import { checkSettingsPatch } from './check-settings-patch.ts';
import { dataOf } from './server-calls.ts';
import { findServer } from './server-directory.ts';
import { ServerService } from './server-service.ts';
import type { ServerSessions } from './server-sessions.ts';
import { changesLinks } from './settings-links.ts';

/** Xray and firewall state, kept in step with the keys through the agent's system endpoints. */
export class SystemService extends ServerService implements System {
  readonly #afterLinksChanged: (serverId: string) => Promise<ServerOutcome[]>;

  /** `afterLinksChanged`: the bundles of the server's people on other servers get its new links (PeopleService.pushBundlesOfServer). */
  constructor(cache: ConsoleCache, sessions: Pick<ServerSessions, 'client'>, afterLinksChanged: (serverId: string) => Promise<ServerOutcome[]> = async () => []) {
    super(cache, sessions);
    this.#afterLinksChanged = afterLinksChanged;
  }

  configStatus(serverName: string): Promise<Cached<Api.ConfigStatusReport>> {
    return this.calls.read(serverName, () => ({ snapshot: SNAPSHOTS.configStatus, fetch: (client) => client.getConfigStatus().then(dataOf) }));
  }

  syncConfig(serverName: string): Promise<Api.ConfigSyncReport> {
    return this.calls.write(serverName, () => ({ send: (client) => client.syncConfig().then(dataOf) }));
  }

  verifyReality(serverName: string): Promise<Api.RealityCheckReport> {
    return this.calls.check(serverName, (client) => client.verifyReality().then(dataOf));
  }

  settings(serverName: string): Promise<Cached<Api.ServerSettings>> {
    return this.calls.read(serverName, () => ({ snapshot: SNAPSHOTS.settings, fetch: async (client) => (await client.getSettings()).data.settings }));
  }

  /**
   * A change of names or host that links carry is passed on to the server's people's bundles
   * elsewhere; the change is made by then, so a bundle that cannot be reached waits for
   * `keyport people push`, as after a key change.
   */
  async updateSettings(serverName: string, patch: Api.ServerSettingsPatch): Promise<Api.ServerSettingsUpdate> {
    const update = await this.calls.write(serverName, (server) => {
      // Checked before connecting: a bad value changes nothing anywhere.
      checkSettingsPatch(patch);
      return {
        send: async (client) => {
          const { settings, applied } = (await client.updateSettings(patch)).data;
          return { settings, applied };
        },
        record: ({ settings }, syncedAt) => this.cache.putSnapshot(server.id, ...SNAPSHOTS.settings, settings, syncedAt),
      };
    });
    if (changesLinks(patch)) await this.#afterLinksChanged(findServer(this.cache, serverName).id).catch(() => []);
    return update;
  }

  host(serverName: string): Promise<Cached<Api.HostFigures>> {
    return this.calls.read(serverName, () => ({ snapshot: SNAPSHOTS.host, fetch: (client) => client.getHostStatus().then(dataOf) }));
  }

  ports(serverName: string): Promise<Cached<Api.PortsInUse>> {
    return this.calls.read(serverName, () => ({ snapshot: SNAPSHOTS.ports, fetch: (client) => client.getPorts().then(dataOf) }));
  }
}
