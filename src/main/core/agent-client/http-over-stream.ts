import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { request as httpRequest, type ClientRequest, type ClientRequestArgs } from 'node:http';
import { Readable, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BINARY_CONTENT_TYPE } from '../../../../remote-agent/src/api/endpoint.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';

export interface JsonRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query string, already encoded. */
  path: string;
  headers: Record<string, string>;
  /** Sent as JSON when present. */
  body?: unknown;
  /** Sent as raw bytes (chunked) instead of a JSON body. */
  bodyStream?: AsyncIterable<Uint8Array>;
  /** A success answer of raw bytes is written to this file (mode 0600), not parsed; the body is then undefined. `timeoutMs` then bounds each wait for more of it. */
  saveAnswerTo?: string;
  timeoutMs: number;
}

/** The fact of a call whose connection failed once the stream was open: the call may be tried again. */
const CONNECTION_LOST = { reason: 'connection-lost' } as const;

export interface JsonResponse {
  statusCode: number;
  /** The parsed JSON body; undefined when the body is empty. */
  body: unknown;
}

/**
 * One HTTP/1.1 request over a stream of its own (an ssh2 `forwardOut` channel in the console),
 * closed once the answer is in: channels are cheap, and a stream per call keeps concurrent calls
 * independent. A stream that cannot be opened fails the call with the opener's own error.
 */
export function httpOverStream(openStream: () => Promise<Duplex>, request: JsonRequest): Promise<JsonResponse> {
  const call = `${request.method} ${request.path}`;
  const payload = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
  const headers: Record<string, string> = { ...request.headers, accept: request.saveAnswerTo ? `${BINARY_CONTENT_TYPE}, application/json` : 'application/json' };
  if (payload) headers['content-type'] = 'application/json';
  if (request.bodyStream) headers['content-type'] = BINARY_CONTENT_TYPE;
  // Without a length Node sends a bodyless POST chunked; a plain zero length is simpler for the agent.
  else if (payload || request.method !== 'GET') headers['content-length'] = String(payload?.length ?? 0);

  return new Promise((resolve, reject) => {
    let streamOpened = false;
    let settled = false;
    // Declared before anything can call finish: the timer may fire, or the request fail, before both exist.
    let timer: NodeJS.Timeout | undefined;
    let clientRequest: ClientRequest | undefined;
    const finish = (error: Error | undefined, response?: JsonResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        clientRequest?.destroy();
        reject(error);
      } else if (response) {
        resolve(response);
      }
    };

    // node:http takes the callback form of createConnection: the request waits for `oncreate`,
    // and a request destroyed before the stream arrives destroys that stream when it does.
    const createConnection: ClientRequestArgs['createConnection'] = (_options, oncreate) => {
      openStream().then(
        (stream) => {
          streamOpened = true;
          // node:http needs only a Duplex; its typing asks for a net.Socket.
          oncreate(null, stream as Parameters<typeof oncreate>[1]);
        },
        (error: Error) => oncreate(error, undefined as never),
      );
      return undefined;
    };

    try {
      clientRequest = httpRequest({ method: request.method, path: request.path, host: '127.0.0.1', headers, createConnection });
    } catch (error) {
      // node:http refuses a header it cannot send (a control character in it) before any stream opens.
      const reason = (error as NodeJS.ErrnoException).code ?? 'refused';
      return finish(new KeyportError('agent-error', `${call} could not be sent: ${(error as Error).message}`, { reason }));
    }
    const armTimer = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () => finish(new KeyportError('agent-error', `the agent did not answer ${call} within ${request.timeoutMs} ms`, { timeoutMs: request.timeoutMs, reason: 'timeout' })),
        request.timeoutMs,
      );
    };
    armTimer();

    clientRequest.on('error', (error) => {
      if (!streamOpened) finish(error);
      else finish(new KeyportError('agent-error', `the connection to the agent failed during ${call}: ${error.message}`, CONNECTION_LOST));
    });
    clientRequest.on('response', (response) => {
      const statusCode = response.statusCode ?? 0;
      const { saveAnswerTo } = request;
      if (saveAnswerTo && statusCode >= 200 && statusCode < 300 && response.headers['content-type'] === BINARY_CONTENT_TYPE) {
        // A file may take longer than the deadline in all over a slow link: it bounds each wait for more of it.
        response.on('data', armTimer);
        pipeline(response, createWriteStream(saveAnswerTo, { mode: 0o600 })).then(
          () => finish(undefined, { statusCode, body: undefined }),
          async (error: Error) => {
            await rm(saveAnswerTo, { force: true });
            finish(new KeyportError('agent-error', `the agent's answer to ${call} broke off: ${error.message}`, CONNECTION_LOST));
          },
        );
        return;
      }
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (error) =>
        finish(new KeyportError('agent-error', `the agent's answer to ${call} broke off: ${error.message}`, CONNECTION_LOST)),
      );
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (text === '') return finish(undefined, { statusCode, body: undefined });
        try {
          finish(undefined, { statusCode, body: JSON.parse(text) });
        } catch {
          finish(new KeyportError('agent-error', `the agent answered ${call} with a body that is not JSON`, { httpStatus: statusCode }));
        }
      });
    });
    if (request.bodyStream) {
      const source = Readable.from(request.bodyStream);
      source.once('error', (error) => finish(error));
      source.pipe(clientRequest);
    } else {
      clientRequest.end(payload);
    }
  });
}
