import type { Cached } from '../../../shared/contract/services.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';
import type { ConsoleCache } from '../cache/console-cache.ts';
import type { ServerInfo } from '../../../shared/contract/servers.ts';

export interface ReadThrough<T> {
  server: ServerInfo;
  /** Names the snapshot this read keeps in the cache; none when `mirror` and `fallback` cover it. */
  snapshot?: { kind: string; scope: string };
  fetch: () => Promise<T>;
  /** Also files the fresh data into the structured tables (keys, days, months). */
  mirror?: (data: T, syncedAt: string) => void;
  /** Answers from structured tables when no snapshot of this exact read exists. */
  fallback?: () => Cached<T> | null;
}

/**
 * A read that goes to the server and mirrors what it got into the cache, or, when the server is
 * offline, answers from the cache with the time the data was fetched.
 */
export async function readThrough<T>(cache: ConsoleCache, read: ReadThrough<T>): Promise<Cached<T>> {
  try {
    const data = await read.fetch();
    const syncedAt = new Date().toISOString();
    cache.batch(() => {
      if (read.snapshot) cache.putSnapshot(read.server.id, read.snapshot.kind, read.snapshot.scope, data, syncedAt);
      read.mirror?.(data, syncedAt);
      cache.markSynced(read.server.id, syncedAt);
    });
    return { data, source: 'live', syncedAt };
  } catch (error) {
    if (!(error instanceof KeyportError) || error.code !== 'server-offline') throw error;
    const snapshot = read.snapshot && cache.getSnapshot<T>(read.server.id, read.snapshot.kind, read.snapshot.scope);
    if (snapshot) return { data: snapshot.data, source: 'cache', syncedAt: snapshot.syncedAt };
    const derived = read.fallback?.();
    if (derived) return derived;
    throw new KeyportError('server-offline', `${read.server.name} is offline and this view was not cached before (${error.message})`, error.facts);
  }
}

/**
 * Writes need the server: an offline one gets a clear error instead of a queued change. `write`
 * covers reaching the server as well as the call, so a server that cannot be reached at all says
 * the same as one that drops mid-call.
 */
export async function offlineWrite<T>(server: ServerInfo, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof KeyportError && error.code === 'server-offline') {
      throw new KeyportError('server-offline', `${server.name} is offline, and changes need it online; nothing was changed. (${error.message})`, error.facts);
    }
    throw error;
  }
}
