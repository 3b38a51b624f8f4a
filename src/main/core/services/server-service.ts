import type { ConsoleCache } from '../cache/console-cache.ts';
import { ServerCalls } from './server-calls.ts';
import type { ServerSessions } from './server-sessions.ts';

/** A service whose methods are declarations over `calls`, with `cache` for what they file there themselves. */
export abstract class ServerService {
  protected readonly cache: ConsoleCache;
  protected readonly calls: ServerCalls;

  constructor(cache: ConsoleCache, sessions: Pick<ServerSessions, 'client'>) {
    this.cache = cache;
    this.calls = new ServerCalls(cache, sessions);
  }
}
