import type { DeployProgress } from '../../../shared/contract/deploy.ts';
import { deployNote } from '../../../shared/contract/deploy-notes.ts';
import { shellQuote, type RemoteHost } from '../ssh/remote-host.ts';
import type { ConsoleIdentity } from '../console/console-identity.ts';
import { underDeployLock } from './take-deploy-lock.ts';
import { closeHostFirewall, SUBSCRIPTION_PORT_OPENING } from './host-firewall-changes.ts';
import { removeFirewallChains } from './remove-firewall-chains.ts';
import { DATA_DIR, KEYPORT_ROOT, SYSTEMD_UNIT_FILE, XRAY_CONFIG_FILE, XRAY_PID_FILE } from './remote-layout.ts';
import { stopPidFileScript } from './stop-pid-file.ts';
import { SupervisedService } from './supervised-service.ts';
import { SystemdService } from './systemd-service.ts';

export interface UninstallOptions {
  /** Keep /var/lib/keyport (keys, history, API key) for a later deploy. */
  keepData: boolean;
  onProgress?: (progress: DeployProgress) => void;
  /** Who uninstalls, as the server's lock records it; a console of this process only by default. */
  owner?: ConsoleIdentity;
  breakLock?: boolean;
}

/**
 * Removes the agent from a server: its service (systemd unit or supervisor, whichever is there),
 * the Xray it started, the key ports and subscription port deploy opened in ufw or firewalld, its iptables and ip6tables
 * chains (the counting ones and KEYPORT_OPEN), /opt/keyport, and the data unless kept.
 */
export async function uninstallAgent(host: RemoteHost, options: UninstallOptions): Promise<void> {
  await underDeployLock(host, { ...options, operation: 'uninstall' }, async (steps) => {
    await steps.run('stop', deployNote('stoppingAgentAndXray'), async () => {
      const systemd = (await host.run(`test -f ${shellQuote(SYSTEMD_UNIT_FILE)} && command -v systemctl`)).exitCode === 0;
      if (systemd) await new SystemdService(host).remove();
      await new SupervisedService(host).remove();
      // The agent starts Xray detached, so stopping the agent leaves it serving.
      await host.check(stopPidFileScript(XRAY_PID_FILE, XRAY_CONFIG_FILE, 5_000));
      return { value: undefined, notes: [deployNote(systemd ? 'agentUnitAndXrayStopped' : 'agentAndXrayStopped')] };
    });
    const dirs = { root: KEYPORT_ROOT, dataDir: DATA_DIR };
    await steps.run('remove', deployNote(options.keepData ? 'removingAgentKeepingData' : 'removingAgentAndData', dirs), async () => {
      const hostFirewall = [await closeHostFirewall(host), await closeHostFirewall(host, SUBSCRIPTION_PORT_OPENING)].filter((note) => note !== null);
      const families = await removeFirewallChains(host);
      await host.check([`rm -rf ${shellQuote(KEYPORT_ROOT)}`, ...(options.keepData ? [] : [`rm -rf ${shellQuote(DATA_DIR)}`])].join(' && '));
      const chains = families.length > 0 ? deployNote('firewallChainsRemoved', { tools: families.join(', ') }) : deployNote('noFirewallChains');
      const data = deployNote(options.keepData ? 'dataKept' : 'dataRemoved', { dataDir: DATA_DIR });
      return { value: undefined, notes: [...hostFirewall, chains, deployNote('agentFilesRemoved', { root: KEYPORT_ROOT }), data] };
    });
  });
}
