import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { isIP, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { open } from '../../test-support/tcp-traffic.ts';

export interface HttpProbe {
  /** An http:// URL; the host may be a name (sent to the proxy as a name) or an address. */
  url: string;
  /** HOST:PORT of a SOCKS5 proxy (no auth) to go through; direct when absent. */
  socks5?: string;
  timeoutMs?: number;
}

export interface HttpProbeResult {
  url: string;
  via: 'direct' | 'socks5';
  /** An HTTP status line came back: something listening at the destination answered. */
  reached: boolean;
  status: number | null;
  bodyBytes: number;
  bodySha256: string | null;
  /** The body as text when it is short (a decoy's marker), else null. */
  bodyText: string | null;
  error: string | null;
}

const CLI = resolve(import.meta.dirname, 'http-probe-cli.ts');

/**
 * Runs probes from inside a network namespace (all at once, in one process) and returns what each
 * saw. The test process itself sits in the host's namespace and cannot reach the namespaces' loopbacks.
 */
export function probeFrom(namespace: string, probes: readonly HttpProbe[]): Promise<HttpProbeResult[]> {
  const longest = Math.max(...probes.map((probe) => probe.timeoutMs ?? DEFAULT_TIMEOUT_MS));
  return new Promise((resolvePromise, reject) => {
    execFile(
      'ip',
      ['netns', 'exec', namespace, process.execPath, CLI, JSON.stringify(probes)],
      { timeout: longest + 10_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`http-probe in ${namespace} failed: ${error.message}\n${stderr}`));
        else resolvePromise(JSON.parse(stdout) as HttpProbeResult[]);
      },
    );
  });
}

export const DEFAULT_TIMEOUT_MS = 5_000;

/** One GET, directly or through a SOCKS5 proxy; never throws, says what happened instead. */
export async function probe(request: HttpProbe): Promise<HttpProbeResult> {
  const url = new URL(request.url);
  const via = request.socks5 ? 'socks5' : 'direct';
  const result: HttpProbeResult = { url: request.url, via, reached: false, status: null, bodyBytes: 0, bodySha256: null, bodyText: null, error: null };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 80);
  const deadline = Date.now() + (request.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  let socket: Socket | undefined;
  try {
    socket = request.socks5 ? await socks5Connect(request.socks5, host, port, deadline) : await tcpConnect(host, port, deadline);
    socket.write(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`);
    const response = await readToEnd(socket, deadline);
    const headerEnd = response.indexOf('\r\n\r\n');
    const statusLine = /^HTTP\/1\.[01] (\d{3})/.exec(response.subarray(0, Math.max(headerEnd, 0)).toString('latin1'));
    if (!statusLine) {
      result.error = response.length === 0 ? 'closed with no answer' : `not HTTP: ${response.subarray(0, 40).toString('latin1')}`;
      return result;
    }
    const body = response.subarray(headerEnd + 4);
    Object.assign(result, {
      reached: true,
      status: Number(statusLine[1]),
      bodyBytes: body.length,
      bodySha256: createHash('sha256').update(body).digest('hex'),
      bodyText: body.length <= 200 ? body.toString('utf8') : null,
    });
  } catch (error) {
    result.error = (error as Error).message;
  } finally {
    socket?.destroy();
  }
  return result;
}

function tcpConnect(host: string, port: number, deadline: number): Promise<Socket> {
  return open(port, deadline - Date.now(), host);
}

/** RFC 1928 CONNECT, no authentication; a name goes to the proxy as a name (ATYP 3), for it to resolve. */
async function socks5Connect(proxy: string, host: string, port: number, deadline: number): Promise<Socket> {
  const [, proxyHost, proxyPort] = /^\[?([^\]]+?)\]?:(\d+)$/.exec(proxy) ?? [];
  if (!proxyHost) throw new Error(`bad SOCKS5 address ${proxy}`);
  const socket = await tcpConnect(proxyHost, Number(proxyPort), deadline);
  const reader = new SocketReader(socket);
  socket.write(Buffer.from([5, 1, 0]));
  const method = await reader.read(2, deadline);
  if (method[0] !== 5 || method[1] !== 0) throw new Error(`SOCKS5 proxy refused no-auth: ${method.toString('hex')}`);
  let address: Buffer;
  if (isIP(host) === 4) address = Buffer.from([1, ...host.split('.').map(Number)]);
  else if (isIP(host) === 6) address = Buffer.concat([Buffer.from([4]), ipv6Bytes(host)]);
  else address = Buffer.concat([Buffer.from([3, Buffer.byteLength(host)]), Buffer.from(host)]);
  socket.write(Buffer.concat([Buffer.from([5, 1, 0]), address, Buffer.from([port >> 8, port & 0xff])]));
  const reply = await reader.read(4, deadline);
  if (reply[1] !== 0) throw new Error(`SOCKS5 CONNECT refused, reply code ${reply[1]}`);
  const boundLength = reply[3] === 1 ? 4 : reply[3] === 4 ? 16 : (await reader.read(1, deadline))[0]!;
  await reader.read(boundLength + 2, deadline);
  reader.release();
  return socket;
}

function ipv6Bytes(written: string): Buffer {
  // A dotted IPv4 tail (::ffff:127.0.0.1) is the last two groups.
  const address = written.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) =>
    `${((Number(a) << 8) | Number(b)).toString(16)}:${((Number(c) << 8) | Number(d)).toString(16)}`,
  );
  const [head = '', tail = ''] = address.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  const missing = 8 - groups(head).length - groups(tail).length;
  const all = address.includes('::') ? [...groups(head), ...Array(missing).fill('0'), ...groups(tail)] : groups(address);
  return Buffer.from(all.flatMap((group) => [parseInt(group, 16) >> 8, parseInt(group, 16) & 0xff]));
}

/** Reads exact byte counts from a socket; released, it hands the socket (and any bytes left) back. */
class SocketReader {
  readonly #socket: Socket;
  #buffered = Buffer.alloc(0);
  #wake: (() => void) | undefined;
  #ended = false;
  readonly #onData = (chunk: Buffer) => {
    this.#buffered = Buffer.concat([this.#buffered, chunk]);
    this.#wake?.();
  };
  readonly #onEnd = () => {
    this.#ended = true;
    this.#wake?.();
  };

  constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('close', this.#onEnd);
  }

  async read(bytes: number, deadline: number): Promise<Buffer> {
    while (this.#buffered.length < bytes) {
      if (this.#ended) throw new Error(`SOCKS5 proxy closed the connection (${this.#buffered.length} of ${bytes} bytes)`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error('SOCKS5 proxy did not answer in time');
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, remaining);
        this.#wake = () => {
          clearTimeout(timer);
          wake();
        };
      });
      this.#wake = undefined;
    }
    const head = this.#buffered.subarray(0, bytes);
    this.#buffered = this.#buffered.subarray(bytes);
    return head;
  }

  release(): void {
    this.#socket.off('data', this.#onData);
    this.#socket.off('end', this.#onEnd);
    this.#socket.off('close', this.#onEnd);
    if (this.#buffered.length > 0) this.#socket.unshift(this.#buffered);
  }
}

function readToEnd(socket: Socket, deadline: number): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      // What came so far decides: a blocked destination sends nothing, a slow one is not "reached".
      if (chunks.length === 0) reject(new Error('no answer in time'));
      else resolvePromise(Buffer.concat(chunks));
    }, Math.max(deadline - Date.now(), 0));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('error', (error) => {
      clearTimeout(timer);
      if (chunks.length === 0) reject(error);
      else resolvePromise(Buffer.concat(chunks));
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolvePromise(Buffer.concat(chunks));
    });
  });
}
