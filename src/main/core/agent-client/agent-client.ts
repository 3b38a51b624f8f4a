import type { Duplex } from 'node:stream';
import type { Static, TSchema } from '@sinclair/typebox';
import {
  API_KEY_HEADER,
  cleanupTrafficHistory,
  createKey,
  createKeysBulk,
  deleteKey,
  endpointUrl,
  getConfigStatus,
  getDailyKeysTraffic,
  getDailyTraffic,
  getKey,
  getKeyConfig,
  getKeyLiveTraffic,
  getKeyMonthlyTraffic,
  getKeyTrafficHistory,
  getLiveTraffic,
  getMonthlyTraffic,
  getOpenApiDocument,
  getPorts,
  getSettings,
  getTrafficHistory,
  getTrafficStatus,
  getTrafficSummary,
  getXrayConfigStatus,
  listKeys,
  resetKeyLiveTraffic,
  resetKeyTrafficHistory,
  resetPorts,
  syncConfig,
  syncXrayConfig,
  updateKey,
  updateSettings,
  validatePorts,
  validateXraySync,
  verifyReality,
  type BodyOf,
  type ConflictBody,
  type EndpointDefinition,
  type ErrorBody,
  type ParamsOf,
  type QueryOf,
  type ResponseOf,
} from '../../../../remote-agent/src/api/index.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { httpOverStream, type JsonResponse } from './http-over-stream.ts';

export interface AgentClientOptions {
  /** Opens a fresh stream to the agent's listener (an ssh2 `forwardOut` channel); one per call. */
  openStream: () => Promise<Duplex>;
  apiKey: string;
  /** Per call, from opening the stream to the last byte of the answer (default 15 s). */
  timeoutMs?: number;
}

/** What a call of an endpoint carries: exactly the parts its definition has, typed from its schemas. */
export type CallInput<E extends EndpointDefinition> = (E['params'] extends TSchema ? { params: ParamsOf<E> } : { params?: undefined }) &
  // A query field with a default may be left out: the agent fills it in.
  (E['querystring'] extends TSchema ? { query?: Partial<QueryOf<E>> } : { query?: undefined }) &
  (E['body'] extends TSchema ? { body: BodyOf<E> } : { body?: undefined });

export interface CallOptions {
  /** Longer than the client's own timeout for endpoints that take longer; never shorter. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;
/** verify-reality probes the target from the server: up to three bounded steps of 4 s each. */
const VERIFY_REALITY_TIMEOUT_MS = 30_000;
/** A settings change re-applies every key's inbound: thousands of them, in batches. */
const SETTINGS_CHANGE_TIMEOUT_MS = 180_000;

/**
 * The agent's HTTP API, called by the definitions of its published module (remote-agent/src/api/):
 * `call(endpoint, input)` builds the method and path from the definition and types the answer
 * from its schema. The named methods are one-liners over it. Each returns the agent's whole JSON
 * body, so callers and scripts see the spec's shapes (the `{ status, data, timestamp }` envelope
 * included). Failures are KeyportErrors. Answers are not re-validated.
 */
export class AgentClient {
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
    const { params, query, body } = input as { params?: Record<string, string>; query?: Record<string, string | number | undefined>; body?: unknown };
    const path = endpointUrl(endpoint, params, query);
    const response = await httpOverStream(this.#openStream, {
      method: endpoint.method,
      path,
      headers: { [API_KEY_HEADER.toLowerCase()]: this.#apiKey },
      body,
      timeoutMs: Math.max(options.timeoutMs ?? 0, this.#timeoutMs),
    });
    if (response.statusCode >= 200 && response.statusCode < 300) return response.body as ResponseOf<E>;
    const requestedName = (body as { name?: unknown } | undefined)?.name;
    throw agentFailure(`${endpoint.method} ${path}`, response, typeof requestedName === 'string' ? requestedName : undefined);
  }

  // Keys

  createKey(name: string): Promise<ResponseOf<typeof createKey>> {
    return this.call(createKey, { body: { name } });
  }

  createKeysBulk(names: string[]): Promise<ResponseOf<typeof createKeysBulk>> {
    return this.call(createKeysBulk, { body: { names } });
  }

  listKeys(): Promise<ResponseOf<typeof listKeys>> {
    return this.call(listKeys, {});
  }

  getKey(keyId: string): Promise<ResponseOf<typeof getKey>> {
    return this.call(getKey, { params: { key_id: keyId } });
  }

  /** Renames (`{ name }`), enables (`{ is_active: true }`) or disables a key, or both at once. */
  updateKey(keyId: string, changes: BodyOf<typeof updateKey>): Promise<ResponseOf<typeof updateKey>> {
    return this.call(updateKey, { params: { key_id: keyId }, body: changes });
  }

  getKeyConfig(keyId: string): Promise<ResponseOf<typeof getKeyConfig>> {
    return this.call(getKeyConfig, { params: { key_id: keyId } });
  }

  deleteKey(keyId: string): Promise<ResponseOf<typeof deleteKey>> {
    return this.call(deleteKey, { params: { key_id: keyId } });
  }

  // Live traffic

  getLiveTraffic(): Promise<ResponseOf<typeof getLiveTraffic>> {
    return this.call(getLiveTraffic, {});
  }

  getKeyLiveTraffic(keyId: string): Promise<ResponseOf<typeof getKeyLiveTraffic>> {
    return this.call(getKeyLiveTraffic, { params: { key_id: keyId } });
  }

  resetKeyLiveTraffic(keyId: string): Promise<ResponseOf<typeof resetKeyLiveTraffic>> {
    return this.call(resetKeyLiveTraffic, { params: { key_id: keyId } });
  }

  // History

  getTrafficHistory(): Promise<ResponseOf<typeof getTrafficHistory>> {
    return this.call(getTrafficHistory, {});
  }

  getKeyTrafficHistory(keyId: string): Promise<ResponseOf<typeof getKeyTrafficHistory>> {
    return this.call(getKeyTrafficHistory, { params: { key_id: keyId } });
  }

  /** One UTC day (`YYYY-MM-DD`) across all keys. */
  getDailyTraffic(date: string): Promise<ResponseOf<typeof getDailyTraffic>> {
    return this.call(getDailyTraffic, { params: { date } });
  }

  /** One UTC day (`YYYY-MM-DD`) per key, for the keys that moved bytes or opened connections (beyond the spec). */
  getDailyKeysTraffic(date: string): Promise<ResponseOf<typeof getDailyKeysTraffic>> {
    return this.call(getDailyKeysTraffic, { params: { date } });
  }

  resetKeyTrafficHistory(keyId: string): Promise<ResponseOf<typeof resetKeyTrafficHistory>> {
    return this.call(resetKeyTrafficHistory, { params: { key_id: keyId } });
  }

  /** Deletes daily rows and samples older than `daysToKeep` days (the agent's default: 30). */
  cleanupTrafficHistory(daysToKeep?: number): Promise<ResponseOf<typeof cleanupTrafficHistory>> {
    return this.call(cleanupTrafficHistory, { query: { days_to_keep: daysToKeep } });
  }

  // Months (`yearMonth` is `YYYY-MM`; the agent defaults to the current UTC month)

  getMonthlyTraffic(yearMonth?: string): Promise<ResponseOf<typeof getMonthlyTraffic>> {
    return this.call(getMonthlyTraffic, { query: { year_month: yearMonth } });
  }

  getKeyMonthlyTraffic(keyId: string, yearMonth?: string): Promise<ResponseOf<typeof getKeyMonthlyTraffic>> {
    return this.call(getKeyMonthlyTraffic, { params: { key_id: keyId }, query: { year_month: yearMonth } });
  }

  // System

  getTrafficStatus(): Promise<ResponseOf<typeof getTrafficStatus>> {
    return this.call(getTrafficStatus, {});
  }

  getTrafficSummary(): Promise<ResponseOf<typeof getTrafficSummary>> {
    return this.call(getTrafficSummary, {});
  }

  getConfigStatus(): Promise<ResponseOf<typeof getConfigStatus>> {
    return this.call(getConfigStatus, {});
  }

  /** Brings the firewall rules and Xray in step with the keys. */
  syncConfig(): Promise<ResponseOf<typeof syncConfig>> {
    return this.call(syncConfig, {});
  }

  getXrayConfigStatus(): Promise<ResponseOf<typeof getXrayConfigStatus>> {
    return this.call(getXrayConfigStatus, {});
  }

  syncXrayConfig(): Promise<ResponseOf<typeof syncXrayConfig>> {
    return this.call(syncXrayConfig, {});
  }

  validateXraySync(): Promise<ResponseOf<typeof validateXraySync>> {
    return this.call(validateXraySync, {});
  }

  verifyReality(): Promise<ResponseOf<typeof verifyReality>> {
    return this.call(verifyReality, {}, { timeoutMs: VERIFY_REALITY_TIMEOUT_MS });
  }

  /** The server's settings (beyond the spec): Reality target, names and fingerprint, and the agent's switches. */
  getSettings(): Promise<ResponseOf<typeof getSettings>> {
    return this.call(getSettings, {});
  }

  /** Changes some settings; the agent rewrites Xray's config and re-applies every inbound. */
  updateSettings(patch: BodyOf<typeof updateSettings>): Promise<ResponseOf<typeof updateSettings>> {
    return this.call(updateSettings, { body: patch }, { timeoutMs: SETTINGS_CHANGE_TIMEOUT_MS });
  }

  getPorts(): Promise<ResponseOf<typeof getPorts>> {
    return this.call(getPorts, {});
  }

  /** Reassigns every key a port from the start of the range: moved keys need new links. */
  resetPorts(): Promise<ResponseOf<typeof resetPorts>> {
    return this.call(resetPorts, {});
  }

  validatePorts(): Promise<ResponseOf<typeof validatePorts>> {
    return this.call(validatePorts, {});
  }

  /** The agent's OpenAPI 3 document (its shape is OpenAPI's; the agent declares no schema for it). */
  getOpenApiDocument(): Promise<ResponseOf<typeof getOpenApiDocument>> {
    return this.call(getOpenApiDocument, {});
  }
}

/** The agent's `{ status: 'error', detail }` answer as a KeyportError the faces can act on. */
function agentFailure(call: string, response: JsonResponse, requestedName?: string): KeyportError {
  const httpStatus = response.statusCode;
  const body = response.body as Partial<Static<typeof ErrorBody> & Static<typeof ConflictBody>> | undefined;
  const detail = body?.detail;
  const reason = typeof detail === 'string' && detail !== '' ? detail : `HTTP ${httpStatus}`;
  if (httpStatus === 409 && body?.reason === 'name_taken') {
    return new KeyportError('name-taken', reason, { httpStatus, name: requestedName ?? null, holderKeyId: body.key_id ?? null });
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
