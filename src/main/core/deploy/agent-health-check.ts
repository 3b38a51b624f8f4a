import { request } from 'node:http';
import type { Socket } from 'node:net';
import { API_KEY_HEADER, endpointUrl, getSettings } from '../../../../remote-agent/src/api/index.ts';
import { isKeyportError } from '../../../shared/contract/errors.ts';
import type { RemoteHost } from '../ssh/remote-host.ts';

/**
 * Resolves once the agent on the server answers its API with `apiKey`; throws when it does not.
 * `agentExited` says whether the started agent has exited since (it is then not worth waiting for).
 */
export type HealthCheck = (host: RemoteHost, apiPort: number, apiKey: string, agentExited?: () => Promise<boolean>) => Promise<void>;

const ATTEMPT_TIMEOUT_MS = 3_000;
const RETRY_DELAY_MS = 100;
const EXIT_CHECK_EVERY_MS = 2_000;
/**
 * How long an agent that still runs may take to answer. It listens once Xray is in step with its
 * keys: at 10,000 keys on a loaded machine that took over 15 s (`npm run bench:ui`).
 */
export const SLOW_START_LIMIT_MS = 180_000;

/** The deploy's check: the default wait, longer for an agent that still runs. */
export const defaultHealthCheck: HealthCheck = (host, apiPort, apiKey, agentExited) => checkAgentHealth(host, apiPort, apiKey, { agentExited });

export interface HealthCheckOptions {
  /** How long to wait for an answer; past it only while `agentExited` says the agent still runs. */
  timeoutMs?: number;
  agentExited?: () => Promise<boolean>;
  slowStartLimitMs?: number;
}

/**
 * Asks the agent for its settings through the SSH tunnel until it answers 200: a freshly
 * started agent needs a moment to open its database, bring Xray in step and listen. Without
 * `agentExited` it waits `timeoutMs`. With it, an agent that exited fails at once, and one that
 * still runs is waited for past `timeoutMs`, up to `slowStartLimitMs`.
 */
export async function checkAgentHealth(host: RemoteHost, apiPort: number, apiKey: string, options: HealthCheckOptions = {}): Promise<void> {
  const { timeoutMs = 15_000, agentExited, slowStartLimitMs = SLOW_START_LIMIT_MS } = options;
  const started = Date.now();
  const deadline = started + timeoutMs;
  const limit = started + Math.max(timeoutMs, slowStartLimitMs);
  let nextExitCheck = started + EXIT_CHECK_EVERY_MS;
  let lastProblem = 'no answer';
  for (;;) {
    const now = Date.now();
    if (now >= (agentExited ? limit : deadline)) break;
    if (agentExited && now >= nextExitCheck) {
      nextExitCheck = now + EXIT_CHECK_EVERY_MS;
      if (await agentExited()) {
        throw new Error(`the agent exited before it answered on 127.0.0.1:${apiPort} (${Math.round((now - started) / 1000)} s after its start): ${lastProblem}`);
      }
    }
    try {
      const status = await getStatus(host, apiPort, apiKey);
      if (status === 200) return;
      lastProblem = status === 401 ? 'it refused the API key (401)' : `it answered ${status}`;
    } catch (error) {
      // The SSH link itself is gone: asking again until the deadline would only hide that.
      if (isKeyportError(error) && error.code === 'server-offline') throw error;
      lastProblem = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
  }
  const waitedMs = (agentExited ? limit : deadline) - started;
  throw new Error(`the agent did not answer on 127.0.0.1:${apiPort} within ${Math.round(waitedMs / 1000)} s: ${lastProblem}`);
}

function getStatus(host: RemoteHost, apiPort: number, apiKey: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        // The settings, a read from memory: config-status lists Xray's inbounds and reads the
        // socket table, 0.6-0.9 s at 10,000 keys, and the check needs only an answer to the key.
        method: getSettings.method,
        path: endpointUrl(getSettings),
        headers: { [API_KEY_HEADER]: apiKey, Connection: 'close' },
        timeout: ATTEMPT_TIMEOUT_MS,
        createConnection: (_options, done) => {
          host.openStream('127.0.0.1', apiPort).then(
            (stream) => done(null, stream as Socket),
            (error: Error) => done(error, undefined as never),
          );
          return undefined;
        },
      },
      (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode ?? 0));
        response.once('error', reject);
      },
    );
    req.once('timeout', () => req.destroy(new Error(`no answer within ${ATTEMPT_TIMEOUT_MS / 1000} s`)));
    req.once('error', reject);
    req.end();
  });
}
