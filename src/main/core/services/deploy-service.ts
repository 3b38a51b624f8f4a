import type { DeployProgress, DeployResult, XrayInstallRequest, XrayInstallResult } from '../../../shared/contract/deploy.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';
import type { Deploy } from '../../../shared/contract/services.ts';
import type { ConsoleCache } from '../cache/console-cache.ts';
import type { AgentArtifacts } from '../deploy/agent-artifacts.ts';
import { deployAgent } from '../deploy/agent-deployer.ts';
import { uninstallAgent } from '../deploy/agent-uninstaller.ts';
import { DEFAULT_API_PORT } from '../deploy/remote-layout.ts';
import { findServer } from './server-directory.ts';
import type { ServerSessions } from './server-sessions.ts';

export interface DeployServiceOptions {
  cache: ConsoleCache;
  sessions: ServerSessions;
  artifacts: AgentArtifacts;
  /** Runs after a healthy deploy, to fill the cache (a failure there does not fail the deploy). */
  afterDeploy?: (server: string) => Promise<void>;
}

export class DeployService implements Deploy {
  readonly #options: DeployServiceOptions;

  constructor(options: DeployServiceOptions) {
    this.#options = options;
  }

  async deploy(serverName: string, onProgress: (progress: DeployProgress) => void = () => undefined): Promise<DeployResult> {
    const { cache, sessions, artifacts } = this.#options;
    const server = findServer(cache, serverName);
    onProgress({ step: 'connect', state: 'started', message: `connecting to ${server.target.user}@${server.target.host}:${server.target.port}` });
    const host = await sessions.host(server);
    onProgress({ step: 'connect', state: 'done', message: host.asRoot ? 'logged in as root' : `logged in as ${server.target.user}, using sudo` });
    const apiPort = server.agent?.apiPort ?? DEFAULT_API_PORT;
    try {
      const result = await deployAgent(host, { artifacts, apiPort, publicHost: server.target.host, onProgress });
      cache.saveServer({
        ...server,
        agent: { version: result.agentVersion, release: result.release, deployedAt: new Date().toISOString(), apiPort },
      });
      return result;
    } finally {
      // A new release may come with a new API key; learn it again on the next call.
      await sessions.forget(server.id);
      await this.#options.afterDeploy?.(server.id).catch(() => undefined);
    }
  }

  async uninstall(
    serverName: string,
    options: { keepData: boolean },
    onProgress: (progress: DeployProgress) => void = () => undefined,
  ): Promise<void> {
    const { cache, sessions } = this.#options;
    const server = findServer(cache, serverName);
    await uninstallAgent(await sessions.host(server), { keepData: options.keepData, onProgress });
    cache.saveServer({ ...server, agent: null });
    await sessions.forget(server.id);
  }

  installXray(serverName: string, request: XrayInstallRequest, onProgress: (progress: DeployProgress) => void = () => undefined): Promise<XrayInstallResult> {
    void serverName;
    void request;
    void onProgress;
    throw new KeyportError('internal', 'installing Xray is not built yet');
  }
}
