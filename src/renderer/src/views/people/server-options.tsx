import type { ServerInfo } from '../../../../shared/contract/servers.ts';
import { unreachableWhy, type ServerReach } from './server-reach.ts';

/** A select's servers: the ones that cannot be reached now are there, not choosable, saying why. */
export function ServerOptions({ servers, reach }: { servers: readonly ServerInfo[]; reach: Readonly<Record<string, ServerReach>> }) {
  return servers.map((server) => {
    const why = unreachableWhy(reach[server.id]);
    return (
      <option key={server.id} value={server.id} disabled={why !== undefined} title={why}>
        {server.name}
        {why ? ` (${why})` : ''}
      </option>
    );
  });
}
