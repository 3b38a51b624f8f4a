import type { Logger } from '../src/lib/logger.ts';
import { PortFirewall } from '../src/services/firewall/port-firewall.ts';

const log: Logger = { warn: (message) => console.error(`  firewall: ${message}`), info: () => {}, error: (message) => console.error(`  firewall: ${message}`) };

/** The agent's own firewall code, with counting ipset elements for exactly these ports (all enabled). */
export async function installAgentRules(ports: readonly number[]): Promise<PortFirewall> {
  const firewall = new PortFirewall(log, { from: Math.min(...ports), to: Math.max(...ports) });
  await firewall.prepare();
  if (!firewall.available) throw new Error(`the agent's firewall is not usable here: ${firewall.unavailableReason}`);
  await firewall.sync(ports.map((port) => ({ port, blocked: false })));
  return firewall;
}

export { removeAgentChains } from '../test/support/firewall.ts';
