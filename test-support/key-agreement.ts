import { execFileSync } from 'node:child_process';
import { FAKE_XRAY } from './stand-in-xray.ts';

/** Runs a command and returns its stdout: here, or inside a namespace of the test's own. */
export type RunCommand = (file: string, args: string[]) => string;

export const runHere: RunCommand = (file, args) => execFileSync(file, args, { encoding: 'utf8' });

export const runInNamespace =
  (namespace: string): RunCommand =>
  (file, args) =>
    execFileSync('ip', ['netns', 'exec', namespace, file, ...args], { encoding: 'utf8' });

/** A key as `GET /api/keys` lists it (the fields that decide its rules and inbound). */
export interface ListedKey {
  id: string;
  port: number;
  is_active: boolean;
}

/** The agent's rules exactly as `iptables -S` prints them for a key's port, REJECT first. */
export function rulesOfKey(key: ListedKey): string[] {
  const port = key.port;
  return [
    ...(key.is_active ? [] : [`-A KEYPORT_IN -p tcp -m tcp --dport ${port} -j REJECT --reject-with tcp-reset`]),
    `-A KEYPORT_IN -p tcp -m tcp --dport ${port} --tcp-flags FIN,SYN,RST,ACK SYN`,
    `-A KEYPORT_IN -p tcp -m tcp --dport ${port} -j RETURN`,
    `-A KEYPORT_OUT -p tcp -m tcp --sport ${port} -j RETURN`,
  ];
}

/** The rules of the agent's two chains, per port, in chain order. */
export function agentRulesByPort(iptables: string, run: RunCommand): Map<number, string[]> {
  const byPort = new Map<number, string[]>();
  for (const chain of ['KEYPORT_IN', 'KEYPORT_OUT']) {
    for (const line of run(iptables, ['-w', '-S', chain]).split('\n')) {
      if (!line.startsWith('-A')) continue;
      const port = Number(/--[ds]port (\d+)/.exec(line)?.[1] ?? -1);
      byPort.set(port, [...(byPort.get(port) ?? []), line]);
    }
  }
  return byPort;
}

/** The tags the running Xray (the stand-in) lists, as `xray api lsi --isOnlyTags=true` prints them. */
export function liveInboundTags(xrayApiAddress: string, run: RunCommand): string[] {
  const output = run(FAKE_XRAY, ['api', 'lsi', '-s', xrayApiAddress, '--isOnlyTags=true']);
  return (JSON.parse(output.slice(output.indexOf('{'))).inbounds ?? []).map((inbound: { tag: string }) => inbound.tag);
}

/**
 * Everything on which the keys, the firewall (IPv4 and IPv6) and Xray's live inbounds disagree,
 * as sentences; empty when they agree: a key has exactly its rules (REJECT first while disabled),
 * an active key has its inbound, and nothing else has rules or a keyport inbound.
 */
export function disagreements(keys: readonly ListedKey[], xrayApiAddress: string, run: RunCommand = runHere): string[] {
  const found: string[] = [];
  const byPort = new Map(keys.map((key) => [key.port, key]));
  for (const iptables of ['iptables', 'ip6tables']) {
    const rules = agentRulesByPort(iptables, run);
    for (const [port, lines] of rules) {
      const key = byPort.get(port);
      if (!key) found.push(`${iptables}: port ${port} has rules but no key: ${lines.join(' | ')}`);
      else if (lines.join('\n') !== rulesOfKey(key).join('\n')) {
        found.push(`${iptables}: key ${key.id} (port ${port}, active ${key.is_active}) has ${lines.join(' | ')}`);
      }
    }
    for (const key of keys) if (!rules.has(key.port)) found.push(`${iptables}: key ${key.id} (port ${key.port}) has no rules`);
  }
  const tags = liveInboundTags(xrayApiAddress, run).filter((tag) => tag.startsWith('keyport-'));
  const activeTags = new Set(keys.filter((key) => key.is_active).map((key) => `keyport-${key.id}`));
  for (const tag of tags) if (!activeTags.has(tag)) found.push(`xray: inbound ${tag} is live but no active key owns it`);
  for (const tag of activeTags) if (!tags.includes(tag)) found.push(`xray: active key's inbound ${tag} is not live`);
  return found;
}

/** What the kernel counted on a key port's byte rules, both families summed: the truth the agent's totals must equal. */
export function kernelBytes(port: number, run: RunCommand = runHere): { rxBytes: number; txBytes: number } {
  const total = { rxBytes: 0, txBytes: 0 };
  for (const save of ['iptables-save', 'ip6tables-save']) {
    for (const line of run(save, ['-c', '-t', 'filter']).split('\n')) {
      const rule = /^\[\d+:(\d+)\] -A (KEYPORT_IN|KEYPORT_OUT) -p tcp -m tcp --([ds])port (\d+) -j RETURN$/.exec(line);
      if (!rule || Number(rule[4]) !== port) continue;
      if (rule[2] === 'KEYPORT_IN') total.rxBytes += Number(rule[1]);
      else total.txBytes += Number(rule[1]);
    }
  }
  return total;
}
