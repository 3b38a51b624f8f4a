import { CHAIN_IN, CHAIN_OPEN, CHAIN_OUT, NFT_TABLE } from '../../../../remote-agent/src/api/firewall-chains.ts';
import { shellQuote, type RemoteHost } from '../ssh/remote-host.ts';

const CHAINS: readonly string[] = [CHAIN_IN, CHAIN_OUT, CHAIN_OPEN];
const TOOLS = ['iptables', 'ip6tables'] as const;

/**
 * Removes the agent's nftables table (its counting sets), then its iptables chains (KEYPORT_OPEN,
 * and the counting chains of agents before nftables) from both address families: every rule that
 * jumps into them (the `-A` lines of `iptables -S`, deleted with `-D`), then the chains themselves
 * (`-F`, `-X`). A tool that is missing is skipped. Returns the tools that had Keyport's objects.
 */
export async function removeFirewallChains(host: RemoteHost): Promise<string[]> {
  const cleaned: string[] = [];
  const table = `inet ${NFT_TABLE}`;
  const listed = await host.run(`command -v nft >/dev/null 2>&1 && nft list table ${table} >/dev/null 2>&1`);
  if (listed.exitCode === 0) {
    await host.check(`nft delete table ${table}`);
    cleaned.push('nftables');
  }
  for (const tool of TOOLS) {
    const listed = await host.run(`command -v ${tool} >/dev/null 2>&1 && ${tool} -w -S`);
    if (listed.exitCode !== 0) continue;
    const lines = listed.stdout.split('\n');
    const jumps = lines.map(ruleWords).filter((words) => words[0] === '-A' && !CHAINS.includes(words[1]!) && jumpTarget(words) !== undefined);
    const chains = CHAINS.filter((chain) => lines.includes(`-N ${chain}`));
    if (jumps.length === 0 && chains.length === 0) continue;
    await host.check(
      [
        ...jumps.map((words) => `${tool} -w -D ${words.slice(1).map(shellQuote).join(' ')}`),
        ...chains.map((chain) => `${tool} -w -F ${chain} && ${tool} -w -X ${chain}`),
      ].join(' &&\n'),
    );
    cleaned.push(tool);
  }
  return cleaned;
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
