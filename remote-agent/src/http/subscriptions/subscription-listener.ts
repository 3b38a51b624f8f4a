import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import { createSecureContext } from 'node:tls';
import { FlagError } from '../../config/agent-flags.ts';
import type { Logger } from '../../lib/logger.ts';
import { TokenBuckets } from '../../lib/token-bucket.ts';
import type { SubscriptionFormat, Subscriptions } from '../../services/subscriptions/subscriptions.ts';

export interface SubscriptionListenerOptions {
  subscriptions: Subscriptions;
  /** Where faults go (never the token: it is a credential). */
  log: Logger;
  /** PEM certificate and key: HTTPS when given, plain HTTP otherwise. */
  tls?: { cert: Buffer; key: Buffer };
  now?: () => number;
  /** Requests per client IP: a burst of `burst`, refilled at `perMinute` (defaults 30 and 30). */
  rate?: { burst: number; perMinute: number };
}

const MAX_CLIENTS_TRACKED = 10_000;
const MAX_TOKEN_LENGTH = 128;
const SUB_PATH = /^\/sub\/([^/?#]*)(?:\?(.*))?$/;

/**
 * The public listener: `GET /sub/{token}` and nothing else (every other method or path is 404).
 * It holds no API routes, reads no file and queries no database: it answers from Subscriptions.
 */
export function createSubscriptionListener({ subscriptions, log, tls, now = Date.now, rate = { burst: 30, perMinute: 30 } }: SubscriptionListenerOptions): Server {
  const buckets = new TokenBuckets({ capacity: rate.burst, perMinute: rate.perMinute, maxClients: MAX_CLIENTS_TRACKED });
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    try {
      answer(request, response);
    } catch (error) {
      log.error(`subscription listener: a request failed: ${(error as Error).stack ?? String(error)}`);
      // Nothing of the fault leaves: the listener is public.
      if (!response.headersSent) send(response, 500, { 'content-type': 'text/plain; charset=utf-8' }, 'internal error\n');
      else response.destroy();
    }
  };
  const answer = (request: IncomingMessage, response: ServerResponse) => {
    const waitMs = buckets.take(request.socket.remoteAddress ?? '', now());
    if (waitMs > 0) return send(response, 429, { 'retry-after': String(Math.ceil(waitMs / 1000)), 'content-type': 'text/plain; charset=utf-8' }, 'too many requests\n');
    const match = request.method === 'GET' ? SUB_PATH.exec(request.url ?? '') : null;
    const token = match?.[1] ?? '';
    if (!match || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return send(response, 404, { 'content-type': 'text/plain; charset=utf-8' }, 'not found\n');
    const format = formatOf(match[2]);
    const answer = subscriptions.answer(token, format ?? 'base64');
    if (answer.status === 200 && format === undefined) {
      return send(response, 400, { 'content-type': 'text/plain; charset=utf-8' }, 'format must be sing-box, or left out for base64 links\n');
    }
    return send(response, answer.status, answer.headers, answer.body);
  };
  const options = { headersTimeout: 10_000, requestTimeout: 10_000, keepAliveTimeout: 5_000, maxHeaderSize: 8 * 1024 };
  const server = tls ? createHttpsServer({ ...options, cert: tls.cert, key: tls.key }, handle) : createHttpServer(options, handle);
  server.maxConnections = 1024;
  return server;
}

/** Reads the listener's PEM certificate and key, refusing to start on a file missing or not PEM. */
export async function readListenerTls(files: { certFile: string; keyFile: string }): Promise<{ cert: Buffer; key: Buffer }> {
  const read = (flag: string, path: string) =>
    readFile(path).catch((error: unknown) => {
      throw new FlagError(`${flag} ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    });
  const tls = { cert: await read('--subscription-tls-cert', files.certFile), key: await read('--subscription-tls-key', files.keyFile) };
  try {
    createSecureContext(tls);
  } catch (error) {
    throw new FlagError(`--subscription-tls-cert ${files.certFile} with --subscription-tls-key ${files.keyFile}: not a PEM certificate and its key (${(error as Error).message})`);
  }
  return tls;
}

/** The query's format: base64 when none is named, undefined when it names another. */
function formatOf(query: string | undefined): SubscriptionFormat | undefined {
  if (query === undefined || query === '') return 'base64';
  const params = new URLSearchParams(query);
  const format = params.get('format');
  if ([...params.keys()].some((name) => name !== 'format')) return undefined;
  if (format === null || format === 'base64') return 'base64';
  return format === 'sing-box' ? 'sing-box' : undefined;
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body), 'x-content-type-options': 'nosniff' });
  response.end(body);
}
