import { connect, type Socket } from 'node:net';

export interface Target {
  port: number;
  headers?: Record<string, string>;
}

export interface ThroughputOptions {
  connections: number;
  warmupMs: number;
  durationMs: number;
  maxRequests: number;
  /** The path of each request (called once per request). */
  path: () => string;
}

export interface ThroughputResult {
  requests: number;
  failures: number;
  perSecond: number;
}

export interface LatencyOptions {
  path: string;
  warmups: number;
  samples: number;
  /** Stops early (with fewer samples) once this much time has passed. */
  budgetMs: number;
}

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Keep-alive GETs on `connections` sockets, one request in flight per socket, for a warm-up and
 * then a measured period; each period stops at its time limit or at `maxRequests`, whichever comes first.
 */
export async function measureThroughput(target: Target, options: ThroughputOptions): Promise<ThroughputResult> {
  const connections = await Promise.all(Array.from({ length: options.connections }, () => HttpConnection.open(target)));
  try {
    await runFor(connections, options.path, options.warmupMs, options.maxRequests);
    const startedMs = performance.now();
    const { requests, failures } = await runFor(connections, options.path, options.durationMs, options.maxRequests);
    const seconds = (performance.now() - startedMs) / 1000;
    return { requests, failures, perSecond: (requests - failures) / seconds };
  } finally {
    for (const connection of connections) connection.close();
  }
}

/** Sequential GETs of one path on one keep-alive socket; returns the measured times in ms, ascending. */
export async function measureLatency(target: Target, options: LatencyOptions): Promise<number[]> {
  const connection = await HttpConnection.open(target);
  const deadline = performance.now() + options.budgetMs;
  const times: number[] = [];
  try {
    for (let index = 0; index < options.warmups + options.samples && performance.now() < deadline; index += 1) {
      const startedMs = performance.now();
      const status = await connection.get(options.path);
      if (status !== 200) throw new Error(`GET ${options.path} answered ${status}`);
      if (index >= options.warmups) times.push(performance.now() - startedMs);
    }
  } finally {
    connection.close();
  }
  return times.sort((a, b) => a - b);
}

async function runFor(connections: HttpConnection[], path: () => string, durationMs: number, maxRequests: number) {
  const deadline = performance.now() + durationMs;
  let requests = 0;
  let failures = 0;
  const loop = async (connection: HttpConnection) => {
    while (requests < maxRequests && performance.now() < deadline) {
      requests += 1;
      if ((await connection.get(path())) !== 200) failures += 1;
    }
  };
  await Promise.all(connections.map(loop));
  return { requests, failures };
}

interface Pending {
  resolve: (status: number) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * A minimal HTTP/1.1 keep-alive client on a raw socket: far less work per request than node:http's
 * client, so the load generator (sharing the machine) limits the figures less. It only understands
 * responses with a Content-Length, which is what both servers measured here send.
 */
class HttpConnection {
  readonly #socket: Socket;
  readonly #requestHead: string;
  #chunks: Buffer[] = [];
  #received = 0;
  #responseEnd: number | undefined;
  #status = 0;
  #pending: Pending | undefined;

  private constructor(socket: Socket, target: Target) {
    this.#socket = socket;
    const headers = Object.entries({ host: `127.0.0.1:${target.port}`, ...target.headers });
    this.#requestHead = headers.map(([name, value]) => `${name}: ${value}\r\n`).join('');
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => this.#fail(new Error('connection closed')));
  }

  static open(target: Target): Promise<HttpConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: target.port, noDelay: true });
      socket.once('connect', () => resolve(new HttpConnection(socket, target)));
      socket.once('error', reject);
    });
  }

  /** Sends one GET and resolves with the response status once the whole body has arrived. */
  get(path: string): Promise<number> {
    return new Promise((resolve, reject) => {
      if (this.#pending) throw new Error('one request at a time per connection');
      const timer = setTimeout(() => this.#fail(new Error(`GET ${path} timed out`)), REQUEST_TIMEOUT_MS);
      this.#pending = { resolve, reject, timer };
      this.#socket.write(`GET ${path} HTTP/1.1\r\n${this.#requestHead}\r\n`);
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#received += chunk.length;
    if (this.#responseEnd === undefined && !this.#readHead()) return;
    if (this.#received < this.#responseEnd!) return;
    const data = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
    const rest = data.subarray(this.#responseEnd);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#received = rest.length;
    this.#responseEnd = undefined;
    this.#settle((pending) => pending.resolve(this.#status));
  }

  /** Parses the status line and Content-Length once the head is complete; false while it is not. */
  #readHead(): boolean {
    const data = Buffer.concat(this.#chunks);
    this.#chunks = [data];
    const headEnd = data.indexOf('\r\n\r\n');
    if (headEnd < 0) return false;
    const head = data.toString('latin1', 0, headEnd);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) {
      this.#fail(new Error(`response without Content-Length: ${head.split('\r\n')[0]}`));
      return false;
    }
    this.#status = Number(head.slice(9, 12));
    this.#responseEnd = headEnd + 4 + Number(length[1]);
    return true;
  }

  #fail(error: Error): void {
    this.#settle((pending) => pending.reject(error));
    this.#socket.destroy();
  }

  #settle(finish: (pending: Pending) => void): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = undefined;
    clearTimeout(pending.timer);
    finish(pending);
  }
}
