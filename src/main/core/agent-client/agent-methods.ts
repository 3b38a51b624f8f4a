import type { TSchema } from '@sinclair/typebox';
import {
  cleanupTrafficHistory,
  createKey,
  createRestoreUpload,
  createKeys,
  deleteKey,
  deleteRestoreUpload,
  getConfigStatus,
  getDailyBackup,
  getDailyKeysTraffic,
  getDailyTraffic,
  getHostStatus,
  getKey,
  getKeyConfig,
  getKeyLiveTraffic,
  getKeyMonthlyTraffic,
  getKeyTrafficHistory,
  getLiveTraffic,
  getMonthlyTraffic,
  getOpenApiDocument,
  getPorts,
  getRestoreUpload,
  getServerSnapshot,
  getSettings,
  getTrafficHistory,
  getTrafficDays,
  getTrafficStatus,
  getTrafficSummary,
  getXrayConfigStatus,
  listDailyBackups,
  getKeyBundle,
  putBundles,
  putKeyBundle,
  rotateKeySubscription,
  listKeys,
  putRestoreUploadChunk,
  resetKeyLiveTraffic,
  resetKeyTrafficHistory,
  resetPorts,
  restoreFromUpload,
  restoreServer,
  syncConfig,
  syncXrayConfig,
  updateKey,
  updateSettings,
  validatePorts,
  validateXraySync,
  verifyReality,
  type BodyOf,
  type EndpointDefinition,
  type ParamsOf,
  type QueryOf,
  type ResponseOf,
} from '../../../../remote-agent/src/api/index.ts';
import type { ApiKey } from '../../../shared/contract/api-types.ts';
import { withLimitDefaults } from './key-defaults.ts';

/** What a call of an endpoint carries: exactly the parts its definition has, typed from its schemas. */
export type CallInput<E extends EndpointDefinition> = (E['params'] extends TSchema ? { params: ParamsOf<E> } : { params?: undefined }) &
  // A query field with a default may be left out: the agent fills it in.
  (E['querystring'] extends TSchema ? { query?: Partial<QueryOf<E>> } : { query?: undefined }) &
  (E['body'] extends TSchema ? { body: BodyOf<E> } : E['binaryBody'] extends true ? { body: BodyOf<E> } : { body?: undefined });

export interface CallOptions {
  /** Longer than the client's own timeout for endpoints that take longer; never shorter. */
  timeoutMs?: number;
}

/** A named client method: the endpoint it calls and how its arguments become the call's input. */
export interface AgentMethod<E extends EndpointDefinition, A extends unknown[]> {
  endpoint: E;
  input: (...args: A) => CallInput<E>;
  options?: CallOptions;
  /** What the answer becomes before the caller gets it (the same shape, made whole). */
  answer?: (body: ResponseOf<E>) => ResponseOf<E>;
  /** The answer is raw bytes, written to the file named by the method's last argument. */
  download?: true;
}

const method = <E extends EndpointDefinition, A extends unknown[]>(
  endpoint: E,
  input: (...args: A) => NoInfer<CallInput<E>>,
  options?: CallOptions,
  answer?: (body: ResponseOf<E>) => ResponseOf<E>,
): AgentMethod<E, A> => ({ endpoint, input, options, answer });

/** A method of an endpoint that answers raw bytes: its last argument names the file they go to. */
const download = <E extends EndpointDefinition & { binaryResponse: true }, A extends unknown[]>(
  endpoint: E,
  input: (...args: A) => NoInfer<CallInput<E>>,
  options?: CallOptions,
): AgentMethod<E, A> & { download: true } => ({ endpoint, input, options, download: true });

// Keys from an agent older than limits are made whole here, so every face sees one shape.
const oneKey = (key: ApiKey) => withLimitDefaults(key);
const keyList = (keys: ApiKey[]) => keys.map(withLimitDefaults);

const noInput = (): Record<string, never> => ({});
/** Raw bytes in memory as the stream a binary body is sent from. */
const bytesOf = (bytes: Uint8Array): AsyncIterable<Uint8Array> => ({ [Symbol.asyncIterator]: async function* () { yield bytes; } });
const isNameArray = (batch: readonly string[] | object): batch is readonly string[] => Array.isArray(batch);
const keyIdParam = (keyId: string) => ({ params: { key_id: keyId } });
const dateParam = (date: string) => ({ params: { date } });
const uploadParam = (uploadId: string) => ({ params: { upload_id: uploadId } });
const yearMonthQuery = (yearMonth?: string) => ({ query: { year_month: yearMonth } });

/** verify-reality probes the target from the server: up to three bounded steps of 4 s each. */
const VERIFY_REALITY_TIMEOUT_MS = 30_000;
/** A settings change re-applies every key's inbound: thousands of them, in batches. */
const SETTINGS_CHANGE_TIMEOUT_MS = 180_000;
/** A page of daily rows is up to 100,000 rows, a few MB, on a server that may be busy. */
const TRAFFIC_DAYS_TIMEOUT_MS = 60_000;
/** A snapshot sent whole: a year at 10,000 keys is over 100 MB, through an SSH channel that may be slow. */
const SNAPSHOT_TRANSFER_TIMEOUT_MS = 30 * 60_000;
/** A bulk bundle write is up to 8 MiB of links, through an SSH channel that may be slow. */
const BULK_BUNDLES_TIMEOUT_MS = 60_000;
/**
 * A snapshot downloaded: the deadline bounds each wait for more of it (http-over-stream.ts), the
 * first one the longest, while the agent makes an online copy of its database of over 100 MB.
 */
const SNAPSHOT_DOWNLOAD_TIMEOUT_MS = 5 * 60_000;
/**
 * A chunk is sized to arrive in a quarter of the agent's request timeout (30 s by default), which
 * answers 408 past it; a link that dies drops its channel within SSH's keepalive (30 s): a backstop.
 */
const CHUNK_TIMEOUT_MS = 120_000;
/** A restore from an upload copies the snapshot in and restarts Xray on every restored key, answering at the end. */
const RESTORE_TIMEOUT_MS = 10 * 60_000;
/** A bulk create adds up to 1,000 inbounds, in batches, and their firewall rules. */
const BULK_CREATE_TIMEOUT_MS = 120_000;

/**
 * The AgentClient's named methods, one an endpoint of remote-agent/src/api and named as it is:
 * each is only the mapping of its arguments onto the endpoint's params, query and body.
 */
export const AGENT_METHODS = {
  // Keys
  /** A key with, beside its name, any of its limits (quota, reset period, expiry, note). */
  createKey: method(createKey, (name: string, limits: Omit<BodyOf<typeof createKey>, 'name'> = {}) => ({ body: { name, ...limits } }), undefined, oneKey),
  /**
   * A key for each name, all or none (beyond the spec); the keys come back in the order given.
   * Bare names, or the body itself: `names` with shared limits, or `keys` each with its own.
   */
  createKeys: method(
    createKeys,
    (batch: readonly string[] | BodyOf<typeof createKeys>) => ({ body: isNameArray(batch) ? { names: [...batch] } : batch }),
    { timeoutMs: BULK_CREATE_TIMEOUT_MS },
    keyList,
  ),
  listKeys: method(listKeys, noInput, undefined, keyList),
  getKey: method(getKey, keyIdParam, undefined, oneKey),
  /** Renames (`{ name }`), enables (`{ is_active: true }`) or disables a key, or both at once. */
  updateKey: method(updateKey, (keyId: string, changes: BodyOf<typeof updateKey>) => ({ params: { key_id: keyId }, body: changes }), undefined, oneKey),
  getKeyConfig: method(getKeyConfig, keyIdParam, undefined, (config) => ({ ...config, key: withLimitDefaults(config.key) })),
  deleteKey: method(deleteKey, keyIdParam),
  // Subscriptions (beyond the spec)
  /** The links of the person's other servers that this key's subscription lists beside its own. */
  putKeyBundle: method(putKeyBundle, (keyId: string, links: string[]) => ({ params: { key_id: keyId }, body: { links } })),
  getKeyBundle: method(getKeyBundle, keyIdParam),
  /** Many keys' bundles at once, all or none: each entry's links, usage or both (what it leaves out is kept). */
  putBundles: method(putBundles, (bundles: BodyOf<typeof putBundles>['bundles']) => ({ body: { bundles } }), { timeoutMs: BULK_BUNDLES_TIMEOUT_MS }),
  rotateKeySubscription: method(rotateKeySubscription, keyIdParam),
  // Live traffic
  getLiveTraffic: method(getLiveTraffic, noInput),
  getKeyLiveTraffic: method(getKeyLiveTraffic, keyIdParam),
  resetKeyLiveTraffic: method(resetKeyLiveTraffic, keyIdParam),
  // History
  getTrafficHistory: method(getTrafficHistory, noInput),
  getKeyTrafficHistory: method(getKeyTrafficHistory, keyIdParam),
  /** One UTC day (`YYYY-MM-DD`) across all keys. */
  getDailyTraffic: method(getDailyTraffic, dateParam),
  /** One UTC day (`YYYY-MM-DD`) per key, for the keys that moved bytes or opened connections (beyond the spec). */
  getDailyKeysTraffic: method(getDailyKeysTraffic, dateParam),
  resetKeyTrafficHistory: method(resetKeyTrafficHistory, keyIdParam),
  /** One page of every key's daily rows from `since` on (beyond the spec); `after` is the page before's `next`. */
  getTrafficDays: method(getTrafficDays, (since?: string, after?: string, limit?: number) => ({ query: { since, after, limit } }), {
    timeoutMs: TRAFFIC_DAYS_TIMEOUT_MS,
  }),
  /** Deletes daily rows and samples older than `daysToKeep` days (the agent's default: 30). */
  cleanupTrafficHistory: method(cleanupTrafficHistory, (daysToKeep?: number) => ({ query: { days_to_keep: daysToKeep } })),
  // Months (`yearMonth` is `YYYY-MM`; the agent defaults to the current UTC month)
  getMonthlyTraffic: method(getMonthlyTraffic, yearMonthQuery),
  getKeyMonthlyTraffic: method(getKeyMonthlyTraffic, (keyId: string, yearMonth?: string) => ({ ...keyIdParam(keyId), ...yearMonthQuery(yearMonth) })),
  // System
  getTrafficStatus: method(getTrafficStatus, noInput),
  getTrafficSummary: method(getTrafficSummary, noInput),
  getConfigStatus: method(getConfigStatus, noInput),
  /** Brings the firewall rules and Xray in step with the keys. */
  syncConfig: method(syncConfig, noInput),
  getXrayConfigStatus: method(getXrayConfigStatus, noInput),
  syncXrayConfig: method(syncXrayConfig, noInput),
  validateXraySync: method(validateXraySync, noInput),
  verifyReality: method(verifyReality, noInput, { timeoutMs: VERIFY_REALITY_TIMEOUT_MS }),
  /** The server's settings (beyond the spec): Reality target, names and fingerprint, and the agent's switches. */
  getSettings: method(getSettings, noInput),
  /** Changes some settings; the agent rewrites Xray's config and re-applies every inbound. */
  updateSettings: method(updateSettings, (patch: BodyOf<typeof updateSettings>) => ({ body: patch }), { timeoutMs: SETTINGS_CHANGE_TIMEOUT_MS }),
  /** The host's uptime, load, CPUs, memory, data disk and Xray version (beyond the spec). */
  getHostStatus: method(getHostStatus, noInput),
  getPorts: method(getPorts, noInput),
  /** Reassigns every key a port from the start of the range: moved keys need new links. */
  resetPorts: method(resetPorts, noInput),
  validatePorts: method(validatePorts, noInput),
  // Backups (beyond the spec)
  /** A snapshot of the server (database and Reality keys), written to the file `toPath`. */
  getServerSnapshot: download(getServerSnapshot, noInput, { timeoutMs: SNAPSHOT_DOWNLOAD_TIMEOUT_MS }),
  listDailyBackups: method(listDailyBackups, noInput),
  /** One of the agent's daily backups as a snapshot, written to the file `toPath`. */
  getDailyBackup: download(getDailyBackup, (name: string) => ({ params: { name } }), { timeoutMs: SNAPSHOT_DOWNLOAD_TIMEOUT_MS }),
  /** Restores a snapshot (its bytes) onto a server without keys. */
  restoreServer: method(restoreServer, (snapshot: AsyncIterable<Uint8Array>) => ({ body: snapshot }), { timeoutMs: SNAPSHOT_TRANSFER_TIMEOUT_MS }),
  /** Begins a chunked upload of a snapshot (its size and SHA-256, hex) for a restore onto a server without keys. */
  createRestoreUpload: method(createRestoreUpload, (sizeBytes: number, sha256: string) => ({ body: { size_bytes: sizeBytes, sha256 } })),
  /** Where an upload stands: the offset of its next chunk. */
  getRestoreUpload: method(getRestoreUpload, uploadParam),
  /** One chunk at `offset`, which must be the upload's received_bytes. */
  putRestoreUploadChunk: method(
    putRestoreUploadChunk,
    (uploadId: string, offset: number, chunk: Uint8Array) => ({ ...uploadParam(uploadId), query: { offset }, body: bytesOf(chunk) }),
    { timeoutMs: CHUNK_TIMEOUT_MS },
  ),
  /** Restores an upload once whole, as restoreServer restores a body. */
  restoreFromUpload: method(restoreFromUpload, uploadParam, { timeoutMs: RESTORE_TIMEOUT_MS }),
  deleteRestoreUpload: method(deleteRestoreUpload, uploadParam),
  /** The agent's OpenAPI 3 document (its shape is OpenAPI's; the agent declares no schema for it). */
  getOpenApiDocument: method(getOpenApiDocument, noInput),
};

/** The methods' types, from the table: each returns its endpoint's whole 200 answer. */
export type AgentMethods = {
  [K in keyof typeof AGENT_METHODS]: (typeof AGENT_METHODS)[K] extends { download: true; input: (...args: infer A) => unknown }
    ? (...args: [...A, toPath: string]) => Promise<void>
    : (typeof AGENT_METHODS)[K] extends AgentMethod<infer E, infer A>
      ? (...args: A) => Promise<ResponseOf<E>>
      : never;
};
