import { KeyportError } from '../../../shared/contract/errors.ts';
import type { ServerInfo } from '../../../shared/contract/servers.ts';
import type { Cached } from '../../../shared/contract/services.ts';
import type { AgentClient } from '../agent-client/agent-client.ts';
import type { ConsoleCache } from '../cache/console-cache.ts';
import type { KindHolding, SnapshotRef } from '../cache/snapshot-kinds.ts';
import { findServer } from './server-directory.ts';
import type { ServerSessions } from './server-sessions.ts';

/** One read of a server through the cache, declared once its server is found. */
export interface CachedRead<T> {
  /** The snapshot this read keeps; none when `mirror` and `fallback` cover it. */
  snapshot?: SnapshotRef<KindHolding<T>>;
  fetch: (client: AgentClient) => Promise<T>;
  /** Also files the fresh data into the structured tables (keys, days, months). */
  mirror?: (data: T, syncedAt: string) => void;
  /** Answers from structured tables when no snapshot of this exact read exists. */
  fallback?: () => Cached<T> | null;
}

/** One change on a server, declared once its server is found. */
export interface ServerWrite<T> {
  send: (client: AgentClient) => Promise<T>;
  /** Files what the server now holds into the cache, in one transaction. */
  record?: (result: T, syncedAt: string) => void;
  /** The error an agent's refusal deserves when it can say more than the agent did; undefined passes it on. */
  refusal?: (error: KeyportError) => KeyportError | undefined;
}

/** The envelope's data of an agent answer that has one. */
export const dataOf = <T>(answer: { data: T }): T => answer.data;

/**
 * How every service method reaches one server: found by id or name, called through its session's
 * agent client, with the cache kept in step. Each method declares only what is its own.
 */
export class ServerCalls {
  readonly #cache: ConsoleCache;
  readonly #sessions: Pick<ServerSessions, 'client'>;

  constructor(cache: ConsoleCache, sessions: Pick<ServerSessions, 'client'>) {
    this.#cache = cache;
    this.#sessions = sessions;
  }

  /**
   * A read that goes to the server and mirrors what it got into the cache, or, when the server is
   * offline, answers from the cache with the time the data was fetched.
   */
  async read<T>(serverName: string, declare: (server: ServerInfo) => CachedRead<T>): Promise<Cached<T>> {
    const server = findServer(this.#cache, serverName);
    const read = declare(server);
    // KindHolding<T> admits only the kinds whose data is T, which TypeScript cannot follow inside a generic.
    const snapshots = this.#cache as unknown as ConsoleCache<Record<KindHolding<T>, T>>;
    try {
      const data = await read.fetch(await this.#sessions.client(server));
      const syncedAt = new Date().toISOString();
      this.#cache.batch(() => {
        if (read.snapshot) snapshots.putSnapshot(server.id, ...read.snapshot, data, syncedAt);
        read.mirror?.(data, syncedAt);
        this.#cache.markSynced(server.id, syncedAt);
      });
      return { data, source: 'live', syncedAt };
    } catch (error) {
      if (!(error instanceof KeyportError) || error.code !== 'server-offline') throw error;
      const snapshot = read.snapshot && snapshots.getSnapshot(server.id, ...read.snapshot);
      if (snapshot) return { data: snapshot.data, source: 'cache', syncedAt: snapshot.syncedAt };
      const derived = read.fallback?.();
      if (derived) return derived;
      throw new KeyportError('server-offline', `${server.name} is offline and this view was not cached before (${error.message})`, error.facts);
    }
  }

  /**
   * A change, which needs the server: one that cannot be reached, before or during the call, gets
   * a clear error instead of a queued change, and the cache is left as it was.
   */
  async write<T>(serverName: string, declare: (server: ServerInfo) => ServerWrite<T>): Promise<T> {
    const server = findServer(this.#cache, serverName);
    const write = declare(server);
    let result: T;
    try {
      result = await write.send(await this.#sessions.client(server));
    } catch (error) {
      const refusal = error instanceof KeyportError ? write.refusal?.(error) : undefined;
      if (refusal) throw refusal;
      offlineWrite(server, error);
    }
    const { record } = write;
    if (record) {
      const syncedAt = new Date().toISOString();
      this.#cache.batch(() => record(result, syncedAt));
    }
    return result;
  }

  /** A call whose answer is neither cached nor a change (a check made now): errors pass on as they are. */
  async check<T>(serverName: string, send: (client: AgentClient, server: ServerInfo) => Promise<T>): Promise<T> {
    const server = findServer(this.#cache, serverName);
    return send(await this.#sessions.client(server), server);
  }
}

/** Writes need the server: an offline one gets a clear error instead of a queued change. */
function offlineWrite(server: ServerInfo, error: unknown): never {
  if (error instanceof KeyportError && error.code === 'server-offline') {
    throw new KeyportError('server-offline', `${server.name} is offline, and changes need it online; nothing was changed. (${error.message})`, error.facts);
  }
  throw error;
}
