import { execFileSync } from 'node:child_process';

const FAMILIES = ['iptables', 'ip6tables'] as const;

/** Removes the agent's chains and the jumps into them, so a test starts from a clean firewall. */
export function removeAgentChains(): void {
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

/** The agent's rules as `iptables -S` prints them (IPv4). */
export function agentRules(): string[] {
  return ['KEYPORT_IN', 'KEYPORT_OUT'].flatMap((chain) =>
    execFileSync('iptables', ['-w', '-S', chain], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.startsWith('-A')),
  );
}

/** Zeroes the agent's counters under it, as an admin's `iptables -Z` would. */
export function zeroAgentCounters(): void {
  for (const chain of ['KEYPORT_IN', 'KEYPORT_OUT']) execFileSync('iptables', ['-w', '-Z', chain]);
}

function quietly(bin: string, args: string[]): void {
  try {
    execFileSync(bin, args, { stdio: 'ignore' });
  } catch {
    // Absent already: nothing to remove.
  }
}
