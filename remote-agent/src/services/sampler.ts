import { utcDay } from '../api/calendar.ts';
import type { Logger } from '../lib/logger.ts';
import { CounterBaselines, counterPort } from './counter-baselines.ts';
import type { FirewallSnapshot, PortFirewall, RetiredCounters } from './firewall/port-firewall.ts';
import { readSocketTable } from './net/socket-table.ts';
import type { KeyRecord, KeyStore } from './store/key-store.ts';
import type { KeyCycleDelta, PortBaselineChange, TrafficStore } from './store/traffic-store.ts';

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
/** A cycle the limits ask for comes no sooner than this after the one before. */
export const EARLY_CYCLE_MIN_MS = 1000;
const NO_TRAFFIC: LiveTraffic = { connections: 0, rateBytesPerSec: 0 };

/** The keys in id order (the order the traffic store writes in), each one's place there, and per place the day's highest connection count so far. */
interface KeysById {
  readonly keys: readonly KeyRecord[];
  readonly places: ReadonlyMap<string, number>;
  readonly dayMax: Float64Array;
}

/** What the last cycle saw of each key, by its place in the KeysById it ran over. */
interface LiveByPlace {
  readonly places: ReadonlyMap<string, number>;
  readonly connections: Float64Array;
  readonly rates: Float64Array;
}

/** One cycle's deltas by kind (rx, tx, syn), indexed by port; `moved` lists the ports with any, to clear after. */
interface PortDeltas {
  readonly byKind: readonly [Float64Array, Float64Array, Float64Array];
  readonly moved: number[];
}

/** What a cycle read, against the baselines: the deltas, and the new baselines to store with them. */
interface CycleDeltas {
  /** The ipset counters that changed, per port, in port order. */
  portBaselines: PortBaselineChange[];
  /** Counters of other shapes that changed, by id. */
  baselines: Map<string, number>;
}

const KIND_OF_ID: Readonly<Record<string, 0 | 1 | 2>> = { rx: 0, tx: 1, syn: 2 };

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
  readonly #afterRecord: (atMs: number, deltas: readonly KeyCycleDelta[]) => number | undefined;
  #early: { timer: NodeJS.Timeout; atMs: number } | undefined;
  #baselines: CounterBaselines;
  #live: LiveByPlace = { places: new Map(), connections: new Float64Array(0), rates: new Float64Array(0) };
  #day = '';
  #previousCycleAtMs: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<CycleReport> | undefined;
  /** Ports whose counters were forgotten while a cycle was in flight (all families, or by family): that cycle's readings of them are stale. */
  #staleMidCycle = { all: new Set<number>(), byFamily: new Map<string, Set<number>>() };
  #lastCycle: CycleReport | null = null;
  #lastPruneMs = 0;
  readonly #counterParts = new Map<string, { kind: 0 | 1 | 2 | undefined; port: number }>();
  readonly #deltas: PortDeltas = {
    byKind: [new Float64Array(65536), new Float64Array(65536), new Float64Array(65536)],
    moved: [],
  };
  #byId: KeysById = { keys: [], places: new Map(), dayMax: new Float64Array(0) };

  constructor(options: {
    firewall: PortFirewall;
    keys: KeyStore;
    traffic: TrafficStore;
    intervalMs: number;
    now?: () => number;
    log: Logger;
    /**
     * Called after each cycle's bytes are stored, with them (the limits are judged there); may
     * answer when (on the `now` clock) it wants the next cycle, which runs then if that is sooner
     * than the next interval's, but not within EARLY_CYCLE_MIN_MS.
     */
    afterRecord?: (atMs: number, deltas: readonly KeyCycleDelta[]) => number | undefined;
  }) {
    this.#firewall = options.firewall;
    this.#keys = options.keys;
    this.#traffic = options.traffic;
    this.#intervalMs = options.intervalMs;
    this.#now = options.now ?? Date.now;
    this.#log = options.log;
    this.#afterRecord = options.afterRecord ?? (() => undefined);
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
    clearTimeout(this.#early?.timer);
    this.#early = undefined;
    await this.#running;
  }

  live(keyId: string): LiveTraffic {
    const live = this.#live;
    const place = live.places.get(keyId);
    return place === undefined ? NO_TRAFFIC : { connections: live.connections[place]!, rateBytesPerSec: live.rates[place]! };
  }

  /**
   * The last values of an older agent's counters (keyed `v4:rx:PORT` for the iptables chains,
   * `rx:PORT` for the nftables table; frozen: nothing counts into them any more), recorded
   * against their baselines like a cycle's readings.
   */
  absorbRetired(counters: Map<string, number>): void {
    const atMs = this.#now();
    const changed = this.#deltasOf({ counters });
    const [rx, tx, syn] = this.#deltas.byKind;
    const deltas: KeyCycleDelta[] = [];
    try {
      for (const key of this.#keys.list()) {
        if (rx[key.port]! + tx[key.port]! + syn[key.port]! > 0) {
          deltas.push({ keyId: key.id, rxBytes: rx[key.port]!, txBytes: tx[key.port]!, newConnections: syn[key.port]!, connections: 0 });
        }
      }
    } finally {
      this.#clearDeltas();
    }
    // The baselines stay until the old objects are gone: a restart in between finds them equal, so counts nothing twice.
    this.#traffic.recordCycle({ atMs, day: utcDay(atMs), deltas, baselines: changed.baselines, portBaselines: changed.portBaselines });
    this.#keepBaselines(changed);
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

  /** Whether an ipset counter of this port was forgotten while the cycle read it. */
  #isStalePort(port: number): boolean {
    const { all, byFamily } = this.#staleMidCycle;
    if (all.size === 0 && byFamily.size === 0) return false;
    return all.has(port) || byFamily.get('ipset')?.has(port) === true;
  }

  forgetKey(keyId: string): void {
    const live = this.#live.places.get(keyId);
    if (live !== undefined) this.#live.connections[live] = this.#live.rates[live] = 0;
    const place = this.#byId.places.get(keyId);
    if (place !== undefined) this.#byId.dayMax[place] = 0;
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
      const reading = Promise.all([this.#firewall.read(), readSocketTable()]);
      // Placed again (when the list changed) while ipset save runs, instead of after it.
      this.#keysById();
      const [snapshot, sockets] = await reading;
      const byId = this.#keysById();
      const day = utcDay(atMs);
      if (day !== this.#day) {
        this.#day = day;
        byId.dayMax.fill(0);
      }
      const changed = this.#deltasOf(snapshot);
      const elapsedSec = Math.max((atMs - (this.#previousCycleAtMs ?? atMs - this.#intervalMs)) / 1000, 0.001);
      const { keys, dayMax } = byId;
      const deltas: KeyCycleDelta[] = [];
      const live: LiveByPlace = { places: byId.places, connections: new Float64Array(keys.length), rates: new Float64Array(keys.length) };
      const [rxOf, txOf, synOf] = this.#deltas.byKind;
      try {
        for (let place = 0; place < keys.length; place += 1) {
          const key = keys[place]!;
          const rx = rxOf[key.port]!;
          const tx = txOf[key.port]!;
          const syn = synOf[key.port]!;
          const connections = sockets.established.get(key.port) ?? 0;
          live.connections[place] = connections;
          live.rates[place] = (rx + tx) / elapsedSec;
          if (rx + tx + syn > 0 || connections > dayMax[place]!) {
            deltas.push({ keyId: key.id, rxBytes: rx, txBytes: tx, newConnections: syn, connections });
          }
        }
      } finally {
        this.#clearDeltas();
      }
      this.#traffic.recordCycle({ atMs, day, deltas, baselines: changed.baselines, portBaselines: changed.portBaselines });
      // Only once stored: a cycle that failed leaves the day's maximum to the next one to write.
      for (let place = 0; place < keys.length; place += 1) dayMax[place] = Math.max(dayMax[place]!, live.connections[place]!);
      this.#keepBaselines(changed);
      this.#runEarly(atMs, this.#afterRecord(atMs, deltas));
      this.#live = live;
      this.#previousCycleAtMs = atMs;
      this.#pruneSamples(atMs);
      report = { atMs, durationMs: performance.now() - startedMs, keys: keys.length, keysWithTraffic: deltas.length, ok: true, error: null };
    } catch (error) {
      this.#log.warn(`sampling cycle failed: ${(error as Error).message}`);
      report = { atMs, durationMs: performance.now() - startedMs, keys: 0, keysWithTraffic: 0, ok: false, error: (error as Error).message };
    }
    this.#lastCycle = report;
    return report;
  }

  /** A cycle at `wantedAtMs` when the interval's next would come later (only while the timer runs). */
  #runEarly(atMs: number, wantedAtMs: number | undefined): void {
    if (this.#timer === undefined || wantedAtMs === undefined) return;
    const runAtMs = Math.max(wantedAtMs, atMs + EARLY_CYCLE_MIN_MS);
    if (runAtMs >= atMs + this.#intervalMs || (this.#early && this.#early.atMs <= runAtMs)) return;
    clearTimeout(this.#early?.timer);
    const timer = setTimeout(() => {
      this.#early = undefined;
      void this.cycle();
    }, runAtMs - this.#now());
    timer.unref();
    this.#early = { timer, atMs: runAtMs };
  }

  /** The keys by id, the order the store writes in, each one's place there; placed again only when the list changed, each key keeping its day's maximum. */
  #keysById(): KeysById {
    const keys = this.#keys.listById();
    const before = this.#byId;
    if (before.keys === keys) return before;
    const places = new Map<string, number>();
    const dayMax = new Float64Array(keys.length);
    keys.forEach((key, place) => {
      places.set(key.id, place);
      const was = before.places.get(key.id);
      if (was !== undefined) dayMax[place] = before.dayMax[was]!;
    });
    this.#byId = { keys, places, dayMax };
    return this.#byId;
  }

  /** A counter id's kind and port, cut once per id. */
  #counterOf(counterId: string): { kind: 0 | 1 | 2 | undefined; port: number } {
    let counter = this.#counterParts.get(counterId);
    if (!counter) {
      // `ipset:kind:port`, or as retired: `kind:port` (nftables), `family:kind:port` (the iptables chains).
      const portAt = counterId.lastIndexOf(':');
      const kind = KIND_OF_ID[counterId.slice(counterId.lastIndexOf(':', portAt - 1) + 1, portAt)];
      counter = { kind, port: Number(counterId.slice(portAt + 1)) };
      this.#counterParts.set(counterId, counter);
    }
    return counter;
  }

  /**
   * Compares what was read with the baselines and leaves the deltas in #deltas (by kind and port):
   * the ipset counters array against array, with no string or map per counter; counters read
   * under other ids (a stand-in, an older agent's) by id.
   */
  #deltasOf(snapshot: Pick<FirewallSnapshot, 'counters' | 'byPort'>): CycleDeltas {
    // Nothing left over from a cycle that failed half-way may be counted again.
    this.#clearDeltas();
    const { byKind, moved } = this.#deltas;
    const portBaselines: PortBaselineChange[] = [];
    const baselines = new Map<string, number>();
    const add = (kind: 0 | 1 | 2, port: number, delta: number) => {
      if (byKind[0][port] === 0 && byKind[1][port] === 0 && byKind[2][port] === 0) moved.push(port);
      byKind[kind][port] = byKind[kind][port]! + delta;
    };
    const read = snapshot.byPort;
    if (read) {
      const stored = this.#baselines.byPort;
      const readByKind = [read.rx, read.tx, read.syn] as const;
      for (const port of read.ports) {
        let row: PortBaselineChange | undefined;
        for (const kind of [0, 1, 2] as const) {
          const value = readByKind[kind][port]!;
          if (Number.isNaN(value)) continue;
          const storedValue = stored[kind][port]!;
          const baseline = Number.isNaN(storedValue) ? 0 : storedValue;
          if (value === baseline || this.#isStalePort(port)) continue;
          (row ??= [port, null, null, null])[kind + 1] = value;
          add(kind, port, value > baseline ? value - baseline : value);
        }
        if (row) portBaselines.push(row);
      }
      portBaselines.sort((a, b) => a[0] - b[0]);
      return { portBaselines, baselines };
    }
    for (const [counterId, value] of snapshot.counters) {
      const baseline = this.#baselines.get(counterId) ?? 0;
      if (value === baseline) continue;
      if (this.#isStale(counterId)) continue;
      const { kind, port } = this.#counterOf(counterId);
      baselines.set(counterId, value);
      if (kind !== undefined && Number.isInteger(port) && port >= 0 && port <= 65535) add(kind, port, value > baseline ? value - baseline : value);
    }
    return { portBaselines, baselines };
  }

  #clearDeltas(): void {
    const { byKind, moved } = this.#deltas;
    for (const port of moved) byKind[0][port] = byKind[1][port] = byKind[2][port] = 0;
    moved.length = 0;
  }

  /** The baselines just stored, in the copy in memory. */
  #keepBaselines({ portBaselines, baselines }: CycleDeltas): void {
    const stored = this.#baselines.byPort;
    for (const [port, ...values] of portBaselines) {
      for (const kind of [0, 1, 2] as const) if (values[kind] !== null) stored[kind][port] = values[kind]!;
    }
    for (const [counterId, value] of baselines) this.#baselines.set(counterId, value);
  }

  #pruneSamples(atMs: number): void {
    if (atMs - this.#lastPruneMs < 3600_000) return;
    this.#lastPruneMs = atMs;
    this.#traffic.pruneSamples(atMs - SAMPLE_RETENTION_MS);
  }
}
