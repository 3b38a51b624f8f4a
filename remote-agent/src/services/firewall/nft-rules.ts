/**
 * The nftables table of agents between the iptables chains and ipset, read once at start so that
 * its counters end in the traffic history, then removed: the strict parser for `nft -j list table`
 * and the scripts that stop and delete it. One table of family inet with sets of ports, each element
 * with its own counter (rx, tx, syn), and `blocked`.
 */

import { NFT_TABLE } from '../../api/firewall-chains.ts';

export { NFT_TABLE };

export type CounterKind = 'rx' | 'tx' | 'syn';
export const COUNTER_SETS: readonly CounterKind[] = ['rx', 'tx', 'syn'];
const BLOCKED_SET = 'blocked';

/** What the table holds for one port. */
export interface PortRules {
  /** Per set the port is in: bytes (rx, tx) or packets (syn). */
  counters: Map<CounterKind, number>;
  blocked: boolean;
}

const T = `inet ${NFT_TABLE}`;

/** Stops the table counting (its sets and their counters stay, to be read once more). */
export const stopTableScript = () => `flush chain ${T} input\nflush chain ${T} output\n`;

export const deleteTableScript = () => `delete table ${T}\n`;

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
