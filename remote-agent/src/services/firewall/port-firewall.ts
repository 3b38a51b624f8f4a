import { SerialQueue } from '../../lib/coalesce.ts';
import type { Logger } from '../../lib/logger.ts';
import { runCommand } from '../../lib/run-command.ts';
import {
  CHAIN_IN,
  CHAIN_OPEN,
  addPortLines,
  blockLine,
  deleteLines,
  jumpRules,
  openRules,
  parseSavedRules,
  restoreScript,
  type PortRules,
  type RulePosition,
} from './iptables-rules.ts';

interface Family {
  label: 'v4' | 'v6';
  iptables: string;
  save: string;
  restore: string;
}

const FAMILIES: readonly Family[] = [
  { label: 'v4', iptables: 'iptables', save: 'iptables-save', restore: 'iptables-restore' },
  { label: 'v6', iptables: 'ip6tables', save: 'ip6tables-save', restore: 'ip6tables-restore' },
];

export type FamilyLabel = Family['label'];

export interface DesiredPort {
  port: number;
  blocked: boolean;
}

export interface FirewallSnapshot {
  /** Raw counter values keyed `family:kind:port` (kind rx/tx bytes, syn packets). */
  counters: Map<string, number>;
  /** What the IPv4 table holds per port (IPv6 mirrors it when present). */
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


/**
 * Owns the agent's iptables chains: per-port counting rules for IPv4 and IPv6, the block rule of
 * disabled keys, and the one read of all counters per sampling cycle. Changes are serialized and
 * each is one `iptables-restore --noflush` per family.
 */
export class PortFirewall {
  readonly #log: Logger;
  readonly #range: { from: number; to: number };
  readonly #open: ReadonlySet<FamilyLabel>;
  #families: Family[] = [];
  readonly #queue = new SerialQueue();

  /** `open`: the families whose INPUT drops by default, where the agent also accepts the key port range. */
  constructor(log: Logger, portRange: { from: number; to: number }, open: Iterable<FamilyLabel> = []) {
    this.#log = log;
    this.#range = portRange;
    this.#open = new Set(open);
  }

  get available(): boolean {
    return this.#families.length > 0;
  }

  /** Creates the chains and their jumps where missing; a family whose tools fail is left out. */
  async prepare(): Promise<void> {
    this.#families = [];
    for (const family of FAMILIES) {
      try {
        await this.#prepareFamily(family);
        this.#families.push(family);
      } catch (error) {
        this.#log.warn(`${family.iptables} unavailable, ${family.label} traffic is not counted: ${String(error)}`);
      }
    }
  }

  /** Creates the chains if missing and makes the jumps into them exactly the range-limited ones. */
  async #prepareFamily(family: Family): Promise<void> {
    for (const jump of jumpRules(this.#range)) {
      await runCommand(family.iptables, ['-w', '-N', jump.chain]);
      const listed = await mustRun(family.iptables, ['-w', '-S', jump.parent]);
      const wanted = `-A ${jump.parent} ${jump.match.join(' ')} -j ${jump.chain}`;
      const jumps = listed.split('\n').filter((line) => line.endsWith(`-j ${jump.chain}`));
      // Jumps of an earlier port range (or unconditional ones) go; the one for this range stays.
      for (const line of jumps.filter((line) => line !== wanted)) {
        await mustRun(family.iptables, ['-w', '-D', ...line.slice(3).split(' ')]);
      }
      if (!jumps.includes(wanted)) {
        await mustRun(family.iptables, ['-w', '-I', jump.parent, '1', ...jump.match, '-j', jump.chain]);
      }
    }
    await this.#prepareOpen(family);
  }

  /**
   * With the family open: KEYPORT_OPEN accepts the range, jumped to right after the counting jump
   * (so packets are counted first and disabled keys' REJECT still comes first). Made anew at each
   * start, so it outlives reboots and flushes; without it, any left from before is removed.
   */
  async #prepareOpen(family: Family): Promise<void> {
    const rules = openRules(this.#range);
    const inputRules = async () => (await mustRun(family.iptables, ['-w', '-S', 'INPUT'])).split('\n').filter((line) => line.startsWith('-A INPUT '));
    for (const line of (await inputRules()).filter((rule) => rule.endsWith(`-j ${CHAIN_OPEN}`))) {
      await mustRun(family.iptables, ['-w', '-D', ...line.slice(3).split(' ')]);
    }
    if (!this.#open.has(family.label)) {
      await runCommand(family.iptables, ['-w', '-F', CHAIN_OPEN]);
      await runCommand(family.iptables, ['-w', '-X', CHAIN_OPEN]);
      return;
    }
    await runCommand(family.iptables, ['-w', '-N', CHAIN_OPEN]);
    await mustRun(family.iptables, ['-w', '-F', CHAIN_OPEN]);
    await mustRun(family.iptables, ['-w', '-A', CHAIN_OPEN, ...rules.accept]);
    const counting = (await inputRules()).findIndex((rule) => rule.endsWith(`-j ${CHAIN_IN}`));
    await mustRun(family.iptables, ['-w', '-I', 'INPUT', String(counting + 2), ...rules.jump]);
    this.#log.info(`${family.iptables}: INPUT accepts ${this.#range.from}-${this.#range.to}/tcp (chain ${CHAIN_OPEN})`);
  }

  /** One `iptables-save -c` per family: every counter of every port at once. */
  async read(): Promise<FirewallSnapshot> {
    const counters = new Map<string, number>();
    let ports = new Map<number, PortRules>();
    const saved = await Promise.all(this.#families.map((family) => mustRun(family.save, ['-c', '-t', 'filter'])));
    for (const [index, family] of this.#families.entries()) {
      const familyPorts = parseSavedRules(saved[index]!);
      if (family.label === 'v4') ports = familyPorts;
      for (const [port, rules] of familyPorts) {
        for (const [kind, value] of rules.counters) counters.set(`${family.label}:${kind}:${port}`, value);
      }
    }
    return { counters, ports };
  }

  addPort(port: number, blocked = false): Promise<void> {
    return this.#serialized(() =>
      this.#applyAll((current) => (current.has(port) ? [] : addPortLines(port, blocked))),
    );
  }

  /** Counting rules (and the block) for many new ports in one restore per family; ports that have rules keep them. */
  addPorts(ports: readonly DesiredPort[]): Promise<void> {
    return this.#serialized(() =>
      this.#applyAll((current) => ports.flatMap(({ port, blocked }) => (current.has(port) ? [] : addPortLines(port, blocked)))),
    );
  }

  removePort(port: number): Promise<void> {
    return this.#serialized(() =>
      this.#applyAll((current) => deleteLines(current.get(port)?.positions ?? [])),
    );
  }

  setBlocked(port: number, blocked: boolean): Promise<void> {
    return this.#serialized(() =>
      this.#applyAll((current) => {
        const rules = current.get(port);
        if ((rules?.blocked ?? false) === blocked) return [];
        return blocked ? [blockLine(port)] : deleteLines(rules?.blockPosition ? [rules.blockPosition] : []);
      }),
    );
  }

  /**
   * Makes one port's rules what its key needs now: added with the block when missing, the block
   * put in or taken out when present. Read and written in one step, so it never half-applies.
   */
  applyPort(port: number, blocked: boolean): Promise<void> {
    return this.#serialized(() =>
      this.#applyAll((current) => {
        const rules = current.get(port);
        if (!rules) return addPortLines(port, blocked);
        if (rules.blocked === blocked) return [];
        return blocked ? [blockLine(port)] : deleteLines(rules.blockPosition ? [rules.blockPosition] : []);
      }),
    );
  }

  /**
   * Makes the rules match `desired` exactly: missing ports added, stray ones removed, half-rules
   * redone. `beforeRecreate` hears of each port whose counters in a family restart from zero, just
   * before they do.
   */
  sync(
    desired: readonly DesiredPort[],
    beforeRecreate: (ports: number[], family: string) => void = () => {},
  ): Promise<SyncResult> {
    return this.#serialized(async () => {
      const result: SyncResult = { added: [], removed: [], repaired: [], reblocked: [] };
      const wanted = new Map(desired.map((entry) => [entry.port, entry.blocked]));
      await this.#applyAll((current, family) => {
        // A port is reported once, whichever family (or both) it was wrong in.
        const report = (list: number[], port: number) => list.includes(port) || list.push(port);
        const recreated: number[] = [];
        const deletions: RulePosition[] = [];
        const additions: string[] = [];
        for (const [port, rules] of current) {
          const blocked = wanted.get(port);
          const complete = rules.counters.size === 3 && rules.positions.length === 3 + Number(rules.blocked);
          if (blocked !== undefined && complete && rules.blocked === blocked) continue;
          if (blocked !== undefined && complete) {
            // Only the block is wrong: fix it and keep the counters.
            if (blocked) additions.push(blockLine(port));
            else deletions.push(rules.blockPosition!);
            report(result.reblocked, port);
            continue;
          }
          deletions.push(...rules.positions);
          if (blocked === undefined) report(result.removed, port);
          else {
            additions.push(...addPortLines(port, blocked));
            report(result.repaired, port);
            recreated.push(port);
          }
        }
        for (const [port, blocked] of wanted) {
          if (current.has(port)) continue;
          additions.push(...addPortLines(port, blocked));
          report(result.added, port);
          recreated.push(port);
        }
        beforeRecreate(recreated, family);
        return [...deleteLines(deletions), ...additions];
      });
      return result;
    });
  }

  /** Per family: read the current rules, ask `linesFor` what to change, apply it in one restore. */
  async #applyAll(
    linesFor: (current: Map<number, PortRules>, family: string) => string[],
  ): Promise<void> {
    for (const family of this.#families) {
      const current = parseSavedRules(await mustRun(family.save, ['-c', '-t', 'filter']));
      const lines = linesFor(current, family.label);
      if (lines.length > 0) await mustRun(family.restore, ['-w', '--noflush'], restoreScript(lines));
    }
  }

  #serialized<T>(task: () => Promise<T>): Promise<T> {
    return this.#queue.run(task);
  }
}

async function mustRun(file: string, args: string[], input?: string): Promise<string> {
  const result = await runCommand(file, args, input === undefined ? {} : { input });
  if (result.exitCode !== 0) {
    throw new Error(`${file} ${args.join(' ')} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
  }
  return result.stdout;
}
