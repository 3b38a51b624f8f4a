export type DeployStepName =
  | 'connect'
  /** Taking the server's deploy lock (one deploy or uninstall at a time), and clearing what an interrupted one left. */
  | 'lock'
  | 'detect'
  | 'upload-runtime'
  | 'upload-agent'
  | 'configure'
  /** The public subscription listener: its certificate and key uploaded (HTTPS), or turned off. */
  | 'subscriptions'
  /** The OS packages ipset and iptables (which the agent counts traffic with), installed when missing. */
  | 'firewall-tools'
  | 'install-service'
  | 'start'
  | 'health-check'
  | 'host-firewall'
  | 'rollback'
  | 'cleanup'
  | 'stop'
  | 'remove'
  | 'download-xray'
  | 'install-xray'
  | 'settings';

import type { ServerSettingsPatch, XrayVersionSupport } from './api-types.ts';
import type { DeployNote } from './deploy-notes.ts';
import type { KeyportError, KeyportErrorCode } from './errors.ts';
import type { PortRange } from './servers.ts';

export interface DeployOptions {
  /** The ports keys get theirs from; the last deploy's, or 10001-29999 (below Linux's ephemeral ports), when absent. */
  keyPorts?: PortRange;
  /**
   * The agent's public subscription listener (`GET /sub/TOKEN` only): on at this port, or `false`
   * for off. Absent: as the last deploy left it (off on a server never given one).
   */
  subscriptions?: SubscriptionOptions | false;
  /** Settings the agent takes once it is healthy (e.g. the Reality target and names); the agent's own are kept when absent. */
  settings?: ServerSettingsPatch;
  /**
   * Takes the server's deploy lock even while another console holds it (a `deploy-locked` error
   * says who and since when). Only for a lock whose deploy is known to have died.
   */
  breakLock?: boolean;
}

export interface UninstallOptions {
  /** Keep /var/lib/keyport (keys, history, API key) for a later deploy. */
  keepData: boolean;
  /** As DeployOptions.breakLock. */
  breakLock?: boolean;
}

export interface SubscriptionOptions {
  /** The TCP port the listener takes on every address of the server; not the API's, nor one of the key ports. */
  port: number;
  /**
   * PEM files on this machine: checked here (they parse, the key is the certificate's, it is valid
   * now), then uploaded, and the listener speaks HTTPS. `false`: plain HTTP (a certificate uploaded
   * before is removed). Absent: HTTPS with the certificate already on the server if an earlier
   * deploy put one there, plain HTTP otherwise.
   */
  tls?: SubscriptionTlsFiles | false;
}

export interface SubscriptionTlsFiles {
  certFile: string;
  keyFile: string;
}

/** One line of a deploy's streamed progress. */
export interface DeployProgress {
  step: DeployStepName;
  state: 'started' | 'done' | 'skipped' | 'failed';
  /** What the step does (started) or did, as notes each face words in its language; none for a failure. */
  notes: DeployNote[];
  /** Why a failed step failed: the error's code and facts for a face's own words, its message (the core's English) as details. */
  failure?: { code: KeyportErrorCode | 'unexpected'; message: string; facts: KeyportError['facts'] };
}

export interface ServerFacts {
  os: string;
  arch: 'x64' | 'arm64';
  init: 'systemd' | 'supervised';
  asRoot: boolean;
  xrayVersion: string | null;
}

export interface DeployResult {
  release: string;
  agentVersion: string;
  facts: ServerFacts;
  runtimeUploaded: boolean;
  rolledBack: boolean;
  /** What of the server's own firewall would drop the key ports, and what deploy did about it. */
  hostFirewall?: HostFirewallReport;
  /** The same for the subscription listener's port, when subscriptions are on. */
  subscriptionFirewall?: HostFirewallReport;
  /** The subscription listener this deploy left running; null when subscriptions are off. */
  subscriptions?: DeployedSubscriptions | null;
}

/** A server's subscription listener, as deployed. */
export interface DeployedSubscriptions {
  port: number;
  /** What keys' `subscription_url` starts with: `http(s)://` + the links' host + `:PORT`. */
  urlBase: string;
  /** The certificate the listener serves (HTTPS); null for plain HTTP. */
  certificate: SubscriptionCertificate | null;
}

export interface SubscriptionCertificate {
  /** The certificate's subject, as node:crypto prints it (`CN=vpn.example.com`). */
  subject: string;
  /** When it stops being valid (ISO 8601, UTC). */
  notAfter: string;
  /** SHA-256 of the certificate, as `AB:CD:…`. */
  fingerprint256: string;
}

export interface HostFirewallReport {
  /** What was found: "ufw active", "iptables INPUT drops", or that nothing drops. */
  found: DeployNote;
  /** What Keyport opened for the key port range, e.g. `ufw allow 10001:29999/tcp`; null when nothing. */
  opened: string | null;
  /** Commands an admin still has to run as root on the server for the key ports to answer. */
  todo: string[];
}

/**
 * Installs or upgrades Xray from its official release archive (or a mirror with the same layout:
 * `download/<tag>/<asset>` and `latest/download/<asset>`, each asset with its `.dgst`).
 */
export interface XrayInstallRequest {
  /**
   * A release tag such as `v25.10.15`, or `latest` (whatever XTLS released last, which Keyport was
   * not checked against); anything else, or a release older than the agent needs, is `bad-input`.
   * Absent: the release Keyport was checked against.
   */
  version?: string;
  /** Where the releases are: GitHub's `https://github.com/XTLS/Xray-core/releases` unless a mirror is named (http or https, no credentials). */
  releasesUrl?: string;
}

export interface XrayInstallResult {
  /** The version number `xray version` gives after the install, e.g. `25.10.15`. */
  xrayVersion: string;
  binaryPath: string;
  /** Whether the agent can rely on the Xray now installed. */
  versionSupport: XrayVersionSupport;
}
