/**
 * The agent's iptables rules as text, and the parser for `iptables-save -c` output.
 * Per key port: a SYN rule (new connections) and a byte rule in the IN chain (client to server),
 * a byte rule in the OUT chain (server to client), and, while the key is disabled, a REJECT rule
 * placed first in the IN chain so the port refuses traffic.
 */

export const CHAIN_IN = 'KEYPORT_IN';
export const CHAIN_OUT = 'KEYPORT_OUT';

export type CounterKind = 'rx' | 'tx' | 'syn';

export interface PortRules {
  counters: Map<CounterKind, number>;
  blocked: boolean;
}

const countingRules = (port: number) => [
  `${CHAIN_IN} -p tcp -m tcp --dport ${port} --tcp-flags FIN,SYN,RST,ACK SYN`,
  `${CHAIN_IN} -p tcp -m tcp --dport ${port}`,
  `${CHAIN_OUT} -p tcp -m tcp --sport ${port}`,
];
const blockMatch = (port: number) => `-p tcp -m tcp --dport ${port} -j REJECT --reject-with tcp-reset`;

/** Restore lines that add a port's counting rules (and its block, when disabled). */
export function addPortLines(port: number, blocked: boolean): string[] {
  const lines = countingRules(port).map((rule) => `-A ${rule}`);
  return blocked ? [...lines, blockLine(port)] : lines;
}

/** Restore lines that delete what `current` says a port has. */
export function removePortLines(port: number, current: PortRules): string[] {
  const lines = countingRules(port)
    .filter((_, index) => current.counters.has((['syn', 'rx', 'tx'] as const)[index]!))
    .map((rule) => `-D ${rule}`);
  return current.blocked ? [...lines, unblockLine(port)] : lines;
}

export const blockLine = (port: number) => `-I ${CHAIN_IN} 1 ${blockMatch(port)}`;
export const unblockLine = (port: number) => `-D ${CHAIN_IN} ${blockMatch(port)}`;

const RULE_LINE =
  /^\[(\d+):(\d+)\] -A (KEYPORT_IN|KEYPORT_OUT) -p tcp -m tcp --([ds])port (\d+)( --tcp-flags FIN,SYN,RST,ACK SYN)?( -j REJECT --reject-with tcp-reset)?$/;

/** Reads every agent rule from `iptables-save -c -t filter` output, keyed by port. */
export function parseSavedRules(saved: string): Map<number, PortRules> {
  const ports = new Map<number, PortRules>();
  for (const line of saved.split('\n')) {
    if (!line.startsWith('[')) continue;
    const match = RULE_LINE.exec(line);
    if (!match) continue;
    const [, packets, bytes, chain, direction, portText, syn, reject] = match;
    // Only the shapes the agent writes: IN matches the destination port, OUT the source port.
    if ((chain === CHAIN_IN) !== (direction === 'd')) continue;
    const port = Number(portText);
    let entry = ports.get(port);
    if (!entry) {
      entry = { counters: new Map(), blocked: false };
      ports.set(port, entry);
    }
    if (reject) entry.blocked = true;
    else if (syn) entry.counters.set('syn', Number(packets));
    else entry.counters.set(chain === CHAIN_IN ? 'rx' : 'tx', Number(bytes));
  }
  return ports;
}

/** An `iptables-restore --noflush` script for the filter table. */
export function restoreScript(lines: readonly string[]): string {
  return `*filter\n${lines.join('\n')}\nCOMMIT\n`;
}
