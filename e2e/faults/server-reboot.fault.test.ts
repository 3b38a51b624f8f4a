import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../remote-agent/test/support/tcp-traffic.ts';
import { sleep, waitFor } from '../../remote-agent/test/support/wait.ts';
import { SystemdServer, SystemdServerUnavailable, ensureRootfs } from '../harness/systemd-server.ts';
import { keyport, keyportJson } from '../support/keyport-cli.ts';

const REPO = resolve(import.meta.dirname, '../..');

/** Why this file cannot run here, or undefined: checked before any test, so a skip says why and nothing passes silently. */
function unavailable(): string | undefined {
  try {
    const { builtInMs } = ensureRootfs();
    if (builtInMs > 0) console.log(`# built the systemd test server's root file system in ${(builtInMs / 1000).toFixed(1)} s`);
    return undefined;
  } catch (error) {
    if (error instanceof SystemdServerUnavailable) return `no systemd test server here: ${error.message}`;
    throw error;
  }
}

const skip = unavailable();

interface Totals {
  rx: number;
  tx: number;
}

/**
 * A VPS rebooted under the agent: the agent deployed through the `keyport` CLI onto a server that
 * runs systemd as PID 1 (its systemd path), a key's port carrying bytes, then `systemctl reboot`.
 * The agent must come back by itself (its unit enabled), the key's inbound must serve again, and
 * the bytes moved before and after the reboot must be counted once each, although the kernel's
 * counters start again from zero.
 */
describe('a server rebooted under the agent', { timeout: 240_000, skip }, () => {
  let server: SystemdServer;
  let scratch: string;
  let env: Record<string, string>;
  let key: { id: string; port: number };

  before(async () => {
    execFileSync(process.execPath, ['scripts/build-agent.mjs'], { cwd: REPO, stdio: 'ignore' });
    server = await SystemdServer.create(await freePort());
    scratch = mkdtempSync(join(tmpdir(), 'keyport-reboot-home-'));
    mkdirSync(join(scratch, 'home'), { mode: 0o700 });
    env = { HOME: join(scratch, 'home'), KEYPORT_HOME: join(scratch, 'keyport'), SSH_AUTH_SOCK: '' };
  });

  after(async () => {
    await server?.destroy();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  /** The kernel's own count of the key port's bytes since this boot (IPv4: the traffic here is on 127.0.0.1). */
  function kernelCounters(): Totals {
    const saved = execFileSync('ip', ['netns', 'exec', server.namespace, 'iptables-save', '-c', '-t', 'filter'], { encoding: 'utf8' });
    const bytesOf = (rule: string) => {
      const line = saved.split('\n').find((candidate) => candidate.endsWith(rule));
      return line ? Number(line.match(/^\[\d+:(\d+)\]/)![1]) : 0;
    };
    return {
      rx: bytesOf(`-A KEYPORT_IN -p tcp -m tcp --dport ${key.port} -j RETURN`),
      tx: bytesOf(`-A KEYPORT_OUT -p tcp -m tcp --sport ${key.port} -j RETURN`),
    };
  }

  async function agentTotals(): Promise<Totals> {
    const history = await keyportJson<{ source: string; data: { total_traffic: { rx_bytes: number; tx_bytes: number } } }>(
      ['traffic', 'history', 'server', key.id],
      env,
    );
    assert.equal(history.source, 'live');
    return { rx: history.data.total_traffic.rx_bytes, tx: history.data.total_traffic.tx_bytes };
  }

  /** Waits (a few sampling cycles at most) until the agent's totals are `expected`, then checks they stay there. */
  async function expectAgentTotals(expected: Totals, what: string): Promise<void> {
    let last: Totals | undefined;
    await waitFor(
      what,
      async () => {
        last = await agentTotals();
        return last.rx === expected.rx && last.tx === expected.tx ? last : undefined;
      },
      45_000,
    ).catch((error: Error) => assert.fail(`${error.message}: the agent says ${JSON.stringify(last)}, the kernel counted ${JSON.stringify(expected)}`));
  }

  function moveBytes(upload: number, download: number, stderr: 'inherit' | 'ignore' = 'inherit'): void {
    execFileSync('ip', ['netns', 'exec', server.namespace, join(REPO, 'scripts/node24'), join(REPO, 'e2e/support/move-bytes.ts'), String(key.port), String(upload), String(download)], {
      timeout: 30_000,
      stdio: ['ignore', 'ignore', stderr],
    });
  }

  /** The kernel's counters once the connection's last packets (FIN, ACK) are in. */
  async function settledKernelCounters(): Promise<Totals> {
    let previous = kernelCounters();
    for (let read = 0; read < 10; read += 1) {
      await sleep(200);
      const now = kernelCounters();
      if (now.rx === previous.rx && now.tx === previous.tx) return now;
      previous = now;
    }
    throw new Error(`the kernel's counters kept moving: ${JSON.stringify(previous)}`);
  }

  /** The agent's API, asked inside the server as the tunnel would (the test's own tooling). */
  function agentGet(path: string): any {
    const apiKey = readFileSync(join(server.root, 'var/lib/keyport/api-key'), 'utf8').trim();
    const fetchScript = "fetch('http://127.0.0.1:8000' + process.argv[1], { headers: { 'x-api-key': process.env.KEYPORT_TEST_API_KEY } }).then((r) => r.text()).then((t) => process.stdout.write(t))";
    const body = execFileSync('ip', ['netns', 'exec', server.namespace, process.execPath, '-e', fetchScript, path], {
      env: { ...process.env, KEYPORT_TEST_API_KEY: apiKey },
      encoding: 'utf8',
      timeout: 10_000,
    });
    return JSON.parse(body);
  }

  const lastCycleAt = (): string => agentGet('/api/traffic/status').data.sampler.last_cycle.at;

  /** Waits for the agent's next sampling cycle (the interval is 10 s) and returns its time. */
  async function nextCycle(): Promise<string> {
    const seen = lastCycleAt();
    return waitFor('the next sampling cycle', () => {
      const at = lastCycleAt();
      return at !== seen ? at : undefined;
    }, 15_000);
  }

  test('the agent deploys as a systemd unit that is enabled at boot', async () => {
    const added = await keyport(
      ['server', 'add', 'server', '--host', '127.0.0.1', '--port', String(server.sshPort), '--key', server.clientKeyPath,
        '--accept-host-key', server.hostKeyFingerprint],
      env,
    );
    assert.equal(added.code, 0, added.stdout + added.stderr);
    const deployed = await keyport(['server', 'deploy', 'server'], env);
    assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
    assert.match(deployed.stdout, /systemd unit/);
    assert.equal(server.exec('systemctl', ['is-enabled', 'keyport-agent.service']).trim(), 'enabled');
    assert.equal(server.exec('systemctl', ['is-active', 'keyport-agent.service']).trim(), 'active');
    const status = await keyportJson<{ state: string }>(['server', 'status', 'server'], env);
    assert.equal(status.state, 'online');
  });

  test('bytes before and after a real reboot are counted once each, and the key serves again by itself', async () => {
    key = await keyportJson<{ id: string; port: number }>(['keys', 'create', 'server', 'alice'], env);
    moveBytes(300_000, 700_000);
    const counted = await settledKernelCounters();
    assert.ok(counted.rx > 300_000 && counted.tx > 700_000, JSON.stringify(counted));
    await expectAgentTotals(counted, 'the agent to count the bytes moved before the reboot');

    // More bytes just after a sampling cycle, then the reboot at once: the next cycle never comes,
    // so only the agent's stop can count them before the reboot zeroes the counters that hold them.
    const cycleAt = await nextCycle();
    moveBytes(200_000, 100_000);
    const beforeReboot = await settledKernelCounters();
    assert.ok(beforeReboot.rx > counted.rx + 200_000, JSON.stringify(beforeReboot));
    assert.equal(lastCycleAt(), cycleAt, 'no sampling cycle ran between the last bytes and the reboot (this test proves nothing otherwise)');
    await server.reboot();
    assert.equal(server.bootTimesMs.length, 2, 'PID 1 ended and the server booted again');

    // Nobody starts the agent: systemd does, at boot.
    await waitFor('the agent to be started by systemd', () => {
      const state = server.exec('systemctl', ['is-active', 'keyport-agent.service']).trim();
      return state === 'active' ? state : undefined;
    }, 30_000).catch(() => assert.fail(`keyport-agent.service is not active after the reboot:\n${server.exec('journalctl', ['-b', '-u', 'keyport-agent.service', '--no-pager'])}`));
    // The key's inbound serves again: bytes go through it (moveBytes throws when nothing answers).
    await waitFor('the key port to serve again', () => {
      try {
        moveBytes(1, 1, 'ignore');
        return true;
      } catch {
        return undefined;
      }
    }, 30_000);
    moveBytes(900_000, 200_000);
    const afterReboot = await settledKernelCounters();
    assert.ok(afterReboot.rx > 900_000 && afterReboot.rx < beforeReboot.rx + 900_000, `the kernel's counters started again at the boot: ${JSON.stringify(afterReboot)}`);

    await expectAgentTotals(
      { rx: beforeReboot.rx + afterReboot.rx, tx: beforeReboot.tx + afterReboot.tx },
      'the agent to count the bytes of both boots, once each',
    );
    const status = await keyportJson<{ state: string }>(['server', 'status', 'server'], env);
    assert.equal(status.state, 'online');
  });
});
