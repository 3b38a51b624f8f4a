import type { Duplex } from 'node:stream';
import type { Static } from '@sinclair/typebox';
import {
  API_KEY_HEADER,
  endpointUrl,
  type ConflictBody,
  type EndpointDefinition,
  type ErrorBody,
  type ResponseOf,
} from '../../../../remote-agent/src/api/index.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { AGENT_METHODS, type AgentMethod, type AgentMethods, type CallInput, type CallOptions } from './agent-methods.ts';
import { httpOverStream, type JsonResponse } from './http-over-stream.ts';

export interface AgentClientOptions {
  /** Opens a fresh stream to the agent's listener (an ssh2 `forwardOut` channel); one per call. */
  openStream: () => Promise<Duplex>;
  apiKey: string;
  /** Per call, from opening the stream to the last byte of the answer (default 15 s). */
  timeoutMs?: number;
}

export type { CallInput, CallOptions } from './agent-methods.ts';

const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * The agent's HTTP API, called by the definitions of its published module (remote-agent/src/api/):
 * `call(endpoint, input)` builds the method and path from the definition and types the answer
 * from its schema. The named methods are derived from the table in agent-methods.ts. Each returns
 * the agent's whole JSON body, so callers and scripts see the spec's shapes (the
 * `{ status, data, timestamp }` envelope included). Failures are KeyportErrors. Answers are not re-validated.
 */
class AgentCaller {
  readonly #openStream: () => Promise<Duplex>;
  // A private field, so the key shows up in no inspection, serialisation or error of the client.
  readonly #apiKey: string;
  readonly #timeoutMs: number;

  constructor(options: AgentClientOptions) {
    this.#openStream = options.openStream;
    this.#apiKey = options.apiKey;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Calls one endpoint of the API. */
  async call<E extends EndpointDefinition>(endpoint: E, input: NoInfer<CallInput<E>>, options: CallOptions = {}): Promise<ResponseOf<E>> {
    return (await this.#send(endpoint, input, options)) as ResponseOf<E>;
  }

  /** Calls an endpoint whose answer is raw bytes (binaryResponse), written to the file `toPath`. */
  async download<E extends EndpointDefinition & { binaryResponse: true }>(endpoint: E, input: NoInfer<CallInput<E>>, toPath: string, options: CallOptions = {}): Promise<void> {
    await this.#send(endpoint, input, options, toPath);
  }

  async #send(endpoint: EndpointDefinition, input: unknown, options: CallOptions, saveAnswerTo?: string): Promise<unknown> {
    const { params, query, body } = input as { params?: Record<string, string>; query?: Record<string, string | number | undefined>; body?: unknown };
    const path = endpointUrl(endpoint, params, query);
    const binaryBody = endpoint.binaryBody === true;
    const response = await httpOverStream(this.#openStream, {
      method: endpoint.method,
      path,
      headers: { [API_KEY_HEADER.toLowerCase()]: this.#apiKey },
      ...(binaryBody ? { bodyStream: body as AsyncIterable<Uint8Array> } : { body }),
      ...(saveAnswerTo !== undefined && { saveAnswerTo }),
      timeoutMs: Math.max(options.timeoutMs ?? 0, this.#timeoutMs),
    });
    if (response.statusCode >= 200 && response.statusCode < 300) {
      if (saveAnswerTo !== undefined && response.body !== undefined) {
        throw new KeyportError('agent-error', `the agent answered ${endpoint.method} ${path} with JSON, not the file asked for`, { httpStatus: response.statusCode });
      }
      return response.body;
    }
    const requestedName = binaryBody ? undefined : (body as { name?: unknown } | undefined)?.name;
    throw agentFailure(`${endpoint.method} ${path}`, response, typeof requestedName === 'string' ? requestedName : undefined, binaryBody ? undefined : body);
  }
}

for (const [name, { endpoint, input, options, answer, download }] of Object.entries(AGENT_METHODS) as [string, AgentMethod<EndpointDefinition, unknown[]>][]) {
  Object.defineProperty(AgentCaller.prototype, name, {
    async value(this: AgentCaller, ...args: unknown[]) {
      if (download) {
        const toPath = args.pop() as string;
        return this.download(endpoint as EndpointDefinition & { binaryResponse: true }, input(...args) as never, toPath, options);
      }
      const body = await this.call(endpoint, input(...args), options);
      return answer ? answer(body) : body;
    },
  });
}

/** The caller with a named method for every endpoint (agent-methods.ts). */
export interface AgentClient extends AgentCaller, AgentMethods {}
export const AgentClient = AgentCaller as new (options: AgentClientOptions) => AgentClient;

/** The agent's `{ status: 'error', detail }` answer as a KeyportError the faces can act on. */
function agentFailure(call: string, response: JsonResponse, requestedName?: string, requestBody?: unknown): KeyportError {
  const httpStatus = response.statusCode;
  const body = response.body as
    | (Partial<Static<typeof ErrorBody> & Omit<Static<typeof ConflictBody>, 'reason'>> & { reason?: string; field?: unknown; keys?: unknown; index?: unknown } & Record<string, unknown>)
    | undefined;
  const detail = body?.detail;
  const reason = typeof detail === 'string' && detail !== '' ? detail : `HTTP ${httpStatus}`;
  if (httpStatus === 409 && body?.reason === 'server_not_fresh') {
    return new KeyportError('server-not-fresh', reason, { httpStatus, keys: typeof body.keys === 'number' ? body.keys : null });
  }
  // The agent found the snapshot inside a sound archive unusable (say, a daily backup of a damaged database).
  if (httpStatus === 400 && (body?.reason === 'snapshot_damaged' || body?.reason === 'not_a_snapshot')) {
    return new KeyportError('backup-damaged', reason, { httpStatus, where: body.reason });
  }
  if (httpStatus === 409 && body?.reason === 'name_taken') {
    return new KeyportError('name-taken', reason, { httpStatus, name: requestedName ?? null, holderKeyId: body.key_id ?? null });
  }
  if (httpStatus === 409 && body?.reason === 'uuid_taken') {
    const requestedUuid = (requestBody as { uuid?: unknown } | undefined)?.uuid;
    return new KeyportError('uuid-taken', reason, { httpStatus, uuid: typeof requestedUuid === 'string' ? requestedUuid : null, holderKeyId: body.key_id ?? null });
  }
  if (httpStatus === 507) {
    const { free_bytes: freeBytes, size_bytes: sizeBytes } = body ?? {};
    const facts: Record<string, number> = { httpStatus };
    if (typeof freeBytes === 'number' && typeof sizeBytes === 'number') Object.assign(facts, { freeBytes, sizeBytes });
    return new KeyportError('server-disk-full', reason, facts);
  }
  // An upload's chunk at the wrong offset, or a restore of one not whole: where the upload stands.
  if (httpStatus === 409 && typeof body?.received_bytes === 'number') {
    return new KeyportError('bad-input', reason, { httpStatus, reason: body.reason ?? null, receivedBytes: body.received_bytes });
  }
  // The bytes the agent stored are not the ones the console sent: no input of the admin's to fix.
  if (httpStatus === 400 && body?.reason === 'sha256_mismatch') {
    return new KeyportError('agent-error', reason, { httpStatus, reason: body.reason });
  }
  // A refused limit names its field (beyond the spec), so a face can point at the flag or column.
  if (httpStatus === 400 && body?.reason === 'bad_limits' && typeof body.field === 'string') {
    return new KeyportError('bad-input', reason, { httpStatus, field: body.field });
  }
  // A bulk bundle write naming a key this server does not have (deleted since it was read): which one.
  if (httpStatus === 400 && body?.reason === 'unknown_key' && typeof body.index === 'number') {
    return new KeyportError('not-found', reason, { httpStatus, keyId: body.key_id ?? null, index: body.index });
  }
  switch (httpStatus) {
    case 404:
      return new KeyportError('not-found', reason, { httpStatus });
    case 400:
    case 409:
    case 413:
    case 415:
      return new KeyportError('bad-input', reason, { httpStatus });
    case 401:
    case 403:
      return new KeyportError('agent-error', 'the agent refused the API key', { httpStatus });
    default:
      return new KeyportError('agent-error', `the agent failed on ${call}: ${reason}`, { httpStatus });
  }
}
