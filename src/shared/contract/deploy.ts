export type DeployStepName =
  | 'connect'
  | 'detect'
  | 'upload-runtime'
  | 'upload-agent'
  | 'configure'
  | 'install-service'
  | 'start'
  | 'health-check'
  | 'rollback'
  | 'cleanup'
  | 'stop'
  | 'remove'
  | 'download-xray'
  | 'install-xray';

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
}

/** Installs or upgrades Xray from its official release archive (or a mirror with the same layout). */
export interface XrayInstallRequest {
  /** A release tag such as `v25.10.15`, or `latest`. */
  version: string;
  /** Where the releases are: GitHub's `https://github.com/XTLS/Xray-core/releases` unless a mirror is named. */
  releasesUrl?: string;
}

export interface XrayInstallResult {
  /** What `xray version` says after the install. */
  xrayVersion: string;
  binaryPath: string;
}
