/** The port a counter id names: `ipset:kind:port`, or as retired `kind:port` (nftables), `family:kind:port` (iptables chains). */
export const counterPort = (counterId: string): number => Number(counterId.slice(counterId.lastIndexOf(':') + 1));

/**
 * The firewall counters' last values as stored (a copy of the counter_baselines table), indexed
 * by port, so that forgetting one port's counters costs the counters it has, not all of them.
 */
export class CounterBaselines {
  readonly #values = new Map<string, number>();
  readonly #idsByPort = new Map<number, Set<string>>();

  constructor(stored: ReadonlyMap<string, number>) {
    for (const [counterId, value] of stored) this.set(counterId, value);
  }

  get(counterId: string): number | undefined {
    return this.#values.get(counterId);
  }

  set(counterId: string, value: number): void {
    if (!this.#values.has(counterId)) {
      const port = counterPort(counterId);
      let ids = this.#idsByPort.get(port);
      if (!ids) this.#idsByPort.set(port, (ids = new Set()));
      ids.add(counterId);
    }
    this.#values.set(counterId, value);
  }

  ids(): string[] {
    return [...this.#values.keys()];
  }

  delete(counterId: string): void {
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
    }
    for (const counterId of forgotten) this.delete(counterId);
    return forgotten;
  }
}
