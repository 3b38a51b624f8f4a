import { SerialQueue } from '../../lib/coalesce.ts';
import type { Logger } from '../../lib/logger.ts';
import { runCommand } from '../../lib/run-command.ts';
import { CHAIN_OPEN, openRules } from './iptables-rules.ts';
import { LEGACY_FAMILIES, deleteChains, deleteJumps, legacyCounters, mustRun, nftJumpDeletions, readLegacy, type LegacyFamily } from './legacy-chains.ts';
import {
  NFT_TABLE,
  applyLines,
  blockLines,
  deleteTableScript,
  layoutScript,
  parseTable,
  removeLines,
  script,
  unblockLines,
  type DesiredPort,
  type PortRules,
} from './nft-rules.ts';

export type { DesiredPort, PortRules };
export type FamilyLabel = LegacyFamily['label'];

export interface FirewallSnapshot {
  /** Raw counter values keyed `kind:port` (kind rx/tx bytes, syn packets), IPv4 and IPv6 together. */
  counters: Map<string, number>;
  ports: Map<number, PortRules>;
}

export interface SyncResult {
  added: number[];
  removed: number[];
  /** Half-made rules, deleted and made again (their counters restart). */
  repaired: number[];
  /** Complete rules whose block did not match the key's state. */
  reblocked: number[];
}

/** Who takes the old iptables chains' last counter values, so no byte they counted is lost. */
export interface RetiredCounters {
  /** Records the counters (keyed `v4:rx:PORT`, as stored before) against their baselines. */
  absorbRetired(counters: Map<string, number>): void;
  /** The old chains are gone: their baselines can go too. */
  dropRetiredBaselines(): void;
}

const NO_HISTORY: RetiredCounters = { absorbRetired() {}, dropRetiredBaselines() {} };

const NFT_MISSING = 'the nft command is missing: install the OS package nftables (apt-get install nftables, or dnf install nftables)';

/**
 * Owns the agent's nftables table: per-port counters in sets (one lookup per packet, whatever the
 * number of keys), the set of disabled ports, and the one read of all counters per sampling cycle.
 * Changes are serialized and each is one `nft -f -` transaction of element adds and removes.
 * Also owns the iptables chain that opens the key port range on hosts whose INPUT drops.
 */
export class PortFirewall {
  readonly #log: Logger;
  readonly #range: { from: number; to: number };
  readonly #open: ReadonlySet<FamilyLabel>;
  #available = false;
  #unavailableReason: string | null = 'not prepared yet';
  readonly #queue = new SerialQueue();

  /** `open`: the families whose INPUT drops by default, where the agent also accepts the key port range. */
  constructor(log: Logger, portRange: { from: number; to: number }, open: Iterable<FamilyLabel> = []) {
    this.#log = log;
    this.#range = portRange;
    this.#open = new Set(open);
  }

  get available(): boolean {
    return this.#available;
  }

  /** Why traffic is not counted, or null while it is. */
  get unavailableReason(): string | null {
    return this.#unavailableReason;
  }

  /**
   * Makes the table, its sets and chains; moves the ports of an older agent's iptables chains into
   * it (their last counters go to `history`, then the chains are removed); opens the key port range
   * in iptables where asked.
   */
  async prepare(history: RetiredCounters = NO_HISTORY): Promise<void> {
    await this.#serialized(async () => {
      this.#available = false;
      try {
        await this.#prepareTable(history);
        this.#available = true;
        this.#unavailableReason = null;
      } catch (error) {
        this.#unavailableReason = error instanceof NftMissing ? NFT_MISSING : `nftables failed: ${(error as Error).message}`;
        this.#log.warn(`firewall unavailable, traffic is not counted: ${this.#unavailableReason}`);
      }
      for (const family of LEGACY_FAMILIES) {
        try {
          await this.#prepareOpen(family);
        } catch (error) {
          this.#log.warn(`${family.iptables}: could not set up ${CHAIN_OPEN}: ${String(error)}`);
        }
      }
    });
  }

  async #prepareTable(history: RetiredCounters): Promise<void> {
    try {
      await runCommand('nft', ['--version']);
    } catch {
      throw new NftMissing();
    }
    const legacy = await readLegacy();
    // The old chains' ports start in the sets in the same transaction that stops the chains
    // (iptables-nft keeps their jumps in nftables), so every byte is counted by one or the other.
    const carried = new Map<number, boolean>();
    for (const state of legacy) for (const [port, rules] of state.ports) carried.set(port, (carried.get(port) ?? false) || rules.blocked);
    const switchLines = [
      ...applyLines([...carried].map(([port, blocked]) => ({ port, blocked }))),
      ...(await Promise.all(legacy.map((state) => nftJumpDeletions(state.family)))).flat(),
    ];
    try {
      await mustRun('nft', ['-f', '-'], layoutScript() + script(switchLines));
    } catch (error) {
      // A table of another shape (say, sets without counters): made again, its counters restart.
      this.#log.warn(`nftables: table inet ${NFT_TABLE} made again: ${(error as Error).message}`);
      await runCommand('nft', ['-f', '-'], { input: deleteTableScript() });
      await mustRun('nft', ['-f', '-'], layoutScript() + script(switchLines));
    }
    if (legacy.length === 0) {
      history.dropRetiredBaselines();
      return;
    }
    for (const state of legacy) await deleteJumps(state.family);
    // Nothing jumps into the old chains now: their counters hold still and are read once more.
    history.absorbRetired(legacyCounters(await readLegacy()));
    for (const state of legacy) await deleteChains(state.family);
    history.dropRetiredBaselines();
    this.#log.info(`firewall: ${carried.size} port(s) moved from the iptables chains to nftables table inet ${NFT_TABLE}`);
  }

  /**
   * With the family open: KEYPORT_OPEN accepts the range, jumped to first in INPUT (counting and
   * disabled keys' reset happen before, in the nftables table). Made anew at each start, so it
   * outlives reboots and flushes; without it, any left from before is removed.
   */
  async #prepareOpen(family: LegacyFamily): Promise<void> {
    const wanted = this.#open.has(family.label);
    let listed: string;
    try {
      listed = await mustRun(family.iptables, ['-w', '-S', 'INPUT']);
    } catch (error) {
      if (wanted) throw error;
      return;
    }
    const rules = openRules(this.#range);
    for (const line of listed.split('\n').filter((rule) => rule.startsWith('-A INPUT ') && rule.endsWith(`-j ${CHAIN_OPEN}`))) {
      await mustRun(family.iptables, ['-w', '-D', ...line.slice(3).split(' ')]);
    }
    if (!wanted) {
      await runCommand(family.iptables, ['-w', '-F', CHAIN_OPEN]);
      await runCommand(family.iptables, ['-w', '-X', CHAIN_OPEN]);
      return;
    }
    await runCommand(family.iptables, ['-w', '-N', CHAIN_OPEN]);
    await mustRun(family.iptables, ['-w', '-F', CHAIN_OPEN]);
    await mustRun(family.iptables, ['-w', '-A', CHAIN_OPEN, ...rules.accept]);
    await mustRun(family.iptables, ['-w', '-I', 'INPUT', '1', ...rules.jump]);
    this.#log.info(`${family.iptables}: INPUT accepts ${this.#range.from}-${this.#range.to}/tcp (chain ${CHAIN_OPEN})`);
  }

  /** One `nft -j list table`: every counter of every port at once, IPv4 and IPv6 together. */
  async read(): Promise<FirewallSnapshot> {
    const counters = new Map<string, number>();
    if (!this.#available) return { counters, ports: new Map() };
    const ports = await this.#current();
    for (const [port, rules] of ports) {
      for (const [kind, value] of rules.counters) counters.set(`${kind}:${port}`, value);
    }
    return { counters, ports };
  }

  /** Counting for a port, and its block when `blocked`; a port already counted keeps its counters. */
  addPort(port: number, blocked = false): Promise<void> {
    return this.addPorts([{ port, blocked }]);
  }

  /** Many ports in one transaction, as `addPort` does each. */
  addPorts(ports: readonly DesiredPort[]): Promise<void> {
    return this.#change(applyLines(ports));
  }

  removePort(port: number): Promise<void> {
    return this.#change(removeLines([port]));
  }

  setBlocked(port: number, blocked: boolean): Promise<void> {
    return this.#change(blocked ? blockLines([port]) : unblockLines([port]));
  }

  /** Makes one port's rules what its key needs now, in one transaction: counted, blocked or not. */
  applyPort(port: number, blocked: boolean): Promise<void> {
    return this.#change(applyLines([{ port, blocked }]));
  }

  /**
   * Makes the sets match `desired` exactly: missing ports added, stray ones removed, half-made
   * ones redone. `beforeRecreate` hears of each port whose counters restart from zero, just
   * before they do.
   */
  sync(desired: readonly DesiredPort[], beforeRecreate: (ports: number[], family?: string) => void = () => {}): Promise<SyncResult> {
    return this.#serialized(async () => {
      const result: SyncResult = { added: [], removed: [], repaired: [], reblocked: [] };
      if (!this.#available) return result;
      const current = await this.#currentOrRemade();
      const wanted = new Map(desired.map((entry) => [entry.port, entry.blocked]));
      const block: number[] = [];
      const unblock: number[] = [];
      for (const [port, rules] of current) {
        const blocked = wanted.get(port);
        if (blocked === undefined) result.removed.push(port);
        else if (rules.counters.size !== 3) result.repaired.push(port);
        else if (rules.blocked !== blocked) {
          // Only the block is wrong: fix it and keep the counters.
          (blocked ? block : unblock).push(port);
          result.reblocked.push(port);
        }
      }
      for (const port of wanted.keys()) if (!current.has(port)) result.added.push(port);
      const recreated = [...result.repaired, ...result.added];
      beforeRecreate(recreated);
      await this.#apply([
        ...removeLines([...result.removed, ...result.repaired]),
        ...applyLines(recreated.map((port) => ({ port, blocked: wanted.get(port)! }))),
        ...blockLines(block),
        ...unblockLines(unblock),
      ]);
      return result;
    });
  }

  /**
   * The sets as they are; a table removed under the agent (`nft flush ruleset`, as a reload of
   * nftables.service does) is made again, empty, so the sync can put every port back.
   */
  async #currentOrRemade(): Promise<Map<number, PortRules>> {
    try {
      return await this.#current();
    } catch (error) {
      this.#log.warn(`nftables: table inet ${NFT_TABLE} unreadable (${(error as Error).message}), made again`);
      await mustRun('nft', ['-f', '-'], layoutScript());
      return this.#current();
    }
  }

  async #current(): Promise<Map<number, PortRules>> {
    return parseTable(await mustRun('nft', ['-j', 'list', 'table', 'inet', NFT_TABLE]));
  }

  #change(lines: string[]): Promise<void> {
    return this.#serialized(() => (this.#available ? this.#apply(lines) : Promise.resolve()));
  }

  async #apply(lines: string[]): Promise<void> {
    if (lines.length > 0) await mustRun('nft', ['-f', '-'], script(lines));
  }

  #serialized<T>(task: () => Promise<T>): Promise<T> {
    return this.#queue.run(task);
  }
}

class NftMissing extends Error {}
