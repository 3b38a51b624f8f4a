import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { stopChild } from '../../test-support/stop-child.ts';

export interface AgentResponse<T = any> {
  status: number;
  body: T;
}

type BridgeEnd = { host: '127.0.0.1'; port: number } | { socketPath: string };

/**
 * The host's way in to an agent listening inside a network namespace, bridged by socat: either a
 * port on the host's loopback (socat runs a second socat in the namespace per connection) or a unix
 * socket (not namespaced, so one socat in the namespace serves it). Each call has its own
 * connection (no keep-alive, so no bridge process outlives it).
 */
export class AgentBridge {
  readonly #end: BridgeEnd;
  readonly #socat: ChildProcess;

  private constructor(end: BridgeEnd, socat: ChildProcess) {
    this.#end = end;
    this.#socat = socat;
  }

  /** A loopback port on the host, to `address` (HOST:PORT) in `namespace`. */
  static async loopback(namespace: string, address: string): Promise<AgentBridge> {
    const port = await freePort();
    const index = address.lastIndexOf(':');
    // socat splits an address at ':', so the inner one's are escaped.
    const inside = `ip netns exec ${namespace} socat STDIO TCP\\:${address.slice(0, index)}\\:${address.slice(index + 1)}`;
    const socat = spawn('socat', [`TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`, `EXEC:${inside}`], { stdio: 'ignore' });
    return new AgentBridge({ host: '127.0.0.1', port }, socat);
  }

  /** A unix socket at `socketPath`, to `address` (HOST:PORT) in `namespace`. */
  static unixSocket(namespace: string, socketPath: string, address: string): AgentBridge {
    const socat = spawn('ip', ['netns', 'exec', namespace, 'socat', `UNIX-LISTEN:${socketPath},fork,unlink-early`, `TCP:${address}`], { stdio: 'ignore' });
    return new AgentBridge({ socketPath }, socat);
  }

  /** One API call; a call the agent never answers (it was killed) rejects after `timeoutMs`. */
  request<T = any>(apiKey: string, method: string, path: string, body?: unknown, timeoutMs = 10_000): Promise<AgentResponse<T>> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolvePromise, reject) => {
      const call = httpRequest(
        {
          ...this.#end,
          method,
          path,
          agent: false,
          timeout: timeoutMs,
          headers: { 'x-api-key': apiKey, ...(payload !== undefined && { 'content-type': 'application/json' }) },
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

  /** Ends this bridge's socat, by its pid only. */
  async stop(): Promise<void> {
    await stopChild(this.#socat);
  }
}
