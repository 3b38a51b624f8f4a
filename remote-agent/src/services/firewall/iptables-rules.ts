/**
 * The iptables rules of agents before the nftables table, as text, and the parser for
 * `iptables-save -c` output: what an upgraded agent reads once (legacy-chains.ts) to carry the
 * ports and their last counters over, and what the tests seed to check that. Also the rule of
 * KEYPORT_OPEN, which stays in iptables. Per key port: a SYN rule (new connections) and a byte rule in the IN chain (client to server),
 * a byte rule in the OUT chain (server to client), and, while the key is disabled, a REJECT rule
 * placed first in the IN chain so the port refuses traffic. The byte rules RETURN, so a packet
 * walks the chain only as far as its own port.
 */

import { CHAIN_IN, CHAIN_OPEN, CHAIN_OUT } from '../../api/firewall-chains.ts';

export { CHAIN_IN, CHAIN_OPEN, CHAIN_OUT };

export type CounterKind = 'rx' | 'tx' | 'syn';
export type AgentChain = typeof CHAIN_IN | typeof CHAIN_OUT;

/** A rule's place in its chain, 1-based, as `iptables -D CHAIN NUMBER` takes it. */
export interface RulePosition {
  chain: AgentChain;
  number: number;
}

export interface PortRules {
  counters: Map<CounterKind, number>;
  blocked: boolean;
  /** Where each of the port's rules stands, block included. */
  positions: RulePosition[];
  blockPosition?: RulePosition;
}

const countingRules = (port: number) => [
  `${CHAIN_IN} -p tcp -m tcp --dport ${port} --tcp-flags FIN,SYN,RST,ACK SYN`,
  `${CHAIN_IN} -p tcp -m tcp --dport ${port} -j RETURN`,
  `${CHAIN_OUT} -p tcp -m tcp --sport ${port} -j RETURN`,
];

/** Restore lines that add a port's counting rules (and its block, when disabled). */
export function addPortLines(port: number, blocked: boolean): string[] {
  const lines = countingRules(port).map((rule) => `-A ${rule}`);
  return blocked ? [...lines, blockLine(port)] : lines;
}

export const blockLine = (port: number) =>
  `-I ${CHAIN_IN} 1 -p tcp -m tcp --dport ${port} -j REJECT --reject-with tcp-reset`;

/** Restore lines deleting rules by position, highest first per chain so earlier deletes shift nothing. */
export function deleteLines(positions: readonly RulePosition[]): string[] {
  return [...positions]
    .sort((a, b) => (a.chain === b.chain ? b.number - a.number : a.chain < b.chain ? -1 : 1))
    .map((position) => `-D ${position.chain} ${position.number}`);
}

/**
 * The jumps into the agent's chains, limited to the key port range so that SSH, the API and
 * everything else never walk the per-port rules.
 */
export function jumpRules(range: { from: number; to: number }) {
  return [
    { parent: 'INPUT', chain: CHAIN_IN, match: ['-p', 'tcp', '-m', 'tcp', '--dport', portSpan(range)] },
    { parent: 'OUTPUT', chain: CHAIN_OUT, match: ['-p', 'tcp', '-m', 'tcp', '--sport', portSpan(range)] },
  ] as const;
}

/** A port range as `iptables -S` prints it back: FROM:TO, or one port alone (it prints `N:N` as `N`). */
export function portSpan(range: { from: number; to: number }): string {
  return range.from === range.to ? String(range.from) : `${range.from}:${range.to}`;
}

/** The one rule of the open chain, and the jump into it (placed right after the counting jump). */
export function openRules(range: { from: number; to: number }) {
  const match = ['-p', 'tcp', '-m', 'tcp', '--dport', portSpan(range)];
  return { accept: [...match, '-j', 'ACCEPT'], jump: [...match, '-j', CHAIN_OPEN] };
}

const RULE_LINE =
  /^\[(\d+):(\d+)\] -A (KEYPORT_IN|KEYPORT_OUT) (.*)$/;
const OWN_RULE =
  /^-p tcp -m tcp --([ds])port (\d+)( --tcp-flags FIN,SYN,RST,ACK SYN)?( -j RETURN)?( -j REJECT --reject-with tcp-reset)?$/;

/** Reads every agent rule from `iptables-save -c -t filter` output, keyed by port. */
export function parseSavedRules(saved: string): Map<number, PortRules> {
  const ports = new Map<number, PortRules>();
  const numbers = { [CHAIN_IN]: 0, [CHAIN_OUT]: 0 };
  for (const line of saved.split('\n')) {
    const rule = RULE_LINE.exec(line);
    if (!rule) continue;
    const [, packets, bytes, chainText, spec] = rule;
    const chain = chainText as AgentChain;
    const position = { chain, number: (numbers[chain] += 1) };
    const own = OWN_RULE.exec(spec!);
    // Only the shapes the agent writes: IN matches the destination port, OUT the source port.
    if (!own || (chain === CHAIN_IN) !== (own[1] === 'd')) continue;
    const [, , portText, syn, returns, reject] = own;
    const port = Number(portText);
    let entry = ports.get(port);
    if (!entry) {
      entry = { counters: new Map(), blocked: false, positions: [] };
      ports.set(port, entry);
    }
    entry.positions.push(position);
    if (reject && !syn && !returns) {
      entry.blocked = true;
      entry.blockPosition = position;
    } else if (syn && !returns && !reject) entry.counters.set('syn', Number(packets));
    else if (returns && !syn && !reject) entry.counters.set(chain === CHAIN_IN ? 'rx' : 'tx', Number(bytes));
  }
  return ports;
}

/** An `iptables-restore --noflush` script for the filter table. */
export function restoreScript(lines: readonly string[]): string {
  return `*filter\n${lines.join('\n')}\nCOMMIT\n`;
}
