import { shellQuote } from '../ssh/remote-host.ts';
import { EXIT_OUTPUT_LINES } from './agent-service.ts';
import { AGENT_EXIT_START_REFUSED, CURRENT_LINK, SYSTEMD_UNIT_FILE, SYSTEMD_UNIT_NAME } from './remote-layout.ts';
import { ServiceOnHost } from './service-on-host.ts';

const UNIT = `[Unit]
Description=Keyport agent
# After whatever restores or owns the firewall at boot: a restore flushes the agent's chains, which it makes at start.
After=network-online.target netfilter-persistent.service ipset.service iptables.service ip6tables.service nftables.service ufw.service firewalld.service
Wants=network-online.target
# Never give up restarting: nobody is at a VPS to run reset-failed, and a deploy's restart would be refused.
StartLimitIntervalSec=0

[Service]
ExecStart=${CURRENT_LINK}/run
Restart=always
RestartSec=2
# The agent refused to start on its data (a lost or damaged database): restarting cannot help.
RestartPreventExitStatus=${AGENT_EXIT_START_REFUSED}
# The database, its backups and logs: the owner's only.
UMask=0077
# The agent starts Xray detached, and Xray must keep serving while the agent restarts.
KillMode=process

[Install]
WantedBy=multi-user.target
`;

/** The agent as a systemd unit, where systemd is PID 1. */
export class SystemdService extends ServiceOnHost {
  readonly kind = 'systemd';
  async install(): Promise<void> {
    await this.host.writeFile(SYSTEMD_UNIT_FILE, UNIT, 0o644);
    await this.host.check(`systemctl daemon-reload && systemctl enable ${SYSTEMD_UNIT_NAME}`);
  }

  async restart(): Promise<void> {
    await this.host.check(`systemctl restart ${SYSTEMD_UNIT_NAME}`);
  }

  async stop(): Promise<void> {
    await this.host.run(`systemctl stop ${SYSTEMD_UNIT_NAME}`);
  }

  /** systemd counts the restarts it made itself since the last explicit start. */
  async exitedSinceRestart(): Promise<boolean> {
    const state = await this.host.run(`systemctl show -p ActiveState -p NRestarts ${SYSTEMD_UNIT_NAME}`);
    const property = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(state.stdout)?.[1];
    return property('ActiveState') !== 'active' || Number(property('NRestarts') ?? 0) > 0;
  }

  protected async exitStatus(): Promise<string> {
    const state = await this.host.run(`systemctl show -p ActiveState -p ExecMainStatus --value ${SYSTEMD_UNIT_NAME}`);
    const [activeState = '', status = ''] = state.stdout.trim().split('\n');
    return activeState === 'active' ? '' : status;
  }

  protected logTailCommand(): string {
    return `journalctl -u ${SYSTEMD_UNIT_NAME} -n ${EXIT_OUTPUT_LINES} --no-pager -o cat`;
  }

  async remove(): Promise<void> {
    await this.host.run(
      [
        `systemctl disable --now ${SYSTEMD_UNIT_NAME} 2>/dev/null`,
        `rm -f ${shellQuote(SYSTEMD_UNIT_FILE)}`,
        'systemctl daemon-reload',
      ].join('\n'),
    );
  }
}
