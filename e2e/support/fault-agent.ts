import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { NamespaceProcess } from '../harness/namespace-process.ts';
import { runInNamespace, type RunCommand } from '../../test-support/key-agreement.ts';
import { sleep, waitFor } from '../../test-support/wait.ts';
import { AgentBridge, type AgentResponse } from './agent-bridge.ts';
import { AGENT_ENTRY, agentFlags, agentXrayPid, stopAgentXray, waitForAgentApi } from './agent-launch.ts';

const REPO = resolve(import.meta.dirname, '../..');
const MOVE_BYTES = join(REPO, 'e2e/support/move-bytes.ts');
const AGENT_ADDRESS = '127.0.0.1:8000';
export const FAULT_XRAY_API = '127.0.0.1:10085';
let made = 0;

export interface FaultAgentOptions {
  sampleIntervalSeconds: number;
  reconcileCycles: number;
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
  #bridge: AgentBridge | undefined;
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
      agent.#bridge = AgentBridge.unixSocket(agent.namespace, agent.#socketPath, AGENT_ADDRESS);
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

  get exited(): boolean {
    return this.#agent?.exited ?? false;
  }

  get pid(): number | undefined {
    return this.#agent?.pid;
  }

  /** Starts the agent (again, on the same data dir) and waits until its API answers. */
  async launch(): Promise<void> {
    if (this.#agent) this.#pastOutput += this.#agent.output;
    const flags = agentFlags({
      listen: AGENT_ADDRESS,
      dataDir: this.dataDir,
      sampleIntervalSeconds: this.#options.sampleIntervalSeconds,
      xrayApi: FAULT_XRAY_API,
      extraFlags: ['--reconcile-cycles', String(this.#options.reconcileCycles)],
    });
    const env = { ...process.env, KEYPORT_API_KEY: this.apiKey, KEYPORT_LOG_LEVEL: 'warn' };
    const agent = new NamespaceProcess('agent', this.namespace, process.execPath, [AGENT_ENTRY, ...flags], env);
    this.#agent = agent;
    await waitForAgentApi(this, 30_000);
  }

  /** kill -9 of the agent (its Xray, detached, lives on), and waits until it is gone. */
  async kill9(): Promise<void> {
    const agent = this.#agent;
    if (!agent?.pid || agent.exited) return;
    process.kill(agent.pid, 'SIGKILL');
    await waitFor('the killed agent to be gone', () => (agent.exited ? true : undefined), 5_000);
  }

  /** One API call on its own connection; a call the agent never answers (it was killed) rejects. */
  request<T = any>(method: string, path: string, body?: unknown, timeoutMs = 20_000): Promise<AgentResponse<T>> {
    return this.#bridge!.request<T>(this.apiKey, method, path, body, timeoutMs);
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
    return agentXrayPid(join(this.dataDir, 'xray.pid'));
  }

  /** Ends the agent, its Xray and the bridge (by pid), then deletes the namespace and the data dir. */
  async dispose(): Promise<void> {
    await this.#agent?.stop();
    await stopAgentXray(join(this.dataDir, 'xray.pid'));
    await this.#bridge?.stop();
    try {
      execFileSync('ip', ['netns', 'del', this.namespace], { stdio: 'ignore' });
    } catch {
      // Never made: nothing to delete.
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
