import { KeyportError, isKeyportError } from '../../../shared/contract/errors.ts';
import type { ConsoleIdentity } from '../console/console-identity.ts';
import type { DeployProgress, DeployResult, ServerFacts } from '../../../shared/contract/deploy.ts';
import { deployNote, type DeployNote } from '../../../shared/contract/deploy-notes.ts';
import type { PortRange } from '../../../shared/contract/servers.ts';
import { unexpectedAnswer } from '../ssh/remote-answer.ts';
import { shellQuote, type RemoteHost } from '../ssh/remote-host.ts';
import { checkoutArtifacts, type AgentArtifacts } from './agent-artifacts.ts';
import { ensureApiKey, readApiKey } from './agent-api-key.ts';
import { defaultHealthCheck, type HealthCheck } from './agent-health-check.ts';
import { agentServiceFor, type AgentService } from './agent-service.ts';
import { detectServer } from './detect-server.ts';
import { detectHostFirewall, describeFacts as describeHostFirewall, planHostFirewall, type HostFirewallFacts } from './host-firewall.ts';
import { closeHostFirewall, openHostFirewall, SUBSCRIPTION_PORT_OPENING } from './host-firewall-changes.ts';
import { ensureIpset } from './ipset-package.ts';
import { checkKeyPorts } from './key-port-range.ts';
import { resolveLocalArtifacts, type LocalArtifacts } from './local-artifacts.ts';
import { ProgressSteps } from './progress-steps.ts';
import { underDeployLock } from './take-deploy-lock.ts';
import { RemoteReleases } from './remote-releases.ts';
import { remoteSha256 } from './remote-sha256.ts';
import {
  AGENT_EXIT_START_REFUSED,
  AGENT_FILE_NAME,
  API_KEY_FILE,
  DATA_DIR,
  DEFAULT_API_PORT,
  DEFAULT_KEY_PORTS,
  RELEASES_KEPT,
  SUPERVISOR_SCRIPT,
  SYSTEMD_UNIT_FILE,
  releaseDir,
  releaseName,
  runtimeBinary,
  runtimeDir,
} from './remote-layout.ts';
import { runScript } from './run-script.ts';
import { placeSubscriptionFiles, removeSubscriptionFiles } from './subscription-files.ts';
import type { SubscriptionPlan } from './subscription-plan.ts';

export interface DeployAgentOptions {
  /** The host admins connect to: written into the keys' vless:// links. */
  publicHost: string;
  /** Where the agent listens on the server's loopback (default 8000). */
  apiPort?: number;
  /** The ports keys get theirs from (default DEFAULT_KEY_PORTS). */
  keyPorts?: PortRange;
  /** The public subscription listener (see planSubscriptions); off when absent or null. */
  subscriptions?: SubscriptionPlan | null;
  /** What to upload; a source checkout's by default. */
  artifacts?: AgentArtifacts;
  /** How "healthy" is decided after a start; by default the agent's API answering through the tunnel. */
  healthCheck?: HealthCheck;
  onProgress?: (progress: DeployProgress) => void;
  /** Who deploys, as the server's lock records it; a console of this process only by default. */
  owner?: ConsoleIdentity;
  /** Takes the server's lock from another console (see DeployOptions.breakLock). */
  breakLock?: boolean;
}

const PUBLIC_HOST = /^(\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*|[A-Za-z0-9.-]+)$/;

/**
 * Installs or upgrades the agent on a server through its RemoteHost, step by step with progress:
 * detect, upload the runtime and the bundle into a new release, configure, install the service,
 * switch `current` and start, check health through the tunnel, and roll back to the previous
 * release when the new one is not healthy (then throws `deploy-failed` saying how that went).
 * Connecting is the caller's step. One deploy or uninstall per server at a time (a remote lock).
 */
export async function deployAgent(host: RemoteHost, options: DeployAgentOptions): Promise<DeployResult> {
  const apiPort = options.apiPort ?? DEFAULT_API_PORT;
  if (!Number.isInteger(apiPort) || apiPort < 1 || apiPort > 65535) throw new KeyportError('bad-input', `API port ${apiPort} is not a TCP port`);
  if (!PUBLIC_HOST.test(options.publicHost)) throw new KeyportError('bad-input', `"${options.publicHost}" is not a host name or address`);
  const keyPorts = checkKeyPorts(options.keyPorts ?? DEFAULT_KEY_PORTS, apiPort);
  return underDeployLock(host, { ...options, operation: 'deploy' }, async (steps) => {
    const [facts, local, hostFirewall] = await steps.run('detect', deployNote('detectingServer'), async () => {
      const found = await detectServer(host);
      const firewall = await detectHostFirewall(host);
      const artifacts = await resolveLocalArtifacts(options.artifacts ?? checkoutArtifacts(), found.arch);
      return { value: [found, artifacts, firewall] as const, notes: [describeFacts(found), describeHostFirewall(firewall)] };
    });
    return install(host, {
      steps,
      facts,
      local,
      hostFirewall,
      apiPort,
      keyPorts,
      subscriptions: options.subscriptions ?? null,
      publicHost: options.publicHost,
      healthCheck: options.healthCheck ?? defaultHealthCheck,
    });
  });
}

async function install(host: RemoteHost, run: InstallRun): Promise<DeployResult> {
  const { steps, facts, local } = run;
  const release = releaseName(local.agentVersion, local.bundle.sha256);
  const releases = new RemoteReleases(host);
  const service = agentServiceFor(host, facts.init);

  const runtimeUploaded = await steps.run('upload-runtime', deployNote('uploadingRuntime', { arch: facts.arch }), () => uploadRuntime(host, local));
  await steps.run('upload-agent', deployNote('uploadingAgent', { release }), () => uploadRelease(host, local, release, run));
  await steps.run('configure', deployNote('configuring', { dataDir: DATA_DIR }), async () => {
    const created = await ensureApiKey(host);
    return { value: undefined, notes: [deployNote(created ? 'apiKeyCreated' : 'apiKeyKept', { dataDir: DATA_DIR, keyFile: API_KEY_FILE })] };
  });
  const { subscriptions } = run;
  await steps.run('subscriptions', subscriptions ? deployNote('placingSubscriptions', { port: subscriptions.port }) : deployNote('checkingSubscriptions'), () =>
    placeSubscriptionFiles(host, subscriptions),
  );
  await steps.run('firewall-tools', deployNote('checkingIpset'), async () => {
    const outcome = await ensureIpset(host);
    return { value: undefined, notes: [outcome.note], skipped: outcome.ok && !outcome.installed };
  });
  await steps.run('install-service', deployNote(facts.init === 'systemd' ? 'installingSystemdUnit' : 'installingSupervisor'), async () => {
    await service.install();
    const note = service.kind === 'systemd' ? deployNote('systemdUnitInstalled', { file: SYSTEMD_UNIT_FILE }) : deployNote('supervisorInstalled', { script: SUPERVISOR_SCRIPT });
    return { value: undefined, notes: [note] };
  });
  const previous = await releases.current();
  try {
    await steps.run('start', deployNote('switchingRelease', { release }), async () => {
      await releases.switchTo(release);
      await service.restart();
      return { value: undefined, notes: [previous && previous !== release ? deployNote('releaseStartedAfter', { release, previous }) : deployNote('releaseStarted', { release })] };
    });
    await checkHealth(host, run, service);
  } catch (error) {
    throw await recover(host, run, { service, releases, release, previous, failure: error as Error });
  }
  const { from, to } = run.keyPorts;
  const opening = subscriptions ? deployNote('openingKeyAndSubscriptionPorts', { from, to, port: subscriptions.port }) : deployNote('openingKeyPorts', { from, to });
  const firewall = await steps.run('host-firewall', opening, () => openFirewall(host, run));
  await steps.run('cleanup', deployNote('keepingReleases', { count: RELEASES_KEPT }), async () => {
    const removed = await releases.prune(RELEASES_KEPT, release);
    // Only now: a rollback to the previous release would still have started it with them.
    const certificate = !subscriptions?.tls && (await removeSubscriptionFiles(host)) ? [deployNote('certificateNoLongerServed')] : [];
    const gone = [...removed.map((name) => deployNote('removedRelease', { release: name })), ...certificate];
    return { value: undefined, notes: [gone.length > 0 ? deployNote('removedItems', { items: gone }) : deployNote('nothingToRemove')], skipped: gone.length === 0 };
  });
  return {
    release,
    agentVersion: local.agentVersion,
    facts,
    runtimeUploaded,
    rolledBack: false,
    hostFirewall: firewall.keyPorts,
    ...(firewall.subscriptionPort ? { subscriptionFirewall: firewall.subscriptionPort } : {}),
    subscriptions: subscriptions ? { port: subscriptions.port, urlBase: subscriptions.urlBase, certificate: subscriptions.tls?.certificate ?? null } : null,
  };
}

/**
 * Opens the key ports, and the subscription port when subscriptions are on, in the host's
 * firewall; with subscriptions off, closes what an earlier deploy opened for them. One step.
 */
async function openFirewall(host: RemoteHost, run: InstallRun) {
  const keyPorts = await openHostFirewall(host, run.hostFirewall, run.keyPorts);
  const plan = run.subscriptions;
  const subscriptionPort = plan ? await openHostFirewall(host, run.hostFirewall, { from: plan.port, to: plan.port }, SUBSCRIPTION_PORT_OPENING) : null;
  const closed = plan ? null : await closeHostFirewall(host, SUBSCRIPTION_PORT_OPENING);
  const done = subscriptionPort?.done ?? (closed ? [closed] : []);
  const said: DeployNote[] = done.length === 0 ? [] : [plan ? deployNote('subscriptionPortFirewall', { port: plan.port, done }) : deployNote('subscriptionsOffFirewall', { done })];
  return {
    value: { keyPorts: keyPorts.report, subscriptionPort: subscriptionPort?.report },
    notes: [keyPorts.note, ...said],
    skipped: keyPorts.skipped && done.length === 0,
  };
}

/** Whole, unprivileged ports, from ≤ to, not holding the agent's own API port. */
function checkHealth(host: RemoteHost, run: InstallRun, service: AgentService): Promise<void> {
  return run.steps.run('health-check', deployNote('askingAgent', { port: run.apiPort }), async () => {
    await run.healthCheck(host, run.apiPort, await readApiKey(host), () => service.exitedSinceRestart());
    return { value: undefined, notes: [deployNote('agentAnswers')] };
  });
}

/**
 * After a failed start: back to the previous release if there is one, else stop. Returns the error
 * to throw, with the agent's last words. An agent that refused to start on its data (a lost or
 * damaged database) is stopped and no older release is started: one from before that check would
 * start on the empty database and drop every key from Xray.
 */
async function recover(host: RemoteHost, run: InstallRun, failed: FailedStart): Promise<KeyportError> {
  const { service, releases, release, previous, failure } = failed;
  const exit = await service.lastExit().catch(() => undefined);
  const said = exit?.output ? `; the agent's last output:\n${exit.output}` : '';
  if (exit?.exitCode === AGENT_EXIT_START_REFUSED) {
    await service.stop().catch(() => undefined);
    return new KeyportError(
      'deploy-failed',
      `release ${release} refused to start on the data in ${DATA_DIR} (exit ${AGENT_EXIT_START_REFUSED}), so no other release was started on it either${said}`,
      { release, rolledBack: false },
    );
  }
  const reason = `release ${release} did not become healthy: ${failure.message}`;
  const step = isKeyportError(failure) ? failure.facts.step ?? null : null;
  // A link lost under the deploy is the server being offline, not a bad release: say so by code.
  const codeOf = (later: unknown) => (isKeyportError(later) && later.code === 'server-offline' ? 'server-offline' : 'deploy-failed');
  if (!previous || previous === release) {
    let stopError: unknown;
    const stopped = await run.steps
      .run('stop', deployNote('stoppingAgent'), async () => {
        await service.stop();
        return { value: 'so the agent was stopped', notes: [deployNote('stoppedNothingToRollBackTo')] };
      })
      .catch((error: unknown) => {
        stopError = error;
        return `and stopping the agent failed: ${(error as Error).message}`;
      });
    const code = stopError ? codeOf(stopError) : 'deploy-failed';
    return new KeyportError(code, `${reason}; there is no other release to roll back to, ${stopped}${said}`, { release, rolledBack: false, step });
  }
  try {
    await run.steps.run('rollback', deployNote('rollingBack', { previous }), async () => {
      await releases.switchTo(previous);
      await service.restart();
      await releases.remove(release);
      return { value: undefined, notes: [deployNote('rolledBack', { previous, release })] };
    });
    await checkHealth(host, run, service);
  } catch (rollbackError) {
    return new KeyportError(codeOf(rollbackError), `${reason}; rolling back to ${previous} failed too: ${(rollbackError as Error).message}${said}`, {
      release,
      previousRelease: previous,
      rolledBack: false,
      step,
    });
  }
  return new KeyportError('deploy-failed', `${reason}; rolled back to ${previous}, which is running and healthy${said}`, {
    release,
    previousRelease: previous,
    rolledBack: true,
    step,
  });
}

interface InstallRun {
  steps: ProgressSteps;
  facts: ServerFacts;
  local: LocalArtifacts;
  apiPort: number;
  keyPorts: PortRange;
  subscriptions: SubscriptionPlan | null;
  publicHost: string;
  healthCheck: HealthCheck;
  hostFirewall: HostFirewallFacts;
}

interface FailedStart {
  service: AgentService;
  releases: RemoteReleases;
  release: string;
  previous: string | undefined;
  failure: Error;
}

async function uploadRuntime(host: RemoteHost, local: LocalArtifacts) {
  const remotePath = runtimeBinary(local.runtime.sha256);
  const present = (await remoteSha256(host, remotePath)) === local.runtime.sha256;
  if (!present) {
    await host.check(`mkdir -p ${shellQuote(runtimeDir(local.runtime.sha256))}`);
    await host.upload(local.runtime.path, remotePath, 0o755);
    await expectSha256(host, remotePath, local.runtime.sha256);
  }
  const version = await host.run(`${shellQuote(remotePath)} --version`);
  if (version.exitCode !== 0) {
    throw new KeyportError('unsupported-server', `the bundled Node runtime does not run on this server (it needs glibc 2.28 or later): ${version.stderr.trim()}`);
  }
  const nodeVersion = version.stdout.trim();
  if (!/^v\d+\.\d+\.\d+$/.test(nodeVersion)) throw unexpectedAnswer(`${remotePath} --version`, 'a Node version such as v24.1.0', nodeVersion);
  const note = present ? deployNote('runtimePresent', { version: nodeVersion }) : deployNote('runtimeUploaded', { version: nodeVersion, path: remotePath });
  return { value: !present, skipped: present, notes: [note] };
}

async function uploadRelease(host: RemoteHost, local: LocalArtifacts, release: string, run: InstallRun) {
  const dir = releaseDir(release);
  const bundlePath = `${dir}/${AGENT_FILE_NAME}`;
  const present = (await remoteSha256(host, bundlePath)) === local.bundle.sha256;
  if (!present) {
    await host.check(`mkdir -p ${shellQuote(dir)}`);
    await host.upload(local.bundle.path, bundlePath, 0o644);
    await expectSha256(host, bundlePath, local.bundle.sha256);
  }
  // Releases are pruned oldest first by their directory's time; writing `run` (a rename into the
  // directory) makes a re-deployed release the newest.
  await host.writeFile(`${dir}/run`, runScript({
    release,
    runtimeSha256: local.runtime.sha256,
    apiPort: run.apiPort,
    publicHost: run.publicHost,
    keyPorts: run.keyPorts,
    openKeyPorts: openFamilies(run.hostFirewall),
    subscriptions: run.subscriptions,
  }), 0o755);
  return { value: undefined, skipped: present, notes: [deployNote(present ? 'bundlePresent' : 'bundleUploaded', { dir })] };
}

async function expectSha256(host: RemoteHost, remotePath: string, sha256: string): Promise<void> {
  const found = await remoteSha256(host, remotePath);
  if (found !== sha256) throw new Error(`${remotePath} arrived damaged (sha256 ${found ?? 'missing'}, sent ${sha256})`);
}

function describeFacts(facts: ServerFacts): DeployNote {
  return deployNote('serverFacts', {
    os: facts.os,
    arch: facts.arch,
    init: deployNote(facts.init === 'systemd' ? 'initSystemd' : 'initSupervised'),
    access: deployNote(facts.asRoot ? 'accessRoot' : 'accessSudo'),
    xray: facts.xrayVersion ? deployNote('xrayFound', { version: facts.xrayVersion }) : deployNote('xrayNone'),
  });
}

/** The iptables families the agent opens itself: only where no ufw or firewalld owns the rules. */
function openFamilies(firewall: HostFirewallFacts) {
  const plan = planHostFirewall(firewall);
  return plan.kind === 'iptables' ? plan.families : [];
}
