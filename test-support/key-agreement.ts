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

/** The agent's ipset sets a key's port must be in (named without `keyport-`): the counters, and `blocked` while disabled. */
export function setsOfKey(key: ListedKey): string[] {
  return [...(key.is_active ? [] : ['blocked']), 'rx', 'syn', 'tx'];
}

interface ListedElement {
  set: string;
  port: number;
  bytes: number;
}

/** The elements of the agent's sets (`ipset save`), the set named without `keyport-`. */
function agentElements(run: RunCommand): ListedElement[] {
  const found: ListedElement[] = [];
  for (const line of run('ipset', ['save']).split('\n')) {
    const match = /^add keyport-(rx|tx|syn|blocked) (\d+)(?: packets \d+ bytes (\d+))?$/.exec(line);
    if (match) found.push({ set: match[1]!, port: Number(match[2]), bytes: Number(match[3] ?? 0) });
  }
  return found;
}

/** Per port, the names of the agent's sets it is in, sorted. */
export function agentSetsByPort(run: RunCommand): Map<number, string[]> {
  const byPort = new Map<number, string[]>();
  for (const { set, port } of agentElements(run)) byPort.set(port, [...(byPort.get(port) ?? []), set].sort());
  return byPort;
}

/** The tags the running Xray (the stand-in) lists, as `xray api lsi --isOnlyTags=true` prints them. */
export function liveInboundTags(xrayApiAddress: string, run: RunCommand): string[] {
  const output = run(FAKE_XRAY, ['api', 'lsi', '-s', xrayApiAddress, '--isOnlyTags=true']);
  return (JSON.parse(output.slice(output.indexOf('{'))).inbounds ?? []).map((inbound: { tag: string }) => inbound.tag);
}

/**
 * Everything on which the keys, the firewall (ipset sets: IPv4 and IPv6 alike) and Xray's live
 * inbounds disagree, as sentences; empty when they agree: a key's port is in exactly its sets
 * (`blocked` too while disabled), an active key has its inbound, and nothing else is in a set or
 * has a keyport inbound.
 */
export function disagreements(keys: readonly ListedKey[], xrayApiAddress: string, run: RunCommand = runHere): string[] {
  const found: string[] = [];
  const byPort = new Map(keys.map((key) => [key.port, key]));
  const sets = agentSetsByPort(run);
  for (const [port, names] of sets) {
    const key = byPort.get(port);
    if (!key) found.push(`ipset: port ${port} is in ${names.join(', ')} but no key owns it`);
    else if (names.join(' ') !== setsOfKey(key).join(' ')) {
      found.push(`ipset: key ${key.id} (port ${port}, active ${key.is_active}) is in ${names.join(', ')}`);
    }
  }
  for (const key of keys) if (!sets.has(key.port)) found.push(`ipset: key ${key.id} (port ${key.port}) is in no set`);
  const tags = liveInboundTags(xrayApiAddress, run).filter((tag) => tag.startsWith('keyport-'));
  const activeTags = new Set(keys.filter((key) => key.is_active).map((key) => `keyport-${key.id}`));
  for (const tag of tags) if (!activeTags.has(tag)) found.push(`xray: inbound ${tag} is live but no active key owns it`);
  for (const tag of activeTags) if (!tags.includes(tag)) found.push(`xray: active key's inbound ${tag} is not live`);
  return found;
}

/** What the kernel counted for a key port (its rx and tx elements, IPv4 and IPv6 alike): the truth the agent's totals must equal. */
export function kernelBytes(port: number, run: RunCommand = runHere): { rxBytes: number; txBytes: number } {
  const total = { rxBytes: 0, txBytes: 0 };
  for (const element of agentElements(run)) {
    if (element.port !== port || (element.set !== 'rx' && element.set !== 'tx')) continue;
    total[element.set === 'rx' ? 'rxBytes' : 'txBytes'] += element.bytes;
  }
  return total;
}
