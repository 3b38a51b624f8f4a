import { execFileSync } from 'node:child_process';
import { IPSETS, NFT_TABLE } from '../../src/api/firewall-chains.ts';
import { layoutRemoval } from '../../src/services/firewall/ipset-rules.ts';

const FAMILIES = ['iptables', 'ip6tables'] as const;
const SETS = ['rx', 'tx', 'syn', 'blocked'] as const;
export type AgentSet = (typeof SETS)[number];
const ipsetName = (set: AgentSet) => `keyport-${set}`;

/** Removes the agent's rules and sets, an older agent's nftables table and chains, so a test starts from a clean firewall. */
export function removeAgentChains(): void {
  for (const bin of FAMILIES) {
    const removal = layoutRemoval(execFileSync(`${bin}-save`, [], { encoding: 'utf8' }));
    if (removal) execFileSync(`${bin}-restore`, ['-w', '--noflush'], { input: removal });
  }
  for (const name of IPSETS) quietly('ipset', ['destroy', name]);
  quietly('nft', ['delete', 'table', 'inet', NFT_TABLE]);
  removeLegacyChains();
}

/** Removes the iptables chains of agents before nftables, and the jumps into them. */
export function removeLegacyChains(): void {
  for (const bin of FAMILIES) {
    for (const [parent, chain] of [
      ['INPUT', 'KEYPORT_IN'],
      ['OUTPUT', 'KEYPORT_OUT'],
    ] as const) {
      const jumps = execFileSync(bin, ['-w', '-S', parent], { encoding: 'utf8' })
        .split('\n')
        .filter((line) => line.endsWith(`-j ${chain}`));
      for (const jump of jumps) quietly(bin, ['-w', '-D', ...jump.slice(3).split(' ')]);
      quietly(bin, ['-w', '-F', chain]);
      quietly(bin, ['-w', '-X', chain]);
    }
  }
}

/** The elements of the agent's ipset sets, as `ipset save` lists them. */
function savedElements(): Array<{ set: AgentSet; port: number; packets?: number; bytes?: number }> {
  const saved = execFileSync('ipset', ['save'], { encoding: 'utf8' });
  const found: Array<{ set: AgentSet; port: number; packets?: number; bytes?: number }> = [];
  for (const line of saved.split('\n')) {
    const match = /^add keyport-(rx|tx|syn|blocked) (\d+)(?: packets (\d+) bytes (\d+))?$/.exec(line);
    if (!match) continue;
    found.push({ set: match[1] as AgentSet, port: Number(match[2]), ...(match[3] === undefined ? {} : { packets: Number(match[3]), bytes: Number(match[4]) }) });
  }
  return found;
}

/** The ports of each of the agent's sets. */
export function agentSets(): Record<AgentSet, number[]> {
  const sets = Object.fromEntries(SETS.map((name) => [name, [] as number[]])) as Record<AgentSet, number[]>;
  for (const { set, port } of savedElements()) sets[set].push(port);
  for (const name of SETS) sets[name].sort((a, b) => a - b);
  return sets;
}

/** The agent's set elements as lines, `SET port PORT`, e.g. `blocked port 10001`. */
export function agentRules(): string[] {
  return Object.entries(agentSets()).flatMap(([name, ports]) => ports.map((port) => `${name} port ${port}`));
}

/** Adds or deletes one element of the agent's sets behind its back. */
export function changeElement(change: 'add' | 'delete', set: AgentSet, port: number): void {
  execFileSync('ipset', [change === 'add' ? 'add' : 'del', ipsetName(set), String(port)]);
}

/** Zeroes the agent's counters under it, as an admin's reset would. */
export function zeroAgentCounters(): void {
  const lines = savedElements()
    .filter((element) => element.set !== 'blocked')
    .map((element) => `add ${ipsetName(element.set)} ${element.port} packets 0 bytes 0`);
  execFileSync('ipset', ['-exist', 'restore'], { input: `${lines.join('\n')}\n` });
}

function quietly(bin: string, args: string[]): void {
  try {
    execFileSync(bin, args, { stdio: 'ignore' });
  } catch {
    // Absent already: nothing to remove.
  }
}
