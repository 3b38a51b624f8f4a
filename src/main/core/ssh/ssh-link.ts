import type { Client } from 'ssh2';
import { KeyportError, isKeyportError, type KeyportErrorCode } from '../../../shared/contract/errors.ts';
import type { HostKeyProbe } from '../../../shared/contract/servers.ts';
import type { RemoteHost } from './remote-host.ts';
import { captureHostKey, connectRoute } from './ssh-connect.ts';
import { execRemote } from './ssh-exec.ts';
import { SshRemoteHost } from './ssh-remote-host.ts';

/**
 * Removes this user's upload staging files (SshRemoteHost.upload's mktemp names) that nothing has
 * written for 2 minutes: a live upload writes its file all the time, so only ones a cut link left
 * are old. A deploy's lock step also removes them at once. Its own failure never fails a connection.
 */
const SWEEP_ABANDONED_UPLOADS =
  'find "${TMPDIR:-/tmp}/" -maxdepth 1 -type f -name \'keyport-upload.??????\' -user "$(id -u)" -mmin +2 -exec rm -f {} + 2>/dev/null || :';

/** Secrets: they go to ssh2 and nowhere else (no message, no log). */
export interface SshCredentials {
  privateKey?: Buffer | string;
  passphrase?: string;
  agentSocket?: string;
  password?: string;
}

export interface SshEndpoint {
  host: string;
  port: number;
  user: string;
}

export interface SshLinkOptions {
  endpoint: SshEndpoint;
  /** ProxyJump hops, in order; each authenticates with the same credentials. */
  jumps?: SshEndpoint[];
  credentials: SshCredentials;
  /** "host:port" -> accepted SHA256 fingerprint, for the endpoint and every hop. Read at each connection. */
  trustedKeys: ReadonlyMap<string, string>;
  /** Default 10 s; three unanswered keepalives drop the connection. */
  keepaliveIntervalMs?: number;
  /** Bounds each connection attempt, all hops included. Default 8 s. */
  connectTimeoutMs?: number;
  /** Wait after a failed attempt, doubling per failure; default 1 s up to 30 s. */
  backoff?: { initialMs: number; maxMs: number };
}

export type SshLinkState = 'idle' | 'connecting' | 'ready' | 'offline';

const defaultKeepaliveIntervalMs = 10_000;
const keepaliveCountMax = 3;
const defaultConnectTimeoutMs = 8_000;
const defaultBackoff = { initialMs: 1_000, maxMs: 30_000 };
const gracefulEndMs = 1_000;
/** Failures no retry would change: the next call tries again at once, and they say no "tries again". */
const WAITS_FOR_THE_ADMIN: ReadonlySet<KeyportErrorCode> = new Set(['host-key-unknown', 'host-key-changed', 'ssh-key-unusable']);

/**
 * The one SSH connection to one server, shared by every caller. It connects on first use, drops a
 * connection that closes and reconnects on the next call. After a failed attempt it answers at once
 * with the failure until its backoff has passed, so no caller waits on a server that is down.
 */
export class SshLink {
  readonly #options: SshLinkOptions;
  readonly #label: string;
  readonly #backoff: { initialMs: number; maxMs: number };
  /** Jump hosts first, the target last. */
  #clients: Client[] | undefined;
  #attempt: Promise<Client> | undefined;
  #abortAttempt: AbortController | undefined;
  #remoteHost: SshRemoteHost | undefined;
  #connectionsMade = 0;
  #failure: KeyportError | undefined;
  #retryAt = 0;
  #nextBackoffMs: number;

  constructor(options: SshLinkOptions) {
    this.#options = options;
    const { user, host, port } = options.endpoint;
    this.#label = `${user}@${host}:${port}`;
    this.#backoff = options.backoff ?? defaultBackoff;
    this.#nextBackoffMs = this.#backoff.initialMs;
  }

  /** Connections that reached the point of running commands, over the link's life. */
  get connectionsMade(): number {
    return this.#connectionsMade;
  }

  get state(): SshLinkState {
    if (this.#clients) return 'ready';
    if (this.#attempt) return 'connecting';
    return this.#failure ? 'offline' : 'idle';
  }

  /** The server, connected. The same object every time; it reconnects by itself when used later. */
  async host(): Promise<RemoteHost> {
    await this.#connection();
    return this.#remoteHost!;
  }

  /** Ends the connection (or the attempt under way). A later call connects again. */
  async close(): Promise<void> {
    this.#abortAttempt?.abort();
    const clients = this.#clients;
    this.#clients = undefined;
    this.#failure = undefined;
    this.#retryAt = 0;
    this.#nextBackoffMs = this.#backoff.initialMs;
    await this.#attempt?.catch(() => undefined);
    if (clients) await endAll(clients);
  }

  #connection(): Promise<Client> {
    if (this.#clients) return Promise.resolve(this.#clients.at(-1)!);
    if (this.#attempt) return this.#attempt;
    const waitMs = this.#retryAt - Date.now();
    if (this.#failure && waitMs > 0) return Promise.reject(retryLater(this.#failure, waitMs));
    const attempt = this.#connect().finally(() => {
      if (this.#attempt === attempt) this.#attempt = undefined;
    });
    this.#attempt = attempt;
    return attempt;
  }

  async #connect(): Promise<Client> {
    const { endpoint, jumps = [], credentials, trustedKeys } = this.#options;
    const connectTimeoutMs = this.#options.connectTimeoutMs ?? defaultConnectTimeoutMs;
    const abort = new AbortController();
    this.#abortAttempt = abort;
    let clients: Client[] = [];
    const destroyOnAbort = () => clients.forEach((client) => client.destroy());
    abort.signal.addEventListener('abort', destroyOnAbort);
    try {
      clients = await connectRoute([...jumps, endpoint], {
        credentials,
        trustedKeys,
        timeoutMs: connectTimeoutMs,
        keepaliveIntervalMs: this.#options.keepaliveIntervalMs ?? defaultKeepaliveIntervalMs,
        keepaliveCountMax,
        signal: abort.signal,
      });
      const target = clients.at(-1)!;
      // One command per connection: who we are, and the staging files a cut link left behind.
      const id = await execRemote(target, `id -u; ${SWEEP_ABANDONED_UPLOADS}`, { label: this.#label, summary: '`id -u`', timeoutMs: connectTimeoutMs });
      // The user never changes, so neither does whether it is root.
      if (!this.#remoteHost) {
        this.#remoteHost = new SshRemoteHost({
          label: this.#label,
          user: endpoint.user,
          host: endpoint.host,
          asRoot: id.exitCode === 0 && id.stdout.split('\n')[0]?.trim() === '0',
          connection: () => this.#connection(),
          openTimeoutMs: connectTimeoutMs,
        });
      }
      if (abort.signal.aborted) throw new KeyportError('server-offline', `${this.#label}: the link was closed while connecting`);
      for (const client of clients) client.once('close', () => this.#dropped(clients));
      this.#clients = clients;
      this.#connectionsMade += 1;
      this.#failure = undefined;
      this.#retryAt = 0;
      this.#nextBackoffMs = this.#backoff.initialMs;
      return target;
    } catch (error) {
      destroyOnAbort();
      if (abort.signal.aborted) throw error;
      throw this.#failed(error);
    } finally {
      abort.signal.removeEventListener('abort', destroyOnAbort);
      if (this.#abortAttempt === abort) this.#abortAttempt = undefined;
    }
  }

  /**
   * Records a failed attempt and starts its backoff. A host key problem or an unusable key file
   * waits for the admin, not a timer: it is said as it is, with no "tries again".
   */
  #failed(error: unknown): KeyportError {
    const failure = isKeyportError(error)
      ? error
      : new KeyportError('server-offline', `Cannot reach ${this.#label}: ${(error as Error).message}.`, { endpoint: this.#label });
    this.#failure = failure;
    if (WAITS_FOR_THE_ADMIN.has(failure.code)) return failure;
    const waitMs = this.#nextBackoffMs;
    this.#retryAt = Date.now() + waitMs;
    this.#nextBackoffMs = Math.min(waitMs * 2, this.#backoff.maxMs);
    return retryLater(failure, waitMs);
  }

  #dropped(clients: Client[]): void {
    if (this.#clients !== clients) return;
    this.#clients = undefined;
    for (const client of clients) client.destroy();
  }
}

/**
 * Connects far enough to see `endpoint`'s host key and hangs up before logging in. Jump hosts are
 * logged in to, so they need `credentials` and must be in `trustedKeys` already.
 */
export async function probeHostKey(
  endpoint: SshEndpoint,
  options: { jumps?: SshEndpoint[]; credentials?: SshCredentials; trustedKeys?: ReadonlyMap<string, string>; connectTimeoutMs?: number } = {},
): Promise<HostKeyProbe> {
  return captureHostKey(endpoint, options.jumps ?? [], {
    credentials: options.credentials ?? {},
    trustedKeys: options.trustedKeys ?? new Map(),
    timeoutMs: options.connectTimeoutMs ?? defaultConnectTimeoutMs,
    keepaliveIntervalMs: 0,
    keepaliveCountMax,
  });
}

/**
 * The failure again, with when the link tries next as a fact: a message that said "in 8 s" would
 * still say it when shown a minute later. Each face tells the wait its own way (the window counts it down).
 */
function retryLater(failure: KeyportError, waitMs: number): KeyportError {
  return new KeyportError(failure.code, failure.message, { ...failure.facts, retryInMs: waitMs });
}

function endAll(clients: readonly Client[]): Promise<unknown> {
  return Promise.all(
    clients.toReversed().map(
      (client) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            client.destroy();
            resolve();
          }, gracefulEndMs);
          client.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          client.end();
        }),
    ),
  );
}
