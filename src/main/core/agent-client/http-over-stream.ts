import { request as httpRequest, type ClientRequest, type ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';
import { KeyportError } from '../../../shared/contract/errors.ts';

export interface JsonRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query string, already encoded. */
  path: string;
  headers: Record<string, string>;
  /** Sent as JSON when present. */
  body?: unknown;
  timeoutMs: number;
}

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
  const headers: Record<string, string> = { ...request.headers, accept: 'application/json' };
  if (payload) headers['content-type'] = 'application/json';
  // Without a length Node sends a bodyless POST chunked; a plain zero length is simpler for the agent.
  if (payload || request.method !== 'GET') headers['content-length'] = String(payload?.length ?? 0);

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
    timer = setTimeout(
      () => finish(new KeyportError('agent-error', `the agent did not answer ${call} within ${request.timeoutMs} ms`, { timeoutMs: request.timeoutMs })),
      request.timeoutMs,
    );

    clientRequest.on('error', (error) => {
      if (!streamOpened) finish(error);
      else finish(new KeyportError('agent-error', `the connection to the agent failed during ${call}: ${error.message}`));
    });
    clientRequest.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (error) =>
        finish(new KeyportError('agent-error', `the agent's answer to ${call} broke off: ${error.message}`)),
      );
      response.on('end', () => {
        const statusCode = response.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString('utf8');
        if (text === '') return finish(undefined, { statusCode, body: undefined });
        try {
          finish(undefined, { statusCode, body: JSON.parse(text) });
        } catch {
          finish(new KeyportError('agent-error', `the agent answered ${call} with a body that is not JSON`, { httpStatus: statusCode }));
        }
      });
    });
    clientRequest.end(payload);
  });
}
