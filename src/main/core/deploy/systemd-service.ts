import { shellQuote, type RemoteHost } from '../ssh/remote-host.ts';
import type { AgentService } from './agent-service.ts';
import { CURRENT_LINK, SYSTEMD_UNIT_FILE, SYSTEMD_UNIT_NAME } from './remote-layout.ts';

const UNIT = `[Unit]
Description=Keyport agent
# After whatever restores or owns the firewall at boot: a restore flushes the agent's chains, which it makes at start.
After=network-online.target netfilter-persistent.service iptables.service ip6tables.service nftables.service ufw.service firewalld.service
Wants=network-online.target
# Never give up restarting: nobody is at a VPS to run reset-failed, and a deploy's restart would be refused.
StartLimitIntervalSec=0

[Service]
ExecStart=${CURRENT_LINK}/run
Restart=always
RestartSec=2
# The agent starts Xray detached, and Xray must keep serving while the agent restarts.
KillMode=process

[Install]
WantedBy=multi-user.target
`;

/** The agent as a systemd unit, where systemd is PID 1. */
export class SystemdService implements AgentService {
  readonly kind = 'systemd';
  readonly #host: RemoteHost;

  constructor(host: RemoteHost) {
    this.#host = host;
  }

  async install(): Promise<void> {
    await this.#host.writeFile(SYSTEMD_UNIT_FILE, UNIT, 0o644);
    await this.#host.check(`systemctl daemon-reload && systemctl enable ${SYSTEMD_UNIT_NAME}`);
  }

  async restart(): Promise<void> {
    await this.#host.check(`systemctl restart ${SYSTEMD_UNIT_NAME}`);
  }

  async stop(): Promise<void> {
    await this.#host.run(`systemctl stop ${SYSTEMD_UNIT_NAME}`);
  }

  async remove(): Promise<void> {
    await this.#host.run(
      [
        `systemctl disable --now ${SYSTEMD_UNIT_NAME} 2>/dev/null`,
        `rm -f ${shellQuote(SYSTEMD_UNIT_FILE)}`,
        'systemctl daemon-reload',
      ].join('\n'),
    );
  }
}
