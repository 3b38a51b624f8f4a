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
  | 'remove';

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
