import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AgentContext } from './agent-context.ts';
import { buildApp } from './app.ts';
import type { AgentFlags } from './config/agent-flags.ts';
import { createSubscriptionListener, readListenerTls } from './http/subscriptions/subscription-listener.ts';
import type { Logger } from './lib/logger.ts';
import { PortFirewall } from './services/firewall/port-firewall.ts';
import { HostFigures } from './services/host/host-figures.ts';
import { KeyService } from './services/key-service.ts';
import { Reconciler } from './services/reconciler.ts';
import { Sampler } from './services/sampler.ts';
import { RestoreUploads } from './services/restore-uploads.ts';
import { ServerBackups } from './services/server-backups.ts';
import { ServerRestore } from './services/server-restore.ts';
import { keepPrivate } from './lib/private-files.ts';
import { DatabaseBackups } from './services/store/database-backups.ts';
import { databaseCompanions, dataDirLayout } from './services/store/data-dir-layout.ts';
import { openAgentDatabase } from './services/store/open-agent-database.ts';
import { restoreBackup } from './services/store/restore-backup.ts';
import { KeyStore, serves } from './services/store/key-store.ts';
import { LimitTracker } from './services/limits/limit-tracker.ts';
import { WalCheckpointer } from './services/store/wal-checkpointer.ts';
import { TrafficStore } from './services/store/traffic-store.ts';
import { loadOrCreateRealityKeys } from './services/xray/reality-keys.ts';
import { XrayCli } from './services/xray/xray-cli.ts';
import { XrayManager } from './services/xray/xray-manager.ts';
import { XrayProcess } from './services/xray/xray-process.ts';
import { seedSettings } from './services/settings/seed-settings.ts';
import { SettingsService } from './services/settings/settings-service.ts';
import { SettingsStore } from './services/store/settings-store.ts';
import { SubscriptionStore } from './services/subscriptions/subscription-store.ts';
import { Subscriptions } from './services/subscriptions/subscriptions.ts';
import { subscriptionUrlBase } from './services/subscriptions/subscription-url-base.ts';

const LOG_ROTATION_INTERVAL_MS = 60_000;
/** The data dir's subdir for snapshots being uploaded in chunks. */
const RESTORE_UPLOADS_DIR = 'uploads';
/** Files of the data dir that earlier agents (or the deploy's shell) created 0644. */
const PRIVATE_FILES = [
  'api-key',
  'reality-keys.json',
  'xray.pid',
  'xray.log',
  'xray.log.1',
  'xray-access.log',
  'xray-access.log.1',
  'agent.log',
  'agent.log.1',
  'agent.pid',
  'supervisor.pid',
];

export interface Agent {
  app: FastifyInstance;
  ctx: AgentContext;
  /** The public listener of GET /sub/{token} (--subscription-listen), not listening yet; undefined while off. */
  subscriptionListener: Server | undefined;
  /** Brings firewall and Xray in step with the stored keys and starts sampling. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Wires the agent's services from its flags. Nothing listens until the caller says so. */
export async function createAgent(
  flags: AgentFlags,
  apiKey: string,
  log: Logger,
  now: () => number = Date.now,
): Promise<Agent> {
  // A certificate that cannot be read refuses the start before the data dir is touched.
  const listenerTls = flags.subscriptions?.tls && (await readListenerTls(flags.subscriptions.tls));
  await mkdir(flags.dataDir, { recursive: true, mode: 0o700 });
  const layout = dataDirLayout(flags.dataDir, flags.xrayConfig);
  await keepPrivate([layout.database, ...databaseCompanions(layout.database), flags.xrayConfig, ...PRIVATE_FILES.map((name) => join(flags.dataDir, name))]);
  if (flags.restoreBackup !== undefined) await restoreBackup(flags.restoreBackup, layout, log, now);
  const db = await openAgentDatabase({ layout, startEmpty: flags.startEmpty, log, now });
  const backups = new DatabaseBackups({ db, databasePath: layout.database, dir: layout.backupsDir, log, now });
  const checkpointer = new WalCheckpointer({ db, path: layout.database, log });
  const keyStore = new KeyStore(db);
  const traffic = new TrafficStore(db);
  const firewall = new PortFirewall(log, flags.portRange, flags.openKeyPorts, flags.subscriptions ? [flags.subscriptions.port] : []);
  const realityKeys = await loadOrCreateRealityKeys(flags.dataDir);
  const settingsStore = new SettingsStore(db, await seedSettings(flags));
  const xray = new XrayManager({
    cli: new XrayCli(flags.xrayBin, flags.xrayApi),
    process: new XrayProcess({
      bin: flags.xrayBin,
      configPath: flags.xrayConfig,
      pidFile: join(flags.dataDir, 'xray.pid'),
      logFile: join(flags.dataDir, 'xray.log'),
    }),
    configPath: flags.xrayConfig,
    realityKeys,
    settings: () => settingsStore.get(),
    accessLogPath: join(flags.dataDir, 'xray-access.log'),
    logPath: join(flags.dataDir, 'xray.log'),
    activeKeys: () => keyStore.list().filter(serves),
    log,
  });
  const sampler = new Sampler({
    firewall,
    keys: keyStore,
    traffic,
    intervalMs: flags.sampleIntervalMs,
    now,
    log,
    afterRecord: (atMs, deltas): number | undefined => keys.enforceLimits(atMs, deltas),
  });
  const linkHost = () => settingsStore.get().linkHost ?? flags.publicHost;
  const subscriptionStore = new SubscriptionStore(db);
  const keys = new KeyService({ keys: keyStore, traffic, firewall, xray, sampler, limits: new LimitTracker(keyStore), subscriptions: subscriptionStore, portRange: flags.portRange, log, now });
  const subscriptions = new Subscriptions({
    store: subscriptionStore,
    links: { linkHost, realityKeys, xray },
    key: (id) => keyStore.get(id),
    usedBytes: (id) => keys.usedBytes(id),
    urlBase: () => subscriptionUrlBase(flags.subscriptions, settingsStore.get().linkHost),
  });
  const subscriptionListener = flags.subscriptions && createSubscriptionListener({ subscriptions, log, tls: listenerTls, now });
  const reconciler = new Reconciler({ keys, firewall, xray, sampler, log, everyCycles: flags.reconcileEveryCycles, now });
  const restorer = new ServerRestore({ db, keyStore, settingsStore, subscriptionStore, keys, sampler, xray, realityKeys, dataDir: flags.dataDir, log, now });
  const serverBackups = new ServerBackups({ db, workDir: flags.dataDir, backupsDir: layout.backupsDir, realityKeys, restorer });
  const restoreUploads = new RestoreUploads({
    dir: join(flags.dataDir, RESTORE_UPLOADS_DIR),
    requestTimeoutMs: flags.requestTimeoutMs,
    keysPresent: () => keyStore.list().length,
    restoreFile: (path) => serverBackups.restoreFile(path),
    now,
  });
  const ctx: AgentContext = {
    keys,
    traffic,
    sampler,
    reconciler,
    xray,
    firewall,
    realityKeys,
    settings: new SettingsService(settingsStore, () => xray),
    subscriptions,
    backups: serverBackups,
    restoreUploads,
    host: new HostFigures({ dataDir: flags.dataDir, xrayVersion: () => xray.knownVersion() }),
    linkHost,
    now,
  };
  const app = await buildApp({ ctx, apiKey, log, requestTimeoutMs: flags.requestTimeoutMs, dataDir: flags.dataDir });
  let logRotation: NodeJS.Timeout | undefined;

  return {
    app,
    ctx,
    subscriptionListener,
    async start() {
      await ctx.backups.removeLeftovers();
      await restoreUploads.start();
      // The sampler takes the last counters of an older agent's iptables chains before they go.
      checkpointer.start();
      await firewall.prepare(sampler);
      // Limits may have run out, or periods begun, while the agent was down: judged before the syncs serve the keys.
      const changedByLimits = keys.judgeAllLimits(now());
      await keys.syncFirewall();
      await xray.sync();
      await keys.cutStopped(changedByLimits);
      await sampler.cycle();
      sampler.start();
      reconciler.start();
      void backups.backUpIfDue();
      backups.start();
      logRotation = setInterval(() => void xray.rotateLogs(), LOG_ROTATION_INTERVAL_MS);
      logRotation.unref();
    },
    async close() {
      clearInterval(logRotation);
      restoreUploads.stop();
      await reconciler.stop();
      await sampler.stop();
      // A reboot zeroes the kernel's counters: bytes moved since the last cycle would be lost with them.
      await sampler.cycle();
      await keys.limitsEnforced();
      await backups.stop();
      await app.close();
      if (subscriptionListener?.listening) {
        subscriptionListener.closeAllConnections();
        await new Promise((resolve) => subscriptionListener.close(resolve));
      }
      // Key changes made just before are live already; the file must hold them for the next start.
      await xray.flushConfig().catch((error: unknown) => log.warn(`xray: the config file could not be written at shutdown: ${(error as Error).message}`));
      await checkpointer.stop();
      db.close();
    },
  };
}
