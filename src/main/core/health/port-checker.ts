import type { PortCheck } from '../../../shared/contract/server-health.ts';
import type { PortRange } from '../../../shared/contract/servers.ts';
import { probeTcpPort } from './probe-tcp-port.ts';

/** A few seconds: long enough for a far server, short enough for a status call to wait for it. */
export const PORT_CHECK_TIMEOUT_MS = 3_000;
/** A status refresh every few seconds reuses the last answer rather than connecting again. */
export const PORT_CHECK_CACHE_MS = 60_000;

export interface PortCheckTarget {
  host: string;
  port: number;
  keyName: string;
  keyPorts: PortRange | null;
}

export interface PortCheckerOptions {
  timeoutMs?: number;
  cacheMs?: number;
  now?: () => number;
}

/** Checks key ports from this machine, remembering each server's last answer for a while. */
export class PortChecker {
  readonly #timeoutMs: number;
  readonly #cacheMs: number;
  readonly #now: () => number;
  readonly #last = new Map<string, { at: number; check: PortCheck }>();

  constructor(options: PortCheckerOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? PORT_CHECK_TIMEOUT_MS;
    this.#cacheMs = options.cacheMs ?? PORT_CHECK_CACHE_MS;
    this.#now = options.now ?? Date.now;
  }

  /** The server's last check, while it is fresh enough to stand for now. */
  recent(serverId: string): PortCheck | null {
    const last = this.#last.get(serverId);
    return last && this.#now() - last.at < this.#cacheMs ? last.check : null;
  }

  async check(serverId: string, target: PortCheckTarget): Promise<PortCheck> {
    const result = await probeTcpPort(target.host, target.port, this.#timeoutMs);
    const at = this.#now();
    const check: PortCheck = {
      host: target.host,
      port: target.port,
      keyName: target.keyName,
      ...result,
      timeoutMs: this.#timeoutMs,
      keyPorts: target.keyPorts ? { ...target.keyPorts } : null,
      checkedAt: new Date(at).toISOString(),
    };
    this.#last.set(serverId, { at, check });
    return check;
  }

  forget(serverId: string): void {
    this.#last.delete(serverId);
  }
}
