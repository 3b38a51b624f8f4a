import { execFileSync } from 'node:child_process';
import { NFT_TABLE } from '../../src/api/firewall-chains.ts';

const FAMILIES = ['iptables', 'ip6tables'] as const;
const SETS = ['rx', 'tx', 'syn', 'blocked'] as const;
export type AgentSet = (typeof SETS)[number];

/** Removes the agent's nftables table and any old-style chains, so a test starts from a clean firewall. */
export function removeAgentChains(): void {
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

/** The ports of each of the agent's sets. */
export function agentSets(): Record<AgentSet, number[]> {
  const listed = JSON.parse(execFileSync('nft', ['-j', 'list', 'table', 'inet', NFT_TABLE], { encoding: 'utf8' })) as {
    nftables: Array<{ set?: { name: string; elem?: Array<number | { elem: { val: number } }> } }>;
  };
  const sets = Object.fromEntries(SETS.map((name) => [name, [] as number[]])) as Record<AgentSet, number[]>;
  for (const { set } of listed.nftables) {
    if (!set || !(SETS as readonly string[]).includes(set.name)) continue;
    sets[set.name as AgentSet] = (set.elem ?? []).map((elem) => (typeof elem === 'number' ? elem : elem.elem.val)).sort((a, b) => a - b);
  }
  return sets;
}

/** The agent's set elements as lines, `SET port PORT`, e.g. `blocked port 10001`. */
export function agentRules(): string[] {
  return Object.entries(agentSets()).flatMap(([name, ports]) => ports.map((port) => `${name} port ${port}`));
}

/** Adds or deletes one element of the agent's sets behind its back. */
export function changeElement(change: 'add' | 'delete', set: AgentSet, port: number): void {
  execFileSync('nft', [change, 'element', 'inet', NFT_TABLE, set, `{ ${port} }`]);
}

/** Zeroes the agent's counters under it, as an admin's reset would: the elements made again. */
export function zeroAgentCounters(): void {
  const sets = agentSets();
  const lines = (['rx', 'tx', 'syn'] as const).flatMap((name) =>
    sets[name].length === 0 ? [] : [`delete element inet ${NFT_TABLE} ${name} { ${sets[name].join(', ')} }`, `add element inet ${NFT_TABLE} ${name} { ${sets[name].join(', ')} }`],
  );
  execFileSync('nft', ['-f', '-'], { input: `${lines.join('\n')}\n` });
}

function quietly(bin: string, args: string[]): void {
  try {
    execFileSync(bin, args, { stdio: 'ignore' });
  } catch {
    // Absent already: nothing to remove.
  }
}
