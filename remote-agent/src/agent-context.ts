import type { HostFigures } from './services/host/host-figures.ts';
import type { SettingsService } from './services/settings/settings-service.ts';
import type { PortFirewall } from './services/firewall/port-firewall.ts';
import type { KeyService } from './services/key-service.ts';
import type { Reconciler } from './services/reconciler.ts';
import type { RestoreUploads } from './services/restore-uploads.ts';
import type { ServerBackups } from './services/server-backups.ts';
import type { Sampler } from './services/sampler.ts';
import type { Subscriptions } from './services/subscriptions/subscriptions.ts';
import type { TrafficStore } from './services/store/traffic-store.ts';
import type { RealityKeys } from './services/xray/reality-keys.ts';
import type { XrayManager } from './services/xray/xray-manager.ts';

/** What the route plugins work with: the agent's services, built once in main.ts (or a test). */
export interface AgentContext {
  keys: KeyService;
  traffic: TrafficStore;
  sampler: Sampler;
  reconciler: Reconciler;
  xray: XrayManager;
  firewall: PortFirewall;
  realityKeys: RealityKeys;
  settings: SettingsService;
  subscriptions: Subscriptions;
  /** Snapshots of the server, the daily backups, and restoring a snapshot. */
  backups: ServerBackups;
  /** Snapshots received in chunks for a restore. */
  restoreUploads: RestoreUploads;
  /** The host's uptime, load, memory and disk, read without a child process. */
  host: HostFigures;
  /** The host clients connect to, written into vless:// links: the link host setting, else --public-host. */
  linkHost: () => string;
  now: () => number;
}
