/**
 * The agent's accounting as ipset sets and a constant number of iptables rules, as text, and the
 * strict parser for `ipset save`. Four `bitmap:port` sets (no address family: IPv4 and IPv6 rules
 * match the same sets): rx by destination port, tx by source port, syn (a bare SYN, new
 * connections) by destination port, each element with its own counters, and `blocked`, whose ports
 * get a TCP reset. A packet costs one bitmap lookup per rule, whatever the number of keys.
 *
 * Counting runs in mangle INPUT/OUTPUT (priority -150), before every rule of the host's filter
 * table: nothing there can accept or drop a packet before it is counted, as the nftables chains at
 * filter-10 did. REJECT is valid only in the filter table, so the block is the first rule of filter
 * INPUT, kept first at every sync; blocked ports are not counted.
 */

import { IPSET_BLOCKED, IPSET_RX, IPSET_SYN, IPSET_TX, MANGLE_IN, MANGLE_OUT } from '../../api/firewall-chains.ts';

export { IPSET_BLOCKED, IPSET_RX, IPSET_SYN, IPSET_TX, MANGLE_IN, MANGLE_OUT };

export type CounterKind = 'rx' | 'tx' | 'syn';
export const COUNTER_KINDS: readonly CounterKind[] = ['rx', 'tx', 'syn'];
export const SET_OF: Readonly<Record<CounterKind, string>> = { rx: IPSET_RX, tx: IPSET_TX, syn: IPSET_SYN };
const ALL_SETS = [IPSET_RX, IPSET_TX, IPSET_SYN, IPSET_BLOCKED] as const;

/** Each set's header exactly as `ipset save` prints it back. */
const HEADERS: ReadonlyMap<string, string> = new Map([
  ...COUNTER_KINDS.map((kind) => [SET_OF[kind], `create ${SET_OF[kind]} bitmap:port range 1-65535 counters`] as const),
  [IPSET_BLOCKED, `create ${IPSET_BLOCKED} bitmap:port range 1-65535`],
]);

export interface DesiredPort {
  port: number;
  blocked: boolean;
}

/** What the sets hold for one port. */
export interface PortRules {
  /** Per set the port is in: bytes (rx, tx) or packets (syn). */
  counters: Map<CounterKind, number>;
  blocked: boolean;
}

/** `create` lines for every set; with `ipset -exist restore` a set already there keeps its elements. */
export const createLines = (): string[] => [...HEADERS.values()];

/**
 * Lines that give ports their counters and their block state. An element already there keeps its
 * counters (`-exist`); a new one starts from the zeros its removal left (see removeLines).
 */
export function applyLines(ports: readonly DesiredPort[]): string[] {
  return ports.flatMap(({ port, blocked }) => [
    ...COUNTER_KINDS.map((kind) => `add ${SET_OF[kind]} ${port}`),
    blocked ? `add ${IPSET_BLOCKED} ${port}` : `del ${IPSET_BLOCKED} ${port}`,
  ]);
}

/** Lines that put ports in every counting set with counters from zero, whatever was there. */
export function freshLines(ports: readonly DesiredPort[]): string[] {
  return ports.flatMap(({ port, blocked }) => [
    ...COUNTER_KINDS.map((kind) => `add ${SET_OF[kind]} ${port} packets 0 bytes 0`),
    blocked ? `add ${IPSET_BLOCKED} ${port}` : `del ${IPSET_BLOCKED} ${port}`,
  ]);
}

/**
 * Lines that take ports out of every set, present or not. A bitmap keeps a deleted element's
 * counters and hands them to the next add of that port, so they are zeroed before the delete: a
 * later key on the port starts from zero.
 */
export function removeLines(ports: readonly number[]): string[] {
  return ports.flatMap((port) => [
    ...COUNTER_KINDS.flatMap((kind) => [`add ${SET_OF[kind]} ${port} packets 0 bytes 0`, `del ${SET_OF[kind]} ${port}`]),
    `del ${IPSET_BLOCKED} ${port}`,
  ]);
}

export const blockLines = (ports: readonly number[]) => ports.map((port) => `add ${IPSET_BLOCKED} ${port}`);
export const unblockLines = (ports: readonly number[]) => ports.map((port) => `del ${IPSET_BLOCKED} ${port}`);

export const script = (lines: readonly string[]) => `${lines.join('\n')}\n`;

export class IpsetParseError extends Error {}

const KIND_OF: ReadonlyMap<string, CounterKind> = new Map(COUNTER_KINDS.map((kind) => [SET_OF[kind], kind]));
/** How each line of an element of ours starts, and its set's counter kind (none: the blocked set). */
const ELEMENT_OF = ALL_SETS.map((name) => ({ name, prefix: `add ${name} `, kind: KIND_OF.get(name) }));

/** Every counter of the agent's sets, indexed by port: NaN where the port is not in that set. */
export interface SavedCounters {
  rx: Float64Array;
  tx: Float64Array;
  syn: Float64Array;
  /** 1 where the port is in the blocked set. */
  blocked: Uint8Array;
  /** Every port in any of the sets, in the order first seen. */
  ports: number[];
}

const PORT_SLOTS = 65536;

/** A cursor over one line of the text, from `start` up to `end` (its newline, or the text's end). */
class LineCursor {
  start = 0;
  at = 0;
  end = 0;
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  /** Puts the cursor at the start of the line that begins at `start`. */
  moveTo(start: number): void {
    const newline = this.text.indexOf('\n', start);
    this.start = this.at = start;
    this.end = newline < 0 ? this.text.length : newline;
  }

  get line(): string {
    return this.text.slice(this.start, this.end);
  }

  /** Moves past `word` when the text at the cursor is that; false, not moving, when it is not. */
  skip(word: string): boolean {
    if (!this.text.startsWith(word, this.at)) return false;
    this.at += word.length;
    return true;
  }

  /**
   * The decimal digits at the cursor as a number (moving past them); NaN when there are none.
   * Past 2^53 the value is inexact but never a safe integer, so the caller's check still holds.
   */
  number(): number {
    const { text, end } = this;
    const from = this.at;
    let value = 0;
    let at = from;
    for (; at < end; at += 1) {
      const digit = text.charCodeAt(at) - 48;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
    }
    this.at = at;
    return at === from ? Number.NaN : value;
  }
}

/**
 * Reads `ipset save` (every set of the host, in one process): every port in any of the agent's
 * sets, with its counters, into arrays indexed by port (a sampling cycle reads 30,000 counters:
 * no map or string per counter). Other sets are skipped; in the agent's, anything not in the shape
 * the agent writes is an error, never a guess: a counter read wrong would be charged to a key.
 * A cursor reads each line in place, with no string cut from it: 30,000 lines per cycle at
 * 10,000 keys, where regular expressions over the whole text took four times as long. The text may
 * come in pieces as ipset writes it (`push`, a line cut between pieces read once its end came);
 * `end` reads the last line and checks that every set was there.
 */
export class SaveCountersReader {
  readonly #found: SavedCounters = {
    rx: new Float64Array(PORT_SLOTS).fill(Number.NaN),
    tx: new Float64Array(PORT_SLOTS).fill(Number.NaN),
    syn: new Float64Array(PORT_SLOTS).fill(Number.NaN),
    blocked: new Uint8Array(PORT_SLOTS),
    ports: [],
  };
  readonly #listed = new Uint8Array(PORT_SLOTS);
  readonly #seen = new Set<string>();
  // `ipset save` prints each set's elements after its header: the set of the line before comes first.
  #last = ELEMENT_OF[0]!;
  /** The start of a line whose end has not come yet. */
  #rest = '';

  push(text: string): void {
    const newline = text.lastIndexOf('\n');
    if (newline < 0) {
      this.#rest += text;
      return;
    }
    this.#readLines(this.#rest + text.slice(0, newline));
    this.#rest = text.slice(newline + 1);
  }

  end(): SavedCounters {
    this.#readLines(this.#rest);
    this.#rest = '';
    for (const name of ALL_SETS) if (!this.#seen.has(name)) throw new IpsetParseError(`there is no ipset ${name}`);
    return this.#found;
  }

  /** Whole lines, the last one ending where the text does. */
  #readLines(text: string): void {
    const line = new LineCursor(text);
    for (let start = 0; start < text.length; start = line.end + 1) {
      line.moveTo(start);
      if (line.skip(this.#last.prefix)) readElement(line, this.#last, this.#found, this.#listed);
      else if (text.startsWith('add ', start)) {
        const set = ELEMENT_OF.find(({ prefix }) => line.skip(prefix));
        if (set) readElement(line, (this.#last = set), this.#found, this.#listed);
      } else if (line.skip('create ')) {
        const space = text.indexOf(' ', line.at);
        const name = text.slice(line.at, space < 0 || space > line.end ? line.end : space);
        const header = HEADERS.get(name);
        if (header === undefined) continue;
        if (line.line !== header) throw new IpsetParseError(`set ${name} is not ours as made: "${line.line}"`);
        this.#seen.add(name);
      }
    }
  }
}

/** `ipset save` read whole by SaveCountersReader. */
export function parseSaveCounters(saved: string): SavedCounters {
  const reader = new SaveCountersReader();
  reader.push(saved);
  return reader.end();
}

const shapeError = (set: string, line: LineCursor) => new IpsetParseError(`set ${set}: an element not in the agent's shape: "${line.line}"`);

/** One `add SET PORT[ packets N bytes N]` line of the agent's sets into `found`, the cursor after `add SET `. */
function readElement(line: LineCursor, { name, kind }: (typeof ELEMENT_OF)[number], found: SavedCounters, listed: Uint8Array): void {
  const port = line.number();
  if (Number.isNaN(port)) throw shapeError(name, line);
  if (port < 1 || port > 65535) throw new IpsetParseError(`set ${name}: ${port} is not a port`);
  let value = Number.NaN;
  if (kind !== undefined) {
    if (!line.skip(' packets ')) throw shapeError(name, line);
    const packets = line.number();
    if (Number.isNaN(packets) || !line.skip(' bytes ')) throw shapeError(name, line);
    const bytes = line.number();
    if (Number.isNaN(bytes)) throw shapeError(name, line);
    value = kind === 'syn' ? packets : bytes;
  }
  if (line.at !== line.end) throw shapeError(name, line);
  if (listed[port] === 0) {
    listed[port] = 1;
    found.ports.push(port);
  }
  if (kind === undefined) {
    found.blocked[port] = 1;
    return;
  }
  if (!Number.isSafeInteger(value)) throw new IpsetParseError(`set ${name}: port ${port} has no whole counter`);
  found[kind][port] = value;
}

/** The counters read, per port: what the sets hold for each. */
export function portRulesOf(saved: SavedCounters): Map<number, PortRules> {
  const ports = new Map<number, PortRules>();
  for (const port of saved.ports) {
    const counters = new Map<CounterKind, number>();
    for (const kind of COUNTER_KINDS) if (!Number.isNaN(saved[kind][port])) counters.set(kind, saved[kind][port]!);
    ports.set(port, { counters, blocked: saved.blocked[port] === 1 });
  }
  return ports;
}

/** `ipset save` read by parseSaveCounters, per port. */
export const parseSave = (saved: string): Map<number, PortRules> => portRulesOf(parseSaveCounters(saved));

/** The agent's iptables rules in one family: the counting chains in mangle, the block in filter. */
export interface RuleLayout {
  /** The rules of each counting chain, as `iptables -S` prints them. */
  chains: ReadonlyArray<{ table: 'mangle'; parent: 'INPUT' | 'OUTPUT'; chain: string; rules: readonly string[] }>;
  /** The first rule of filter INPUT. */
  block: string;
}

export const LAYOUT: RuleLayout = {
  chains: [
    {
      table: 'mangle',
      parent: 'INPUT',
      chain: MANGLE_IN,
      rules: [
        `-p tcp -m set --match-set ${IPSET_BLOCKED} dst -j RETURN`,
        `-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -m set --match-set ${IPSET_SYN} dst`,
        `-p tcp -m set --match-set ${IPSET_RX} dst`,
      ],
    },
    {
      table: 'mangle',
      parent: 'OUTPUT',
      chain: MANGLE_OUT,
      rules: [`-p tcp -m set --match-set ${IPSET_BLOCKED} src -j RETURN`, `-p tcp -m set --match-set ${IPSET_TX} src`],
    },
  ],
  block: `-p tcp -m set --match-set ${IPSET_BLOCKED} dst -j REJECT --reject-with tcp-reset`,
};

/** The rules of one table of `iptables-save` output, per chain, in order (the `-A CHAIN` cut off). */
export function savedChains(saved: string, table: string): Map<string, string[]> {
  const chains = new Map<string, string[]>();
  let current: string | undefined;
  for (const line of saved.split('\n')) {
    if (line.startsWith('*')) current = line.slice(1);
    else if (current !== table) continue;
    else if (line.startsWith(':')) chains.set(line.slice(1).split(' ')[0]!, chains.get(line.slice(1).split(' ')[0]!) ?? []);
    else if (line.startsWith('-A ')) {
      const [, chain, ...rest] = line.split(' ');
      chains.set(chain!, [...(chains.get(chain!) ?? []), rest.join(' ')]);
    }
  }
  return chains;
}

/** Whether `iptables-save` output of one family holds the layout exactly, our rules first. */
export function layoutHolds(saved: string): boolean {
  const mangle = savedChains(saved, 'mangle');
  const filter = savedChains(saved, 'filter');
  for (const { parent, chain, rules } of LAYOUT.chains) {
    if ((mangle.get(parent) ?? [])[0] !== `-j ${chain}`) return false;
    if ((mangle.get(parent) ?? []).filter((rule) => rule === `-j ${chain}`).length !== 1) return false;
    if ((mangle.get(chain) ?? []).join('\n') !== rules.join('\n')) return false;
  }
  const input = filter.get('INPUT') ?? [];
  return input[0] === LAYOUT.block && input.filter((rule) => rule === LAYOUT.block).length === 1;
}

/**
 * An `iptables-restore --noflush` script that makes the layout exactly, given the family's
 * `iptables-save` output: our chains declared (which empties them) and filled, every jump and
 * block of ours deleted and put back first. One commit per table, mangle first: `retiredJumps`
 * (filter rules, as `-A` lines, that feed an older agent's counting chains) are deleted in the
 * filter commit right after ours starts counting, so the two count together only between two
 * commits of one process.
 */
export function layoutRestore(saved: string, retiredJumps: readonly string[] = []): string {
  const mangle = savedChains(saved, 'mangle');
  const filter = savedChains(saved, 'filter');
  const lines = ['*mangle'];
  for (const { chain } of LAYOUT.chains) lines.push(`:${chain} - [0:0]`);
  for (const { parent, chain, rules } of LAYOUT.chains) {
    for (const rule of mangle.get(parent) ?? []) if (rule === `-j ${chain}`) lines.push(`-D ${parent} -j ${chain}`);
    for (const rule of rules) lines.push(`-A ${chain} ${rule}`);
    lines.push(`-I ${parent} 1 -j ${chain}`);
  }
  lines.push('COMMIT', '*filter');
  for (const jump of retiredJumps) lines.push(`-D ${jump.slice(3)}`);
  for (const rule of filter.get('INPUT') ?? []) if (rule === LAYOUT.block) lines.push(`-D INPUT ${LAYOUT.block}`);
  lines.push(`-I INPUT 1 ${LAYOUT.block}`, 'COMMIT');
  return `${lines.join('\n')}\n`;
}

/** An `iptables-restore --noflush` script that removes the layout (jumps, chains, block), given `iptables-save` output. */
export function layoutRemoval(saved: string): string | undefined {
  const mangle = savedChains(saved, 'mangle');
  const filter = savedChains(saved, 'filter');
  const lines: string[] = [];
  const mangleLines: string[] = [];
  for (const { parent, chain } of LAYOUT.chains) {
    for (const rule of mangle.get(parent) ?? []) if (rule === `-j ${chain}`) mangleLines.push(`-D ${parent} -j ${chain}`);
  }
  for (const { chain } of LAYOUT.chains) if (mangle.has(chain)) mangleLines.push(`-F ${chain}`, `-X ${chain}`);
  if (mangleLines.length > 0) lines.push('*mangle', ...mangleLines, 'COMMIT');
  const blocks = (filter.get('INPUT') ?? []).filter((rule) => rule === LAYOUT.block);
  if (blocks.length > 0) lines.push('*filter', ...blocks.map((rule) => `-D INPUT ${rule}`), 'COMMIT');
  return lines.length > 0 ? `${lines.join('\n')}\n` : undefined;
}
