import type { HostFirewallReport } from '../../../shared/contract/deploy.ts';
import { deployNote, type DeployNote } from '../../../shared/contract/deploy-notes.ts';
import type { PortRange } from '../../../shared/contract/servers.ts';
import { CHAIN_OPEN } from '../../../../remote-agent/src/api/firewall-chains.ts';
import { shellQuote, type RemoteHost } from '../ssh/remote-host.ts';
import {
  describeFacts,
  firewalldOverlap,
  nftAdvice,
  planHostFirewall,
  UFW_COMMENT,
  ufwDeletedNothing,
  ufwForeignRule,
  portSpec,
  portsText,
  type HostFirewallFacts,
  type IptablesFamily,
} from './host-firewall.ts';
import { HOST_FIREWALL_RECORD, HOST_FIREWALL_SUBSCRIPTION_RECORD, TOOL_ENVIRONMENT } from './remote-layout.ts';

type Manager = 'ufw' | 'firewalld';

interface Opened {
  kind: Manager | 'iptables';
  range: PortRange;
}

/** Ports a deploy opens in the host's firewall, each with the file on the server that says what was opened, for closing it. */
export interface FirewallOpening {
  recordFile: string;
}

export const KEY_PORTS_OPENING: FirewallOpening = { recordFile: HOST_FIREWALL_RECORD };
export const SUBSCRIPTION_PORT_OPENING: FirewallOpening = { recordFile: HOST_FIREWALL_SUBSCRIPTION_RECORD };

/** The commands, from checked numbers only: nothing typed by anyone reaches them. */
function managerCommands(kind: Manager, range: PortRange, action: 'open' | 'close'): string[] {
  const { from, to } = checkedRange(range);
  // The delete names the comment too: without it ufw deletes a rule of the admin's for the same ports.
  if (kind === 'ufw') return [`ufw ${action === 'open' ? 'allow' : 'delete allow'} ${portSpec({ from, to })}/tcp comment ${UFW_COMMENT}`];
  // Runtime and permanent both, instead of --reload: a reload would drop other runtime-only rules.
  const flag = action === 'open' ? 'add' : 'remove';
  // firewalld takes N-N for one port (and lists it as N/tcp).
  return [`firewall-cmd --${flag}-port=${from}-${to}/tcp`, `firewall-cmd --permanent --${flag}-port=${from}-${to}/tcp`];
}

function checkedRange(range: PortRange): PortRange {
  const { from, to } = range;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to > 65535 || from > to) throw new Error(`${from}-${to} is not a port range`);
  return { from, to };
}

async function run(host: RemoteHost, commands: string[]): Promise<{ ok: boolean; detail: string; stdout: string }> {
  const result = await host.run([TOOL_ENVIRONMENT, ...commands].join(' &&\n'));
  const detail = (result.stderr.trim() || result.stdout.trim()).split('\n').at(-1) ?? '';
  return { ok: result.exitCode === 0, detail: result.exitCode === 0 ? detail : `${detail || 'no output'} (exit ${result.exitCode})`, stdout: result.stdout };
}

/** What closing a range an earlier deploy opened in `kind` came to. */
function closedNote(kind: Manager, range: PortRange, result: { ok: boolean; detail: string; stdout: string }): DeployNote {
  const ports = portsText(range);
  if (!result.ok) return deployNote('couldNotClose', { ports, manager: kind, detail: result.detail });
  if (kind === 'ufw' && ufwDeletedNothing(result.stdout)) return deployNote('noRuleLeftToClose', { ports, comment: UFW_COMMENT });
  return deployNote('closedEarlierOpening', { ports, manager: kind });
}

/** firewalld ports of someone else's in the range (see firewalldOverlap); null when there are none or firewalld cannot say. */
async function foreignFirewalldPorts(host: RemoteHost, range: PortRange) {
  const listed = await host.run(`${TOOL_ENVIRONMENT}; firewall-cmd --list-ports && firewall-cmd --permanent --list-ports`);
  const [runtime, permanent] = listed.stdout.split('\n');
  return listed.exitCode === 0 && permanent !== undefined ? firewalldOverlap(runtime!, permanent, range) : null;
}

/** A ufw rule of someone else's for exactly the range (see ufwForeignRule); null when ufw cannot say. */
async function foreignUfwRule(host: RemoteHost, range: PortRange): Promise<string | null> {
  const shown = await host.run(`${TOOL_ENVIRONMENT}; ufw show added`);
  return shown.exitCode === 0 ? ufwForeignRule(shown.stdout, range) : null;
}

async function readOpened(host: RemoteHost, opening: FirewallOpening): Promise<Opened | null> {
  const text = await host.run(`cat ${shellQuote(opening.recordFile)} 2>/dev/null`);
  const match = /^(ufw|firewalld|iptables) (\d{1,5}) (\d{1,5})$/.exec(text.stdout.trim());
  if (text.exitCode !== 0 || !match) return null;
  return { kind: match[1] as Opened['kind'], range: { from: Number(match[2]), to: Number(match[3]) } };
}

async function record(host: RemoteHost, opening: FirewallOpening, opened: Opened | null): Promise<void> {
  if (opened) await host.writeFile(opening.recordFile, `${opened.kind} ${opened.range.from} ${opened.range.to}\n`, 0o644);
  else await host.check(`rm -f ${shellQuote(opening.recordFile)}`);
}

export interface HostFirewallOutcome {
  report: HostFirewallReport;
  /** What was found, then what was done. */
  note: DeployNote;
  /** What was done, without what was found. */
  done: DeployNote[];
  skipped: boolean;
}

/**
 * After the agent is up: opens the key port range (or another `opening`, such as the subscription
 * port) in ufw or firewalld (closing what an earlier deploy opened there for it), or checks that
 * the agent's own KEYPORT_OPEN chain accepts it; what Keyport cannot do itself (an nftables table
 * of the admin's, a command that failed) becomes a `todo`.
 */
export async function openHostFirewall(host: RemoteHost, facts: HostFirewallFacts, range: PortRange, opening = KEY_PORTS_OPENING): Promise<HostFirewallOutcome> {
  const plan = planHostFirewall(facts);
  const found = describeFacts(facts);
  const previous = await readOpened(host, opening);
  const notes: DeployNote[] = [];
  const todo: string[] = [];
  let opened: string | null = null;
  // What an earlier deploy opened in ufw or firewalld goes, unless this deploy opens the same there.
  const kept = previous?.kind === plan.kind && previous.range.from === range.from && previous.range.to === range.to;
  if (previous && previous.kind !== 'iptables' && !kept) {
    const closed = await run(host, managerCommands(previous.kind, previous.range, 'close'));
    notes.push(closedNote(previous.kind, previous.range, closed));
    if (!closed.ok) todo.push(...managerCommands(previous.kind, previous.range, 'close'));
  }

  const foreign = plan.kind === 'ufw' ? await foreignUfwRule(host, range) : null;
  // Our own range from an earlier deploy is listed too; the admin's ports merged into it can no longer be told apart.
  const overlap = plan.kind === 'firewalld' && !kept ? await foreignFirewalldPorts(host, range) : null;
  const ports = portsText(range);
  if (foreign) {
    notes.push(deployNote('ufwRuleNotOurs', { ports, rule: foreign }));
    await record(host, opening, null);
  } else if (overlap) {
    const entries = overlap.entries.join(' ');
    if (overlap.covered) notes.push(deployNote('firewalldPortsNotOursCover', { ports, entries }));
    else {
      const commands = managerCommands('firewalld', range, 'open');
      todo.push(...commands);
      notes.push(deployNote('firewalldPortsNotOursOverlap', { ports, entries, commands: commands.join(' && ') }));
    }
    await record(host, opening, null);
  } else if (plan.kind === 'ufw' || plan.kind === 'firewalld') {
    const commands = managerCommands(plan.kind, range, 'open');
    const result = await run(host, commands);
    if (result.ok) {
      opened = commands.join(' && ');
      notes.push(deployNote('openedPorts', { ports, manager: plan.kind, commands: commands.join('; '), detail: result.detail }));
      await record(host, opening, { kind: plan.kind, range });
    } else {
      todo.push(...commands);
      notes.push(deployNote('couldNotOpen', { ports, manager: plan.kind, detail: result.detail, commands: commands.join(' && ') }));
      await record(host, opening, null);
    }
  } else if (plan.kind === 'iptables') {
    const missing = await missingOpenChains(host, plan.families, range);
    if (missing.length === 0) {
      opened = `iptables chain ${CHAIN_OPEN} (${plan.families.join(', ')})`;
      notes.push(deployNote('agentChainAccepts', { ports, chain: CHAIN_OPEN, families: plan.families.join(', ') }));
    } else {
      for (const tool of missing) todo.push(`${tool} -I INPUT -p tcp --dport ${range.from}:${range.to} -j ACCEPT`);
      notes.push(deployNote('agentChainMissing', { chain: CHAIN_OPEN, tools: missing.join(', ') }));
    }
    await record(host, opening, { kind: 'iptables', range });
  } else {
    await record(host, opening, null);
  }

  for (const drop of facts.nftDrops) {
    const command = nftAdvice(drop, range);
    todo.push(command);
    notes.push(deployNote('nftablesRunByHand', { family: drop.family, table: drop.table, chain: drop.chain, command }));
  }
  const note = notes.length > 0 ? deployNote('firewallDone', { found, done: notes }) : deployNote('firewallNothingToOpen', { found });
  return { report: { found, opened, todo }, note, done: notes, skipped: notes.length === 0 };
}

async function missingOpenChains(host: RemoteHost, families: IptablesFamily[], range: PortRange): Promise<string[]> {
  const missing: string[] = [];
  for (const family of families) {
    const tool = family === 'v4' ? 'iptables' : 'ip6tables';
    const listed = await host.run(`${TOOL_ENVIRONMENT}; ${tool} -w -S ${CHAIN_OPEN}`);
    if (listed.exitCode !== 0 || !listed.stdout.includes(`--dport ${portSpec(range)} -j ACCEPT`)) missing.push(tool);
  }
  return missing;
}

/**
 * On uninstall, or for subscriptions turned off: closes what deploy opened in ufw or firewalld for
 * `opening`. The agent's KEYPORT_OPEN chain accepts only what it serves, made at each start: the
 * key ports' goes with the agent's chains at uninstall, the subscription port's once the agent
 * starts without it.
 */
export async function closeHostFirewall(host: RemoteHost, opening = KEY_PORTS_OPENING): Promise<DeployNote | null> {
  const opened = await readOpened(host, opening);
  if (!opened) return null;
  const ports = portsText(opened.range);
  if (opened.kind === 'iptables') {
    await record(host, opening, null);
    return opening === KEY_PORTS_OPENING ? null : deployNote('agentChainNoLongerAccepts', { ports, chain: CHAIN_OPEN });
  }
  const commands = managerCommands(opened.kind, opened.range, 'close');
  const result = await run(host, commands);
  await record(host, opening, null);
  if (!result.ok) return deployNote('couldNotCloseRunAsRoot', { ports, manager: opened.kind, detail: result.detail, commands: commands.join(' && ') });
  if (opened.kind === 'ufw' && ufwDeletedNothing(result.stdout)) return deployNote('noRuleLeftToClose', { ports, comment: UFW_COMMENT });
  return deployNote('closedOpening', { ports, manager: opened.kind });
}
