import type { Duplex } from 'node:stream';
import type { Static } from '@sinclair/typebox';
import type {
  AllHistory,
  CleanupResponse,
  DailyKeysReport,
  DailyReport,
  HistoryResetResponse,
  KeyHistory,
} from '../../../../remote-agent/src/routes/history/schemas.ts';
import type { DeleteKeyResponse, Key, KeyConfig, UpdateKeyBody } from '../../../../remote-agent/src/routes/keys/schemas.ts';
import type { AllMonthly, KeyMonthly } from '../../../../remote-agent/src/routes/monthly/schemas.ts';
import type {
  ConfigStatus,
  PortsReport,
  PortsResetResult,
  PortsValidation,
  RealityReport,
  SyncConfigResult,
  TrafficStatus,
  TrafficSummary,
  Validation,
  XrayConfigStatus,
  XraySyncResult,
} from '../../../../remote-agent/src/routes/system/schemas.ts';
import type { AllTraffic, KeyTraffic, LiveResetResponse } from '../../../../remote-agent/src/routes/traffic/schemas.ts';
import type { ConflictBody, ErrorBody } from '../../../../remote-agent/src/schemas/common.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { httpOverStream, type JsonRequest, type JsonResponse } from './http-over-stream.ts';

export interface AgentClientOptions {
  /** Opens a fresh stream to the agent's listener (an ssh2 `forwardOut` channel); one per call. */
  openStream: () => Promise<Duplex>;
  apiKey: string;
  /** Per call, from opening the stream to the last byte of the answer (default 15 s). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * The agent's HTTP API, one method per endpoint. Each returns the agent's whole JSON body, typed
 * from the agent's own schemas, so callers and scripts see the spec's shapes (the
 * `{ status, data, timestamp }` envelope included). Failures are KeyportErrors.
 * Types only: nothing of the agent is loaded at run time, and answers are not re-validated.
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

  // Keys

  createKey(name: string): Promise<Static<typeof Key>> {
    return this.#call('POST', '/api/keys', { name });
  }

  listKeys(): Promise<Static<typeof Key>[]> {
    return this.#call('GET', '/api/keys');
  }

  getKey(keyId: string): Promise<Static<typeof Key>> {
    return this.#call('GET', keyPath(keyId));
  }

  /** Renames (`{ name }`), enables (`{ is_active: true }`) or disables a key, or both at once. */
  updateKey(keyId: string, changes: Static<typeof UpdateKeyBody>): Promise<Static<typeof Key>> {
    return this.#call('PATCH', keyPath(keyId), changes);
  }

  getKeyConfig(keyId: string): Promise<Static<typeof KeyConfig>> {
    return this.#call('GET', keyPath(keyId, '/config'));
  }

  deleteKey(keyId: string): Promise<Static<typeof DeleteKeyResponse>> {
    return this.#call('DELETE', keyPath(keyId));
  }

  // Live traffic

  getLiveTraffic(): Promise<Static<typeof AllTraffic>> {
    return this.#call('GET', '/api/traffic/simple');
  }

  getKeyLiveTraffic(keyId: string): Promise<Static<typeof KeyTraffic>> {
    return this.#call('GET', keyPath(keyId, '/traffic/simple'));
  }

  resetKeyLiveTraffic(keyId: string): Promise<Static<typeof LiveResetResponse>> {
    return this.#call('POST', keyPath(keyId, '/traffic/simple/reset'));
  }

  // History

  getTrafficHistory(): Promise<Static<typeof AllHistory>> {
    return this.#call('GET', '/api/traffic/history');
  }

  getKeyTrafficHistory(keyId: string): Promise<Static<typeof KeyHistory>> {
    return this.#call('GET', keyPath(keyId, '/traffic/history'));
  }

  /** One UTC day (`YYYY-MM-DD`) across all keys. */
  getDailyTraffic(date: string): Promise<Static<typeof DailyReport>> {
    return this.#call('GET', `/api/traffic/daily/${encodeURIComponent(date)}`);
  }

  /** One UTC day (`YYYY-MM-DD`) per key, for the keys that moved bytes or opened connections (beyond the spec). */
  getDailyKeysTraffic(date: string): Promise<Static<typeof DailyKeysReport>> {
    return this.#call('GET', `/api/traffic/daily/${encodeURIComponent(date)}/keys`);
  }

  resetKeyTrafficHistory(keyId: string): Promise<Static<typeof HistoryResetResponse>> {
    return this.#call('POST', keyPath(keyId, '/traffic/history/reset'));
  }

  /** Deletes daily rows and samples older than `daysToKeep` days (the agent's default: 30). */
  cleanupTrafficHistory(daysToKeep?: number): Promise<Static<typeof CleanupResponse>> {
    return this.#call('POST', withQuery('/api/traffic/history/cleanup', { days_to_keep: daysToKeep }));
  }

  // Months (`yearMonth` is `YYYY-MM`; the agent defaults to the current UTC month)

  getMonthlyTraffic(yearMonth?: string): Promise<Static<typeof AllMonthly>> {
    return this.#call('GET', withQuery('/api/traffic/monthly', { year_month: yearMonth }));
  }

  getKeyMonthlyTraffic(keyId: string, yearMonth?: string): Promise<Static<typeof KeyMonthly>> {
    return this.#call('GET', withQuery(keyPath(keyId, '/traffic/monthly'), { year_month: yearMonth }));
  }

  // System

  getTrafficStatus(): Promise<Static<typeof TrafficStatus>> {
    return this.#call('GET', '/api/traffic/status');
  }

  getTrafficSummary(): Promise<Static<typeof TrafficSummary>> {
    return this.#call('GET', '/api/system/traffic/summary');
  }

  getConfigStatus(): Promise<Static<typeof ConfigStatus>> {
    return this.#call('GET', '/api/system/config-status');
  }

  /** Brings the firewall rules and Xray in step with the keys. */
  syncConfig(): Promise<Static<typeof SyncConfigResult>> {
    return this.#call('POST', '/api/system/sync-config');
  }

  getXrayConfigStatus(): Promise<Static<typeof XrayConfigStatus>> {
    return this.#call('GET', '/api/system/xray/config-status');
  }

  syncXrayConfig(): Promise<Static<typeof XraySyncResult>> {
    return this.#call('POST', '/api/system/xray/sync-config');
  }

  validateXraySync(): Promise<Static<typeof Validation>> {
    return this.#call('GET', '/api/system/xray/validate-sync');
  }

  verifyReality(): Promise<Static<typeof RealityReport>> {
    return this.#call('POST', '/api/system/verify-reality');
  }

  getPorts(): Promise<Static<typeof PortsReport>> {
    return this.#call('GET', '/api/system/ports');
  }

  /** Reassigns every key a port from the start of the range: moved keys need new links. */
  resetPorts(): Promise<Static<typeof PortsResetResult>> {
    return this.#call('POST', '/api/system/ports/reset');
  }

  validatePorts(): Promise<Static<typeof PortsValidation>> {
    return this.#call('GET', '/api/system/ports/status');
  }

  /** The agent's OpenAPI 3 document (its shape is OpenAPI's; the agent declares no schema for it). */
  getOpenApiDocument(): Promise<Record<string, unknown>> {
    return this.#call('GET', '/api/openapi.json');
  }

  async #call<T>(method: JsonRequest['method'], path: string, body?: unknown): Promise<T> {
    const response = await httpOverStream(this.#openStream, {
      method,
      path,
      headers: { 'x-api-key': this.#apiKey },
      body,
      timeoutMs: this.#timeoutMs,
    });
    if (response.statusCode >= 200 && response.statusCode < 300) return response.body as T;
    const requestedName = (body as { name?: unknown } | undefined)?.name;
    throw agentFailure(`${method} ${path}`, response, typeof requestedName === 'string' ? requestedName : undefined);
  }
}

function keyPath(keyId: string, rest = ''): string {
  return `/api/keys/${encodeURIComponent(keyId)}${rest}`;
}

function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, String(value));
  const text = search.toString();
  return text === '' ? path : `${path}?${text}`;
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
