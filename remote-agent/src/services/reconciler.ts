import type { Logger } from '../lib/logger.ts';
import type { PortFirewall, SyncResult } from './firewall/port-firewall.ts';
import { desiredRules, type KeyService } from './key-service.ts';
import type { Sampler } from './sampler.ts';
import type { LiveReconcile, XrayManager } from './xray/xray-manager.ts';

/** The periodic reconcile runs once every this many sampling cycles (a minute at the default 10 s). */
export const RECONCILE_EVERY_CYCLES = 6;
/** How many of the latest removals and restorations config-status keeps. */
const KEPT = 50;

export interface ReconcileChange {
  atMs: number;
  kind: 'inbound' | 'firewall_rules';
  tag: string | null;
  port: number | null;
  detail: string;
}

export interface ReconcileRun {
  atMs: number;
  ok: boolean;
  error: string | null;
  /** Why the live inbounds were not checked (Xray or its API down), or null. */
  xraySkipped: string | null;
}

export interface ReconcilerOptions {
  keys: KeyService;
  firewall: PortFirewall;
  xray: XrayManager;
  sampler: Sampler;
  log: Logger;
  /** 0: never on its own (run() still works). */
  everyCycles: number;
  now?: () => number;
}

/**
 * Every few sampling cycles, while no key changes: removes every live Xray inbound with our tag
 * and every firewall rule that no key owns, adds back what a key should have and lacks, and logs
 * and keeps what it did for config-status. Anything left behind by a crash or a hand-made change
 * is gone within one interval, without a restart: Xray is only ever talked to through its API here.
 */
export class Reconciler {
  readonly #o: ReconcilerOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<ReconcileRun> | undefined;
  #lastRun: ReconcileRun | null = null;
  readonly #removed: ReconcileChange[] = [];
  readonly #restored: ReconcileChange[] = [];

  constructor(options: ReconcilerOptions) {
    this.#o = options;
  }

  get everyCycles(): number {
    return this.#o.everyCycles;
  }

  get lastRun(): ReconcileRun | null {
    return this.#lastRun;
  }

  /** The latest removals, oldest first. */
  get removed(): readonly ReconcileChange[] {
    return this.#removed;
  }

  /** The latest rules and inbounds added back, oldest first. */
  get restored(): readonly ReconcileChange[] {
    return this.#restored;
  }

  start(): void {
    if (this.#o.everyCycles <= 0) return;
    this.#timer = setInterval(() => void this.run(), this.#o.sampler.intervalMs * this.#o.everyCycles);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** One reconcile now; a call while one runs waits for that one. */
  run(): Promise<ReconcileRun> {
    this.#running ??= this.#runOnce().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #runOnce(): Promise<ReconcileRun> {
    const atMs = (this.#o.now ?? Date.now)();
    let run: ReconcileRun;
    try {
      const { firewall, xray } = await this.#o.keys.whileNoKeyChanges(async () => ({
        firewall: await this.#o.firewall.sync(desiredRules(this.#o.keys.list()), (ports, family) => this.#o.sampler.forgetPorts(ports, family)),
        xray: await this.#o.xray.reconcileLive(),
      }));
      this.#record(atMs, firewall, xray);
      run = { atMs, ok: xray.failed.length === 0, error: xray.failed.length ? `Xray could not start ${xray.failed.join(', ')}` : null, xraySkipped: xray.skipped };
    } catch (error) {
      this.#o.log.warn(`reconcile: failed: ${(error as Error).message}`);
      run = { atMs, ok: false, error: (error as Error).message, xraySkipped: null };
    }
    this.#lastRun = run;
    return run;
  }

  #record(atMs: number, firewall: SyncResult, xray: LiveReconcile): void {
    const inbound = (tag: string, detail: string): ReconcileChange => ({ atMs, kind: 'inbound', tag, port: null, detail });
    const rules = (port: number, detail: string): ReconcileChange => ({ atMs, kind: 'firewall_rules', tag: null, port, detail });
    const removed = [
      ...xray.removed.map((tag) => inbound(tag, `inbound ${tag} was live: no active key owns it`)),
      ...firewall.removed.map((port) => rules(port, `rules for port ${port}: no key owns them`)),
    ];
    const restored = [
      ...xray.added.map((tag) => inbound(tag, `inbound ${tag} of an active key was missing`)),
      ...firewall.added.map((port) => rules(port, `rules for port ${port} of a key were missing`)),
      ...firewall.repaired.map((port) => rules(port, `rules for port ${port} were half made and were made again`)),
      ...firewall.reblocked.map((port) => rules(port, `the block on port ${port} did not match its key's state`)),
    ];
    keepLatest(this.#removed, removed);
    keepLatest(this.#restored, restored);
    if (removed.length > 0) this.#o.log.warn(`reconcile: removed ${removed.map((change) => change.detail).join('; ')}`);
    if (restored.length > 0) this.#o.log.warn(`reconcile: restored ${restored.map((change) => change.detail).join('; ')}`);
  }
}

function keepLatest(list: ReconcileChange[], added: readonly ReconcileChange[]): void {
  list.push(...added);
  list.splice(0, Math.max(list.length - KEPT, 0));
}
