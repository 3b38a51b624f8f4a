import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join, resolve } from 'node:path';
import type { NamespaceProcess } from '../harness/namespace-process.ts';
import type { VpnTestNetwork } from '../harness/vpn-test-network.ts';
import { FAKE_XRAY } from '../../test-support/stand-in-xray.ts';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { waitFor } from '../../test-support/wait.ts';

const REPO = resolve(import.meta.dirname, '../..');

export interface NamespacedAgentOptions {
  dataDir: string;
  /** Host written into keys' links: the server's address as key holders reach it. */
  publicHost: string;
  /** Where the agent listens and where its Xray's API listens, inside the server. */
  listen?: string;
  xrayApi?: string;
}

export interface AgentResponse<T = any> {
  status: number;
  body: T;
}

/**
 * The real agent (the TypeScript entry, with the stand-in Xray) running inside the server
 * namespace on its default address 127.0.0.1:8000, reached from the test through a socat bridge on
 * the host's loopback (socat runs a second socat in the namespace per connection).
 */
export class NamespacedAgent {
  readonly options: Required<NamespacedAgentOptions>;
  readonly apiKey = randomBytes(24).toString('hex');
  #agent: NamespaceProcess | undefined;
  #bridge: ChildProcess | undefined;
  #bridgePort = 0;

  private constructor(options: Required<NamespacedAgentOptions>) {
    this.options = options;
  }

  static async start(network: VpnTestNetwork, options: NamespacedAgentOptions): Promise<NamespacedAgent> {
    const agent = new NamespacedAgent({ listen: '127.0.0.1:8000', xrayApi: '127.0.0.1:10085', ...options });
    await agent.#launch(network);
    return agent;
  }

  get xrayConfigPath(): string {
    return join(this.options.dataDir, 'xray-config.json');
  }

  get output(): string {
    return this.#agent?.output ?? '';
  }

  async #launch(network: VpnTestNetwork): Promise<void> {
    const { dataDir, publicHost, listen, xrayApi } = this.options;
    const flags = [
      '--listen', listen,
      '--data-dir', dataDir,
      '--public-host', publicHost,
      '--port-range', '10001-10099',
      '--sample-interval', '1',
      '--xray-bin', FAKE_XRAY,
      '--xray-api', xrayApi,
      '--reality-dest', 'www.example.com:443',
      '--reality-server-names', 'www.example.com',
    ];
    const env = { ...process.env, KEYPORT_API_KEY: this.apiKey, KEYPORT_LOG_LEVEL: 'warn' };
    this.#agent = network.spawn('agent', network.server, process.execPath, [join(REPO, 'remote-agent/src/main.ts'), ...flags], env);
    this.#bridgePort = await freePort();
    const [host, port] = splitHostPort(listen);
    // socat splits an address at ':', so the inner one's are escaped.
    const inside = `ip netns exec ${network.server} socat STDIO TCP\\:${host}\\:${port}`;
    this.#bridge = spawn('socat', [`TCP-LISTEN:${this.#bridgePort},bind=127.0.0.1,reuseaddr,fork`, `EXEC:${inside}`], { stdio: 'ignore' });
    await waitFor(
      'the agent API',
      async () => {
        if (this.#agent!.exited) throw new Error(`the agent exited: ${this.output}`);
        return (await this.request('GET', '/api/keys')).status === 200 ? true : undefined;
      },
      20_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nagent output: ${this.output}`);
    });
  }

  /** One API call with its own connection (no keep-alive, so no bridge process outlives the call). */
  request<T = any>(method: string, path: string, body?: unknown): Promise<AgentResponse<T>> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolvePromise, reject) => {
      const call = httpRequest(
        {
          host: '127.0.0.1',
          port: this.#bridgePort,
          method,
          path,
          agent: false,
          timeout: 10_000,
          headers: { 'x-api-key': this.apiKey, ...(payload !== undefined && { 'content-type': 'application/json' }) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolvePromise({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
          });
        },
      );
      call.on('timeout', () => call.destroy(new Error(`${method} ${path}: no answer in 10 s`)));
      call.on('error', reject);
      call.end(payload);
    });
  }

  /** The Xray the agent started (the stand-in), by the agent's pid file, if it is alive. */
  xrayPid(): number | undefined {
    try {
      const pid = Number.parseInt(readFileSync(join(this.options.dataDir, 'xray.pid'), 'utf8'), 10);
      return isAlive(pid) ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stops the Xray the agent started, by its pid only, and waits until it is gone. */
  async stopXray(): Promise<void> {
    const pid = this.xrayPid();
    if (pid === undefined) return;
    process.kill(pid, 'SIGTERM');
    await waitFor('the stand-in Xray to exit', () => (isAlive(pid) ? undefined : true), 5_000).catch(async () => {
      process.kill(pid, 'SIGKILL');
      await waitFor('the stand-in Xray to die', () => (isAlive(pid) ? undefined : true), 2_000);
    });
  }

  async stop(): Promise<void> {
    await this.#agent?.stop();
    await this.stopXray();
    const bridge = this.#bridge;
    if (bridge && bridge.exitCode === null && bridge.signalCode === null) {
      const exited = new Promise((resolvePromise) => bridge.once('exit', resolvePromise));
      bridge.kill('SIGTERM');
      await exited;
    }
  }
}

/** Alive and not a zombie waiting for its parent (the agent) to reap it. */
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function splitHostPort(address: string): [string, string] {
  const index = address.lastIndexOf(':');
  return [address.slice(0, index), address.slice(index + 1)];
}
