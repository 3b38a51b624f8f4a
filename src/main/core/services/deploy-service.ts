import type { ServerSettingsPatch } from '../../../shared/contract/api-types.ts';
import type { DeployOptions, DeployProgress, DeployResult, UninstallOptions, XrayInstallRequest, XrayInstallResult } from '../../../shared/contract/deploy.ts';
import { deployNote, type DeployNote } from '../../../shared/contract/deploy-notes.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';
import type { LinkSettingsChange, LinkSettingsResult } from '../../../shared/contract/link-settings.ts';
import type { ServerOutcome } from '../../../shared/contract/people.ts';
import type { ServerInfo } from '../../../shared/contract/servers.ts';
import type { Deploy } from '../../../shared/contract/services.ts';
import type { ConsoleCache } from '../cache/console-cache.ts';
import { SNAPSHOTS } from '../cache/snapshot-kinds.ts';
import type { ConsoleIdentity } from '../console/console-identity.ts';
import type { AgentArtifacts } from '../deploy/agent-artifacts.ts';
import { deployAgent } from '../deploy/agent-deployer.ts';
import { uninstallAgent } from '../deploy/agent-uninstaller.ts';
import { detectServer } from '../deploy/detect-server.ts';
import { ProgressSteps } from '../deploy/progress-steps.ts';
import { DEFAULT_API_PORT, DEFAULT_KEY_PORTS } from '../deploy/remote-layout.ts';
import { readSubscriptionCertificate } from '../deploy/subscription-files.ts';
import { planSubscriptions } from '../deploy/subscription-plan.ts';
import { checkXrayRequest, installXray } from '../deploy/xray-installer.ts';
import type { RemoteHost } from '../ssh/remote-host.ts';
import { checkSettingsPatch } from './check-settings-patch.ts';
import { changeLinkSettings, subscriptionsNaming } from './link-settings-change.ts';
import { findServer } from './server-directory.ts';
import { changesLinks } from './settings-links.ts';
import type { ServerSessions } from './server-sessions.ts';

export interface DeployServiceOptions {
  cache: ConsoleCache;
  sessions: ServerSessions;
  artifacts: AgentArtifacts;
  /** This console, as server deploy locks record it. */
  owner: ConsoleIdentity;
  /** Runs after a healthy deploy, to fill the cache (a failure there does not fail the deploy). */
  afterDeploy?: (server: string) => Promise<void>;
  /** Runs after a server's links changed: its people's bundles on other servers get the new links. */
  afterLinksChanged?: (serverId: string) => Promise<ServerOutcome[]>;
}

export class DeployService implements Deploy {
  readonly #options: DeployServiceOptions;

  constructor(options: DeployServiceOptions) {
    this.#options = options;
  }

  async deploy(serverName: string, options: DeployOptions = {}, onProgress: (progress: DeployProgress) => void = () => undefined): Promise<DeployResult> {
    const { cache, sessions, artifacts, owner } = this.#options;
    const server = findServer(cache, serverName);
    // Checked before connecting: a bad value changes nothing anywhere.
    if (options.settings) checkSettingsPatch(options.settings);
    if (options.breakLock !== undefined && typeof options.breakLock !== 'boolean') throw new KeyportError('bad-input', 'breakLock is true or false');
    const apiPort = server.agent?.apiPort ?? DEFAULT_API_PORT;
    const keyPorts = options.keyPorts ?? server.agent?.keyPorts ?? DEFAULT_KEY_PORTS;
    const publicHost = server.target.host;
    // A certificate that would not serve is refused here, before the server is touched.
    const subscriptions = await planSubscriptions(options.subscriptions, { publicHost, keyPorts, apiPort, remembered: server.agent?.subscriptions });
    const host = await this.#connect(server, onProgress);
    try {
      const result = await deployAgent(host, { artifacts, apiPort, keyPorts, subscriptions, publicHost, onProgress, owner, breakLock: options.breakLock === true }).catch(
        (error: unknown) => {
          throw namingServer(error, server);
        },
      );
      // The agent writes a link host it holds into subscription links in place of the SSH host.
      const linkHost = cache.getSnapshot(server.id, ...SNAPSHOTS.settings)?.data.link_host;
      if (linkHost && result.subscriptions) result.subscriptions = subscriptionsNaming(result.subscriptions, linkHost);
      const deployed: ServerInfo = {
        ...server,
        agent: {
          version: result.agentVersion,
          release: result.release,
          deployedAt: new Date().toISOString(),
          apiPort,
          keyPorts: { ...keyPorts },
          subscriptions: result.subscriptions ?? null,
        },
      };
      cache.saveServer(deployed);
      // A new release may come with a new API key: learn it again on the next call, over the same
      // link (a new login would cost the first sync half a second).
      await sessions.forgetApiKey(server.id);
      if (options.settings) await this.#applySettings(deployed, options.settings, onProgress);
      return result;
    } catch (error) {
      // A deploy that failed may have failed with its link: the next call logs in afresh.
      await sessions.forget(server.id);
      throw error;
    } finally {
      await this.#options.afterDeploy?.(server.id).catch(() => undefined);
    }
  }

  async uninstall(
    serverName: string,
    options: UninstallOptions,
    onProgress: (progress: DeployProgress) => void = () => undefined,
  ): Promise<void> {
    const { cache, sessions, owner } = this.#options;
    const server = findServer(cache, serverName);
    await uninstallAgent(await sessions.host(server), { keepData: options.keepData, onProgress, owner, breakLock: options.breakLock === true }).catch((error: unknown) => {
      throw namingServer(error, server);
    });
    cache.saveServer({ ...server, agent: null });
    await sessions.forget(server.id);
  }

  /**
   * Installs or upgrades Xray on a server (see installXray in deploy/xray-installer.ts). Where the
   * agent is deployed, it is then asked to sync Xray, which starts Xray if it was not running; an
   * Xray already running keeps the old binary until it is next started (a restart would drop every
   * user's connection). An agent that does not answer is reported, not an error: Xray is installed.
   */
  async installXray(
    serverName: string,
    request: XrayInstallRequest,
    onProgress: (progress: DeployProgress) => void = () => undefined,
  ): Promise<XrayInstallResult> {
    const { cache } = this.#options;
    const server = findServer(cache, serverName);
    // Checked before connecting: a bad version or URL changes nothing anywhere.
    checkXrayRequest(request);
    const host = await this.#connect(server, onProgress);
    const facts = await new ProgressSteps(onProgress).run('detect', deployNote('detectingXray'), async () => {
      const found = await detectServer(host);
      const xray = found.xrayVersion ? deployNote('xrayNow', { version: found.xrayVersion }) : deployNote('xrayNotYet');
      return { value: found, notes: [deployNote('serverFactsForXray', { os: found.os, arch: found.arch, xray })] };
    });
    const afterInstall = server.agent ? () => this.#syncAgentXray(server) : undefined;
    return installXray(host, { arch: facts.arch, request, onProgress, afterInstall });
  }

  changeLinkSettings(serverName: string, change: LinkSettingsChange, onProgress: (progress: DeployProgress) => void = () => undefined): Promise<LinkSettingsResult> {
    const { cache, sessions, afterLinksChanged } = this.#options;
    const deploy = (server: string, options: DeployOptions, progress: (progress: DeployProgress) => void) => this.deploy(server, options, progress);
    const certificateOf = async (serverId: string) => readSubscriptionCertificate(await sessions.host(findServer(cache, serverId)));
    return changeLinkSettings({ cache, sessions, deploy, afterLinksChanged, readSubscriptionCertificate: certificateOf }, serverName, change, onProgress);
  }

  /** The `connect` step: the server's session, logged in as root or with sudo. */
  async #connect(server: ServerInfo, onProgress: (progress: DeployProgress) => void): Promise<RemoteHost> {
    const { user, host: address, port } = server.target;
    onProgress({ step: 'connect', state: 'started', notes: [deployNote('connecting', { user, host: address, port })] });
    const host = await this.#options.sessions.host(server);
    onProgress({ step: 'connect', state: 'done', notes: [host.asRoot ? deployNote('loggedInAsRoot') : deployNote('loggedInWithSudo', { user })] });
    return host;
  }

  /**
   * Hands the deploy's settings to the agent just deployed (healthy by now). A failure fails the
   * deploy with the agent left running: the settings can be given again without a new release.
   * New names or a new link host are then passed on to the bundles of the server's people elsewhere.
   */
  async #applySettings(server: ServerInfo, patch: ServerSettingsPatch, onProgress: (progress: DeployProgress) => void): Promise<void> {
    const said = Object.entries(patch)
      .map(([field, value]) => `${field} ${Array.isArray(value) ? value.join(',') : String(value)}`)
      .join(', ');
    await new ProgressSteps(onProgress).run('settings', deployNote('settingSettings', { settings: said }), async () => {
      // The release may have come with a new API key.
      await this.#options.sessions.forget(server.id);
      try {
        const { applied } = (await (await this.#options.sessions.client(server)).updateSettings(patch)).data;
        const note = !applied
          ? deployNote('settingsTaken')
          : applied.ok
            ? deployNote('settingsApplied', { method: applied.method })
            : deployNote('settingsStored', { detail: applied.detail });
        return { value: undefined, notes: [note] };
      } catch (error) {
        const code = error instanceof KeyportError ? error.code : 'deploy-failed';
        throw new KeyportError(code, `the agent is deployed and running, but did not take the settings (${said}): ${(error as Error).message}`, {
          ...(error instanceof KeyportError ? error.facts : {}),
        });
      }
    });
    // Names or a host that links carry: people's bundles on other servers get the new links.
    if (changesLinks(patch)) await this.#options.afterLinksChanged?.(server.id).catch(() => []);
  }

  /** Asks the agent to bring Xray in step with its keys; says how that went. */
  async #syncAgentXray(server: ServerInfo): Promise<DeployNote> {
    try {
      const { applied } = (await (await this.#options.sessions.client(server)).syncXrayConfig()).data;
      if (!applied.ok) return deployNote('agentCouldNotApplyXray', { detail: applied.detail });
      if (applied.method === 'start') return deployNote('agentStartedXray');
      if (applied.method === 'restart') return deployNote('agentRestartedXray');
      return deployNote('agentKeepsOldXray');
    } catch (error) {
      if (!(error instanceof KeyportError)) throw error;
      return deployNote(error.code === 'server-offline' ? 'agentOfflineForXray' : 'agentSyncFailed', { detail: error.message });
    }
  }
}

/** A lock refusal names the server, so each face can offer the command that breaks it. */
function namingServer(error: unknown, server: ServerInfo): unknown {
  if (!(error instanceof KeyportError) || error.code !== 'deploy-locked') return error;
  return new KeyportError(error.code, error.message, { ...error.facts, server: server.name });
}
