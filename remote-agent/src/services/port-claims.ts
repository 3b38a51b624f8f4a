import { portIsFree } from './net/port-probe.ts';
import type { KeyStore, PortRange } from './store/key-store.ts';

/** A port another program was found listening on is not asked about again for this long. */
const BUSY_MEMORY_MS = 60_000;

/**
 * Finds the port for a new key: the lowest one that no key holds, no caller is still checking,
 * and nothing else listens on, asked of the kernel for that one port. A key change so costs the
 * same at any number of keys and listeners. The caller stores the key on the port with nothing
 * awaited in between, then calls release().
 */
export class PortClaims {
  readonly #keys: KeyStore;
  readonly #now: () => number;
  readonly #claimed = new Set<number>();
  readonly #busyUntil = new Map<number, number>();

  constructor(keys: KeyStore, now: () => number = Date.now) {
    this.#keys = keys;
    this.#now = now;
  }

  /** Throws PortsExhaustedError when no port of the range is left. */
  async claim(range: PortRange, isReserved: (port: number) => boolean): Promise<number> {
    // Each turn either returns or marks one more port busy, so the loop ends within the range.
    for (;;) {
      const port = this.#keys.lowestFreePort(range, (candidate) => this.#claimed.has(candidate) || isReserved(candidate) || this.#knownBusy(candidate));
      this.#claimed.add(port);
      let free: boolean;
      try {
        free = await portIsFree(port);
      } catch (error) {
        this.#claimed.delete(port);
        throw error;
      }
      if (free) return port;
      this.#claimed.delete(port);
      this.#busyUntil.set(port, this.#now() + BUSY_MEMORY_MS);
    }
  }

  release(port: number): void {
    this.#claimed.delete(port);
  }

  #knownBusy(port: number): boolean {
    const until = this.#busyUntil.get(port);
    if (until === undefined) return false;
    if (until > this.#now()) return true;
    this.#busyUntil.delete(port);
    return false;
  }
}
