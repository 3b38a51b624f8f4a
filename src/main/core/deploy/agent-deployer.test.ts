import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TestServer } from '../../../../e2e/harness/test-server.ts';
import { testServerLink } from '../../../../e2e/support/console-access.ts';
import { freePort } from '../../../../test-support/tcp-traffic.ts';
import type { DeployProgress } from '../../../shared/contract/deploy.ts';
import { isKeyportError } from '../../../shared/contract/errors.ts';
import type { RemoteHost } from '../ssh/remote-host.ts';
import { SshLink } from '../ssh/ssh-link.ts';
import { checkoutArtifacts, type AgentArtifacts } from './agent-artifacts.ts';
import { deployAgent } from './agent-deployer.ts';
import { checkAgentHealth, type HealthCheck } from './agent-health-check.ts';
import { uninstallAgent } from './agent-uninstaller.ts';
import { SupervisedService } from './supervised-service.ts';
import { PINNED_XRAY_TAG } from './xray-installer.ts';

const ROOT = resolve(import.meta.dirname, '../../../..');
const BUNDLE = join(ROOT, 'out', 'agent', 'keyport-agent.mjs');
const work = mkdtempSync(join(tmpdir(), 'keyport-deploy-test-'));
const links: SshLink[] = [];
const servers: TestServer[] = [];

let bundleCopy: string | undefined;

/** The agent bundle, built unless out/agent holds one newer than every agent source; copied so other builds cannot change it under the tests. */
function agentBundle(): string {
  if (bundleCopy) return bundleCopy;
  const newestSource = Math.max(...readdirSync(join(ROOT, 'remote-agent', 'src'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs));
  if (!existsSync(BUNDLE) || statSync(BUNDLE).mtimeMs < newestSource) {
    execFileSync(process.execPath, ['scripts/build-agent.mjs'], { cwd: ROOT, stdio: 'ignore' });
  }
  const copy = join(work, 'keyport-agent.mjs');
  copyFileSync(BUNDLE, copy);
  bundleCopy = copy;
  return copy;
}

/** Artifacts whose bundle is `bundle` (a variant of the real one, or a broken one). */
function artifactsWith(bundle: string): AgentArtifacts {
  return { ...checkoutArtifacts(), bundlePath: bundle };
}

/** A copy of the real bundle that differs by a comment: a new release of the same agent. */
function variantOf(bundle: string, tag: string): string {
  const variant = join(work, `keyport-agent-${tag}.mjs`);
  copyFileSync(bundle, variant);
  appendFileSync(variant, `\n// variant ${tag}\n`);
  return variant;
}

async function hostOf(server: TestServer, user = 'root'): Promise<RemoteHost> {
  const link = new SshLink(testServerLink(server, user));
  links.push(link);
  return link.host();
}

async function newServer(): Promise<TestServer> {
  const server = await TestServer.create(await freePort());
  servers.push(server);
  return server;
}

function recorder(): { progress: DeployProgress[]; onProgress: (progress: DeployProgress) => void } {
  const progress: DeployProgress[] = [];
  return { progress, onProgress: (line) => progress.push(line) };
}

/** The default health check gives a new agent 15 s; a broken one fails sooner here. */
const quickHealthCheck = (host: RemoteHost, apiPort: number, apiKey: string) => checkAgentHealth(host, apiPort, apiKey, { timeoutMs: 6_000 });

function brokenBundle(): string {
  const broken = join(work, 'broken', 'keyport-agent.mjs');
  mkdirSync(join(work, 'broken'), { recursive: true });
  writeFileSync(broken, "console.error('this build is broken'); process.exit(1);\n");
  return broken;
}

/** A copy of the real bundle that waits `delayMs` before it starts: an agent slow to bring Xray in step. */
function slowVariantOf(bundle: string, delayMs: number): string {
  const slow = join(work, `keyport-agent-slow-${delayMs}.mjs`);
  writeFileSync(slow, `await new Promise((resolve) => setTimeout(resolve, ${delayMs}));\n${readFileSync(bundle, 'utf8')}`);
  return slow;
}

const steps = (progress: DeployProgress[]) => progress.map(({ step, state }) => `${step}:${state}`);
const mode = (path: string) => statSync(path).mode & 0o777;
const apiKeyOf = (server: TestServer) => readFileSync(server.hostPath('/var/lib/keyport/api-key'), 'utf8').trim();
const currentRelease = (server: TestServer) => readlinkSync(server.hostPath('/opt/keyport/current')).split('/').pop();
/** PID 1 on these machines does not reap orphans, so a stopped process may linger as a zombie. */
const running = (pid: string) => existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
/** Live processes of the server that run something under /opt/keyport (supervisor, agent). */
function keyportProcesses(server: TestServer): string[] {
  return execFileSync('ip', ['netns', 'pids', server.namespace], { encoding: 'utf8' })
    .split('\n')
    .filter((pid) => pid && running(pid))
    .filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('/opt/keyport/'));
}
const firewallListing = (server: TestServer) =>
  ['iptables', 'ip6tables'].map((tool) => server.exec(tool, ['-S']) + server.exec(tool, ['-t', 'mangle', '-S'])).join('') +
  server.exec('ipset', ['list', '-n']) +
  server.exec('nft', ['list', 'tables']);

function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  return work().finally(() => console.log(`# ${label}: ${((performance.now() - started) / 1000).toFixed(1)} s`));
}

after(async () => {
  await Promise.all(links.map((link) => link.close()));
  for (const server of servers) await server.destroy();
  rmSync(work, { recursive: true, force: true });
});

describe('deploying the agent to a server as root', () => {
  let server: TestServer;
  let host: RemoteHost;
  let bundle: string;
  let firstRelease: string;

  before(async () => {
    bundle = agentBundle();
    server = await newServer();
    host = await hostOf(server);
  });

  test('a first deploy uploads runtime and bundle, starts the agent, and it answers through the tunnel', async () => {
    const { progress, onProgress } = recorder();
    const result = await timed('first deploy', () => deployAgent(host, { publicHost: 'vpn.example.com', artifacts: artifactsWith(bundle), onProgress }));

    assert.deepEqual(steps(progress), [
      'lock:started', 'lock:done',
      'detect:started', 'detect:done',
      'upload-runtime:started', 'upload-runtime:done',
      'upload-agent:started', 'upload-agent:done',
      'configure:started', 'configure:done',
      'subscriptions:started', 'subscriptions:skipped',
      'firewall-tools:started', 'firewall-tools:skipped',
      'install-service:started', 'install-service:done',
      'start:started', 'start:done',
      'health-check:started', 'health-check:done',
      'host-firewall:started', 'host-firewall:skipped',
      'cleanup:started', 'cleanup:skipped',
    ]);
    assert.deepEqual(result.facts, { os: result.facts.os, arch: 'x64', init: 'supervised', asRoot: true, xrayVersion: PINNED_XRAY_TAG.slice(1) });
    assert.equal(result.runtimeUploaded, true);
    assert.equal(result.rolledBack, false);
    assert.equal(result.agentVersion, checkoutArtifacts().agentVersion);
    assert.equal(currentRelease(server), result.release);
    firstRelease = result.release;

    assert.equal(mode(server.hostPath('/var/lib/keyport')), 0o700);
    assert.equal(mode(server.hostPath('/var/lib/keyport/api-key')), 0o600);
    for (const name of ['keyport.db', 'agent.log', 'agent.pid', 'supervisor.pid', 'xray-config.json']) {
      assert.equal(mode(server.hostPath(`/var/lib/keyport/${name}`)), 0o600, `${name} is the owner's only`);
    }
    const apiKey = apiKeyOf(server);
    assert.ok(progress.every((line) => !JSON.stringify(line).includes(apiKey)), 'no progress line carries the API key');
    assert.ok(!readFileSync(server.hostPath(`/opt/keyport/releases/${result.release}/run`), 'utf8').includes(apiKey), 'the run script holds no key');
    await checkAgentHealth(host, 8000, apiKey, { timeoutMs: 5_000 });
    await assert.rejects(checkAgentHealth(host, 8000, 'not-the-key', { timeoutMs: 1_000 }), /refused the API key/);
  });

  test('a re-deploy of the same build skips both uploads, keeps the API key, and Xray keeps running through the restart', async () => {
    const apiKey = apiKeyOf(server);
    const xrayPid = readFileSync(server.hostPath('/var/lib/keyport/xray.pid'), 'utf8').trim();
    const { progress, onProgress } = recorder();
    const result = await timed('re-deploy', () => deployAgent(host, { publicHost: 'vpn.example.com', artifacts: artifactsWith(bundle), onProgress }));
    assert.equal(result.runtimeUploaded, false);
    assert.equal(result.release, firstRelease);
    const states = new Map(progress.filter((line) => line.state !== 'started').map((line) => [line.step, line.state]));
    assert.equal(states.get('upload-runtime'), 'skipped');
    assert.equal(states.get('upload-agent'), 'skipped');
    assert.ok(apiKeyOf(server) === apiKey, 'the API key was kept');
    await checkAgentHealth(host, 8000, apiKey, { timeoutMs: 5_000 });
    assert.equal(readFileSync(server.hostPath('/var/lib/keyport/xray.pid'), 'utf8').trim(), xrayPid);
    assert.equal(running(xrayPid), true, 'the same Xray serves on');
  });

  test('an upgrade to a bundle that exits at once is rolled back to the previous release, which answers again', async () => {
    const { progress, onProgress } = recorder();
    const deploying = deployAgent(host, { publicHost: 'vpn.example.com', artifacts: artifactsWith(brokenBundle()), healthCheck: quickHealthCheck, onProgress });
    const failure = await deploying.then(
      () => assert.fail('the broken release was accepted'),
      (error: unknown) => error,
    );
    assert.ok(isKeyportError(failure));
    assert.equal(failure.code, 'deploy-failed');
    assert.match(failure.message, new RegExp(`did not become healthy.*rolled back to ${firstRelease}, which is running and healthy`));
    assert.equal(failure.facts.rolledBack, true);
    assert.deepEqual(steps(progress).slice(-6), [
      'health-check:started', 'health-check:failed',
      'rollback:started', 'rollback:done',
      'health-check:started', 'health-check:done',
    ]);
    assert.equal(currentRelease(server), firstRelease);
    assert.deepEqual(readdirSync(server.hostPath('/opt/keyport/releases')), [firstRelease], 'the failed release is gone');
    await checkAgentHealth(host, 8000, apiKeyOf(server), { timeoutMs: 5_000 });
  });

  test('a release slower to answer than the first wait is waited for while it runs, not rolled back', async () => {
    const { progress, onProgress } = recorder();
    const healthCheck: HealthCheck = (on, apiPort, apiKey, agentExited) =>
      checkAgentHealth(on, apiPort, apiKey, { timeoutMs: 2_000, agentExited, slowStartLimitMs: 60_000 });
    const { release } = await deployAgent(host, { publicHost: 'vpn.example.com', artifacts: artifactsWith(slowVariantOf(bundle, 6_000)), healthCheck, onProgress });
    assert.equal(currentRelease(server), release);
    assert.ok(!steps(progress).includes('rollback:started'), 'no rollback');
    await checkAgentHealth(host, 8000, apiKeyOf(server), { timeoutMs: 5_000 });
  });

  test('a release that exits is given up on when it exits, not when the wait ends', async () => {
    const healthCheck: HealthCheck = (on, apiPort, apiKey, agentExited) => checkAgentHealth(on, apiPort, apiKey, { timeoutMs: 120_000, agentExited });
    const started = Date.now();
    const failure = await deployAgent(host, { publicHost: 'vpn.example.com', artifacts: artifactsWith(brokenBundle()), healthCheck }).then(
      () => assert.fail('the broken release was accepted'),
      (error: unknown) => error,
    );
    assert.ok(isKeyportError(failure));
    assert.equal(failure.code, 'deploy-failed');
    assert.match(failure.message, /the agent exited before it answered on 127\.0\.0\.1:8000/);
    assert.equal(failure.facts.rolledBack, true);
    assert.ok(Date.now() - started < 60_000, `gave up after ${Date.now() - started} ms, not at the 120 s wait`);
  });

  test('an agent that refuses its emptied database is stopped, no older release starts on it, and the deploy says why', async () => {
    await new SupervisedService(host).stop();
    const data = (name: string) => server.hostPath(`/var/lib/keyport/${name}`);
    truncateSync(data('keyport.db'), 0);
    const xrayConfig = readFileSync(data('xray-config.json'));
    const failure = await deployAgent(host, { publicHost: 'vpn.example.com', artifacts: artifactsWith(variantOf(bundle, 'refused')), healthCheck: quickHealthCheck }).then(
      () => assert.fail('the deploy succeeded on an emptied database'),
      (error: unknown) => error,
    );
    assert.ok(isKeyportError(failure));
    assert.equal(failure.code, 'deploy-failed');
    assert.match(failure.message, /refused to start on the data in \/var\/lib\/keyport \(exit 3\), so no other release was started on it either/);
    assert.match(failure.message, /the agent's last output:\n.*keyport agent refuses to start: the database \/var\/lib\/keyport\/keyport\.db is empty/s);
    assert.match(failure.message, /--restore-backup .*--start-empty/s);
    assert.equal(failure.facts.rolledBack, false);
    assert.deepEqual(keyportProcesses(server), [], 'nothing runs the agent on that data');
    assert.equal(statSync(data('keyport.db')).size, 0);
    assert.deepEqual(readFileSync(data('xray-config.json')), xrayConfig, 'the Xray config is untouched');

    // The admin starts afresh on purpose (the agent's --start-empty does the same); a deploy then works.
    for (const name of ['keyport.db', 'database-created', 'backups']) rmSync(data(name), { recursive: true, force: true });
    await deployAgent(host, { publicHost: 'vpn.example.com', artifacts: artifactsWith(bundle) });
    await checkAgentHealth(host, 8000, apiKeyOf(server), { timeoutMs: 5_000 });
  });

  test('two deploys at once: the second is refused while the first holds the server', async () => {
    const outcomes = await Promise.allSettled([
      deployAgent(host, { publicHost: 'vpn.example.com', artifacts: artifactsWith(bundle) }),
      deployAgent(host, { publicHost: 'vpn.example.com', artifacts: artifactsWith(bundle) }),
    ]);
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    assert.equal(refused.length, 1);
    assert.match(String((refused[0] as PromiseRejectedResult).reason), /another deploy or uninstall is running/);
    assert.equal(existsSync(server.hostPath('/opt/keyport/.lock')), false, 'the lock is released');
  });

  test('only the last three releases stay, the current one among them', async () => {
    let release = '';
    for (const tag of ['a', 'b', 'c']) {
      ({ release } = await deployAgent(host, { publicHost: 'vpn.example.com', artifacts: artifactsWith(variantOf(bundle, tag)) }));
    }
    const kept = readdirSync(server.hostPath('/opt/keyport/releases'));
    assert.equal(kept.length, 3);
    assert.ok(kept.includes(release));
    assert.ok(!kept.includes(firstRelease), 'the oldest release went');
    assert.equal(readdirSync(server.hostPath('/opt/keyport/runtimes')).length, 1);
    await checkAgentHealth(host, 8000, apiKeyOf(server), { timeoutMs: 5_000 });
  });

  test('uninstall keeping the data stops agent and Xray, removes chains and /opt/keyport, keeps /var/lib/keyport', async () => {
    assert.match(firewallListing(server), /keyport-rx/, 'the agent made its sets');
    const xrayPid = readFileSync(server.hostPath('/var/lib/keyport/xray.pid'), 'utf8').trim();
    assert.equal(running(xrayPid), true);
    const apiKey = apiKeyOf(server);
    const { progress, onProgress } = recorder();
    await uninstallAgent(host, { keepData: true, onProgress });

    assert.deepEqual(steps(progress), ['lock:started', 'lock:done', 'stop:started', 'stop:done', 'remove:started', 'remove:done']);
    assert.doesNotMatch(firewallListing(server), /KEYPORT|keyport-|inet keyport/);
    assert.equal(existsSync(server.hostPath('/opt/keyport')), false);
    assert.ok(apiKeyOf(server) === apiKey, 'the data, API key included, is kept');
    assert.equal(running(xrayPid), false, 'Xray is stopped');
    assert.deepEqual(keyportProcesses(server), []);
    await assert.rejects(checkAgentHealth(host, 8000, apiKey, { timeoutMs: 1_000 }));
  });

  test('a deploy after keeping the data reuses its API key; uninstall without keeping removes the data too', async () => {
    const apiKey = apiKeyOf(server);
    const result = await deployAgent(host, { publicHost: 'vpn.example.com', artifacts: artifactsWith(bundle) });
    assert.equal(result.runtimeUploaded, true);
    assert.ok(apiKeyOf(server) === apiKey, 'the kept API key is used again');
    await checkAgentHealth(host, 8000, apiKey, { timeoutMs: 5_000 });

    await uninstallAgent(host, { keepData: false });
    assert.equal(existsSync(server.hostPath('/var/lib/keyport')), false);
    assert.equal(existsSync(server.hostPath('/opt/keyport')), false);
    assert.doesNotMatch(firewallListing(server), /KEYPORT|keyport-|inet keyport/);
  });
});

describe('key ports', () => {
  test('a range that is not unprivileged ports, or that holds the API port, is refused before anything runs', async () => {
    const refusingHost = { asRoot: true } as unknown as RemoteHost;
    for (const keyPorts of [{ from: 80, to: 2000 }, { from: 30000, to: 20000 }, { from: 20000, to: 70000 }, { from: 7000, to: 9000 }, { from: 1.5, to: 2000 }]) {
      await assert.rejects(deployAgent(refusingHost, { publicHost: '127.0.0.1', keyPorts }), { code: 'bad-input' }, JSON.stringify(keyPorts));
    }
  });
});

describe('deploying as a user with passwordless sudo', () => {
  test('a failed first deploy stops the agent; then a good one deploys, answers through the tunnel, and uninstalls', async () => {
    const server = await newServer();
    const host = await hostOf(server, server.addUser('nopasswd'));
    assert.equal(host.asRoot, false);
    await assert.rejects(deployAgent(host, { publicHost: '127.0.0.1', artifacts: artifactsWith(brokenBundle()), healthCheck: quickHealthCheck }), {
      code: 'deploy-failed',
      message: /did not become healthy.*no other release to roll back to, so the agent was stopped/,
    });
    assert.deepEqual(keyportProcesses(server), [], 'no supervisor keeps restarting the broken agent');

    const result = await deployAgent(host, { publicHost: '127.0.0.1', artifacts: artifactsWith(agentBundle()), keyPorts: { from: 20000, to: 20099 } });
    assert.equal(result.facts.asRoot, false);
    const agentCommand = keyportProcesses(server).map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'));
    assert.ok(
      agentCommand.some((args) => args.join(' ').includes('--port-range 20000-20099')),
      `the agent runs with the chosen key ports: ${JSON.stringify(agentCommand)}`,
    );
    assert.equal(statSync(server.hostPath('/var/lib/keyport/api-key')).uid, 0, 'the key file belongs to root');
    assert.equal(mode(server.hostPath('/var/lib/keyport/api-key')), 0o600);
    await checkAgentHealth(host, 8000, apiKeyOf(server), { timeoutMs: 5_000 });

    await uninstallAgent(host, { keepData: false });
    assert.equal(existsSync(server.hostPath('/opt/keyport')), false);
    assert.equal(existsSync(server.hostPath('/var/lib/keyport')), false);
  });
});
