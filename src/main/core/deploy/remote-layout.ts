/**
 * Where the agent lives on a server. Everything Keyport installs sits under /opt/keyport, so
 * uninstalling is one `rm -rf` plus the service and the firewall chains:
 *
 *   /opt/keyport/runtimes/<runtime-sha256-16>/node     a Node runtime, named by its hash, shared by releases
 *   /opt/keyport/releases/<version>-<bundle-sha256-12>/
 *       keyport-agent.mjs                              the agent bundle
 *       run                                            execs that release's runtime with the agent flags
 *   /opt/keyport/current -> releases/<release>         switched atomically (`ln -sfn` to a temp name, `mv -T`)
 *   /opt/keyport/keyport-supervisor                    restart loop, only where systemd is not PID 1
 *   /opt/keyport/.lock/                                held by one deploy or uninstall at a time
 *   /etc/systemd/system/keyport-agent.service          only where systemd is PID 1
 *
 *   /var/lib/keyport/        (0700) the agent's data, every file 0600: api-key, database and its backups/,
 *                            Xray config and pid; supervisor.pid, agent.pid, agent.exit and agent.log when supervised;
 *                            subscription-tls-cert.pem and -key.pem when subscriptions are served over HTTPS
 *
 * The last RELEASES_KEPT releases stay for rollback; a runtime goes when no kept release uses it.
 */

export const KEYPORT_ROOT = '/opt/keyport';
export const RUNTIMES_DIR = `${KEYPORT_ROOT}/runtimes`;
export const RELEASES_DIR = `${KEYPORT_ROOT}/releases`;
export const CURRENT_LINK = `${KEYPORT_ROOT}/current`;
export const SUPERVISOR_SCRIPT = `${KEYPORT_ROOT}/keyport-supervisor`;
export const LOCK_DIR = `${KEYPORT_ROOT}/.lock`;
/** What deploy opened in the host's firewall (`ufw FROM TO`, `firewalld FROM TO`, `iptables FROM TO`), for uninstall. */
export const HOST_FIREWALL_RECORD = `${KEYPORT_ROOT}/host-firewall`;
/** The same for the subscription listener's port (`KIND PORT PORT`), so turning subscriptions off or uninstalling closes it. */
export const HOST_FIREWALL_SUBSCRIPTION_RECORD = `${KEYPORT_ROOT}/host-firewall-subscriptions`;

export const DATA_DIR = '/var/lib/keyport';
export const API_KEY_FILE = `${DATA_DIR}/api-key`;
export const SUPERVISOR_PID_FILE = `${DATA_DIR}/supervisor.pid`;
export const AGENT_PID_FILE = `${DATA_DIR}/agent.pid`;
export const AGENT_LOG_FILE = `${DATA_DIR}/agent.log`;
/** The supervisor writes the agent's last exit status here. */
export const AGENT_EXIT_FILE = `${DATA_DIR}/agent.exit`;
/**
 * The agent's exit status when it refuses to start on its data (a lost or damaged database):
 * EXIT_START_REFUSED in remote-agent/src/lib/start-refused.ts. Restarting cannot help, and an older
 * release started on that data would drop every key, so neither the service nor a deploy does.
 */
export const AGENT_EXIT_START_REFUSED = 3;
/** Written by the agent for the Xray it starts (remote-agent/src/create-agent.ts). */
export const XRAY_PID_FILE = `${DATA_DIR}/xray.pid`;
export const XRAY_CONFIG_FILE = `${DATA_DIR}/xray-config.json`;
/** Xray's API port on the server's loopback: the agent's default `--xray-api`, which deploy does not change. */
export const XRAY_API_PORT = 10085;
/** The subscription listener's PEM certificate and key (`--subscription-tls-cert/-key`), put there by deploy (0600). */
export const SUBSCRIPTION_CERT_FILE = `${DATA_DIR}/subscription-tls-cert.pem`;
export const SUBSCRIPTION_KEY_FILE = `${DATA_DIR}/subscription-tls-key.pem`;

export const SYSTEMD_UNIT_NAME = 'keyport-agent.service';
export const SYSTEMD_UNIT_FILE = `/etc/systemd/system/${SYSTEMD_UNIT_NAME}`;

export const AGENT_FILE_NAME = 'keyport-agent.mjs';
export const DEFAULT_API_PORT = 8000;
/** Where keys get their ports unless the admin picks: room for 19,999 keys, below Linux's ephemeral ports (32768-60999). */
export const DEFAULT_KEY_PORTS = { from: 10001, to: 29999 } as const;
export const RELEASES_KEPT = 3;

/** A fixed PATH for the agent, however it was started: it runs iptables, ss and xray. */
export const AGENT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** For tools whose output is read (ufw, firewall-cmd, iptables): a known PATH, and English whatever the server's locale (Python's gettext reads LANGUAGE first). */
export const TOOL_ENVIRONMENT = `export PATH=${AGENT_PATH} LC_ALL=C LANGUAGE=C`;

export const runtimeDir = (runtimeSha256: string) => `${RUNTIMES_DIR}/${runtimeSha256.slice(0, 16)}`;
export const runtimeBinary = (runtimeSha256: string) => `${runtimeDir(runtimeSha256)}/node`;
export const releaseName = (agentVersion: string, bundleSha256: string) => `${agentVersion}-${bundleSha256.slice(0, 12)}`;
export const releaseDir = (release: string) => `${RELEASES_DIR}/${release}`;
