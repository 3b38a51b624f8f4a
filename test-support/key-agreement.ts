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

/** The agent's nftables sets a key's port must be in: the counters, and `blocked` while disabled. */
export function setsOfKey(key: ListedKey): string[] {
  return [...(key.is_active ? [] : ['blocked']), 'rx', 'syn', 'tx'];
}

interface ListedSet {
  name: string;
  elem?: Array<number | { elem: { val: number; counter: { packets: number; bytes: number } } }>;
}

/** The sets of the agent's table (`nft -j list table inet keyport`). */
function agentSets(run: RunCommand): ListedSet[] {
  const listed = JSON.parse(run('nft', ['-j', 'list', 'table', 'inet', 'keyport'])) as { nftables: Array<{ set?: ListedSet }> };
  return listed.nftables.flatMap((item) => (item.set ? [item.set] : []));
}

/** Per port, the names of the agent's sets it is in, sorted. */
export function agentSetsByPort(run: RunCommand): Map<number, string[]> {
  const byPort = new Map<number, string[]>();
  for (const set of agentSets(run)) {
    for (const elem of set.elem ?? []) {
      const port = typeof elem === 'number' ? elem : elem.elem.val;
      byPort.set(port, [...(byPort.get(port) ?? []), set.name].sort());
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
 * Everything on which the keys, the firewall (one inet table: IPv4 and IPv6) and Xray's live
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
    if (!key) found.push(`nft: port ${port} is in ${names.join(', ')} but no key owns it`);
    else if (names.join(' ') !== setsOfKey(key).join(' ')) {
      found.push(`nft: key ${key.id} (port ${port}, active ${key.is_active}) is in ${names.join(', ')}`);
    }
  }
  for (const key of keys) if (!sets.has(key.port)) found.push(`nft: key ${key.id} (port ${key.port}) is in no set`);
  const tags = liveInboundTags(xrayApiAddress, run).filter((tag) => tag.startsWith('keyport-'));
  const activeTags = new Set(keys.filter((key) => key.is_active).map((key) => `keyport-${key.id}`));
  for (const tag of tags) if (!activeTags.has(tag)) found.push(`xray: inbound ${tag} is live but no active key owns it`);
  for (const tag of activeTags) if (!tags.includes(tag)) found.push(`xray: active key's inbound ${tag} is not live`);
  return found;
}

/** What the kernel counted for a key port (its rx and tx elements, IPv4 and IPv6 alike): the truth the agent's totals must equal. */
export function kernelBytes(port: number, run: RunCommand = runHere): { rxBytes: number; txBytes: number } {
  const total = { rxBytes: 0, txBytes: 0 };
  for (const set of agentSets(run)) {
    if (set.name !== 'rx' && set.name !== 'tx') continue;
    for (const elem of set.elem ?? []) {
      if (typeof elem === 'number' || elem.elem.val !== port) continue;
      total[set.name === 'rx' ? 'rxBytes' : 'txBytes'] += elem.elem.counter.bytes;
    }
  }
  return total;
}
