import type { FirewallSnapshot } from '../firewall/port-firewall.ts';
import { serves, type KeyRecord } from '../store/key-store.ts';

/** Compares the agent's ipset sets with the keys: what is missing, stray, half-made or wrongly blocked. */
export function checkFirewall(keys: readonly KeyRecord[], snapshot: FirewallSnapshot, available: boolean, unavailableReason: string | null = null) {
  const wanted = new Map(keys.map((key) => [key.port, !serves(key)]));
  const missing = [...wanted.keys()].filter((port) => !snapshot.ports.has(port));
  const extra = [...snapshot.ports.keys()].filter((port) => !wanted.has(port));
  const incomplete: number[] = [];
  const wrongBlock: number[] = [];
  for (const [port, rules] of snapshot.ports) {
    const blocked = wanted.get(port);
    if (blocked === undefined) continue;
    if (rules.counters.size !== 3) incomplete.push(port);
    if (rules.blocked !== blocked) wrongBlock.push(port);
  }
  return {
    available,
    in_sync: available && missing.length + extra.length + incomplete.length + wrongBlock.length === 0,
    missing_ports: missing,
    extra_ports: extra,
    incomplete_ports: incomplete,
    wrong_block_state_ports: wrongBlock,
    unavailable_reason: available ? null : unavailableReason,
  };
}
