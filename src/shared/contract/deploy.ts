export type DeployStepName =
  | 'connect'
  | 'detect'
  | 'upload-runtime'
  | 'upload-agent'
  | 'configure'
  | 'install-service'
  | 'start'
  | 'health-check'
  | 'host-firewall'
  | 'rollback'
  | 'cleanup'
  | 'stop'
  | 'remove'
  | 'download-xray'
  | 'install-xray';

import type { PortRange } from './servers.ts';

export interface DeployOptions {
  /** The ports keys get theirs from; the last deploy's, or 10001-29999 (below Linux's ephemeral ports), when absent. */
  keyPorts?: PortRange;
}

/** One line of a deploy's streamed progress. */
export interface DeployProgress {
  step: DeployStepName;
  state: 'started' | 'done' | 'skipped' | 'failed';
  message: string;
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
}

export interface HostFirewallReport {
  /** What was found, in words: "ufw active", "iptables INPUT drops", or that nothing drops. */
  found: string;
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
  /** A release tag such as `v25.10.15`, or `latest`; anything else is `bad-input`. */
  version: string;
  /** Where the releases are: GitHub's `https://github.com/XTLS/Xray-core/releases` unless a mirror is named (http or https, no credentials). */
  releasesUrl?: string;
}

export interface XrayInstallResult {
  /** The version number `xray version` gives after the install, e.g. `25.10.15`. */
  xrayVersion: string;
  binaryPath: string;
}
