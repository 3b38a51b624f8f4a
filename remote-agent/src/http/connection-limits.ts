import type { ServerOptions, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyServerOptions } from 'fastify';

/**
 * How long a request's head and body may take to arrive. Bodies are at most 16 KiB and clients
 * send them at once, so over any SSH tunnel that still works this is seconds; 30 s leaves room
 * for a stalled link while a peer that trickles bytes holds a socket for no longer. Snapshots for
 * a restore come in chunks that clients size to arrive within it (api/restore-uploads.ts).
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * An idle keep-alive socket between requests. The console opens a tunnel channel per call and
 * closes it; scripts through `keyport tunnel` reconnect cheaply. Fastify's 72 s suits load
 * balancers, which this API never sits behind.
 */
const KEEP_ALIVE_TIMEOUT_MS = 10_000;

/**
 * A socket with no bytes either way, also while a handler works: a backstop for a peer that stops
 * reading its answer. It must outlast the slowest handler: a settings change re-adds every
 * inbound, for which the console waits up to 180 s (agent-client.ts), more with 10,000 keys.
 */
const IDLE_SOCKET_TIMEOUT_MS = 600_000;

/** How often Node looks for requests past their time; its default (30 s) would double the wait. */
const CHECK_INTERVAL_MS = 1_000;

type ConnectionOptions = Pick<FastifyServerOptions, 'requestTimeout' | 'keepAliveTimeout' | 'connectionTimeout' | 'clientErrorHandler'> & {
  http: ServerOptions;
};

/** Fastify's options that bound how long a socket may be held, and the answer when they run out. */
export function connectionLimits(requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): ConnectionOptions {
  return {
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    connectionTimeout: IDLE_SOCKET_TIMEOUT_MS,
    // Fastify leaves the head's own limit to Node (60 s); the whole request's bound covers it.
    http: { headersTimeout: requestTimeoutMs, requestTimeout: requestTimeoutMs, connectionsCheckingInterval: CHECK_INTERVAL_MS },
    clientErrorHandler: clientErrorAnswer(requestTimeoutMs),
  };
}

/**
 * Errors Node meets before a request reaches Fastify (a timeout, a head that is not HTTP), answered
 * in the API's error shape, as Node itself would otherwise answer them, and the socket closed.
 */
function clientErrorAnswer(requestTimeoutMs: number) {
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, reason, detail] =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', `the request did not arrive in full within ${requestTimeoutMs / 1000} s`]
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'Request Header Fields Too Large', 'the request head is larger than 16 KiB']
          : [400, 'Bad Request', 'the request is not valid HTTP/1.1'];
    // As Node does: no second answer on a socket whose answer has begun (a 401 sent before the body came).
    const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (socket.writable && !inFlight?.headersSent) {
      const body = JSON.stringify({ status: 'error', detail });
      socket.write(
        `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}
