// The `xray api` side of the control protocol (see server.mjs), shaped like the gRPC client the
// real commands use (main/commands/all/api/shared.go:41-52): one connection, a blocking dial and
// ONE deadline (-t seconds, default 3) shared by the dial and every call of the command.

import { connect } from 'node:net';
import { splitHostPort } from './config-check.mjs';
import { rpcErrorText } from './xray-errors.mjs';

/** The line the stand-in's API sends first on every connection (see server.mjs). */
export const GREETING = '{"xray-stand-in":"HandlerService"}';

// grpc-go's default for a client's largest received message (defaultClientMaxReceiveMessageSize).
export const GRPC_MAX_RECEIVE_BYTES = 4 * 1024 * 1024;
const DIAL_RETRY_MS = 100;

export class ApiDialError extends Error {}

/** An RPC failure, as the gRPC status the client sees. `message` is what Xray prints. */
export class RpcError extends Error {
  constructor(code, desc) {
    super(rpcErrorText(code, desc));
    this.code = code;
  }
}

export class ApiClient {
  #socket;
  #deadline;
  #received = '';
  #waiting = [];
  #closed = false;

  constructor(socket, deadline) {
    this.#socket = socket;
    this.#deadline = deadline;
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => this.#onData(chunk));
    socket.resume();
    socket.on('error', () => {});
    socket.on('close', () => {
      this.#closed = true;
      for (const waiter of this.#waiting.splice(0)) waiter.reject(new RpcError('Unavailable', 'error reading from server: EOF'));
    });
  }

  /** Like grpc.DialContext(..., WithBlock()): retries until connected or the deadline passes. */
  static async dial(address, deadline) {
    const target = splitHostPort(address);
    const port = Number(target?.port);
    if (!target || !Number.isInteger(port) || port < 1 || port > 65535) {
      await sleep(Math.max(0, deadline - Date.now()));
      throw new ApiDialError(address);
    }
    const host = target.host === '' ? '127.0.0.1' : target.host;
    for (;;) {
      const socket = await tryConnect(host, port, deadline).catch(() => undefined);
      if (socket) return new ApiClient(socket, deadline);
      const wait = Math.min(DIAL_RETRY_MS, deadline - Date.now());
      if (wait <= 0) throw new ApiDialError(address);
      await sleep(wait);
    }
  }

  /** One call: resolves with the reply's text, rejects with an RpcError. */
  call(request) {
    const left = this.#deadline - Date.now();
    if (left <= 0) return Promise.reject(new RpcError('DeadlineExceeded', 'context deadline exceeded'));
    if (this.#closed) return Promise.reject(new RpcError('Unavailable', 'connection closed'));
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject, done: false };
      const timer = setTimeout(() => {
        // The server goes on with the call; only this client stops waiting for it.
        waiter.done = true;
        reject(new RpcError('DeadlineExceeded', 'context deadline exceeded'));
      }, left);
      waiter.resolve = (value) => {
        clearTimeout(timer);
        if (!waiter.done) resolve(value);
      };
      waiter.reject = (error) => {
        clearTimeout(timer);
        if (!waiter.done) reject(error);
      };
      this.#waiting.push(waiter);
      this.#socket.write(`${JSON.stringify(request)}\n`);
    });
  }

  close() {
    this.#socket.destroy();
  }

  #onData(chunk) {
    this.#received += chunk;
    for (;;) {
      const newline = this.#received.indexOf('\n');
      if (newline < 0) return;
      const line = this.#received.slice(0, newline);
      this.#received = this.#received.slice(newline + 1);
      const waiter = this.#waiting.shift();
      if (!waiter) continue;
      let reply;
      try {
        reply = JSON.parse(line);
      } catch {
        waiter.reject(new RpcError('Internal', 'malformed reply from the stand-in'));
        continue;
      }
      if (reply.error) waiter.reject(new RpcError(reply.error.code, reply.error.desc));
      else if (reply.wireSize > GRPC_MAX_RECEIVE_BYTES) {
        waiter.reject(new RpcError('ResourceExhausted', `grpc: received message larger than max (${reply.wireSize} vs. ${GRPC_MAX_RECEIVE_BYTES})`));
      } else waiter.resolve(reply.text);
    }
  }
}

/**
 * A TCP connect and the server's greeting line, standing in for the HTTP/2 handshake a blocking
 * gRPC dial waits for: a port that accepts but does not speak the protocol is not "dialled".
 */
function tryConnect(host, port, deadline) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let received = '';
    const fail = (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error('dial timed out')), Math.max(0, deadline - Date.now()));
    const onData = (chunk) => {
      received += chunk.toString('utf8');
      const newline = received.indexOf('\n');
      if (newline < 0) {
        if (received.length > GREETING.length) fail(new Error('not the API'));
        return;
      }
      if (received.slice(0, newline) !== GREETING) return fail(new Error('not the API'));
      clearTimeout(timer);
      socket.off('data', onData);
      socket.removeAllListeners('error');
      socket.removeAllListeners('close');
      socket.pause();
      // Bytes after the greeting belong to the first reply; put them back.
      if (newline + 1 < received.length) socket.unshift(Buffer.from(received.slice(newline + 1), 'utf8'));
      resolve(socket);
    };
    socket.on('data', onData);
    socket.once('error', fail);
    socket.once('close', () => fail(new Error('closed before the greeting')));
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
