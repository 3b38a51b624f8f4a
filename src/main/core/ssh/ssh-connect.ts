import type { Duplex } from 'node:stream';
import { Client, type AuthenticationType, type ConnectConfig } from 'ssh2';
import { KeyportError } from '../../../shared/contract/errors.ts';
import type { HostKeyProbe } from '../../../shared/contract/servers.ts';
import { fingerprintOf } from './host-key.ts';
import { keyProblem, keyUnusable } from './private-key-file.ts';
import type { SshCredentials, SshEndpoint } from './ssh-link.ts';

export interface RouteSettings {
  credentials: SshCredentials;
  trustedKeys: ReadonlyMap<string, string>;
  /** The whole route (every hop and the target) must be up within this. */
  timeoutMs: number;
  /** 0 turns keepalive off. */
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  signal?: AbortSignal;
}

type ClientMethod = 'publickey' | 'agent' | 'password';

/** `host:port`, the key of `trustedKeys`. */
function endpointKey(endpoint: SshEndpoint): string {
  return `${endpoint.host}:${endpoint.port}`;
}

function userAtEndpoint(endpoint: SshEndpoint): string {
  return `${endpoint.user}@${endpoint.host}:${endpoint.port}`;
}

/**
 * Opens one authenticated client per endpoint of `route` (jump hosts first, the target last), each
 * through a `forwardOut` channel of the one before. On any failure every client opened is destroyed.
 */
export async function connectRoute(route: readonly SshEndpoint[], settings: RouteSettings): Promise<Client[]> {
  // clients[i] serves route[i]; each is listed as soon as it exists, so a deadline can destroy it mid-handshake.
  const clients: Client[] = [];
  try {
    return await withinDeadline(route.at(-1)!, settings, async () => {
      for (const [index, endpoint] of route.entries()) {
        const via = clients[index - 1];
        const sock = via ? await forwardTo(via, route[index - 1]!, endpoint) : undefined;
        await openClient(endpoint, sock, settings, (client) => clients.push(client));
      }
      return clients;
    }, () => destroyAll(clients));
  } catch (error) {
    destroyAll(clients);
    throw error;
  }
}

/** Captures `endpoint`'s host key and hangs up before authenticating; jump hosts must be trusted already. */
export async function captureHostKey(
  endpoint: SshEndpoint,
  jumps: readonly SshEndpoint[],
  settings: RouteSettings,
): Promise<HostKeyProbe> {
  const hops = jumps.length > 0 ? await connectRoute(jumps, settings) : [];
  const probe = new Client();
  try {
    return await withinDeadline(endpoint, settings, async () => {
      const last = hops.at(-1);
      const sock = last ? await forwardTo(last, jumps.at(-1)!, endpoint) : undefined;
      return await new Promise<HostKeyProbe>((resolve, reject) => {
        let captured: HostKeyProbe | undefined;
        const settle = (error?: Error) => {
          if (captured) resolve(captured);
          else reject(offline(endpoint, error?.message ?? 'the connection closed before the server sent its host key'));
        };
        probe.on('error', settle).on('close', () => settle());
        probe.connect({
          host: endpoint.host,
          port: endpoint.port,
          username: endpoint.user,
          sock,
          readyTimeout: 0,
          hostVerifier: (key: Buffer) => {
            captured = fingerprintOf(key);
            return false;
          },
        });
      });
    }, () => probe.destroy());
  } finally {
    probe.destroy();
    destroyAll(hops);
  }
}

async function withinDeadline<T>(target: SshEndpoint, settings: RouteSettings, work: () => Promise<T>, abandon: () => void): Promise<T> {
  const { timeoutMs, signal } = settings;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abandon();
      reject(offline(target, `no SSH session within ${formatSeconds(timeoutMs)}`));
    }, timeoutMs);
    onAbort = () => {
      abandon();
      reject(offline(target, 'the connection attempt was cancelled'));
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work(), stop]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

function forwardTo(via: Client, viaEndpoint: SshEndpoint, next: SshEndpoint): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    via.forwardOut('127.0.0.1', 0, next.host, next.port, (error, channel) => {
      if (error) reject(offline(next, `jump host ${userAtEndpoint(viaEndpoint)} cannot reach it: ${error.message}`));
      else resolve(channel);
    });
  });
}

function openClient(endpoint: SshEndpoint, sock: Duplex | undefined, settings: RouteSettings, onCreated: (client: Client) => void): Promise<Client> {
  const { credentials } = settings;
  const offered: ClientMethod[] = [];
  if (credentials.privateKey !== undefined) offered.push('publickey');
  if (credentials.agentSocket !== undefined) offered.push('agent');
  if (credentials.password !== undefined) offered.push('password');
  const tried: ClientMethod[] = [];
  let serverMethods: AuthenticationType[] | null = null;
  let hostKeyRefusal: KeyportError | undefined;
  let agentTrouble: string | undefined;
  /** Our authHandler said "no more methods": ssh2's next client-authentication error is the login failing. */
  let methodsExhausted = false;

  const client = new Client();
  onCreated(client);
  return new Promise((resolve, reject) => {
    let ready = false;
    const fail = (error: KeyportError) => {
      if (ready) return;
      ready = true;
      client.destroy();
      reject(error);
    };
    const authFailed = () => {
      const triedText = tried.length > 0 ? `tried ${tried.join(', ')}` : 'Keyport has no credentials for it';
      const serverText = serverMethods ? `; the server accepts ${serverMethods.join(', ')}` : '';
      const agentText = agentTrouble ? ` (ssh-agent: ${agentTrouble})` : '';
      return new KeyportError('auth-failed', `${userAtEndpoint(endpoint)} refused the login: ${triedText}${serverText}${agentText}.`, {
        endpoint: endpointKey(endpoint),
        user: endpoint.user,
        methods: tried.join(','),
      });
    };

    client.on('ready', () => {
      if (ready) return;
      ready = true;
      // Every API call is a small request waiting for its answer: Nagle's algorithm would hold
      // each one back for a delayed ACK (about 40 ms a round trip).
      client.setNoDelay(true);
      resolve(client);
    });
    client.on('error', (error: Error & { level?: string }) => {
      if (hostKeyRefusal) return fail(hostKeyRefusal);
      if (error.level === 'agent') {
        agentTrouble = error.message;
        return;
      }
      if (error.level === 'client-authentication') {
        // ssh2 reports a key it could not sign with, then goes on to the next method.
        if (methodsExhausted) fail(authFailed());
        return;
      }
      fail(offline(endpoint, error.message));
    });
    client.on('close', () => fail(hostKeyRefusal ?? offline(endpoint, 'the server closed the connection')));

    const config: ConnectConfig = {
      host: endpoint.host,
      port: endpoint.port,
      username: endpoint.user,
      sock,
      readyTimeout: 0,
      keepaliveInterval: settings.keepaliveIntervalMs,
      keepaliveCountMax: settings.keepaliveCountMax,
      privateKey: credentials.privateKey,
      passphrase: credentials.passphrase,
      agent: credentials.agentSocket,
      password: credentials.password,
      hostVerifier: (key: Buffer) => {
        hostKeyRefusal = checkHostKey(endpoint, key, settings.trustedKeys);
        return hostKeyRefusal === undefined;
      },
      // Typed by hand: @types/ssh2 leaves out that methodsLeft is null at first and that false means "no more".
      authHandler: ((methodsLeft: AuthenticationType[] | null, _partialSuccess: boolean | null, next: (method: ClientMethod | false) => void) => {
        if (methodsLeft) serverMethods = methodsLeft;
        const method = offered.find(
          (candidate) => !tried.includes(candidate) && (!methodsLeft || methodsLeft.includes(candidate === 'agent' ? 'publickey' : candidate)),
        );
        if (method) tried.push(method);
        else methodsExhausted = true;
        next(method ?? false);
      }) as unknown as ConnectConfig['authHandler'],
    };
    try {
      client.connect(config);
    } catch (error) {
      // ssh2 parses the private key here. Keys from a file were checked before (private-key-file.ts):
      // this is one handed over otherwise, told by what is wrong with it, never by its contents.
      const { privateKey, passphrase } = credentials;
      const problem = privateKey === undefined ? null : keyProblem(privateKey, passphrase);
      const facts = { endpoint: endpointKey(endpoint), user: endpoint.user };
      fail(
        problem
          ? keyUnusable(problem, undefined, facts)
          : new KeyportError('auth-failed', `The SSH settings for ${userAtEndpoint(endpoint)} cannot be used: ${(error as Error).message}.`, facts),
      );
    }
  });
}

function checkHostKey(endpoint: SshEndpoint, key: Buffer, trustedKeys: ReadonlyMap<string, string>): KeyportError | undefined {
  const { fingerprint, keyType } = fingerprintOf(key);
  const where = endpointKey(endpoint);
  const expected = trustedKeys.get(where);
  if (expected === fingerprint) return undefined;
  if (expected === undefined) {
    return new KeyportError(
      'host-key-unknown',
      `${where} presents the host key ${keyType} ${fingerprint}, which Keyport has not accepted yet. ` +
        'Compare it with the server (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub) before accepting it.',
      { endpoint: where, fingerprint, keyType },
    );
  }
  return new KeyportError(
    'host-key-changed',
    `The host key of ${where} has CHANGED: Keyport accepted ${expected}, but the server now presents ${keyType} ${fingerprint}. ` +
      'This may be an attack (someone between you and the server); it may also be a reinstalled server. ' +
      'Keyport will not connect until you check the new key on the server and accept it.',
    { endpoint: where, expected, presented: fingerprint, keyType },
  );
}

function offline(endpoint: SshEndpoint, reason: string): KeyportError {
  return new KeyportError('server-offline', `Cannot reach ${userAtEndpoint(endpoint)}: ${reason}.`, {
    endpoint: endpointKey(endpoint),
    reason,
  });
}

function destroyAll(clients: readonly Client[]): void {
  for (const client of clients) client.destroy();
}

export function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
