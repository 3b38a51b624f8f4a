import { runCommand, streamCommand } from '../../lib/run-command.ts';
import { CHAIN_IN, CHAIN_OUT, parseSavedRules, type PortRules as LegacyRules } from './iptables-rules.ts';

/**
 * The per-port iptables chains of agents before the nftables table and the ipset sets, read once at start so that
 * their counters end in the traffic history, and then removed.
 */

export interface LegacyFamily {
  label: 'v4' | 'v6';
  iptables: string;
  save: string;
}

export const LEGACY_FAMILIES: readonly LegacyFamily[] = [
  { label: 'v4', iptables: 'iptables', save: 'iptables-save' },
  { label: 'v6', iptables: 'ip6tables', save: 'ip6tables-save' },
];

const PARENTS = [
  { parent: 'INPUT', chain: CHAIN_IN },
  { parent: 'OUTPUT', chain: CHAIN_OUT },
] as const;

export interface LegacyState {
  family: LegacyFamily;
  ports: Map<number, LegacyRules>;
}

/** The families that still have the old chains; a family whose tools are missing has none. */
export async function readLegacy(): Promise<LegacyState[]> {
  const found: LegacyState[] = [];
  for (const family of LEGACY_FAMILIES) {
    const saved = await tryRun(family.save, ['-c', '-t', 'filter']);
    if (saved === undefined) continue;
    const lines = saved.split('\n');
    if (!PARENTS.some(({ chain }) => lines.some((line) => line.startsWith(`:${chain} `)))) continue;
    found.push({ family, ports: parseSavedRules(saved) });
  }
  return found;
}

/** Counter values of the old chains keyed as the sampler stored them: `v4:rx:PORT`. */
export function legacyCounters(states: readonly LegacyState[]): Map<string, number> {
  const counters = new Map<string, number>();
  for (const state of states) {
    for (const [port, rules] of state.ports) {
      for (const [kind, value] of rules.counters) counters.set(`${state.family.label}:${kind}:${port}`, value);
    }
  }
  return counters;
}

/** The `-A` lines of `iptables-save` output that jump into the old chains. */
export function oldJumps(saved: string): string[] {
  return saved.split('\n').filter((line) => PARENTS.some(({ parent, chain }) => line.startsWith(`-A ${parent} `) && line.endsWith(`-j ${chain}`)));
}

/** Deletes the jumps into the old chains still there, so they stop counting. */
export async function deleteJumps(family: LegacyFamily): Promise<void> {
  for (const line of oldJumps(await mustRun(family.save, ['-t', 'filter']))) {
    await mustRun(family.iptables, ['-w', '-D', ...line.slice(3).split(' ')]);
  }
}

/** Flushes and deletes the old chains, once nothing jumps into them. */
export async function deleteChains(family: LegacyFamily): Promise<void> {
  const saved = await mustRun(family.save, ['-t', 'filter']);
  for (const { chain } of PARENTS) {
    if (!saved.split('\n').some((line) => line.startsWith(`:${chain} `))) continue;
    await mustRun(family.iptables, ['-w', '-F', chain]);
    await mustRun(family.iptables, ['-w', '-X', chain]);
  }
}

async function tryRun(file: string, args: string[]): Promise<string | undefined> {
  try {
    const result = await runCommand(file, args);
    return result.exitCode === 0 ? result.stdout : undefined;
  } catch {
    return undefined;
  }
}

export async function mustRun(file: string, args: string[], input?: string): Promise<string> {
  const result = await runCommand(file, args, input === undefined ? {} : { input });
  if (result.exitCode !== 0) {
    throw new Error(`${file} ${args.join(' ')} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
  }
  return result.stdout;
}

/** As mustRun, the output handed to `onOutput` as it comes (see streamCommand). */
export async function mustStream(file: string, args: string[], onOutput: (text: string) => void): Promise<void> {
  const result = await streamCommand(file, args, onOutput);
  if (result.exitCode !== 0) {
    throw new Error(`${file} ${args.join(' ')} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
  }
}
