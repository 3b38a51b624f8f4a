/**
 * The agent's nftables table as `nft -f` scripts, and the strict parser for `nft -j list table`.
 * One table of family inet (IPv4 and IPv6 alike) with sets of ports, each element with its own
 * counter: rx by destination port, tx by source port, syn (new connections) by destination port
 * of a bare SYN, and `blocked`, whose ports get a TCP reset. A packet costs one set lookup per
 * rule, whatever the number of keys.
 */

import { NFT_TABLE } from '../../api/firewall-chains.ts';

export { NFT_TABLE };

export type CounterKind = 'rx' | 'tx' | 'syn';
export const COUNTER_SETS: readonly CounterKind[] = ['rx', 'tx', 'syn'];
const BLOCKED_SET = 'blocked';

export interface DesiredPort {
  port: number;
  blocked: boolean;
}

/** What the table holds for one port. */
export interface PortRules {
  /** Per set the port is in: bytes (rx, tx) or packets (syn). */
  counters: Map<CounterKind, number>;
  blocked: boolean;
}

const T = `inet ${NFT_TABLE}`;

/**
 * Makes the table, its sets and its chains where missing and the chains' rules exactly these,
 * in one transaction; sets that exist keep their elements and counters.
 */
export function layoutScript(): string {
  return [
    `add table ${T}`,
    ...COUNTER_SETS.map((name) => `add set ${T} ${name} { type inet_service; counter; }`),
    `add set ${T} ${BLOCKED_SET} { type inet_service; }`,
    // Before iptables' filter chains (priority 0): counted and rejected before anything else decides.
    `add chain ${T} input { type filter hook input priority filter - 10; policy accept; }`,
    `add chain ${T} output { type filter hook output priority filter - 10; policy accept; }`,
    `flush chain ${T} input`,
    `flush chain ${T} output`,
    `add rule ${T} input tcp dport @${BLOCKED_SET} reject with tcp reset`,
    `add rule ${T} input tcp flags & (fin|syn|rst|ack) == syn tcp dport @syn`,
    `add rule ${T} input tcp dport @rx`,
    `add rule ${T} output tcp sport @tx`,
    '',
  ].join('\n');
}

export const deleteTableScript = () => `delete table ${T}\n`;

/**
 * Lines that give ports their counters (an element already there keeps its counter) and their
 * block state. `nft` refuses to delete an element that is absent, so an element to remove is
 * added first: the pair removes it whether or not it was there.
 */
export function applyLines(ports: readonly DesiredPort[]): string[] {
  if (ports.length === 0) return [];
  const all = elements(ports.map((entry) => entry.port));
  const blocked = ports.filter((entry) => entry.blocked).map((entry) => entry.port);
  const open = ports.filter((entry) => !entry.blocked).map((entry) => entry.port);
  return [
    ...COUNTER_SETS.map((name) => `add element ${T} ${name} ${all}`),
    ...(blocked.length > 0 ? [`add element ${T} ${BLOCKED_SET} ${elements(blocked)}`] : []),
    ...unblockLines(open),
  ];
}

/** Lines that take ports out of every set, present or not. */
export function removeLines(ports: readonly number[]): string[] {
  if (ports.length === 0) return [];
  const all = elements(ports);
  return [...COUNTER_SETS, BLOCKED_SET].flatMap((name) => [`add element ${T} ${name} ${all}`, `delete element ${T} ${name} ${all}`]);
}

export function blockLines(ports: readonly number[]): string[] {
  return ports.length === 0 ? [] : [`add element ${T} ${BLOCKED_SET} ${elements(ports)}`];
}

export function unblockLines(ports: readonly number[]): string[] {
  if (ports.length === 0) return [];
  const all = elements(ports);
  return [`add element ${T} ${BLOCKED_SET} ${all}`, `delete element ${T} ${BLOCKED_SET} ${all}`];
}

const elements = (ports: readonly number[]) => `{ ${ports.join(', ')} }`;

export const script = (lines: readonly string[]) => `${lines.join('\n')}\n`;

export class NftParseError extends Error {}

/**
 * Reads `nft -j list table inet keyport`: every port in any of the agent's sets, with its counters.
 * Anything not in the shape the agent writes is an error, never a guess: a counter read wrong
 * would be charged to a key.
 */
export function parseTable(json: string): Map<number, PortRules> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new NftParseError('nft printed no JSON');
  }
  const items = (parsed as { nftables?: unknown })?.nftables;
  if (!Array.isArray(items)) throw new NftParseError('nft JSON has no "nftables" list');
  const ports = new Map<number, PortRules>();
  const entry = (port: number) => {
    let rules = ports.get(port);
    if (!rules) {
      rules = { counters: new Map(), blocked: false };
      ports.set(port, rules);
    }
    return rules;
  };
  const seen = new Set<string>();
  for (const item of items) {
    const set = (item as { set?: unknown }).set as Record<string, unknown> | undefined;
    if (set === undefined) continue;
    const name = String(set.name);
    if (set.table !== NFT_TABLE || set.family !== 'inet') continue;
    if (set.type !== 'inet_service') throw new NftParseError(`set ${name} is of type ${String(set.type)}, not inet_service`);
    const elems = set.elem ?? [];
    if (!Array.isArray(elems)) throw new NftParseError(`set ${name}: elements are not a list`);
    seen.add(name);
    if (name === BLOCKED_SET) {
      for (const value of elems) entry(portOf(value, name)).blocked = true;
      continue;
    }
    if (!(COUNTER_SETS as readonly string[]).includes(name)) continue;
    for (const value of elems) {
      const elem = (value as { elem?: { val?: unknown; counter?: { packets?: unknown; bytes?: unknown } } }).elem;
      const counter = elem?.counter;
      if (!elem || !counter) throw new NftParseError(`set ${name}: an element without its counter`);
      const port = portOf(elem.val, name);
      const count = name === 'syn' ? counter.packets : counter.bytes;
      if (!Number.isSafeInteger(count) || (count as number) < 0) throw new NftParseError(`set ${name}: port ${port} has no whole counter`);
      entry(port).counters.set(name as CounterKind, count as number);
    }
  }
  for (const name of [...COUNTER_SETS, BLOCKED_SET]) {
    if (!seen.has(name)) throw new NftParseError(`table inet ${NFT_TABLE} has no set ${name}`);
  }
  return ports;
}

function portOf(value: unknown, set: string): number {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 65535) {
    throw new NftParseError(`set ${set}: ${JSON.stringify(value)} is not a port`);
  }
  return value as number;
}
