import { utcDay } from '../api/calendar.ts';
import type { Logger } from '../lib/logger.ts';
import { CounterBaselines, counterPort } from './counter-baselines.ts';
import type { PortFirewall, RetiredCounters } from './firewall/port-firewall.ts';
import { readSocketTable } from './net/socket-table.ts';
import type { KeyRecord, KeyStore } from './store/key-store.ts';
import type { KeyCycleDelta, TrafficStore } from './store/traffic-store.ts';

export interface LiveTraffic {
  connections: number;
  /** Bytes per second, both directions, over the last sampling interval. */
  rateBytesPerSec: number;
}

export interface CycleReport {
  atMs: number;
  durationMs: number;
  keys: number;
  keysWithTraffic: number;
  ok: boolean;
  error: string | null;
}

const SAMPLE_RETENTION_MS = 48 * 3600_000;
const NO_TRAFFIC: LiveTraffic = { connections: 0, rateBytesPerSec: 0 };

interface PortDelta {
  rx: number;
  tx: number;
  syn: number;
}

/**
 * Once per interval: one read of every firewall counter and of the socket table, deltas against the
 * stored baselines (a counter that went backwards was reset, so its whole value is new), and one
 * transaction that writes the deltas together with the new baselines.
 */
export class Sampler implements RetiredCounters {
  readonly #firewall: PortFirewall;
  readonly #keys: KeyStore;
  readonly #traffic: TrafficStore;
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #log: Logger;
  #baselines: CounterBaselines;
  #live = new Map<string, LiveTraffic>();
  #dayMaxConnections = new Map<string, number>();
  #day = '';
  #previousCycleAtMs: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<CycleReport> | undefined;
  /** Ports whose counters were forgotten while a cycle was in flight (all families, or by family): that cycle's readings of them are stale. */
  #staleMidCycle = { all: new Set<number>(), byFamily: new Map<string, Set<number>>() };
  #lastCycle: CycleReport | null = null;
  #lastPruneMs = 0;
  readonly #counterParts = new Map<string, { kind: keyof PortDelta; port: number }>();
  #sortedKeys: { of: readonly KeyRecord[] | undefined; byId: readonly KeyRecord[] } = { of: undefined, byId: [] };

  constructor(options: {
    firewall: PortFirewall;
    keys: KeyStore;
    traffic: TrafficStore;
    intervalMs: number;
    now?: () => number;
    log: Logger;
  }) {
    this.#firewall = options.firewall;
    this.#keys = options.keys;
    this.#traffic = options.traffic;
    this.#intervalMs = options.intervalMs;
    this.#now = options.now ?? Date.now;
    this.#log = options.log;
    this.#baselines = new CounterBaselines(this.#traffic.loadBaselines());
  }

  get intervalMs(): number {
    return this.#intervalMs;
  }

  get lastCycle(): CycleReport | null {
    return this.#lastCycle;
  }

  get isRunning(): boolean {
    return this.#timer !== undefined;
  }

  start(): void {
    this.#timer = setInterval(() => void this.cycle(), this.#intervalMs);
  }

  /** Stops the timer and waits for a cycle in flight, so its transaction is not cut off. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  live(keyId: string): LiveTraffic {
    return this.#live.get(keyId) ?? NO_TRAFFIC;
  }

  /**
   * The last values of an older agent's counters (keyed `v4:rx:PORT` for the iptables chains,
   * `rx:PORT` for the nftables table; frozen: nothing counts into them any more), recorded
   * against their baselines like a cycle's readings.
   */
  absorbRetired(counters: Map<string, number>): void {
    const atMs = this.#now();
    const { portDeltas, baselines } = this.#deltasOf(counters);
    const deltas: KeyCycleDelta[] = [];
    for (const key of this.#keys.list()) {
      const moved = portDeltas.get(key.port);
      if (moved && moved.rx + moved.tx + moved.syn > 0) {
        deltas.push({ keyId: key.id, rxBytes: moved.rx, txBytes: moved.tx, newConnections: moved.syn, connections: 0 });
      }
    }
    // The baselines stay until the old objects are gone: a restart in between finds them equal, so counts nothing twice.
    this.#traffic.recordCycle({ atMs, day: utcDay(atMs), deltas, baselines });
    for (const [counterId, value] of baselines) this.#baselines.set(counterId, value);
  }

  /** Forgets the baselines of the accounting of before: the iptables chains (`v4:…`), the nftables table (`rx:…`). */
  dropRetiredBaselines(): void {
    for (const counterId of this.#baselines.ids()) {
      if (/^(v[46]|rx|tx|syn):/.test(counterId)) this.#baselines.delete(counterId);
    }
    this.#traffic.forgetRetiredBaselines();
  }

  /**
   * Ports whose rules are being created afresh (in one address family, or all): their counters
   * restart from zero. A cycle in flight read the old rules, so it leaves these counters alone.
   */
  forgetPorts(ports: readonly number[], family?: string): void {
    if (ports.length === 0) return;
    if (this.#running) {
      const stale = this.#staleMidCycle;
      let marked = family === undefined ? stale.all : stale.byFamily.get(family);
      if (!marked) stale.byFamily.set(family!, (marked = new Set()));
      for (const port of ports) marked.add(port);
    }
    // The copy in memory is the table's, so the rows to delete are known by id: no scan of the table.
    this.#traffic.forgetBaselines(this.#baselines.forgetPorts(ports, family));
  }

  #isStale(counterId: string): boolean {
    const { all, byFamily } = this.#staleMidCycle;
    if (all.size === 0 && byFamily.size === 0) return false;
    const port = counterPort(counterId);
    return all.has(port) || byFamily.get(counterId.slice(0, counterId.indexOf(':')))?.has(port) === true;
  }

  forgetKey(keyId: string): void {
    this.#live.delete(keyId);
    this.#dayMaxConnections.delete(keyId);
  }

  /** Runs one cycle now; a call while one runs waits for that one instead of overlapping it. */
  cycle(): Promise<CycleReport> {
    this.#running ??= this.#runCycle().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #runCycle(): Promise<CycleReport> {
    const startedMs = performance.now();
    const atMs = this.#now();
    this.#staleMidCycle = { all: new Set(), byFamily: new Map() };
    let report: CycleReport;
    try {
      const [snapshot, sockets] = await Promise.all([this.#firewall.read(), readSocketTable()]);
      const day = utcDay(atMs);
      if (day !== this.#day) {
        this.#day = day;
        this.#dayMaxConnections.clear();
      }
      const { portDeltas, baselines } = this.#deltasOf(snapshot.counters);
      const elapsedSec = Math.max((atMs - (this.#previousCycleAtMs ?? atMs - this.#intervalMs)) / 1000, 0.001);
      const deltas: KeyCycleDelta[] = [];
      const live = new Map<string, LiveTraffic>();
      for (const key of this.#keysById()) {
        const moved = portDeltas.get(key.port) ?? { rx: 0, tx: 0, syn: 0 };
        const connections = sockets.established.get(key.port) ?? 0;
        live.set(key.id, { connections, rateBytesPerSec: (moved.rx + moved.tx) / elapsedSec });
        const dayMax = this.#dayMaxConnections.get(key.id) ?? 0;
        if (moved.rx + moved.tx + moved.syn > 0 || connections > dayMax) {
          this.#dayMaxConnections.set(key.id, Math.max(dayMax, connections));
          deltas.push({ keyId: key.id, rxBytes: moved.rx, txBytes: moved.tx, newConnections: moved.syn, connections });
        }
      }
      this.#traffic.recordCycle({ atMs, day, deltas, baselines });
      for (const [counterId, value] of baselines) this.#baselines.set(counterId, value);
      this.#live = live;
      this.#previousCycleAtMs = atMs;
      this.#pruneSamples(atMs);
      report = { atMs, durationMs: performance.now() - startedMs, keys: live.size, keysWithTraffic: deltas.length, ok: true, error: null };
    } catch (error) {
      this.#log.warn(`sampling cycle failed: ${(error as Error).message}`);
      report = { atMs, durationMs: performance.now() - startedMs, keys: 0, keysWithTraffic: 0, ok: false, error: (error as Error).message };
    }
    this.#lastCycle = report;
    return report;
  }

  /** The keys by id, the order the store writes in; sorted again only when the list changed. */
  #keysById(): readonly KeyRecord[] {
    const keys = this.#keys.list();
    if (this.#sortedKeys.of !== keys) {
      this.#sortedKeys = { of: keys, byId: [...keys].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
    }
    return this.#sortedKeys.byId;
  }

  /** A counter id's kind and port, cut once per id: 30,000 ids a cycle when every port moved. */
  #counterOf(counterId: string): { kind: keyof PortDelta; port: number } {
    let counter = this.#counterParts.get(counterId);
    if (!counter) {
      // `ipset:kind:port`, or as retired: `kind:port` (nftables), `family:kind:port` (the iptables chains).
      const portAt = counterId.lastIndexOf(':');
      const kind = counterId.slice(counterId.lastIndexOf(':', portAt - 1) + 1, portAt) as keyof PortDelta;
      counter = { kind, port: Number(counterId.slice(portAt + 1)) };
      this.#counterParts.set(counterId, counter);
    }
    return counter;
  }

  #deltasOf(counters: Map<string, number>): { portDeltas: Map<number, PortDelta>; baselines: Map<string, number> } {
    const portDeltas = new Map<number, PortDelta>();
    const baselines = new Map<string, number>();
    for (const [counterId, value] of counters) {
      const baseline = this.#baselines.get(counterId) ?? 0;
      if (value === baseline) continue;
      if (this.#isStale(counterId)) continue;
      const { kind, port } = this.#counterOf(counterId);
      baselines.set(counterId, value);
      const delta = value > baseline ? value - baseline : value;
      let entry = portDeltas.get(port);
      if (!entry) {
        entry = { rx: 0, tx: 0, syn: 0 };
        portDeltas.set(port, entry);
      }
      entry[kind] += delta;
    }
    return { portDeltas, baselines };
  }

  #pruneSamples(atMs: number): void {
    if (atMs - this.#lastPruneMs < 3600_000) return;
    this.#lastPruneMs = atMs;
    this.#traffic.pruneSamples(atMs - SAMPLE_RETENTION_MS);
  }
}
