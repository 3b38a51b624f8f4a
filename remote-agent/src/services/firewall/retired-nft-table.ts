import type { Logger } from '../../lib/logger.ts';
import { runCommand } from '../../lib/run-command.ts';
import { mustRun } from './legacy-chains.ts';
import { NFT_TABLE, deleteTableScript, parseTable, stopTableScript, type PortRules } from './nft-rules.ts';

/**
 * The nftables table of agents before the ipset sets: its ports and counters, or undefined where
 * there is none (or no `nft` at all). A table the agent cannot read is removed: the bytes since
 * that agent's last cycle are lost with it, and the log says so.
 */
export async function readRetiredTable(log: Logger): Promise<Map<number, PortRules> | undefined> {
  let listed;
  try {
    listed = await runCommand('nft', ['-j', 'list', 'table', 'inet', NFT_TABLE]);
  } catch {
    return undefined;
  }
  if (listed.exitCode !== 0) return undefined;
  try {
    return parseTable(listed.stdout);
  } catch (error) {
    log.warn(`nftables: table inet ${NFT_TABLE} of an older agent is unreadable (${(error as Error).message}): removed, its counters lost`);
    await removeRetiredTable();
    return undefined;
  }
}

/** Stops the table counting; its counters stay, to be read once more. */
export async function stopRetiredTable(): Promise<void> {
  await mustRun('nft', ['-f', '-'], stopTableScript());
}

export async function removeRetiredTable(): Promise<void> {
  await mustRun('nft', ['-f', '-'], deleteTableScript());
}
