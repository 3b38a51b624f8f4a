import { SerialQueue } from '../../lib/coalesce.ts';
import type { Logger } from '../../lib/logger.ts';
import { runCommand } from '../../lib/run-command.ts';
import { CHAIN_OPEN, openRules } from './iptables-rules.ts';
import {
  LAYOUT,
  applyLines,
  blockLines,
  createLines,
  freshLines,
  layoutHolds,
  layoutRestore,
  COUNTER_KINDS,
  parseSave,
  SaveCountersReader,
  portRulesOf,
  removeLines,
  script,
  unblockLines,
  type DesiredPort,
  type PortRules,
  type SavedCounters,
} from './ipset-rules.ts';
import { LEGACY_FAMILIES, deleteChains, deleteJumps, legacyCounters, mustRun, mustStream, oldJumps, readLegacy, type LegacyFamily } from './legacy-chains.ts';
import { readRetiredTable, removeRetiredTable, stopRetiredTable } from './retired-nft-table.ts';

export type { DesiredPort, PortRules, SavedCounters };
export type FamilyLabel = LegacyFamily['label'];

export interface FirewallSnapshot {
  /** Raw counter values keyed `ipset:kind:port` (kind rx/tx bytes, syn packets), IPv4 and IPv6 together. */
  readonly counters: Map<string, number>;
  readonly ports: Map<number, PortRules>;
  /** The same counters indexed by port, as the sampler reads them (the maps above are made only when asked for). */
  readonly byPort?: SavedCounters;
}

export interface SyncResult {
  added: number[];
  removed: number[];
  /** Half-made rules, deleted and made again (their counters restart). */
  repaired: number[];
  /** Complete rules whose block did not match the key's state. */
  reblocked: number[];
}

/** Who takes the last counter values of an older agent's accounting, so no byte it counted is lost. */
export interface RetiredCounters {
  /** Records the counters (keyed as stored before: `v4:rx:PORT`, `rx:PORT`) against their baselines. */
  absorbRetired(counters: Map<string, number>): void;
  /** The old accounting is gone: its baselines can go too. */
  dropRetiredBaselines(): void;
}

const NO_HISTORY: RetiredCounters = { absorbRetired() {}, dropRetiredBaselines() {} };

const IPSET_MISSING = 'the ipset command is missing: install the OS package ipset (apt-get install ipset, or dnf install ipset)';
const kernelMissing = (said: string) =>
  `the kernel's ip_set is missing or cannot be loaded (modprobe ip_set ip_set_bitmap_port xt_set; a container needs them on its host): ipset said ${said}`;

/**
 * Owns the agent's accounting: per-port counters in ipset sets matched from a constant number of
 * iptables and ip6tables rules (one bitmap lookup per packet, whatever the number of keys), the
 * set of disabled ports, and the one read of all counters per sampling cycle (`ipset save`).
 * Changes are serialized and each is one `ipset -exist restore` of element adds and deletes.
 * Also owns the iptables chain that opens the key port range on hosts whose INPUT drops.
 */
export class PortFirewall {
  readonly #log: Logger;
  readonly #range: { from: number; to: number };
  readonly #open: ReadonlySet<FamilyLabel>;
  readonly #alsoOpen: readonly number[];
  #available = false;
  #unavailableReason: string | null = 'not prepared yet';
  readonly #queue = new SerialQueue();
  #pendingChange: PendingChange | undefined;

  /**
   * `open`: the families whose INPUT drops by default, where the agent also accepts the key port
   * range, and `alsoOpen`, the other ports it serves the public on (the subscription listener's).
   */
  constructor(log: Logger, portRange: { from: number; to: number }, open: Iterable<FamilyLabel> = [], alsoOpen: readonly number[] = []) {
    this.#log = log;
    this.#range = portRange;
    this.#open = new Set(open);
    this.#alsoOpen = [...new Set(alsoOpen)];
  }

  get available(): boolean {
    return this.#available;
  }

  /** Why traffic is not counted, or null while it is. */
  get unavailableReason(): string | null {
    return this.#unavailableReason;
  }

  /**
   * Opens the key port range in iptables where asked; makes the sets and rules; moves the ports of
   * an older agent's accounting (the iptables chains, or the nftables table) into the sets: their
   * last counters go to `history`, then the old objects are removed.
   */
  async prepare(history: RetiredCounters = NO_HISTORY): Promise<void> {
    await this.#serialized(async () => {
      // The open chain first: the layout then puts the block ahead of its jump in INPUT.
      for (const family of LEGACY_FAMILIES) {
        try {
          await this.#prepareOpen(family);
        } catch (error) {
          this.#log.warn(`${family.iptables}: could not set up ${CHAIN_OPEN}: ${String(error)}`);
        }
      }
      this.#available = false;
      try {
        await this.#prepareSets(history);
        this.#available = true;
        this.#unavailableReason = null;
      } catch (error) {
        this.#unavailableReason = error instanceof FirewallToolMissing ? error.message : `ipset accounting failed: ${(error as Error).message}`;
        this.#log.warn(`firewall unavailable, traffic is not counted: ${this.#unavailableReason}`);
      }
    });
  }

  async #prepareSets(history: RetiredCounters): Promise<void> {
    try {
      await runCommand('ipset', ['--version']);
    } catch {
      throw new FirewallToolMissing(IPSET_MISSING);
    }
    const legacy = await readLegacy();
    const table = await readRetiredTable(this.#log);
    const carried = new Map<number, boolean>();
    const carry = (ports: Map<number, { blocked: boolean }>) => {
      for (const [port, rules] of ports) carried.set(port, (carried.get(port) ?? false) || rules.blocked);
    };
    for (const state of legacy) carry(state.ports);
    if (table) carry(table);
    // The old ports start in the sets (a port already there, from a start cut short, keeps its
    // counters), then the rules count them; the old chains stop in the same process, right after
    // (the filter commit that follows the mangle one), the old table right after both families.
    await this.#makeSets(applyLines([...carried].map(([port, blocked]) => ({ port, blocked }))));
    await this.#ensureLayout(true);
    if (legacy.length === 0 && !table) {
      history.dropRetiredBaselines();
      return;
    }
    for (const state of legacy) await deleteJumps(state.family);
    if (table) await stopRetiredTable();
    // Nothing counts into the old objects now: their counters hold still and are read once more.
    const retired = legacyCounters(await readLegacy());
    const frozen = table ? await readRetiredTable(this.#log) : undefined;
    for (const [port, rules] of frozen ?? []) for (const [kind, value] of rules.counters) retired.set(`${kind}:${port}`, value);
    history.absorbRetired(retired);
    for (const state of legacy) await deleteChains(state.family);
    if (table) await removeRetiredTable();
    history.dropRetiredBaselines();
    this.#log.info(`firewall: ${carried.size} port(s) moved to the ipset sets from ${[...(legacy.length > 0 ? ['the iptables chains'] : []), ...(table ? ['the nftables table'] : [])].join(' and ')}`);
  }

  /** The sets where missing (those there keep their elements), then `lines`, in one process. */
  async #makeSets(lines: readonly string[]): Promise<void> {
    const result = await runCommand('ipset', ['-exist', 'restore'], { input: script([...createLines(), ...lines]) });
    if (result.exitCode === 0) return;
    const said = result.stderr.trim();
    if (/kernel|protocol/i.test(said)) throw new FirewallToolMissing(kernelMissing(said));
    throw new Error(`ipset -exist restore failed (exit ${result.exitCode}): ${said}`);
  }

  /**
   * Makes the counting chains and the block exactly as they should be, first in their chains, in
   * both families; with `retire`, the jumps into an older agent's chains go in the same process.
   */
  async #ensureLayout(retire = false): Promise<void> {
    for (const family of LEGACY_FAMILIES) {
      const saved = await mustRun(family.save, []);
      const retired = retire ? oldJumps(saved) : [];
      if (retired.length === 0 && layoutHolds(saved)) continue;
      await mustRun(`${family.iptables}-restore`, ['-w', '--noflush'], layoutRestore(saved, retired));
    }
  }

  /**
   * With the family open: KEYPORT_OPEN accepts the range (and `alsoOpen`), jumped to from INPUT right after the
   * block of disabled keys (counting happens before, in mangle). Made anew at each start, so it
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
    const opened = [this.#range, ...this.#alsoOpen.map((port) => ({ from: port, to: port }))];
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
    const blockFirst = listed.split('\n').find((rule) => rule.startsWith('-A INPUT ')) === `-A INPUT ${LAYOUT.block}`;
    for (const range of opened) {
      const rules = openRules(range);
      await mustRun(family.iptables, ['-w', '-A', CHAIN_OPEN, ...rules.accept]);
      await mustRun(family.iptables, ['-w', '-I', 'INPUT', blockFirst ? '2' : '1', ...rules.jump]);
    }
    const ports = [`${this.#range.from}-${this.#range.to}`, ...this.#alsoOpen.map(String)].join(', ');
    this.#log.info(`${family.iptables}: INPUT accepts ${ports}/tcp (chain ${CHAIN_OPEN})`);
  }

  /** One `ipset save`: every counter of every port at once, IPv4 and IPv6 together. */
  async read(): Promise<FirewallSnapshot> {
    if (!this.#available) return { counters: new Map(), ports: new Map() };
    // Read as ipset writes it: the lines are parsed while the rest are still being printed.
    const reader = new SaveCountersReader();
    await mustStream('ipset', ['save'], (text) => reader.push(text));
    return snapshotOf(reader.end());
  }

  /** Counting for a port, and its block when `blocked`; a port already counted keeps its counters. */
  addPort(port: number, blocked = false): Promise<void> {
    return this.addPorts([{ port, blocked }]);
  }

  /** Many ports in one process, as `addPort` does each. */
  addPorts(ports: readonly DesiredPort[]): Promise<void> {
    return this.#change(applyLines(ports));
  }

  removePort(port: number): Promise<void> {
    return this.#change(removeLines([port]));
  }

  setBlocked(port: number, blocked: boolean): Promise<void> {
    return this.#change(blocked ? blockLines([port]) : unblockLines([port]));
  }

  /** Makes one port's elements what its key needs now, in one process: counted, blocked or not. */
  applyPort(port: number, blocked: boolean): Promise<void> {
    return this.#change(applyLines([{ port, blocked }]));
  }

  /**
   * Makes the sets match `desired` exactly: missing ports added, stray ones removed, half-made
   * ones redone; and the rules as they should be, first in their chains. `beforeRecreate` hears of
   * each port whose counters restart from zero, just before they do.
   */
  sync(desired: readonly DesiredPort[], beforeRecreate: (ports: number[], family?: string) => void = () => {}): Promise<SyncResult> {
    return this.#serialized(async () => {
      const result: SyncResult = { added: [], removed: [], repaired: [], reblocked: [] };
      if (!this.#available) return result;
      const current = await this.#currentOrRemade();
      await this.#ensureLayout();
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
        ...removeLines(result.removed),
        ...freshLines(recreated.map((port) => ({ port, blocked: wanted.get(port)! }))),
        ...blockLines(block),
        ...unblockLines(unblock),
      ]);
      return result;
    });
  }

  /**
   * The sets as they are; sets destroyed under the agent (their rules removed first, as a firewall
   * reload may do) are made again, empty, so the sync can put every port back.
   */
  async #currentOrRemade(): Promise<Map<number, PortRules>> {
    try {
      return await this.#current();
    } catch (error) {
      this.#log.warn(`ipset: the agent's sets unreadable (${(error as Error).message}), made again`);
      await this.#makeSets([]);
      return this.#current();
    }
  }

  async #current(): Promise<Map<number, PortRules>> {
    return parseSave(await mustRun('ipset', ['save']));
  }

  /**
   * Element changes made while the queue is busy join the one change that has not started yet:
   * applied together, in call order, by one `ipset restore`. A process costs the agent a fork of
   * itself, several ms at 10,000 keys, and keys made 16 at a time each waited for their own.
   * KeyService holds a port until its removal is done, so a batch never adds a port to one key
   * that it removes from another.
   */
  #change(lines: string[]): Promise<void> {
    if (this.#pendingChange) {
      this.#pendingChange.lines.push(...lines);
      return this.#pendingChange.done;
    }
    const change: PendingChange = { lines: [...lines], done: Promise.resolve() };
    change.done = this.#serialized(() => {
      if (this.#pendingChange === change) this.#pendingChange = undefined;
      return this.#available ? this.#apply(change.lines) : Promise.resolve();
    });
    this.#pendingChange = change;
    return change.done;
  }

  async #apply(lines: string[]): Promise<void> {
    if (lines.length > 0) await mustRun('ipset', ['-exist', 'restore'], script(lines));
  }

  #serialized<T>(task: () => Promise<T>): Promise<T> {
    return this.#queue.run(task);
  }
}

interface PendingChange {
  lines: string[];
  done: Promise<void>;
}

class FirewallToolMissing extends Error {}

function snapshotOf(byPort: SavedCounters): FirewallSnapshot {
  let counters: Map<string, number> | undefined;
  let ports: Map<number, PortRules> | undefined;
  return {
    byPort,
    get counters() {
      if (!counters) {
        counters = new Map();
        for (const port of byPort.ports) {
          for (const kind of COUNTER_KINDS) if (!Number.isNaN(byPort[kind][port])) counters.set(ipsetCounterId(kind, port), byPort[kind][port]!);
        }
      }
      return counters;
    },
    get ports() {
      return (ports ??= portRulesOf(byPort));
    },
  };
}

const counterIds = new Map<string, string[]>();

/**
 * `ipset:kind:port`, the same string every cycle: 30,000 ids a cycle at 10,000 keys are looked up
 * in maps of the same ids, and a string made once keeps its hash.
 */
function ipsetCounterId(kind: string, port: number): string {
  let ofKind = counterIds.get(kind);
  if (!ofKind) counterIds.set(kind, (ofKind = []));
  return (ofKind[port] ??= `ipset:${kind}:${port}`);
}
