import { request } from 'node:http';
import type { Socket } from 'node:net';
import { API_KEY_HEADER, endpointUrl, getConfigStatus } from '../../../../remote-agent/src/api/index.ts';
import { isKeyportError } from '../../../shared/contract/errors.ts';
import type { RemoteHost } from '../ssh/remote-host.ts';

/** Resolves once the agent on the server answers its API with `apiKey`; throws when it does not. */
export type HealthCheck = (host: RemoteHost, apiPort: number, apiKey: string) => Promise<void>;

const ATTEMPT_TIMEOUT_MS = 3_000;
const RETRY_DELAY_MS = 250;

/**
 * Asks the agent for its config status through the SSH tunnel until it answers 200, for up to
 * `timeoutMs`: a freshly started agent needs a moment to open its database and listen.
 */
export async function checkAgentHealth(host: RemoteHost, apiPort: number, apiKey: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer';
  while (Date.now() < deadline) {
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
  throw new Error(`the agent did not answer on 127.0.0.1:${apiPort} within ${Math.round(timeoutMs / 1000)} s: ${lastProblem}`);
}

function getStatus(host: RemoteHost, apiPort: number, apiKey: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        method: getConfigStatus.method,
        path: endpointUrl(getConfigStatus),
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
