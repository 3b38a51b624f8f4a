import { join } from 'node:path';
import type { KeyportServices, TunnelInfo } from '../../shared/contract/services.ts';
import { ConsoleCache } from './cache/console-cache.ts';
import { checkoutArtifacts, type AgentArtifacts } from './deploy/agent-artifacts.ts';
import { BackgroundSync, syncServer } from './services/cache-sync.ts';
import { DeployService } from './services/deploy-service.ts';
import { FleetService } from './services/fleet-service.ts';
import { KeysService } from './services/keys-service.ts';
import { PeopleService } from './people/people-service.ts';
import { PendingDisables } from './people/pending-disables.ts';
import { openLocalTunnel } from './services/local-tunnel.ts';
import { NO_VAULT, type SecretVault } from './services/secret-vault.ts';
import { findServer } from './services/server-directory.ts';
import { ServerBackupService } from './services/server-backup-service.ts';
import { ServerSessions } from './services/server-sessions.ts';
import { SystemService } from './services/system-service.ts';
import { TrafficService } from './services/traffic-service.ts';
import { deployableRelease } from './deploy/deployable-release.ts';
import { loadConsoleIdentity } from './console/console-identity.ts';
import { ConsoleStateService } from './console-state/console-state-service.ts';

export interface KeyportCoreOptions {
  /** Where the cache and settings live ($KEYPORT_HOME). */
  home: string;
  /** Asks the admin for a secret that is not stored (an SSH password, a key passphrase). */
  askSecret?: (prompt: string) => Promise<string>;
  /** Seals stored secrets with the OS keychain; without one, secrets are never stored. */
  vault?: SecretVault;
  /** What deploy uploads; a source checkout's build by default. */
  artifacts?: AgentArtifacts;
}

/** The console's core: the contract's services plus what only a local face needs. */
export interface KeyportCore extends KeyportServices {
  openTunnel(server: string, localPort?: number): Promise<TunnelInfo>;
  /** Server backups to and from archive files on this machine (file paths and a passphrase: local faces only). */
  readonly backups: ServerBackupService;
  /** The console's own state to and from an export file, for a new laptop (file paths and a passphrase: local faces only). */
  readonly consoleState: ConsoleStateService;
  /** A long-lived face (window, web mode) keeps the cache fresh with this. */
  readonly backgroundSync: BackgroundSync;
  close(): Promise<void>;
}

export const CACHE_FILE_NAME = 'keyport-cache.sqlite';
/** The disables `people move --disable-after` left for later. */
export const PENDING_DISABLES_FILE_NAME = 'pending-disables.json';

export async function openKeyportCore(options: KeyportCoreOptions): Promise<KeyportCore> {
  const cache = new ConsoleCache(join(options.home, CACHE_FILE_NAME));
  const vault = options.vault ?? NO_VAULT;
  const sessions = new ServerSessions({ cache, vault, askSecret: options.askSecret });
  const keys = new KeysService(cache, sessions);
  const traffic = new TrafficService(cache, sessions);
  const artifacts = options.artifacts ?? checkoutArtifacts();
  const pending = new PendingDisables(join(options.home, PENDING_DISABLES_FILE_NAME));
  const people = new PeopleService({ cache, sessions, keys, pending });
  // A sync brings new figures of a server's keys: the bundles of their people's keys elsewhere follow.
  const afterSync = () => people.pushChangedUsage();
  const system = new SystemService(cache, sessions, (serverId) => people.pushBundlesOfServer(serverId));
  const sync = async (server: string) => {
    await syncServer({ cache, keys, traffic, system, days: traffic }, server);
    await afterSync();
  };
  const fleet = new FleetService({ cache, sessions, vault, askSecret: options.askSecret, sync, deployableRelease: () => deployableRelease(artifacts) });
  const deploy = new DeployService({
    cache,
    sessions,
    artifacts,
    owner: loadConsoleIdentity(options.home),
    afterDeploy: sync,
    afterLinksChanged: (serverId) => people.pushBundlesOfServer(serverId),
  });
  const backgroundSync = new BackgroundSync({ cache, keys, traffic, system, days: traffic, afterPass: afterSync });
  return {
    fleet,
    deploy,
    keys,
    traffic,
    system,
    backups: new ServerBackupService(cache, sessions, sync),
    people,
    consoleState: new ConsoleStateService({ cache, pending, vault, forget: (serverId) => sessions.forget(serverId) }),
    backgroundSync,
    async openTunnel(serverName, localPort) {
      const access = await sessions.agentAccess(findServer(cache, serverName));
      const tunnel = await openLocalTunnel(access.openStream, localPort);
      return { url: `http://127.0.0.1:${tunnel.port}`, apiKey: access.apiKey, close: tunnel.close };
    },
    async close() {
      await backgroundSync.stop();
      await sessions.closeAll();
      cache.close();
    },
  };
}
