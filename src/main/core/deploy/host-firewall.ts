import { deployNote, type DeployNote } from '../../../shared/contract/deploy-notes.ts';
import type { PortRange } from '../../../shared/contract/servers.ts';
import type { RemoteHost } from '../ssh/remote-host.ts';
import { TOOL_ENVIRONMENT } from './remote-layout.ts';

export type IptablesFamily = 'v4' | 'v6';

/** An nftables base chain on the input hook that drops what no rule accepts, outside iptables' own tables. */
export interface NftDrop {
  family: string;
  table: string;
  chain: string;
}

/** What on the server would drop a connection to a key port before Xray sees it. */
export interface HostFirewallFacts {
  /** `ufw status` says "Status: active". */
  ufwActive: boolean;
  /** `firewall-cmd --state` says "running". */
  firewalldRunning: boolean;
  /** iptables families whose INPUT policy drops, or whose last INPUT rule drops or rejects everything. */
  iptablesDrops: IptablesFamily[];
  nftDrops: NftDrop[];
}

// One round trip, read-only. ufw and firewalld answer only as root, which the host runs this as.
const DETECT_SCRIPT = [
  TOOL_ENVIRONMENT,
  `if command -v ufw >/dev/null 2>&1; then printf 'ufw %s\\n' "$(ufw status 2>/dev/null | head -n 1)"; fi`,
  `if command -v firewall-cmd >/dev/null 2>&1; then printf 'firewalld %s\\n' "$(firewall-cmd --state 2>/dev/null)"; fi`,
  `if command -v iptables >/dev/null 2>&1; then iptables -w -S INPUT 2>/dev/null | sed 's/^/v4 /'; fi`,
  `if command -v ip6tables >/dev/null 2>&1; then ip6tables -w -S INPUT 2>/dev/null | sed 's/^/v6 /'; fi`,
  `if command -v nft >/dev/null 2>&1; then nft list ruleset 2>/dev/null | grep -E '^table |^[[:space:]]*chain |hook input' | sed 's/^/nft /'; fi`,
  'true',
].join('\n');

export async function detectHostFirewall(host: RemoteHost): Promise<HostFirewallFacts> {
  return parseHostFirewall(await host.check(DETECT_SCRIPT, { timeoutMs: 20_000 }));
}

/** Reads DETECT_SCRIPT's output: each line tagged with what printed it. */
export function parseHostFirewall(output: string): HostFirewallFacts {
  const lines = output.split('\n').map((line) => line.trimEnd());
  const tagged = (tag: string) => lines.filter((line) => line.startsWith(`${tag} `)).map((line) => line.slice(tag.length + 1));
  return {
    ufwActive: tagged('ufw').some((line) => /^Status: active$/.test(line.trim())),
    firewalldRunning: tagged('firewalld').some((line) => line.trim() === 'running'),
    iptablesDrops: (['v4', 'v6'] as const).filter((family) => inputDrops(tagged(family))),
    nftDrops: nftDrops(tagged('nft')),
  };
}

/** `-P INPUT DROP`, or a last rule `-A INPUT -j DROP` / `-A INPUT -j REJECT [--reject-with …]` matching everything. */
function inputDrops(rules: string[]): boolean {
  if (rules.includes('-P INPUT DROP')) return true;
  const last = rules.filter((rule) => rule.startsWith('-A INPUT ')).at(-1);
  return last !== undefined && /^-A INPUT -j (DROP|REJECT)( --reject-with [a-z0-9-]+)?$/.test(last);
}

const NAME = /^[A-Za-z0-9_.-]+$/;

function nftDrops(lines: string[]): NftDrop[] {
  const drops: NftDrop[] = [];
  let table: { family: string; name: string } | undefined;
  let chain: string | undefined;
  for (const line of lines) {
    const tableMatch = /^table (\S+) (\S+) \{$/.exec(line);
    if (tableMatch) {
      table = { family: tableMatch[1]!, name: tableMatch[2]! };
      chain = undefined;
      continue;
    }
    const chainMatch = /^\s*chain (\S+) \{$/.exec(line);
    if (chainMatch) {
      chain = chainMatch[1];
      continue;
    }
    if (!table || !chain || !/type filter hook input\b.*\bpolicy drop;/.test(line)) continue;
    // iptables-nft keeps iptables' rules in ip/ip6 "filter" with chain INPUT (handled as iptables), firewalld its own table.
    const iptablesOwn = (table.family === 'ip' || table.family === 'ip6') && table.name === 'filter' && chain === 'INPUT';
    if (iptablesOwn || table.name === 'firewalld') continue;
    if (![table.family, table.name, chain].every((name) => NAME.test(name))) continue;
    drops.push({ family: table.family, table: table.name, chain });
  }
  return drops;
}

/** How Keyport opens the key port range on this server: one manager, else the agent's own iptables chain. */
export type HostFirewallPlan =
  | { kind: 'ufw' }
  | { kind: 'firewalld' }
  | { kind: 'iptables'; families: IptablesFamily[] }
  | { kind: 'none' };

/** ufw and firewalld own the host's rules when active (a rule of ours beside theirs would be undone by a reload). */
export function planHostFirewall(facts: HostFirewallFacts): HostFirewallPlan {
  if (facts.ufwActive) return { kind: 'ufw' };
  if (facts.firewalldRunning) return { kind: 'firewalld' };
  if (facts.iptablesDrops.length > 0) return { kind: 'iptables', families: facts.iptablesDrops };
  return { kind: 'none' };
}

/** What the admin runs by hand for an nftables table Keyport leaves alone. */
export function nftAdvice(drop: NftDrop, range: PortRange): string {
  const ports = range.from === range.to ? `${range.from}` : `${range.from}-${range.to}`;
  return `nft insert rule ${drop.family} ${drop.table} ${drop.chain} tcp dport ${ports} accept`;
}

/** Ports in messages and firewalld's commands: `FROM-TO/tcp`, or `PORT/tcp` for one. */
export function portsText(range: PortRange): string {
  return range.from === range.to ? `${range.from}/tcp` : `${range.from}-${range.to}/tcp`;
}

export function describeFacts(facts: HostFirewallFacts): DeployNote {
  const found = [
    ...(facts.ufwActive ? [deployNote('ufwActive')] : []),
    ...(facts.firewalldRunning ? [deployNote('firewalldRunning')] : []),
    // ufw's default deny is the DROP policy it sets on INPUT: while ufw is active that is ufw, not a second firewall.
    ...(facts.ufwActive ? [] : facts.iptablesDrops).map((family) => deployNote('iptablesInputDrops', { tool: family === 'v4' ? 'iptables' : 'ip6tables' })),
    ...facts.nftDrops.map(({ family, table, chain }) => deployNote('nftablesChainDrops', { family, table, chain })),
  ];
  return found.length > 0 ? deployNote('firewallFound', { found }) : deployNote('firewallDropsNothing');
}

/** The comment that marks Keyport's ufw rule (`ufw status` shows it as `# keyport`). */
export const UFW_COMMENT = 'keyport';

/**
 * The range as FROM:TO, or the port alone: ufw refuses `N:N` ("ERROR: Bad port"), and `iptables -S`
 * prints a rule made with `--dport N:N` as `--dport N`.
 */
export function portSpec(range: PortRange): string {
  return range.from === range.to ? `${range.from}` : `${range.from}:${range.to}`;
}

/**
 * From `ufw show added` (ufw 0.36 prints each rule as the command that adds it, e.g. `ufw allow
 * 22/tcp`, `ufw allow 10001:29999/tcp comment 'keyport'`): a rule allowing exactly the range that
 * is not Keyport's. ufw counts rules that differ only in their comment as one: `ufw allow ... comment
 * keyport` would answer "Rule updated" and make it Keyport's, for uninstall to delete.
 */
export function ufwForeignRule(showAdded: string, range: PortRange): string | null {
  for (const line of showAdded.split('\n').map((text) => text.trim())) {
    const match = /^ufw allow (\S+)\/tcp(?: comment '(.*)')?$/.exec(line);
    if (match && match[1] === portSpec(range) && match[2] !== UFW_COMMENT) return line;
  }
  return null;
}

/** `ufw delete` exits 0 when no rule matched, saying so for each family instead of "Rule deleted". */
export function ufwDeletedNothing(output: string): boolean {
  return output.includes('Could not delete non-existent rule') && !output.includes('Rule deleted');
}

/** The admin's firewalld ports that share a port with the range, and whether they open all of it. */
export interface FirewalldOverlap {
  /** As firewall-cmd lists them, e.g. `15050/tcp`, runtime and permanent ones together. */
  entries: string[];
  /** Every port of the range is open in both the runtime and the permanent configuration. */
  covered: boolean;
}

/**
 * From `firewall-cmd --list-ports` and `firewall-cmd --permanent --list-ports` (firewalld 1.x lists
 * e.g. `15001-15099/tcp 23000/tcp 53/udp`): the tcp entries that overlap the range, or null when none
 * does. firewalld merges overlapping ports into one entry and removing a range removes every port
 * in it, so adding the range over such an entry and removing it at uninstall would take the admin's
 * ports too.
 */
export function firewalldOverlap(runtime: string, permanent: string, range: PortRange): FirewalldOverlap | null {
  const overlapping = (listed: string) =>
    listed
      .split(/\s+/)
      .map((entry) => ({ entry, ports: /^(\d{1,5})(?:-(\d{1,5}))?\/tcp$/.exec(entry) }))
      .filter((item): item is { entry: string; ports: RegExpExecArray } => item.ports !== null)
      .map(({ entry, ports }) => ({ entry, from: Number(ports[1]), to: Number(ports[2] ?? ports[1]) }))
      .filter((ports) => ports.from <= range.to && ports.to >= range.from);
  const lists = [overlapping(runtime), overlapping(permanent)];
  const entries = [...new Set(lists.flat().map((ports) => ports.entry))];
  if (entries.length === 0) return null;
  return { entries, covered: lists.every((list) => covers(list, range)) };
}

function covers(list: PortRange[], range: PortRange): boolean {
  let next = range.from;
  for (const ports of [...list].sort((a, b) => a.from - b.from)) {
    if (ports.from > next) return false;
    next = Math.max(next, ports.to + 1);
  }
  return next > range.to;
}
