import { KeyportError } from '../../../shared/contract/errors.ts';
import type { ServerInfo } from '../../../shared/contract/servers.ts';
import type { ConsoleCache } from '../cache/console-cache.ts';

/** Finds a server by id or name; `not-found` names the one asked for as `unknownServer`. */
export function findServer(cache: ConsoleCache, server: string): ServerInfo {
  const found = cache.findServer(server);
  if (!found) throw new KeyportError('not-found', `no server named "${server}"`, { unknownServer: server });
  return found;
}
