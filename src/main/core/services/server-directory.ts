import { KeyportError } from '../../../shared/contract/errors.ts';
import type { ServerInfo } from '../../../shared/contract/servers.ts';
import type { ConsoleCache } from '../cache/console-cache.ts';

/** Finds a server by id or name, or says how to see the ones there are. */
export function findServer(cache: ConsoleCache, server: string): ServerInfo {
  const found = cache.findServer(server);
  if (!found) throw new KeyportError('not-found', `no server "${server}": keyport server list shows the servers`, { server });
  return found;
}
