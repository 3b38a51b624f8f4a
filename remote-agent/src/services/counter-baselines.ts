/** The port a counter id names: `ipset:kind:port`, or as retired `kind:port` (nftables), `family:kind:port` (iptables chains). */
export const counterPort = (counterId: string): number => Number(counterId.slice(counterId.lastIndexOf(':') + 1));

/** The ipset counters' kinds, in the order of PortBaselines' arrays. */
export const PORT_KINDS = ['rx', 'tx', 'syn'] as const;
export type PortKind = (typeof PORT_KINDS)[number];
const KIND_INDEX: Readonly<Record<string, 0 | 1 | 2>> = { rx: 0, tx: 1, syn: 2 };
const IPSET_PREFIX = 'ipset:';

/** The ipset counters' baselines by kind (rx, tx, syn), indexed by port: NaN where there is none. */
export type PortBaselines = readonly [Float64Array, Float64Array, Float64Array];

/** `ipset:KIND:PORT` as its parts; undefined for ids of other shapes (the accounting of before). */
export function ipsetCounterOf(counterId: string): { kind: 0 | 1 | 2; port: number } | undefined {
  if (!counterId.startsWith(IPSET_PREFIX)) return undefined;
  const separator = counterId.indexOf(':', IPSET_PREFIX.length);
  if (separator < 0) return undefined;
  const kind = KIND_INDEX[counterId.slice(IPSET_PREFIX.length, separator)];
  const portText = counterId.slice(separator + 1);
  const port = Number(portText);
  if (kind === undefined || !/^\d+$/.test(portText) || port > 65535) return undefined;
  return { kind, port };
}

const ipsetId = (kind: number, port: number) => `${IPSET_PREFIX}${PORT_KINDS[kind]}:${port}`;

/**
 * The firewall counters' last values as stored (a copy of the baseline tables): the ipset ones in
 * arrays indexed by port (the sampler compares 30,000 of them a cycle), the rest by id, indexed by
 * port, so that forgetting one port's counters costs the counters it has, not all of them.
 */
export class CounterBaselines {
  readonly byPort: PortBaselines = [
    new Float64Array(65536).fill(Number.NaN),
    new Float64Array(65536).fill(Number.NaN),
    new Float64Array(65536).fill(Number.NaN),
  ];
  readonly #values = new Map<string, number>();
  readonly #idsByPort = new Map<number, Set<string>>();

  constructor(stored: ReadonlyMap<string, number>) {
    for (const [counterId, value] of stored) this.set(counterId, value);
  }

  get(counterId: string): number | undefined {
    const ipset = ipsetCounterOf(counterId);
    if (!ipset) return this.#values.get(counterId);
    const value = this.byPort[ipset.kind][ipset.port]!;
    return Number.isNaN(value) ? undefined : value;
  }

  set(counterId: string, value: number): void {
    const ipset = ipsetCounterOf(counterId);
    if (ipset) {
      this.byPort[ipset.kind][ipset.port] = value;
      return;
    }
    if (!this.#values.has(counterId)) {
      const port = counterPort(counterId);
      let ids = this.#idsByPort.get(port);
      if (!ids) this.#idsByPort.set(port, (ids = new Set()));
      ids.add(counterId);
    }
    this.#values.set(counterId, value);
  }

  ids(): string[] {
    const ids = [...this.#values.keys()];
    for (let kind = 0; kind < PORT_KINDS.length; kind += 1) {
      this.byPort[kind]!.forEach((value, port) => {
        if (!Number.isNaN(value)) ids.push(ipsetId(kind, port));
      });
    }
    return ids;
  }

  delete(counterId: string): void {
    const ipset = ipsetCounterOf(counterId);
    if (ipset) {
      this.byPort[ipset.kind][ipset.port] = Number.NaN;
      return;
    }
    if (!this.#values.delete(counterId)) return;
    const port = counterPort(counterId);
    const ids = this.#idsByPort.get(port);
    ids?.delete(counterId);
    if (ids?.size === 0) this.#idsByPort.delete(port);
  }

  /** Forgets the counters of these ports (those of one address family, or all) and returns their ids. */
  forgetPorts(ports: Iterable<number>, family?: string): string[] {
    const forgotten: string[] = [];
    for (const port of ports) {
      for (const counterId of this.#idsByPort.get(port) ?? []) {
        if (family === undefined || counterId.startsWith(`${family}:`)) forgotten.push(counterId);
      }
      if ((family === undefined || `${family}:` === IPSET_PREFIX) && port >= 0 && port <= 65535) {
        for (let kind = 0; kind < PORT_KINDS.length; kind += 1) if (!Number.isNaN(this.byPort[kind]![port])) forgotten.push(ipsetId(kind, port));
      }
    }
    for (const counterId of forgotten) this.delete(counterId);
    return forgotten;
  }
}
