import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../../test-support/tcp-traffic.ts';
import { sleep, waitFor } from '../../../test-support/wait.ts';
import { FAKE_XRAY } from '../../../test-support/stand-in-xray.ts';

const REPO = resolve(import.meta.dirname, '../../..');

export interface AgentOptions {
  /** The agent's entry: the TypeScript source by default, or a built bundle. */
  entry?: string;
  dataDir?: string;
  xrayBin?: string;
  portRange?: string;
  sampleIntervalSeconds?: number;
  /**
   * The agent's periodic reconcile, in sampling cycles: 0 (off) unless a test asks, so a test that
   * makes drift on purpose sees it until it repairs it.
   */
  reconcileCycles?: number;
  extraFlags?: string[];
  apiKey?: string;
  logLevel?: 'debug' | 'info' | 'warn';
  /** Added to the agent's environment (e.g. NODE_EXTRA_CA_CERTS for a test CA). */
  env?: Record<string, string>;
  /** How long start-up may take before the test fails (default 15 s; thousands of seeded keys take longer). */
  startTimeoutMs?: number;
  /** RLIMIT_NOFILE the agent starts under (through prlimit), as a service manager would set it. */
  openFilesLimit?: { soft: number; hard: number };
  /** Flags for the agent's Node itself, before its entry (e.g. `--cpu-prof` when profiling a bench). */
  nodeFlags?: string[];
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

/** The real agent (`npm run agent`'s entry) as a child process on loopback, with its own data dir. */
export class AgentProcess {
  readonly dataDir: string;
  readonly listenPort: number;
  readonly xrayApiPort: number;
  readonly options: AgentOptions;
  #child: ChildProcess | undefined;
  #output = '';
  apiKey = '';

  private constructor(options: AgentOptions, dataDir: string, listenPort: number, xrayApiPort: number) {
    this.options = options;
    this.dataDir = dataDir;
    this.listenPort = listenPort;
    this.xrayApiPort = xrayApiPort;
  }

  static async start(options: AgentOptions = {}): Promise<AgentProcess> {
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'keyport-agent-'));
    const agent = new AgentProcess(options, dataDir, await freePort(), await freePort());
    await agent.launch();
    return agent;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get output(): string {
    return this.#output;
  }

  get xrayConfigPath(): string {
    return join(this.dataDir, 'xray-config.json');
  }

  /** Starts (or starts again, on the same data dir and ports) and waits until the API answers. */
  async launch(): Promise<void> {
    const flags = [
      '--listen', `127.0.0.1:${this.listenPort}`,
      '--data-dir', this.dataDir,
      '--public-host', 'vpn.example.com',
      '--port-range', this.options.portRange ?? '10001-10999',
      '--sample-interval', String(this.options.sampleIntervalSeconds ?? 0.2),
      '--reconcile-cycles', String(this.options.reconcileCycles ?? 0),
      '--xray-bin', this.options.xrayBin ?? FAKE_XRAY,
      '--xray-api', `127.0.0.1:${this.xrayApiPort}`,
      '--reality-target', 'www.example.com:443',
      '--reality-server-names', 'www.example.com,cdn.example.com',
      ...(this.options.extraFlags ?? []),
    ];
    const env: NodeJS.ProcessEnv = { ...process.env, KEYPORT_LOG_LEVEL: this.options.logLevel ?? 'warn', ...this.options.env };
    if (this.options.apiKey) env.KEYPORT_API_KEY = this.options.apiKey;
    else delete env.KEYPORT_API_KEY;
    const command = [process.execPath, ...(this.options.nodeFlags ?? []), this.options.entry ?? join(REPO, 'remote-agent/src/main.ts'), ...flags];
    const limit = this.options.openFilesLimit;
    // prlimit execs the agent, so the child's pid stays the agent's.
    if (limit) command.unshift('prlimit', `--nofile=${limit.soft}:${limit.hard}`, '--');
    const child = spawn(command[0] as string, command.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
    this.apiKey = this.options.apiKey ?? (await waitFor('the api-key file', () => readKeyFile(this.dataDir)));
    try {
      await waitFor(
        'the agent API',
        async () => {
          if (child.exitCode !== null) throw new Error(`agent exited with ${child.exitCode}: ${this.#output}`);
          return (await this.get('/api/keys')).status === 200 ? true : undefined;
        },
        this.options.startTimeoutMs ?? 15_000,
      );
    } catch (error) {
      // Left running, the agent keeps the test file's process alive and its Xray holds the key
      // ports every later test in this namespace needs.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      const xray = this.xrayPid();
      if (xray !== undefined) process.kill(xray, 'SIGKILL');
      throw new Error(`${(error as Error).message} (agent output so far: ${this.#output.slice(-2000)})`, { cause: error });
    }
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const init: RequestInit = { method, headers: { 'x-api-key': this.apiKey, ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const response = await fetch(`http://127.0.0.1:${this.listenPort}${path}`, init);
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }

  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body);
  }

  /** Waits for sampling cycles to pick up what just happened (a few intervals). */
  async settle(cycles = 3): Promise<void> {
    await sleep(cycles * (this.options.sampleIntervalSeconds ?? 0.2) * 1000 + 100);
  }

  /** Stops the agent with a signal (SIGTERM: graceful; SIGKILL: a crash) and waits for it to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  /** The stand-in Xray this agent started, if any (by the pid file the agent keeps). */
  xrayPid(): number | undefined {
    try {
      const pid = Number.parseInt(readFileSync(join(this.dataDir, 'xray.pid'), 'utf8'), 10);
      process.kill(pid, 0);
      return pid;
    } catch {
      return undefined;
    }
  }

  /** Stops the agent and the Xray it started: only processes this test made, by pid. */
  async dispose(): Promise<void> {
    await this.stop();
    const xray = this.xrayPid();
    if (xray !== undefined) {
      process.kill(xray, 'SIGTERM');
      await waitFor('xray to exit', () => (this.xrayPid() === undefined ? true : undefined), 5_000).catch(() =>
        process.kill(xray, 'SIGKILL'),
      );
    }
  }
}

function readKeyFile(dataDir: string): string | undefined {
  try {
    return readFileSync(join(dataDir, 'api-key'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
