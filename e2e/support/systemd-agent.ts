import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { agentSetsByPort, kernelBytes, runInNamespace } from '../../test-support/key-agreement.ts';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { sleep, waitFor } from '../../test-support/wait.ts';
import { SystemdServer } from '../harness/systemd-server.ts';
import { keyport, keyportJson } from './keyport-cli.ts';

const REPO = resolve(import.meta.dirname, '../..');
const SERVER_NAME = 'server';

export interface Totals {
  rx: number;
  tx: number;
}

export interface CreatedKey {
  id: string;
  port: number;
}

/**
 * The agent deployed as an admin does it (`keyport server add`, `keyport server deploy`) onto a
 * test server with systemd as PID 1, and the test's views of it: the kernel's own counters of a
 * key port, the agent's API asked inside the server, and the console's answers through the CLI.
 */
export class SystemdAgent {
  readonly server: SystemdServer;
  /** The environment `keyport` runs with: its own HOME and KEYPORT_HOME. */
  readonly env: Record<string, string>;
  readonly #scratch: string;

  private constructor(server: SystemdServer, scratch: string) {
    this.server = server;
    this.#scratch = scratch;
    this.env = { HOME: join(scratch, 'home'), KEYPORT_HOME: join(scratch, 'keyport'), SSH_AUTH_SOCK: '' };
  }

  /** Builds the agent bundle, boots a server, adds it (accepting its host key) and deploys; fails unless that deploy took the systemd path. */
  static async deploy(): Promise<SystemdAgent> {
    execFileSync(process.execPath, ['scripts/build-agent.mjs'], { cwd: REPO, stdio: 'ignore' });
    const server = await SystemdServer.create(await freePort());
    const scratch = mkdtempSync(join(tmpdir(), 'keyport-systemd-home-'));
    mkdirSync(join(scratch, 'home'), { mode: 0o700 });
    const agent = new SystemdAgent(server, scratch);
    try {
      const added = await keyport(
        ['server', 'add', SERVER_NAME, '--host', '127.0.0.1', '--port', String(server.sshPort), '--key', server.clientKeyPath,
          '--accept-host-key', server.hostKeyFingerprint],
        agent.env,
      );
      assert.equal(added.code, 0, added.stdout + added.stderr);
      const deployed = await keyport(['server', 'deploy', SERVER_NAME], agent.env);
      assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
      assert.match(deployed.stdout, /systemd unit \/etc\/systemd\/system\/keyport-agent\.service/);
    } catch (error) {
      await agent.dispose();
      throw error;
    }
    return agent;
  }

  async dispose(): Promise<void> {
    await this.server.destroy();
    rmSync(this.#scratch, { recursive: true, force: true });
  }

  /** `keyport ARGS SERVER ...` with the server's name put first among the arguments, as --json. */
  cli<T = any>(command: string[], ...args: string[]): Promise<T> {
    return keyportJson<T>([...command, SERVER_NAME, ...args], this.env);
  }

  async createKey(name: string): Promise<CreatedKey> {
    const key = await this.cli<CreatedKey>(['keys', 'create'], name);
    return { id: key.id, port: key.port };
  }

  async disableKey(name: string): Promise<void> {
    const result = await keyport(['keys', 'disable', SERVER_NAME, name], this.env);
    assert.equal(result.code, 0, result.stdout + result.stderr);
  }

  /** The unit's state as systemd says it (`active`, `inactive`, ...). */
  unitState(): string {
    return this.server.exec('systemctl', ['show', '-P', 'ActiveState', 'keyport-agent.service']).trim();
  }

  /** The kernel's own count of a key port's bytes since this boot (the agent's ipset elements; 0 while there are none). */
  kernelCounters(port: number): Totals {
    try {
      const counted = kernelBytes(port, runInNamespace(this.server.namespace));
      return { rx: counted.rxBytes, tx: counted.txBytes };
    } catch {
      // No table yet (the agent has not started since the boot): nothing counted.
      return { rx: 0, tx: 0 };
    }
  }

  /** The kernel's counters once a connection's last packets (FIN, ACK) are in. */
  async settledKernelCounters(port: number): Promise<Totals> {
    let previous = this.kernelCounters(port);
    for (let read = 0; read < 10; read += 1) {
      await sleep(200);
      const now = this.kernelCounters(port);
      if (now.rx === previous.rx && now.tx === previous.tx) return now;
      previous = now;
    }
    throw new Error(`the kernel's counters of port ${port} kept moving: ${JSON.stringify(previous)}`);
  }

  /** Moves bytes through a key's port from inside the server (to the stand-in Xray); throws when the port does not serve. */
  moveBytes(port: number, uploadBytes: number, downloadBytes: number, stderr: 'inherit' | 'ignore' = 'inherit'): void {
    execFileSync(
      'ip',
      ['netns', 'exec', this.server.namespace, join(REPO, 'scripts/node24'), join(REPO, 'e2e/support/move-bytes.ts'), String(port), String(uploadBytes), String(downloadBytes)],
      { timeout: 30_000, stdio: ['ignore', 'ignore', stderr] },
    );
  }

  serves(port: number): boolean {
    try {
      this.moveBytes(port, 1, 1, 'ignore');
      return true;
    } catch {
      return false;
    }
  }

  /** The agent's API, asked inside the server as the tunnel would (the test's own tooling, quicker than the CLI). */
  agentGet(path: string): any {
    const apiKey = readFileSync(join(this.server.root, 'var/lib/keyport/api-key'), 'utf8').trim();
    const fetchScript =
      "fetch('http://127.0.0.1:8000' + process.argv[1], { headers: { 'x-api-key': process.env.KEYPORT_TEST_API_KEY } }).then((r) => r.text()).then((t) => process.stdout.write(t))";
    const body = execFileSync('ip', ['netns', 'exec', this.server.namespace, process.execPath, '-e', fetchScript, path], {
      env: { ...process.env, KEYPORT_TEST_API_KEY: apiKey },
      encoding: 'utf8',
      timeout: 10_000,
    });
    return JSON.parse(body);
  }

  lastCycleAt(): string {
    return this.agentGet('/api/traffic/status').data.sampler.last_cycle.at;
  }

  /**
   * Waits (a few sampling cycles at most) until the agent's totals for a key are `expected`, asking
   * its API directly so that the answer comes right after the cycle that counted them. Returns that
   * cycle's time: the next one is a whole interval (10 s) away.
   */
  async expectTotals(key: CreatedKey, expected: Totals, what: string): Promise<string> {
    let last: Totals | undefined;
    return waitFor(
      what,
      () => {
        const totals = this.agentGet(`/api/keys/${key.id}/traffic/history`).data.total_traffic;
        last = { rx: totals.rx_bytes, tx: totals.tx_bytes };
        return last.rx === expected.rx && last.tx === expected.tx ? this.lastCycleAt() : undefined;
      },
      45_000,
    ).catch((error: Error) => assert.fail(`${error.message}: the agent says ${JSON.stringify(last)}, the kernel counted ${JSON.stringify(expected)}`));
  }

  /** A key's totals as the console shows them: through the CLI, live from the agent. */
  async consoleTotals(key: CreatedKey): Promise<Totals> {
    const history = await this.cli<{ source: string; data: { total_traffic: { rx_bytes: number; tx_bytes: number } } }>(
      ['traffic', 'history'],
      key.id,
    );
    assert.equal(history.source, 'live');
    return { rx: history.data.total_traffic.rx_bytes, tx: history.data.total_traffic.tx_bytes };
  }

  /** After a boot: systemd started the agent (nothing else did), `serving` serves again, `blocked` is refused by the agent's rule. */
  async expectBackByItself(serving: CreatedKey, blocked: CreatedKey): Promise<void> {
    await waitFor('the agent to be started by systemd', () => (this.unitState() === 'active' ? true : undefined), 30_000).catch(() =>
      assert.fail(`keyport-agent.service is not active after the boot:\n${this.server.exec('journalctl', ['-b', '-u', 'keyport-agent.service', '--no-pager'])}`),
    );
    await waitFor(`port ${serving.port} to serve again`, () => (this.serves(serving.port) ? true : undefined), 30_000);
    assert.ok(agentSetsByPort(runInNamespace(this.server.namespace)).get(blocked.port)?.includes('blocked'), `the disabled key's port ${blocked.port} is blocked again`);
    assert.equal(this.serves(blocked.port), false, `the disabled key's port ${blocked.port} does not serve`);
  }
}
