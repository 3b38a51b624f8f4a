// The running stand-in (`xray run -c FILE`): one TCP listener per inbound speaking a tiny data
// protocol, and a control server at api.listen that `xray api adi|rmi|lsi` talks to.
//
// Control protocol: the client connects, sends one JSON request and a newline, reads one JSON
// reply line, and the server closes. Requests: {"op":"add","inbound":{...}},
// {"op":"remove","tag":"..."}, {"op":"list"}. Replies: {"result":{...}} or {"error":"..."}.

import { createServer } from 'node:net';
import { parseHostPort, validateInbound } from './config-check.mjs';

const FILLER = Buffer.alloc(64 * 1024, 'x');
const MAX_GET_BYTES = 1e9;
const GET_LINE = /GET (\d+)\n/g;
// Longest text that can still become a GET line once more bytes arrive: "GET " and 10 digits.
const GET_LINE_PREFIX_MAX = 14;
const MAX_CONTROL_REQUEST = 16 * 1024 * 1024;

export class StandIn {
  /** tag -> { inbound, server }; an entry is reserved before its listener is up. */
  #inbounds = new Map();
  #sockets = new Set();
  #control;

  /** Opens every inbound of the (already validated) config, then the control server. */
  async start(config) {
    for (const inbound of config.inbounds ?? []) await this.addInbound(inbound);
    if (config.api) {
      const { host, port } = parseHostPort(config.api.listen);
      this.#control = createServer((socket) => this.#serveControl(socket));
      await listen(this.#control, host, port, 'API');
    }
  }

  async addInbound(inbound) {
    validateInbound(inbound);
    const { tag, port, listen: host = '0.0.0.0' } = inbound;
    if (this.#inbounds.has(tag)) throw new Error(`existing tag found: ${tag}`);
    const server = createServer({ allowHalfOpen: true }, (socket) => this.#serveData(socket));
    this.#inbounds.set(tag, { inbound, server });
    try {
      await listen(server, host, port, 'TCP');
    } catch (error) {
      this.#inbounds.delete(tag);
      throw error;
    }
  }

  /** Like Xray's RemoveInbound: the listener closes, established connections stay up. */
  removeInbound(tag) {
    const entry = this.#inbounds.get(tag);
    if (!entry) throw new Error(`handler not found: ${tag}`);
    this.#inbounds.delete(tag);
    entry.server.close();
  }

  listInbounds() {
    return [...this.#inbounds.values()].map(({ inbound }) => ({
      tag: inbound.tag,
      receiverSettings: { listen: inbound.listen ?? '0.0.0.0', port: inbound.port },
      proxySettings: { protocol: inbound.protocol },
    }));
  }

  get inboundCount() {
    return this.#inbounds.size;
  }

  stop() {
    this.#control?.close();
    for (const { server } of this.#inbounds.values()) server.close();
    for (const socket of this.#sockets) socket.destroy();
  }

  #track(socket) {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    // Peers reset connections all the time in tests; there is nothing to report.
    socket.on('error', () => {});
  }

  // Any `GET <n>\n` in the incoming stream is answered with exactly n filler bytes; every other
  // byte is read and dropped. The first line is the documented use; later ones let a test probe a
  // held connection again.
  #serveData(socket) {
    this.#track(socket);
    let carry = '';
    let sending = Promise.resolve();
    socket.on('data', (chunk) => {
      const text = carry + chunk.toString('latin1');
      let consumed = 0;
      for (const match of text.matchAll(GET_LINE)) {
        consumed = match.index + match[0].length;
        const count = Number(match[1]);
        if (count <= MAX_GET_BYTES) sending = sending.then(() => sendFiller(socket, count));
      }
      carry = text.slice(consumed).slice(-GET_LINE_PREFIX_MAX);
    });
    // The peer may half-close right after its request: finish the answer, then close our side.
    socket.on('end', () => sending.then(() => socket.end()));
  }

  #serveControl(socket) {
    this.#track(socket);
    socket.setEncoding('utf8');
    let received = '';
    const onData = (chunk) => {
      received += chunk;
      const newline = received.indexOf('\n');
      if (newline < 0) {
        if (received.length > MAX_CONTROL_REQUEST) socket.destroy();
        return;
      }
      socket.off('data', onData);
      this.#answer(received.slice(0, newline)).then((reply) => socket.end(`${JSON.stringify(reply)}\n`));
    };
    socket.on('data', onData);
  }

  async #answer(line) {
    try {
      return { result: await this.#handle(JSON.parse(line)) };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }

  async #handle(request) {
    switch (request?.op) {
      case 'add':
        await this.addInbound(request.inbound);
        return {};
      case 'remove':
        this.removeInbound(request.tag);
        return {};
      case 'list':
        return { inbounds: this.listInbounds() };
      default:
        throw new Error(`unknown request ${JSON.stringify(request?.op)}`);
    }
  }
}

async function sendFiller(socket, count) {
  let left = count;
  while (left > 0 && socket.writable) {
    const size = Math.min(left, FILLER.length);
    left -= size;
    if (!socket.write(size === FILLER.length ? FILLER : FILLER.subarray(0, size))) await drained(socket);
  }
}

function drained(socket) {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

/** Listens, turning a failure into Go-style text like Xray's ("... bind: address already in use"). */
function listen(server, host, port, what) {
  return new Promise((resolve, reject) => {
    const onError = (error) => {
      const reason = SYSCALL_TEXT[error.code] ?? error.message;
      reject(new Error(`failed to listen ${what} on ${port} > listen tcp ${joinHostPort(host, port)}: bind: ${reason}`));
    };
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

const SYSCALL_TEXT = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EACCES: 'permission denied',
};

export function joinHostPort(host, port) {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
