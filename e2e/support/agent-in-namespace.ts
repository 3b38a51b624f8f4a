import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { agentSetsByPort, kernelBytes, runInNamespace } from '../../test-support/key-agreement.ts';
import { AgentBridge, type AgentResponse } from './agent-bridge.ts';
import { AGENT_ENTRY, agentFlags, stopAgentXray, waitForAgentApi } from './agent-launch.ts';
import type { PrivateTmpfs } from '../../test-support/private-tmpfs.ts';

const REPO = resolve(import.meta.dirname, '../..');
const MOVE_BYTES = join(REPO, 'e2e/support/move-bytes.ts');
const AGENT_ADDRESS = '127.0.0.1:8000';

/** A network namespace of the test's own (loopback up), so the agent's firewall never touches the host's. */
export class TestNamespace {
  readonly name = `keyport-fault-${process.pid}-${randomBytes(3).toString('hex')}`;

  private constructor() {}

  static create(): TestNamespace {
    const namespace = new TestNamespace();
    execFileSync('ip', ['netns', 'add', namespace.name]);
    namespace.exec('ip', ['link', 'set', 'lo', 'up']);
    return namespace;
  }

  exec(command: string, args: readonly string[]): string {
    return execFileSync('ip', ['netns', 'exec', this.name, command, ...args], { encoding: 'utf8' });
  }

  /** Moves a payload through a key port of the stand-in Xray, from inside the namespace. */
  moveBytes(port: number, uploadBytes: number, downloadBytes: number): void {
    this.exec(process.execPath, [MOVE_BYTES, String(port), String(uploadBytes), String(downloadBytes)]);
  }

  /** The bytes the kernel counted on the agent's rx element for `port` (ipset, IPv4 and IPv6 alike). */
  rxCounter(port: number): number {
    if (!agentSetsByPort(runInNamespace(this.name)).get(port)?.includes('rx')) throw new Error(`no rx element for port ${port}`);
    return kernelBytes(port, runInNamespace(this.name)).rxBytes;
  }

  /** Deletes the namespace; the processes in it were the test's and are stopped by then. */
  dispose(): void {
    execFileSync('ip', ['netns', 'del', this.name]);
  }
}

export interface AgentRunOptions {
  dataDir: string;
  extraFlags?: readonly string[];
  /** The data dir is on this tmpfs: the agent runs in its mount namespace. */
  tmpfs?: PrivateTmpfs;
  apiKey?: string;
}

/**
 * The real agent (TypeScript entry, stand-in Xray) on 127.0.0.1:8000 inside a TestNamespace,
 * reached through a socat bridge on the host's loopback. Its output and exit code are kept, so a
 * test can watch it refuse to start as well as serve.
 */
export class AgentRun {
  readonly apiKey: string;
  readonly #options: AgentRunOptions;
  readonly #child: ChildProcess;
  readonly #exit: Promise<number | null>;
  #output = '';
  #bridge: AgentBridge | undefined;

  private constructor(namespace: TestNamespace, options: AgentRunOptions) {
    this.#options = options;
    this.apiKey = options.apiKey ?? randomBytes(24).toString('hex');
    const flags = agentFlags({ listen: AGENT_ADDRESS, dataDir: options.dataDir, sampleIntervalSeconds: 0.3, extraFlags: options.extraFlags });
    const inner: [string, string[]] = ['ip', ['netns', 'exec', namespace.name, process.execPath, AGENT_ENTRY, ...flags]];
    const [command, args] = options.tmpfs ? options.tmpfs.wrap(...inner) : inner;
    this.#child = spawn(command, args, {
      env: { ...process.env, KEYPORT_API_KEY: this.apiKey, KEYPORT_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child.stdout!.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
    this.#child.stderr!.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
    this.#exit = new Promise((done) => this.#child.once('exit', (code) => done(code)));
  }

  /** Starts the agent and waits until its API answers. */
  static async serve(namespace: TestNamespace, options: AgentRunOptions): Promise<AgentRun> {
    const run = new AgentRun(namespace, options);
    run.#bridge = await AgentBridge.loopback(namespace.name, AGENT_ADDRESS);
    await waitForAgentApi(run).catch(async (error: unknown) => {
      await run.stop();
      throw error;
    });
    return run;
  }

  /** Runs the agent expecting it to end by itself (a refusal); its exit code and output. */
  static async runToExit(namespace: TestNamespace, options: AgentRunOptions, timeoutMs = 20_000): Promise<{ exitCode: number | null; output: string }> {
    const run = new AgentRun(namespace, options);
    const timer = setTimeout(() => run.#child.kill('SIGKILL'), timeoutMs);
    const exitCode = await run.#exit;
    clearTimeout(timer);
    await run.stop();
    return { exitCode, output: run.output };
  }

  get output(): string {
    return this.#output;
  }

  get exited(): boolean {
    return this.#child.exitCode !== null || this.#child.signalCode !== null;
  }

  /** A data dir file as the test reaches it (through the tmpfs's namespace when there is one). */
  dataPath(name: string): string {
    const path = join(this.#options.dataDir, name);
    return this.#options.tmpfs ? this.#options.tmpfs.hostPath(path) : path;
  }

  request<T = any>(method: string, path: string, body?: unknown): Promise<AgentResponse<T>> {
    return this.#bridge!.request<T>(this.apiKey, method, path, body);
  }

  /** Stops the agent (SIGTERM), the stand-in Xray it started (by its pid file) and the bridge: only processes of this run. */
  async stop(): Promise<void> {
    if (!this.exited) {
      this.#child.kill('SIGTERM');
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5_000);
      await this.#exit;
      clearTimeout(timer);
    }
    await stopAgentXray(this.dataPath('xray.pid'));
    await this.#bridge?.stop();
  }
}
