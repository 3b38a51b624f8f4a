import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { NamespaceProcess } from '../harness/namespace-process.ts';
import { FAKE_XRAY } from '../../test-support/stand-in-xray.ts';
import { runInNamespace, type RunCommand } from '../../test-support/key-agreement.ts';
import { sleep, waitFor } from '../../test-support/wait.ts';

const REPO = resolve(import.meta.dirname, '../..');
const MOVE_BYTES = join(REPO, 'e2e/support/move-bytes.ts');
const AGENT_PORT = 8000;
export const FAULT_XRAY_API = '127.0.0.1:10085';
let made = 0;

export interface FaultAgentOptions {
  sampleIntervalSeconds: number;
  reconcileCycles: number;
}

export interface FaultResponse<T = any> {
  status: number;
  body: T;
}

/**
 * The real agent (TypeScript entry, stand-in Xray) in a network namespace of the test's own, with
 * its own loopback and iptables: fault tests run without the netns wrapper. The API is reached over
 * a unix socket (not namespaced) that one socat in the namespace bridges to the agent's port. The
 * agent can be killed and started again on the same data dir; dispose() ends only what this made,
 * by pid, and deletes the namespace and the data dir.
 */
export class FaultAgent {
  readonly namespace: string;
  readonly dataDir: string;
  readonly apiKey = randomBytes(24).toString('base64url');
  readonly run: RunCommand;
  readonly #options: FaultAgentOptions;
  readonly #socketPath: string;
  #agent: NamespaceProcess | undefined;
  #bridge: ChildProcess | undefined;
  /** Output of every agent process so far, oldest first. */
  #pastOutput = '';

  private constructor(options: FaultAgentOptions) {
    made += 1;
    this.#options = options;
    this.namespace = `keyport-fault-${process.pid}-${made}`;
    this.dataDir = mkdtempSync(join(tmpdir(), 'keyport-fault-'));
    this.#socketPath = join(this.dataDir, 'api.sock');
    this.run = runInNamespace(this.namespace);
  }

  static async start(options: FaultAgentOptions): Promise<FaultAgent> {
    const agent = new FaultAgent(options);
    try {
      execFileSync('ip', ['netns', 'add', agent.namespace]);
      agent.run('ip', ['link', 'set', 'lo', 'up']);
      agent.#bridge = spawn(
        'ip',
        ['netns', 'exec', agent.namespace, 'socat', `UNIX-LISTEN:${agent.#socketPath},fork,unlink-early`, `TCP:127.0.0.1:${AGENT_PORT}`],
        { stdio: 'ignore' },
      );
      await agent.launch();
    } catch (error) {
      await agent.dispose();
      throw error;
    }
    return agent;
  }

  get output(): string {
    return this.#pastOutput + (this.#agent?.output ?? '');
  }

  get pid(): number | undefined {
    return this.#agent?.pid;
  }

  /** Starts the agent (again, on the same data dir) and waits until its API answers. */
  async launch(): Promise<void> {
    if (this.#agent) this.#pastOutput += this.#agent.output;
    const flags = [
      '--listen', `127.0.0.1:${AGENT_PORT}`,
      '--data-dir', this.dataDir,
      '--public-host', 'vpn.example.com',
      '--port-range', '10001-10099',
      '--sample-interval', String(this.#options.sampleIntervalSeconds),
      '--reconcile-cycles', String(this.#options.reconcileCycles),
      '--xray-bin', FAKE_XRAY,
      '--xray-api', FAULT_XRAY_API,
      '--reality-target', 'www.example.com:443',
      '--reality-server-names', 'www.example.com',
    ];
    const env = { ...process.env, KEYPORT_API_KEY: this.apiKey, KEYPORT_LOG_LEVEL: 'warn' };
    const agent = new NamespaceProcess('agent', this.namespace, process.execPath, [join(REPO, 'remote-agent/src/main.ts'), ...flags], env);
    this.#agent = agent;
    await waitFor(
      'the agent API',
      async () => {
        if (agent.exited) throw new Error(`the agent exited: ${agent.output}`);
        return (await this.request('GET', '/api/keys')).status === 200 ? true : undefined;
      },
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nagent output: ${this.output}`);
    });
  }

  /** kill -9 of the agent (its Xray, detached, lives on), and waits until it is gone. */
  async kill9(): Promise<void> {
    const agent = this.#agent;
    if (!agent?.pid || agent.exited) return;
    process.kill(agent.pid, 'SIGKILL');
    await waitFor('the killed agent to be gone', () => (agent.exited ? true : undefined), 5_000);
  }

  /** One API call on its own connection; a call the agent never answers (it was killed) rejects. */
  request<T = any>(method: string, path: string, body?: unknown, timeoutMs = 20_000): Promise<FaultResponse<T>> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolvePromise, reject) => {
      const call = httpRequest(
        {
          socketPath: this.#socketPath,
          method,
          path,
          agent: false,
          timeout: timeoutMs,
          headers: { 'x-api-key': this.apiKey, ...(payload !== undefined && { 'content-type': 'application/json' }) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolvePromise({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
            } catch (error) {
              reject(error as Error);
            }
          });
        },
      );
      call.on('timeout', () => call.destroy(new Error(`${method} ${path}: no answer in ${timeoutMs} ms`)));
      call.on('error', reject);
      call.end(payload);
    });
  }

  /** Moves a known number of bytes through a key port of the stand-in Xray, from inside the namespace. */
  async moveBytes(port: number, uploadBytes: number, downloadBytes: number): Promise<void> {
    const args = ['netns', 'exec', this.namespace, process.execPath, MOVE_BYTES, String(port), String(uploadBytes), String(downloadBytes)];
    await promisify(execFile)('ip', args, { timeout: 20_000 });
  }

  /** Waits `cycles` sampling intervals (and a little), so the agent has sampled what just happened. */
  async settle(cycles = 3): Promise<void> {
    await sleep(cycles * this.#options.sampleIntervalSeconds * 1000 + 200);
  }

  xrayPid(): number | undefined {
    try {
      const pid = Number.parseInt(readFileSync(join(this.dataDir, 'xray.pid'), 'utf8'), 10);
      return isAlive(pid) ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** Ends the agent, its Xray and the bridge (by pid), then deletes the namespace and the data dir. */
  async dispose(): Promise<void> {
    await this.#agent?.stop();
    const xray = this.xrayPid();
    if (xray !== undefined) {
      process.kill(xray, 'SIGTERM');
      await waitFor('the stand-in Xray to exit', () => (isAlive(xray) ? undefined : true), 5_000).catch(() => process.kill(xray, 'SIGKILL'));
    }
    const bridge = this.#bridge;
    if (bridge && bridge.exitCode === null && bridge.signalCode === null) {
      const exited = new Promise((resolvePromise) => bridge.once('exit', resolvePromise));
      bridge.kill('SIGTERM');
      await exited;
    }
    try {
      execFileSync('ip', ['netns', 'del', this.namespace], { stdio: 'ignore' });
    } catch {
      // Never made: nothing to delete.
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Alive and not a zombie waiting to be reaped. */
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
