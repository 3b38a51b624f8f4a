import type { FirewallSnapshot } from '../firewall/port-firewall.ts';
import { serves, type PortRange, type KeyRecord } from '../store/key-store.ts';

export interface PortIssue {
  port: number;
  key_id: string;
  problem: string;
}

/**
 * Validates each key's port: inside the range, counted by the firewall, and — while Xray runs —
 * listened on by an active key's inbound and by nothing for a disabled key.
 */
export function checkPorts(
  keys: readonly KeyRecord[],
  range: PortRange,
  snapshot: FirewallSnapshot,
  listening: ReadonlySet<number>,
  xrayRunning: boolean,
): PortIssue[] {
  const issues: PortIssue[] = [];
  for (const key of keys) {
    const issue = (problem: string) => issues.push({ port: key.port, key_id: key.id, problem });
    if (key.port < range.from || key.port > range.to) issue(`outside the port range ${range.from}-${range.to}`);
    if (!snapshot.ports.has(key.port)) issue('no traffic-counting firewall rules');
    if (xrayRunning && serves(key) && !listening.has(key.port)) issue('active key but nothing listens on its port');
    if (!serves(key) && listening.has(key.port)) issue(`${key.isActive ? key.limitStatus : 'disabled'} key but something still listens on its port`);
  }
  return issues;
}
