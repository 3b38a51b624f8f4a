import { CHAIN_IN, CHAIN_OPEN, CHAIN_OUT, IPSETS, MANGLE_IN, MANGLE_OUT, NFT_TABLE } from '../../../../remote-agent/src/api/firewall-chains.ts';
import { shellQuote, type RemoteHost } from '../ssh/remote-host.ts';

const CHAINS: readonly string[] = [CHAIN_IN, CHAIN_OUT, CHAIN_OPEN, MANGLE_IN, MANGLE_OUT];
const TABLES = ['filter', 'mangle'] as const;
const TOOLS = ['iptables', 'ip6tables'] as const;

/**
 * Removes the agent's firewall objects from both address families: in iptables' filter and mangle
 * tables every rule that jumps into its chains or matches its ipset sets (the `-A` lines of
 * `iptables -t TABLE -S`, deleted with `-D`), then the chains (KEYPORT_OPEN, the counting chains,
 * and those of agents before ipset; `-F`, `-X`); then its ipset sets, and the nftables table of
 * agents before ipset. A tool that is missing is skipped. Returns the tools that had Keyport's objects.
 */
export async function removeFirewallChains(host: RemoteHost): Promise<string[]> {
  const cleaned: string[] = [];
  for (const tool of TOOLS) {
    const commands: string[] = [];
    for (const table of TABLES) {
      const listed = await host.run(`command -v ${tool} >/dev/null 2>&1 && ${tool} -w -t ${table} -S`);
      if (listed.exitCode !== 0) continue;
      const lines = listed.stdout.split('\n');
      const ours = lines.map(ruleWords).filter((words) => words[0] === '-A' && !CHAINS.includes(words[1]!) && (jumpTarget(words) !== undefined || matchesOurSet(words)));
      const chains = CHAINS.filter((chain) => lines.includes(`-N ${chain}`));
      commands.push(
        ...ours.map((words) => `${tool} -w -t ${table} -D ${words.slice(1).map(shellQuote).join(' ')}`),
        ...chains.map((chain) => `${tool} -w -t ${table} -F ${chain} && ${tool} -w -t ${table} -X ${chain}`),
      );
    }
    if (commands.length === 0) continue;
    await host.check(commands.join(' &&\n'));
    cleaned.push(tool);
  }
  const sets = await host.run(`command -v ipset >/dev/null 2>&1 && ipset list -n`);
  const present = sets.exitCode === 0 ? IPSETS.filter((name) => sets.stdout.split('\n').includes(name)) : [];
  if (present.length > 0) {
    await host.check(present.map((name) => `ipset destroy ${shellQuote(name)}`).join(' && '));
    cleaned.push('ipset');
  }
  const table = `inet ${NFT_TABLE}`;
  const listed = await host.run(`command -v nft >/dev/null 2>&1 && nft list table ${table} >/dev/null 2>&1`);
  if (listed.exitCode === 0) {
    await host.check(`nft delete table ${table}`);
    cleaned.push('nftables');
  }
  return cleaned;
}

function matchesOurSet(words: string[]): boolean {
  const at = words.indexOf('--match-set');
  return at >= 0 && (IPSETS as readonly string[]).includes(words[at + 1]!);
}

function jumpTarget(words: string[]): string | undefined {
  const jump = words.indexOf('-j');
  const target = jump >= 0 ? words[jump + 1] : undefined;
  return target !== undefined && CHAINS.includes(target) ? target : undefined;
}

/** Splits one `iptables -S` line into its arguments; iptables double-quotes those with spaces. */
function ruleWords(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) {
    words.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2]!);
  }
  return words;
}
