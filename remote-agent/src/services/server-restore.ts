import { renameSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { writeSynced } from '../lib/durable-file.ts';
import { conflict } from '../lib/http-error.ts';
import type { Logger } from '../lib/logger.ts';
import type { KeyService } from './key-service.ts';
import { listeningPortsNow } from './net/socket-table.ts';
import type { Sampler } from './sampler.ts';
import type { SettingsStore } from './store/settings-store.ts';
import type { SubscriptionStore } from './subscriptions/subscription-store.ts';
import type { KeyStore } from './store/key-store.ts';
import { assignPorts, checkSnapshot, copySnapshotIn, type PortAssignment } from './store/snapshot-restore.ts';
import { REALITY_KEYS_FILE, type RealityKeys } from './xray/reality-keys.ts';
import type { ApplyOutcome, XrayManager } from './xray/xray-manager.ts';

export interface ServerRestoreOptions {
  db: DatabaseSync;
  keyStore: KeyStore;
  settingsStore: SettingsStore;
  subscriptionStore: SubscriptionStore;
  keys: KeyService;
  sampler: Sampler;
  xray: XrayManager;
  /** The object Xray's config is built from: changed in place. */
  realityKeys: RealityKeys;
  dataDir: string;
  log: Logger;
  now: () => number;
}

export interface RestoreOutcome {
  keysRestored: number;
  dailyRowsRestored: number;
  portsMoved: PortAssignment[];
  xray: ApplyOutcome;
}

/**
 * Restores a server snapshot onto this server, which must have no keys (a restore replaces the
 * server's identity, its Reality keys, which every link of a key already here would lose). The
 * snapshot is checked, ports assigned, and the database, settings and Reality keys file changed in
 * one transaction while no key changes: any refusal or failure leaves the server as it was. Then
 * the firewall counts their ports and a new Xray serves them (routing and logging settings may
 * have changed, which Xray's API cannot take).
 */
export class ServerRestore {
  readonly #o: ServerRestoreOptions;

  constructor(options: ServerRestoreOptions) {
    this.#o = options;
  }

  async restore(snapshotPath: string): Promise<RestoreOutcome> {
    const { db, keyStore, settingsStore, subscriptionStore, keys, sampler, xray, realityKeys, dataDir, log, now } = this.#o;
    const realityPath = join(dataDir, REALITY_KEYS_FILE);
    const realityDraft = `${realityPath}.restoring`;
    const restored = await keys.whileNoKeyChanges(async () => {
      const present = keyStore.list().length;
      if (present > 0) {
        throw conflict(`this server has ${present} key(s): a snapshot is restored only onto a server without keys; nothing was changed`, {
          reason: 'server_not_fresh',
          keys: present,
        });
      }
      const snapshot = checkSnapshot(snapshotPath);
      const busy = listeningPortsNow();
      const ports = assignPorts(snapshot.keys, keys.portRange, (port) => busy.has(port));
      await writeSynced(realityDraft, `${JSON.stringify(snapshot.realityKeys, null, 2)}\n`, 0o600);
      try {
        let settings = settingsStore.get();
        copySnapshotIn(db, snapshot, ports, () => {
          settings = settingsStore.readStored();
          renameSync(realityDraft, realityPath);
        });
        settingsStore.adopt(settings);
      } finally {
        await rm(realityDraft, { force: true });
      }
      Object.assign(realityKeys, snapshot.realityKeys);
      keyStore.reloadFromDatabase();
      subscriptionStore.reloadFromDatabase();
      subscriptionStore.issue(keyStore.list().map((key) => key.id));
      sampler.forgetPorts(ports.map((port) => port.newPort));
      keys.judgeAllLimits(now());
      return { snapshot, ports };
    });
    const moved = restored.ports.filter((port) => port.newPort !== port.oldPort);
    log.warn(`restored a server snapshot: ${restored.snapshot.keys.length} key(s), ${moved.length} moved to another port`);
    // Counting before serving, as for new keys: no byte goes uncounted.
    await keys.syncFirewall();
    const applied = await xray.restart('restored from a server snapshot');
    return { keysRestored: restored.snapshot.keys.length, dailyRowsRestored: restored.snapshot.dailyRows, portsMoved: moved, xray: applied };
  }
}
