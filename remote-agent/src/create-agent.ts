import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AgentContext } from './agent-context.ts';
import { buildApp } from './app.ts';
import type { AgentFlags } from './config/agent-flags.ts';
import type { Logger } from './lib/logger.ts';
import { PortFirewall } from './services/firewall/port-firewall.ts';
import { KeyService } from './services/key-service.ts';
import { Sampler } from './services/sampler.ts';
import { openDatabase } from './services/store/database.ts';
import { KeyStore } from './services/store/key-store.ts';
import { TrafficStore } from './services/store/traffic-store.ts';
import { loadOrCreateRealityKeys } from './services/xray/reality-keys.ts';
import { XrayCli } from './services/xray/xray-cli.ts';
import { XrayManager } from './services/xray/xray-manager.ts';
import { XrayProcess } from './services/xray/xray-process.ts';
import { seedSettings } from './services/settings/seed-settings.ts';
import { SettingsService } from './services/settings/settings-service.ts';
import { SettingsStore } from './services/store/settings-store.ts';

const LOG_ROTATION_INTERVAL_MS = 60_000;

export interface Agent {
  app: FastifyInstance;
  ctx: AgentContext;
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
  await mkdir(flags.dataDir, { recursive: true, mode: 0o700 });
  const db = openDatabase(join(flags.dataDir, 'keyport.db'));
  const keyStore = new KeyStore(db);
  const traffic = new TrafficStore(db);
  const firewall = new PortFirewall(log, flags.portRange, flags.openKeyPorts);
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
    activeKeys: () => keyStore.list().filter((key) => key.isActive),
    log,
  });
  const sampler = new Sampler({ firewall, keys: keyStore, traffic, intervalMs: flags.sampleIntervalMs, now, log });
  const keys = new KeyService({ keys: keyStore, traffic, firewall, xray, sampler, portRange: flags.portRange, log, now });
  const ctx: AgentContext = {
    keys,
    traffic,
    sampler,
    xray,
    firewall,
    realityKeys,
    settings: new SettingsService(settingsStore, () => xray),
    publicHost: flags.publicHost,
    now,
  };
  const app = await buildApp({ ctx, apiKey, log });
  let logRotation: NodeJS.Timeout | undefined;

  return {
    app,
    ctx,
    async start() {
      await firewall.prepare();
      await keys.syncFirewall();
      await xray.sync();
      await sampler.cycle();
      sampler.start();
      logRotation = setInterval(() => void xray.rotateLogs(), LOG_ROTATION_INTERVAL_MS);
      logRotation.unref();
    },
    async close() {
      clearInterval(logRotation);
      await sampler.stop();
      // A reboot zeroes the kernel's counters: bytes moved since the last cycle would be lost with them.
      await sampler.cycle();
      await app.close();
      db.close();
    },
  };
}
